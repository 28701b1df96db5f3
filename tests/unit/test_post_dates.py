"""Dates are shown in the post's own zone, cold and warm; order is by the real instant."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.cache import CACHE_VERSION, MetadataCache
from reader.cli import main
from reader.library import Library, Post, load_library
from reader.render import metadata_line

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "yaml"
# date: "2018-02-19 20:48:09 -0500": the 19th where it was written, the 20th in UTC.
MEET = "2018-02-19-meet-jekyll-s-new-lead-developer.markdown"
# date: 2020-05-27 15:20:30 +0530 (a string to YAML, which wants +05:30 in a timestamp)
JEKYLL = "2020-05-27-jekyll-4-1-0-released.markdown"


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """Two real Jekyll posts and two made-up ones whose order differs from their dates."""
    folder = tmp_path / "posts"
    folder.mkdir()
    for name in (MEET, JEKYLL):
        shutil.copyfile(CORPUS / name, folder / name)
    # Late on the 1st in New York is 04:00 UTC on the 2nd: newer than 01:00 UTC on the 2nd.
    (folder / "ny.md").write_text("---\ntitle: New York\ndate: 2021-01-01 23:00:00 -0500\n---\n")
    (folder / "london.md").write_text("---\ntitle: London\ndate: 2021-01-02T01:00:00Z\n---\n")
    # The issue's own example, as a YAML timestamp with a colon in the offset.
    timestamp = "---\ntitle: Timestamp\ndate: 2014-03-27 22:43:48 -04:00\n---\n"
    (folder / "yaml.md").write_text(timestamp)
    return folder


def scan(posts: Path, cache_dir: Path) -> tuple[Library, list[Post] | None]:
    """Load the library through the metadata cache, as the reader does at each start."""
    cache = MetadataCache.for_root(cache_dir, posts)
    before = cache.load()
    library = load_library(posts, cache)
    cache.retain(library.posts)
    cache.save()
    return library, before


def shown(post: Post) -> str:
    """The date the article header shows."""
    return metadata_line(post.date, None, (), None)


EXPECTED = [
    ("New York", "2021-01-01", "2021-01-01T23:00:00-05:00"),
    ("London", "2021-01-02", "2021-01-02T01:00:00+00:00"),
    ("Jekyll 4.1.0 Released", "2020-05-27", "2020-05-27T15:20:30+05:30"),
    ("Meet Jekyll's New Lead Developer", "2018-02-19", "2018-02-19T20:48:09-05:00"),
    ("Timestamp", "2014-03-27", "2014-03-27T22:43:48-04:00"),
]


def test_dates_are_shown_as_written_cold_and_warm(posts: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold, before = scan(posts, cache_dir)
    assert before is None
    got = [(post.title, shown(post), post.date and post.date.isoformat()) for post in cold.posts]
    assert got == EXPECTED  # newest instant first: New York's 23:00 -0500 is after London
    warm, cached = scan(posts, cache_dir)
    assert cached is not None
    for posts_seen in (cached, warm.posts):  # the list shown at once, then the scan's
        got = [(p.title, shown(p), p.date and p.date.isoformat()) for p in posts_seen]
        assert got == EXPECTED


def test_a_cache_from_before_offsets_were_kept_is_rebuilt(posts: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    scan(posts, cache_dir)
    cache = MetadataCache.for_root(cache_dir, posts)
    header, rows = (json.loads(line) for line in cache.file.read_text().splitlines())

    def write(version: int) -> None:
        """The cache file with this version and rows."""
        lines = [json.dumps({**header, "version": version}), json.dumps(rows)]
        cache.file.write_text("\n".join(lines) + "\n")

    rows[0][5] = 1609560000.0  # a version-3 timestamp: offset lost
    write(3)
    assert cache.load() is None
    rows[0][5] = "2021-01-01T23:00:00"  # no offset: not trusted either
    write(CACHE_VERSION)
    assert cache.load() is None


def test_reader_list_and_export_give_the_date_as_written(
    posts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    assert main(["list", str(posts), "--json", "--state", str(state)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["title"], row["date"]) for row in rows] == [
        (title, iso) for title, _, iso in EXPECTED
    ]
    meet = next(row["id"] for row in rows if row["title"].startswith("Meet"))
    assert main(["mark", meet, str(posts), "--bookmark", "--state", str(state)]) == 0
    capsys.readouterr()
    assert main(["export", "bookmarks", str(posts), "--format", "md", "--state", str(state)]) == 0
    assert " — 2018-02-19 — " in capsys.readouterr().out
