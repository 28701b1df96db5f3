"""The first rows of a library, read in a thread while the app starts (reader.first_screen)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import first_screen
from reader.cache import MetadataCache
from reader.first_screen import FirstScreen, first_rows
from reader.library import FIRST_SCREEN, load_library
from reader.paths import cache_dir
from tests.conftest import ARTICLES


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own user cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "posts"
    shutil.copytree(ARTICLES, target)
    return target


def _warm(folder: Path) -> list[str]:
    """Read the library once with its cache, as the app does; the titles in order."""
    cache = MetadataCache.for_root(cache_dir(), folder)
    library = load_library(folder, cache)
    cache.retain(library.posts)
    cache.save()
    return [post.title for post in library.posts]


def test_a_small_folder_read_cold_lists_every_post_in_order(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rows = first_rows(folder, scan=False)
    assert rows is not None
    assert [p.title for p in rows] == [p.title for p in load_library(folder).posts]


def test_a_warm_start_lists_the_cached_rows_without_reading_a_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    titles = _warm(folder)

    def no_reading(*_args: object) -> object:
        raise AssertionError("a post file was read")

    monkeypatch.setattr(first_screen, "load_library", no_reading)
    rows = first_rows(folder, scan=False)
    assert rows is not None and [p.title for p in rows] == titles


def test_a_large_cached_library_gives_its_head_file(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    count = 3 * FIRST_SCREEN
    for n in range(count):
        (folder / f"post-{n:04d}.md").write_text(f"---\ntitle: Post {n:04d}\n---\nBody\n")
    titles = _warm(folder)
    rows = first_rows(folder, scan=False)
    assert rows is not None
    assert len(rows) < count  # only the first screenful, not all the rows
    assert [p.title for p in rows] == titles[: len(rows)]


def test_no_quick_list_for_a_large_or_nested_folder_read_cold(tmp_path: Path) -> None:
    large = tmp_path / "large"
    large.mkdir()
    for n in range(2 * FIRST_SCREEN + 1):
        (large / f"post-{n:04d}.md").write_text(f"# Post {n}\n")
    assert first_rows(large, scan=False) is None  # a thread does not scan a large folder
    nested = _copy(tmp_path)
    (nested / "more").mkdir()
    assert first_rows(nested, scan=False) is None


def test_a_scan_of_a_large_folder_read_cold_gives_its_newest_named_screenful(
    tmp_path: Path,
) -> None:
    large = tmp_path / "large"
    large.mkdir()
    count = 2 * FIRST_SCREEN + 50
    for n in range(count):
        day = f"2020-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        name = f"{2000 + n // 336}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}-post-{n:04d}.md"
        (large / name).write_text(f"---\ntitle: Post {n:04d}\ndate: {day}\n---\nBody\n")
    rows = first_rows(large, scan=True)
    assert rows is not None and len(rows) == FIRST_SCREEN
    newest_named = sorted((p.name for p in large.iterdir()), reverse=True)[:FIRST_SCREEN]
    assert sorted(Path(p.file).name for p in rows) == sorted(newest_named)
    dates = [p.date for p in rows]
    assert dates == sorted(dates, reverse=True)  # listed in the library's order


def test_a_single_threaded_reader_reads_the_first_rows_in_a_child_process(
    tmp_path: Path,
) -> None:
    """The way the reader command starts: no other thread yet, so a child reads the rows."""
    folder = _copy(tmp_path)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from reader.first_screen import FirstScreen\n"
        "early = FirstScreen(Path(sys.argv[1]))\n"
        "early.start()\n"
        "deadline = time.monotonic() + 30\n"
        "while not early.done and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "rows = early.take() or []\n"
        "print(early.forked, len(rows))\n"
        "print(*(row.title for row in rows), sep='\\n')\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True, text=True, timeout=60, env=env, check=True,
    )
    lines = done.stdout.splitlines()
    expected = [p.title for p in load_library(folder).posts]
    assert lines[0] == f"True {len(expected)}"
    assert lines[1:] == expected
    assert done.stderr == ""


def _finished(early: FirstScreen) -> FirstScreen:
    deadline = time.monotonic() + 10
    while not early.done:
        assert time.monotonic() < deadline, "the first-screen thread never finished"
        time.sleep(0.01)
    return early


def test_a_missing_library_or_a_broken_cache_gives_nothing_and_raises_nothing(
    tmp_path: Path,
) -> None:
    early = FirstScreen(tmp_path / "gone")
    early.start()
    assert _finished(early).take() is None
    folder = _copy(tmp_path)
    _warm(folder)
    MetadataCache.for_root(cache_dir(), folder).file.write_text("[[[", encoding="utf-8")
    assert first_rows(folder, scan=False) is None


def test_the_rows_are_taken_once(tmp_path: Path) -> None:
    early = FirstScreen(_copy(tmp_path))
    early.start()
    rows = _finished(early).take()
    assert rows, "the first rows were never read"
    assert early.take() is None
