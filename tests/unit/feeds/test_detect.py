"""`reader import SOURCE` works out the kind from the content: digest, feed, OPML, a URL
serving either, an HTML page that names its feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.feeds.detect import DetectError, detect, discover_feeds, sniff
from reader.feeds.http import FetchFailure
from tests.conftest import DATA
from tests.feeds_server import FeedServer, Reply, atom, rss

PAGE = b"""<!DOCTYPE html><html><head><title>Blog</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body>hello</body></html>"""


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (rss("A", []), "feed"),
        (atom("A", []), "feed"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c --><rdf:RDF xmlns:rdf="x"/>', "feed"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "opml"),
        (PAGE, "html"),
        (b"<html><body>x</body></html>", "html"),
        (b"A title\n\nAn excerpt of the post.\n", "digest"),
        (b"", "digest"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_local_files(tmp_path: Path) -> None:
    feed = tmp_path / "notes.txt"  # the name does not decide
    feed.write_bytes(rss("A", [("1", "One", "x")]))
    assert detect(str(feed)).kind == "feed"
    assert detect(str(DATA / "digest.txt")).kind == "digest"
    opml = tmp_path / "subs.xml"
    opml.write_bytes(b"<opml version='1.0'><body/></opml>")
    assert detect(str(opml)).kind == "opml"
    with pytest.raises(DetectError, match="no such file"):
        detect(str(tmp_path / "missing"))
    with pytest.raises(DetectError, match="only http and https"):
        detect("file:///etc/passwd")


def test_urls_serving_a_feed_or_opml(server: FeedServer) -> None:
    url = server.route("/feed", Reply(rss("A", [("1", "One", "x")])))
    assert (detect(url).kind, detect(url).source) == ("feed", url)
    opml = server.route("/list", Reply(b"<opml version='2.0'><body/></opml>"))
    assert detect(opml).kind == "opml"
    text = server.route("/text", Reply(b"hello", content_type="text/plain"))
    with pytest.raises(DetectError, match="serves neither a feed nor an OPML list"):
        detect(text)
    broken = server.route("/err", Reply(status=500))
    with pytest.raises(FetchFailure, match="HTTP 500"):
        detect(broken)


def test_autodiscovery_from_an_html_page(server: FeedServer) -> None:
    page = server.route("/blog/", Reply(PAGE, content_type="text/html"))
    feed = server.route("/atom.xml", Reply(atom("A", [("1", "One", "x")])))
    found = detect(page)
    assert (found.kind, found.source, found.page) == ("feed", feed, page)
    assert found.data == atom("A", [("1", "One", "x")])
    bare = server.route("/bare", Reply(b"<html><body>no feed</body></html>"))
    with pytest.raises(DetectError, match="an HTML page that names no feed"):
        detect(bare)


def test_discover_feeds_keeps_only_http_links() -> None:
    assert discover_feeds(PAGE, "https://blog.example/p/") == ["https://blog.example/atom.xml"]
