"""`reader import SOURCE`: the kind comes from what SOURCE holds or serves, fetched once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.paths import feeds_dir
from tests.feeds_server import FeedServer, Reply, atom, rss
from tests.unit.feeds.test_commands import Capture, feeds_json, reader

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
<outline text="Tech"><outline text="Python">
  <outline type="rss" text="Blog" xmlUrl="{blog}"/>
</outline></outline>
<outline type="rss" text="News" xmlUrl="{news}"/>
<outline type="rss" text="Again" xmlUrl="{blog}"/>
<outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
</body></opml>
"""


def serve_two(server: FeedServer) -> tuple[str, str]:
    """A blog (RSS, 2 posts) and a news feed (Atom, 1 post)."""
    blog = server.route("/blog.xml", Reply(body=rss("Blog", [("a", "A", "a"), ("b", "B", "b")])))
    feed = atom("News", [("n", "N", "n")])
    news = server.route("/news.xml", Reply(body=feed, content_type="application/atom+xml"))
    return blog, news


def test_an_opml_url_subscribes_with_folders_as_tags_and_fetches_once(
    capsys: Capture, server: FeedServer
) -> None:
    blog, news = serve_two(server)
    opml = OPML.format(blog=blog, news=news).encode()
    url = server.route("/subs.opml", Reply(body=opml, content_type="text/x-opml"))
    status, out, err = reader(capsys, "import", url)
    assert status == 0
    assert out.splitlines()[:2] == [
        f"Subscribed to 2 feeds from {url}",
        "2 feeds: 3 new posts",
    ]
    assert out.splitlines()[2].startswith("Imported 3 new, 0 updated, 0 unchanged posts into")
    assert err == f"reader: {url}: skipped 'file:///etc/passwd': not an http(s) URL\n"
    assert server.counts["/subs.opml"] == 1  # detected and imported from one fetch
    rows = {row["url"]: row for row in feeds_json(capsys)}
    assert rows[blog]["tags"] == ["Tech/Python"] and rows[news]["tags"] == []
    assert (rows[blog]["total"], rows[news]["total"]) == (2, 1)
    # the same list again: nothing new, nothing lost
    status, out, err = reader(capsys, "import", url)
    assert status == 0 and out.startswith("Subscribed to 0 feeds from")
    assert len(feeds_json(capsys)) == 2 and len(list(feeds_dir().glob("*/*.md"))) == 3


def test_a_feed_url_is_imported_from_one_fetch(
    capsys: Capture, server: FeedServer, tmp_path: Path
) -> None:
    blog, _ = serve_two(server)
    status, out, err = reader(capsys, "import", blog, "--into", tmp_path / "out")
    assert (status, err) == (0, "")
    assert out.startswith("Imported 2 new, 0 updated, 0 unchanged posts into")
    assert server.counts["/blog.xml"] == 1


def test_a_page_that_names_its_feed_imports_the_feed(
    capsys: Capture, server: FeedServer, tmp_path: Path
) -> None:
    serve_two(server)
    page = (
        b'<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" '
        b'href="/news.xml"></head><body>hi</body></html>'
    )
    url = server.route("/", Reply(body=page, content_type="text/html"))
    status, out, err = reader(capsys, "import", url, "--into", tmp_path / "out")
    assert (status, err) == (0, "")
    assert out.startswith(f"Found the feed {server.url('/news.xml')}\nImported 1 new, 0 updated")
    assert (server.counts["/"], server.counts["/news.xml"]) == (1, 1)
    [post] = (tmp_path / "out").glob("*.md")
    assert 'feed: "News"' in post.read_text()
    page = b"<html><body>no feed</body></html>"
    bare = server.route("/bare", Reply(body=page, content_type="text/html"))
    assert reader(capsys, "import", bare) == (
        1, "", f"reader: {bare} is an HTML page that names no feed\n",
    )  # fmt: skip


def test_a_local_opml_file_is_found_by_its_content(
    capsys: Capture, server: FeedServer, tmp_path: Path
) -> None:
    blog, news = serve_two(server)
    path = tmp_path / "list.txt"  # the name says nothing
    path.write_text(OPML.format(blog=blog, news=news))
    status, out, _ = reader(capsys, "import", path, "--no-refresh")
    assert status == 0
    assert out.startswith(f"Subscribed to 2 feeds from {path}\nFetch their posts with: ")
    assert server.counts["/blog.xml"] == 0
    assert json.loads(reader(capsys, "feeds", "--json")[1])[0]["total"] == 0


def test_an_unreachable_url_is_one_line(capsys: Capture, server: FeedServer) -> None:
    url = server.route("/gone", Reply(status=404))
    status, out, err = reader(capsys, "import", url)
    assert (status, out) == (1, "")
    assert err.startswith(f"reader: cannot fetch {url}: HTTP 404") and err.count("\n") == 1


@pytest.mark.parametrize("kind", ["opml", "page"])
def test_the_new_kinds_have_their_own_help(capsys: Capture, kind: str) -> None:
    status, out, _ = reader(capsys, "import", kind, "--help")
    assert status == 0 and out.startswith(f"usage: reader import {kind} ")
