"""`reader subscribe | unsubscribe | feeds | refresh | export opml`, run as a user would."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from reader.cli import main
from reader.feeds.refresh import LOCK_NAME
from reader.paths import feeds_dir
from tests.feeds_server import FeedServer, Reply, rss

Capture = pytest.CaptureFixture[str]


def reader(capsys: Capture, *args: str | Path) -> tuple[int, str, str]:
    """Run `reader ARGS` in-process; (status, stdout, stderr), never a traceback."""
    status = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def feeds_json(capsys: Capture) -> list[dict[str, object]]:
    """`reader feeds --json`, parsed."""
    status, out, _ = reader(capsys, "feeds", "--json")
    assert status == 0
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def blog(server: FeedServer, *items: tuple[str, str, str]) -> str:
    """Serve an RSS feed called Blog with items at /blog.xml; its url."""
    return server.route("/blog.xml", Reply(body=rss("Blog", list(items)), etag='"v1"'))


def test_subscribe_refresh_feeds_and_unsubscribe(capsys: Capture, server: FeedServer) -> None:
    url = blog(server, ("a", "First", "<p>one</p>"), ("b", "Second", "<p>two</p>"))
    status, out, err = reader(capsys, "subscribe", url, "--tag", "tech", "--tag", "web")
    assert (status, err) == (0, "")
    ident = out.split("(")[1].split(")")[0]
    assert out == (
        f"Subscribed to Blog ({ident})\nFetch its posts with: reader refresh --feed {ident}\n"
    )
    assert reader(capsys, "subscribe", url)[0:2] == (1, "")
    status, out, err = reader(capsys, "refresh")
    assert (status, err, out) == (0, "", "1 feed: 2 new posts\n")
    [row] = feeds_json(capsys)
    assert row["title"] == "Blog" and row["url"] == url and row["tags"] == ["tech", "web"]
    assert (row["unread"], row["total"], row["last_error"]) == (2, 2, "")
    assert isinstance(row["last_fetched"], str)
    posts = sorted(feeds_dir().glob("*/*.md"))
    assert len(posts) == 2 and "feed: \"Blog\"" in posts[0].read_text()
    # `reader list` of the feeds library: a post read is no longer unread
    status, out, _ = reader(capsys, "list", "--json")
    listed = json.loads(out)
    assert {post["feed"] for post in listed} == {"Blog"}
    assert reader(capsys, "mark", listed[0]["id"], "--read")[0] == 0
    [row] = feeds_json(capsys)
    assert (row["unread"], row["total"]) == (1, 2)
    status, out, _ = reader(capsys, "feeds")
    assert out.startswith(f"{ident}     1/2    unread  fetched ") and "Blog  #tech  #web\n" in out
    # nothing is due an hour: a second refresh fetches nothing; --all asks with the ETag
    status, out, _ = reader(capsys, "refresh")
    assert status == 0 and out.startswith("no feeds are due (the next in 60 min")
    assert reader(capsys, "refresh", "--all")[1] == "1 feed: 0 new posts, 1 not modified\n"
    assert server.headers_of("/blog.xml")[-1].get("if-none-match") == '"v1"'
    status, out, _ = reader(capsys, "unsubscribe", ident)
    assert status == 0 and out.startswith(f"Unsubscribed from Blog ({ident}); its posts stay in")
    assert feeds_json(capsys) == [] and len(list(feeds_dir().glob("*/*.md"))) == 2


def test_a_failing_feed_is_named_and_the_exit_status_is_1_and_nothing_is_lost(
    capsys: Capture, server: FeedServer
) -> None:
    url = blog(server, ("a", "First", "<p>one</p>"))
    html = server.route("/page", Reply(status=503))  # down now: followed anyway
    assert reader(capsys, "subscribe", url)[0] == 0
    status, _, err = reader(capsys, "subscribe", html)
    assert status == 0
    assert err == (
        f"reader: cannot fetch {html}: HTTP 503 Service Unavailable; subscribed "
        "anyway (reader refresh tries again)\n"
    )
    server.route("/page", Reply(body=b"<html><body>hi</body></html>", content_type="text/html"))
    status, out, err = reader(capsys, "refresh")
    assert status == 1
    assert err == f"reader: {html}: not an RSS or Atom feed\n"
    assert out == f"2 feeds: 1 new post, 1 failed ({html})\n"
    server.route("/blog.xml", Reply(status=500))
    status, out, err = reader(capsys, "refresh", "--all")
    assert status == 1 and f"reader: Blog: cannot fetch {url}: HTTP 500" in err
    assert len(list(feeds_dir().glob("*/*.md"))) == 1  # the post fetched before stays
    rows = {row["url"]: row for row in feeds_json(capsys)}
    assert "500" in str(rows[url]["last_error"]) and rows[url]["total"] == 1


def test_bad_input_is_one_line(capsys: Capture) -> None:
    assert reader(capsys, "subscribe", "file:///etc/passwd") == (
        1, "", "reader: only http and https feeds can be followed: file:///etc/passwd; "
        "not subscribed\n",
    )  # fmt: skip
    assert reader(capsys, "unsubscribe", "nope") == (1, "", "reader: no subscription 'nope'\n")
    status, _, err = reader(capsys, "refresh", "--jobs", "0")
    assert status == 2 and "must be a whole number from 1 to 64" in err
    assert reader(capsys, "refresh") == (
        0, "", "reader: no subscriptions yet: reader subscribe URL, or reader import FILE.opml\n",
    )  # fmt: skip


def test_a_second_refresh_at_once_says_one_is_running(
    capsys: Capture, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.feeds.refresh as refresh_module

    monkeypatch.setattr(refresh_module, "LOCK_WAIT", 0.2)
    assert reader(capsys, "subscribe", blog(server, ("a", "A", "a")))[0] == 0
    feeds_dir().mkdir(parents=True)
    before = server.counts["/blog.xml"]
    with FileLock(feeds_dir() / LOCK_NAME):  # another process's refresh
        status, out, err = reader(capsys, "refresh")
    assert (status, out) == (1, "")
    assert err == f"reader: a refresh of {feeds_dir()} is already running\n"
    assert server.counts["/blog.xml"] == before
    assert threading.active_count() >= 1


def test_export_opml_reads_back_with_the_same_feeds_and_tags(
    capsys: Capture, server: FeedServer, tmp_path: Path
) -> None:
    url = blog(server, ("a", "A", "a"))
    assert reader(capsys, "subscribe", url, "--title", "My blog", "--tag", "Tech/Python")[0] == 0
    status, out, _ = reader(capsys, "export", "opml")
    assert status == 0 and f'xmlUrl="{url}"' in out and 'text="Tech"' in out
    target = tmp_path / "subs.opml"
    assert reader(capsys, "export", "opml", "--output", target)[0:2] == (0, "")
    assert reader(capsys, "unsubscribe", url)[0] == 0
    status, out, err = reader(capsys, "import", target)
    assert status == 0, err
    [row] = feeds_json(capsys)
    assert (row["url"], row["title"], row["tags"]) == (url, "My blog", ["Tech/Python"])
    assert row["total"] == 1  # subscribed, then a first refresh


def test_subscribing_to_a_page_follows_the_feed_it_names(
    capsys: Capture, server: FeedServer
) -> None:
    feed = blog(server, ("a", "First", "<p>one</p>"))
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/blog.xml">'
    home = server.route("/", Reply(body=page + b"</head></html>", content_type="text/html"))
    status, out, err = reader(capsys, "subscribe", home)
    assert out.startswith("Subscribed to Blog (")
    assert status == 0 and err == f"reader: found the feed {feed} on {home}\n"
    assert [row["url"] for row in feeds_json(capsys)] == [feed]
    bare = server.route("/bare", Reply(body=b"<html>no feed</html>", content_type="text/html"))
    assert reader(capsys, "subscribe", bare) == (
        1, "", f"reader: {bare} is an HTML page that names no feed; not subscribed\n",
    )  # fmt: skip
    opml = server.route("/l.opml", Reply(body=b"<opml version='2.0'><body/></opml>"))
    status, _, err = reader(capsys, "subscribe", opml)
    assert status == 1
    assert err == f"reader: {opml} is an OPML list: `reader import {opml}` follows its feeds\n"


def test_an_untitled_feed_that_fails_is_named_once(capsys: Capture, server: FeedServer) -> None:
    gone = server.route("/gone.xml", Reply(status=404))
    assert reader(capsys, "subscribe", gone)[0] == 0
    status, _, err = reader(capsys, "refresh")
    assert status == 1 and err == f"reader: cannot fetch {gone}: HTTP 404 Not Found\n"


def test_subscribe_full_text_brings_the_article_to_the_reader(
    capsys: Capture, server: FeedServer
) -> None:
    """The feed has a summary; the article (fetched at refresh, kept in .full/) is what
    the reader, the search index and `minutes` read."""
    from reader.library import load_library, read_body
    from tests.conftest import DATA

    page = (DATA / "fulltext" / "blog-post.html").read_bytes()
    server.route("/post", Reply(body=page, content_type="text/html"))
    items = [("post", "Why terminals still matter", "<p>Terminals have outlived [...]</p>")]
    feed = server.route("/blog.xml", Reply(body=rss("Blog", items, link=server.url("/"))))
    assert reader(capsys, "subscribe", feed, "--full-text")[0] == 0
    assert reader(capsys, "refresh")[0:2] == (0, "1 feed: 1 new post\n")
    [post] = load_library(feeds_dir()).posts
    assert "## Reading in a terminal" in read_body(post)
    assert "[...]" in post.path.read_text(encoding="utf-8")  # the excerpt is kept as it was
    assert feeds_json(capsys)[0]["full_text"] is True
