"""The metadata cache: a warm start reuses it, and it never hides a change on disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cache import MetadataCache
from reader.library import load_library


def write_post(folder: Path, name: str, title: str, date: str = "2024-01-01") -> Path:
    """Write a small post with a title and a date."""
    path = folder / name
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\nBody of {title}.\n")
    return path


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """A library of three posts."""
    folder = tmp_path / "posts"
    folder.mkdir()
    write_post(folder, "a.md", "Alpha", "2024-01-03")
    write_post(folder, "b.md", "Beta", "2024-01-02")
    write_post(folder, "c.md", "Gamma", "2024-01-01")
    return folder


def scan(posts: Path, cache_dir: Path) -> tuple[list[str], list[str] | None]:
    """Load the library through the cache; (titles now, titles the cache held before)."""
    cache = MetadataCache.for_root(cache_dir, posts)
    before = cache.load()
    library = load_library(posts, cache)
    cache.retain(library.posts)
    cache.save()
    return [p.title for p in library.posts], None if before is None else [p.title for p in before]


def test_a_warm_start_shows_the_cached_list_without_reading_files(
    posts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    assert scan(posts, cache_dir) == (["Alpha", "Beta", "Gamma"], None)
    import reader.library as library_module

    def no_read(*args: object) -> None:
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(library_module, "read_post", no_read)
    assert scan(posts, cache_dir) == (["Alpha", "Beta", "Gamma"], ["Alpha", "Beta", "Gamma"])


def test_an_added_file_is_noticed(posts: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    write_post(posts, "d.md", "Delta", "2024-02-01")
    titles, _ = scan(posts, cache_dir)
    assert titles == ["Delta", "Alpha", "Beta", "Gamma"]
    assert scan(posts, cache_dir)[1] == titles


def test_a_changed_file_is_read_again(posts: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    path = write_post(posts, "b.md", "Beta, revised", "2024-01-02")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    titles, _ = scan(posts, cache_dir)
    assert titles == ["Alpha", "Beta, revised", "Gamma"]


def test_a_deleted_file_drops_out(posts: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    (posts / "a.md").unlink()
    titles, _ = scan(posts, cache_dir)
    assert titles == ["Beta", "Gamma"]
    assert scan(posts, cache_dir)[1] == ["Beta", "Gamma"]


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"version": 2, "root": "x", "posts": []}trailing',
        b"[]",
        b'{"version": 99, "root": "ROOT", "posts": []}',
        b'{"version": 1, "root": "ROOT", "posts": '
        b'[["a.md", 1, 1, "a", "t", null, null, [], null, null]]}',
        b'{"version": 2, "root": "ROOT", "posts": '
        b'[["a.md", "big", 1, "a", "t", null, null, [], null, null, null]]}',
        b'{"version": 2, "root": "ROOT", "posts": '
        b'[["a.md", 1, 1, "a", "t", null, null, [], null, null, 7]]}',
        b'{"version": 2, "root": "ROOT", "posts": '
        b'[["../../etc/passwd", 1, 1, "a", "t", null, null, [], null, null, null]]}',
        b'{"version": 2, "root": "ROOT", "posts": [[1, 2, 3]]}',
        b"\xff\xfe\x00garbage",
        # The lines of today's cache, each way they can be wrong:
        b'{"version": 5, "root": "ROOT", "rows": 1}\n[[1, 2, 3]]\n',
        b'{"version": 5, "root": "ROOT", "rows": 1}\n{"a.md": 1}\n',
        b'{"version": 5, "root": "ROOT", "rows": 1}\n[7]\n',
        b'{"version": 5, "root": "ROOT", "rows": 1}\n'
        b'[["a.md", 1, 1, "a", "t", null, null, [], null, null, null]',  # cut in a line
        b'{"version": 5, "root": "ROOT", "rows": 2}\n'  # cut after a line
        b'[["a.md", 1, 1, "a", "t", null, null, [], null, null, null]]\n',
        b'{"version": 5, "root": "ROOT"}\n'
        b'[["a.md", 1, 1, "a", "t", null, null, [], null, null, null]]\n',
        b'{"version": 5, "root": "ROOT", "rows": 1}\n'
        b'[["a.md", 1, 1, "a", "t", "2024-01-01T00:00:00", null, [], null, null, null]]\n',
        b'{"version": 5, "root": "ROOT", "rows": 0}\n' + b"[" * 100_000 + b"\n",
    ],
)
def test_a_broken_cache_is_rebuilt_never_trusted(
    posts: Path, tmp_path: Path, damage: bytes
) -> None:
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    cache_file = next(cache_dir.iterdir())
    cache_file.write_bytes(damage.replace(b"ROOT", str(posts).encode()))
    titles, before = scan(posts, cache_dir)
    assert before is None
    assert titles == ["Alpha", "Beta", "Gamma"]
    rebuilt = MetadataCache.for_root(cache_dir, posts).load()
    assert rebuilt is not None and [post.title for post in rebuilt] == ["Alpha", "Beta", "Gamma"]


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(posts: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    assert scan(posts, blocker)[0] == ["Alpha", "Beta", "Gamma"]


def test_the_feed_title_is_kept_in_the_cache(posts: Path, tmp_path: Path) -> None:
    (posts / "d.md").write_text('---\ntitle: Delta\nfeed: "Example Blog"\n---\n\nBody.\n')
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    cache = MetadataCache.for_root(cache_dir, posts)
    cached = cache.load()
    assert cached is not None
    assert {post.title: post.feed for post in cached} == {
        "Alpha": None,
        "Beta": None,
        "Gamma": None,
        "Delta": "Example Blog",
    }


def test_a_file_name_that_is_not_utf8_round_trips(posts: Path, tmp_path: Path) -> None:
    """A post named bad-<byte ff>.md is cached like any other: the warm start uses the cache
    (it was thrown away at every start), with the same path, id and title."""
    bad = os.path.join(os.fsencode(posts), b"bad-\xff.md")
    with open(bad, "wb") as handle:
        handle.write(b"x\n")
    cache_dir = tmp_path / "cache"
    titles, _ = scan(posts, cache_dir)
    assert "bad \ufffd" in titles
    cache = MetadataCache.for_root(cache_dir, posts)
    cached = cache.load()
    assert cached is not None
    assert cached == load_library(posts).posts
    [post] = [post for post in cached if post.title == "bad \ufffd"]
    assert os.fsencode(post.file) == bad and post.id == "bad-\\xff.md"


@pytest.mark.parametrize("damage", [b"[" * 100_000, b'{"a":' * 100_000], ids=["list", "object"])
def test_a_cache_nested_too_deeply_is_rebuilt(posts: Path, tmp_path: Path, damage: bytes) -> None:
    """`[` x 100,000 (JSON the parser cannot nest so deep) is a broken cache, not a crash at
    every start: it is rebuilt."""
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    cache_file = next(cache_dir.iterdir())
    cache_file.write_bytes(damage)
    titles, before = scan(posts, cache_dir)
    assert before is None
    assert titles == ["Alpha", "Beta", "Gamma"]
    assert scan(posts, cache_dir)[1] == ["Alpha", "Beta", "Gamma"]


def test_a_large_cache_is_written_and_read_in_lines(tmp_path: Path) -> None:
    """Thousands of rows go in lines of CHUNK_ROWS (never all in memory as one JSON text)
    and come back as they were, in order."""
    from reader.cache import CHUNK_ROWS

    folder = tmp_path / "many"
    folder.mkdir()
    count = 2 * CHUNK_ROWS + 7
    for number in range(count):
        write_post(folder, f"p{number:05d}.md", f"Post {number:05d}", "2020-01-01")
    cache_dir = tmp_path / "cache"
    titles, _ = scan(folder, cache_dir)
    cache = MetadataCache.for_root(cache_dir, folder)
    lines = cache.file.read_bytes().splitlines()
    assert [len(json.loads(line)) for line in lines[1:]] == [CHUNK_ROWS, CHUNK_ROWS, 7]
    cached = cache.load()
    assert cached == load_library(folder).posts and [p.title for p in cached] == titles


def test_a_large_librarys_first_screenful_is_read_on_its_own(tmp_path: Path) -> None:
    from reader.cache import HEAD_ROWS

    folder = tmp_path / "many"
    folder.mkdir()
    for day in range(3 * HEAD_ROWS):
        write_post(folder, f"p{day:04d}.md", f"Post {day:04d}", f"20{10 + day // 300}-01-01")
    cache_dir = tmp_path / "cache"
    titles, _ = scan(folder, cache_dir)
    cache = MetadataCache.for_root(cache_dir, folder)
    head = cache.load_head()
    assert head is not None and [post.title for post in head] == titles[:HEAD_ROWS]
    assert cache.head_file.stat().st_size * 2 < cache.file.stat().st_size
    assert cache.entries == {}  # reading the head did not read the whole cache


def test_a_small_library_has_no_head_file(posts: Path, tmp_path: Path) -> None:
    scan(posts, tmp_path / "cache")
    cache = MetadataCache.for_root(tmp_path / "cache", posts)
    assert cache.load_head() is None and not cache.head_file.exists()
    assert cache.load() is not None


def test_a_cache_write_that_fails_midway_keeps_the_old_cache(
    posts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is written a line at a time; a failure while making a line leaves the
    cache as it was, and no temporary file behind."""
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    before = {path.name: path.read_bytes() for path in cache_dir.iterdir()}
    write_post(posts, "d.md", "Delta", "2024-02-01")
    import reader.cache as cache_module

    def broken(value: object) -> bytes:
        if isinstance(value, list):
            raise ValueError("cannot make this line")
        return json.dumps(value).encode() + b"\n"

    monkeypatch.setattr(cache_module, "_json_line", broken)
    scan(posts, cache_dir)
    assert {path.name: path.read_bytes() for path in cache_dir.iterdir()} == before
