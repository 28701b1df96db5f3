"""OPML: nested outlines become tags, problems are one line each, export round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.feeds.opml import OpmlError, export_opml, http_loader, parse_opml, subscribe_all
from reader.feeds.subscriptions import Subscriptions
from tests.feeds_server import FeedServer, Reply

NESTED = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
 <outline text="Tech">
  <outline text="Python">
   <outline type="rss" text="Py &amp; Co" xmlUrl="http://py.example/feed"/>
  </outline>
  <outline type="rss" text="Hacker" xmlUrl="https://hn.example/rss" category="/News"/>
 </outline>
 <outline type="rss" text="Top" xmlUrl="http://top.example/atom"/>
 <outline type="rss" text="Again" xmlUrl="HTTP://PY.example:80/feed"/>
 <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
 <outline type="rss" text="Ftp" xmlUrl="ftp://x.example/f"/>
</body></opml>"""


def test_nested_outlines_become_tags_and_problems_are_one_line() -> None:
    result = parse_opml(NESTED, "subs.opml")
    assert [(feed.url, feed.title, feed.tags) for feed in result.feeds] == [
        ("http://py.example/feed", "Py & Co", ("Tech/Python",)),
        ("https://hn.example/rss", "Hacker", ("News", "Tech")),
        ("http://top.example/atom", "Top", ()),
    ]
    assert result.title == "Mine"
    assert len(result.problems) == 3
    assert all(line.startswith("subs.opml: skipped ") for line in result.problems)
    assert any("listed twice" in line for line in result.problems)
    assert any("file:///etc/passwd" in line and "http(s)" in line for line in result.problems)
    assert all("\n" not in line for line in result.problems)


def test_not_opml() -> None:
    with pytest.raises(OpmlError, match=r"x\.txt: not an OPML file"):
        parse_opml(b"just some text", "x.txt")


def test_subscribe_all_skips_the_feeds_already_followed() -> None:
    subs = Subscriptions()
    subs.add("http://top.example/atom")
    added, problems = subscribe_all(subs, parse_opml(NESTED, "subs.opml"))
    assert [feed.title for feed in added] == ["Py & Co", "Hacker"]
    assert any("already subscribed" in line for line in problems)
    assert len(subs) == 3


def test_export_round_trips_with_hostile_titles() -> None:
    subs = Subscriptions()
    hostile = '<b>"A" & \'B\'</b>'
    subs.add("http://a.example/feed?x=1&y=2", title=hostile, tags=["Tech/Python", "News"])
    subs.add("http://b.example/", title="Plain")
    subs.add("http://c.example/", tags=["Tech"])
    text = export_opml(subs)
    assert "&amp;" in text and "<b>" not in text
    back = parse_opml(text.encode("utf-8"), "out.opml")
    assert back.problems == []
    assert sorted((feed.url, feed.title, feed.tags) for feed in back.feeds) == sorted(
        (feed.url, feed.title or feed.url, feed.tags) for feed in subs
    )


def test_included_lists_are_followed_and_loops_reported(server: FeedServer) -> None:
    first = server.url("/a.opml")
    second = server.url("/b.opml")
    server.route("/a.opml", Reply(
        f'<opml version="2.0"><body><outline type="rss" xmlUrl="http://one.example/"/>'
        f'<outline type="include" url="{second}"/></body></opml>'.encode(),
        content_type="text/x-opml"))  # fmt: skip
    server.route("/b.opml", Reply(
        f'<opml version="2.0"><body><outline type="rss" xmlUrl="http://two.example/"/>'
        f'<outline type="include" url="{first}"/></body></opml>'.encode(),
        content_type="text/x-opml"))  # fmt: skip
    load = http_loader(timeout=5)
    result = parse_opml(load(first), first, load)
    assert [feed.url for feed in result.feeds] == ["http://one.example/", "http://two.example/"]
    assert result.problems == [f"{second}: skipped the list {first}: a loop"]
    assert server.counts == {"/a.opml": 1, "/b.opml": 1}
    unread = parse_opml(load(first), first)
    assert unread.problems == [f"{first}: the included list {second} was not read"]


def test_the_http_loader_reads_no_local_files(tmp_path: Path) -> None:
    local = tmp_path / "inner.opml"
    local.write_bytes(b"<opml version='2.0'><body><outline xmlUrl='http://x.example/'/></body>")
    include = f'<outline type="include" url="{local.as_uri()}"/>'
    data = f'<opml version="2.0"><body>{include}</body></opml>'
    result = parse_opml(data.encode(), "web.opml", http_loader())
    assert result.feeds == []
    assert result.problems == [
        f"web.opml: skipped the list {local.as_uri()}: only http(s) lists are read"
    ]
