"""A large library is read in worker processes, with the same result as one thread."""

from __future__ import annotations

from pathlib import Path

import pytest

import reader.library as library_module
from reader import scan
from reader.cache import MetadataCache
from reader.library import load_library


def make_library(folder: Path, count: int) -> None:
    """Posts with dates, a duplicate id, a broken one and a binary one."""
    folder.mkdir()
    for number in range(count):
        day = 1 + number % 28
        text = f"---\ntitle: Post {number}\ndate: 2024-02-{day:02d}\n---\nBody {number}\n"
        (folder / f"post-{number:03d}.md").write_text(text)
    (folder / "dup-a.md").write_text("---\nid: same\ntitle: A\n---\n")
    (folder / "dup-b.md").write_text("---\nid: same\ntitle: B\n---\n")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    (folder / "binary.md").write_bytes(b"\0\1\2")


def test_processes_read_what_one_thread_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "posts"
    make_library(folder, 60)
    alone = load_library(folder)
    monkeypatch.setattr(library_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(scan, "CHUNK", 20)
    seen: list[tuple[int, int]] = []
    cache = MetadataCache.for_root(tmp_path / "cache", folder)
    spread = load_library(
        folder, cache, lambda done, total: seen.append((done, total)), spread=scan.read_rest
    )
    assert spread.posts == alone.posts
    assert [str(p) for p in spread.problems] == [str(p) for p in alone.problems]
    assert len(alone.problems) == 3  # the duplicate id, the broken and the binary file
    assert seen == [(20, 64), (40, 64), (60, 64), (64, 64)]  # after each chunk
    assert len(cache.entries) == 62  # the processes' posts went into the cache
    cache.retain(spread.posts)
    cache.save()
    again = MetadataCache.for_root(tmp_path / "cache", folder)
    again.load()
    assert load_library(folder, again, spread=scan.read_rest).posts == alone.posts
