"""reader.importers.feed: RSS/Atom files and http(s) URLs to Markdown posts.

Network tests talk only to a local ThreadingHTTPServer on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader import __version__
from reader.frontmatter import split_front_matter
from reader.importers.feed import (
    FeedError,
    entry_fields,
    html_to_markdown,
    import_feed,
    render_entry,
)
from reader.library import load_library

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
FILE_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{10}\.md$")


def front(path: Path) -> tuple[dict[str, object], str]:
    """The front matter fields and body of a written post."""
    return split_front_matter(path.read_text(encoding="utf-8"))


def posts_in(folder: Path) -> list[Path]:
    """The visible files of a folder (the import lock, .reader-import.lock, is hidden)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def stamps(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every post file's bytes and mtime_ns, by name."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in posts_in(folder)}


def atom(*entries: tuple[str, str, str]) -> str:
    """An Atom feed of (id, title, html content) entries."""
    body = "".join(
        f"<entry><id>{escape(i)}</id><title>{escape(t)}</title>"
        f'<updated>2024-01-01T00:00:00Z</updated><content type="html">{escape(c)}</content></entry>'
        for i, t, c in entries
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{body}</feed>'


# --- files ------------------------------------------------------------------------------


def test_rss2_entries_become_markdown_posts(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = import_feed(
        str(FEEDS / "rss2.xml"), tmp_path, progress=lambda d, t: calls.append((d, t))
    )
    assert (result.added, result.updated, result.skipped) == (3, 0, 0)
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert all(p.parent == tmp_path and FILE_NAME_RE.match(p.name) for p in result.paths)
    fields, body = front(result.paths[0])
    assert fields == {
        "id": "tag:example.org,2024:hello",
        "title": "Hello & welcome — 日本語のタイトル",
        "date": "2024-01-02T09:30:00Z",
        "author": "Ada Lovelace",
        "feed": "Example Blog",
        "tags": ["rust", "release notes"],
        "url": "https://example.org/posts/hello",
    }
    assert "## Getting started" in body
    assert "Café & crème, 5 < 6, and [the docs](https://example.org/docs)." in body
    assert "* first point\n* second *point*" in body
    assert "漢字とかなの段落。" in body
    assert "script" not in body and "alert" not in body and "summary" not in body
    link_only, _ = front(result.paths[1])
    assert link_only["id"] == link_only["url"] == "https://example.org/posts/link-only"
    hashed, hashed_body = front(result.paths[2])
    assert str(hashed["id"]).startswith("sha256:") and "url" not in hashed and "date" not in hashed
    assert hashed_body == "\nNo guid and no link: the id is a hash.\n"


def test_escaped_html_description_drops_style_and_iframe(tmp_path: Path) -> None:
    result = import_feed(str(FEEDS / "rss2.xml"), tmp_path)
    _, body = front(result.paths[1])
    assert "Escaped **HTML** in a description." in body
    assert "color" not in body and "iframe" not in body and "evil" not in body


def test_rss1_rdf(tmp_path: Path) -> None:
    result = import_feed(str(FEEDS / "rss1.rdf"), tmp_path)
    first, body = front(result.paths[0])
    assert first["id"] == "https://rdf.example.org/a"
    assert first["date"] == "2023-05-06T07:08:09Z"
    assert first["author"] == "Grace Hopper" and first["tags"] == ["compilers"]
    assert body.strip() == "### Section\n\nBody of `a`."


def test_rss091_latin1_without_ids_or_dates(tmp_path: Path) -> None:
    result = import_feed(str(FEEDS / "rss091.xml"), tmp_path)
    assert result.added == 2
    fields, body = front(result.paths[0])
    assert fields == {
        "id": "http://old.example.com/cafe",
        "title": "Café news",
        "feed": "Old School",
        "url": "http://old.example.com/cafe",
    }
    assert body.strip() == "Naïve *text* from 1999."


def test_atom_html_title_relative_links_and_summary_only(tmp_path: Path) -> None:
    result = import_feed(str(FEEDS / "atom.xml"), tmp_path)
    one, body = front(result.paths[0])
    assert one["title"] == "Atom entry one"
    assert one["date"] == "2024-03-01T10:00:00Z"  # published, converted to UTC
    assert one["url"] == "https://atom.example.net/2024/one"
    assert one["tags"] == ["kernel", "git"]
    assert body.strip() == (
        "# Big\n\n1. one\n2. two\n\nSee [about](https://atom.example.net/about) & more."
    )
    two, body = front(result.paths[1])
    assert two["date"] == "2024-02-01T00:00:00Z"
    assert two["author"] == "Feed Author", "Atom: the feed's author stands in for the entry's"
    assert body.strip() == "Only a **summary**."


def test_the_library_reads_imported_posts(tmp_path: Path) -> None:
    for name in ("rss2.xml", "rss1.rdf", "rss091.xml", "atom.xml"):
        import_feed(str(FEEDS / name), tmp_path)
    library = load_library(tmp_path)
    assert library.problems == []
    by_id = {post.id: post for post in library.posts}
    assert len(by_id) == 9
    hello = by_id["tag:example.org,2024:hello"]
    assert hello.title == "Hello & welcome — 日本語のタイトル"
    assert hello.date is not None and hello.date.isoformat() == "2024-01-02T09:30:00+00:00"
    assert hello.tags == ("rust", "release notes") and hello.author == "Ada Lovelace"


def test_reimport_is_idempotent(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    first = import_feed(str(FEEDS / "atom.xml"), into)
    before = stamps(into)
    time.sleep(0.01)
    again = import_feed(str(FEEDS / "atom.xml"), into)
    assert (again.added, again.updated, again.skipped) == (0, 0, 2)
    assert again.paths == first.paths
    assert stamps(into) == before


def test_changed_entry_is_rewritten_in_place_and_new_one_added(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    source = tmp_path / "feed.xml"
    source.write_text(atom(("a", "Alpha", "<p>one</p>"), ("b", "Beta", "<p>two</p>")))
    first = import_feed(str(source), into)
    beta_before = stamps(into)[first.paths[1].name]
    source.write_text(
        atom(
            ("c", "Gamma", "<p>new</p>"),
            ("a", "Alpha renamed", "<p>one, edited</p>"),
            ("b", "Beta", "<p>two</p>"),
        )
    )
    second = import_feed(str(source), into)
    assert (second.added, second.updated, second.skipped) == (1, 1, 1)
    assert second.paths[1:] == first.paths  # same files, even though a title changed
    assert len(posts_in(into)) == 3
    fields, body = front(first.paths[0])
    assert fields["title"] == "Alpha renamed" and body.strip() == "one, edited"
    assert stamps(into)[first.paths[1].name] == beta_before


def test_repeated_id_in_one_feed_is_imported_once(tmp_path: Path) -> None:
    source = tmp_path / "feed.xml"
    source.write_text(atom(("same", "First", "<p>1</p>"), ("same", "Second", "<p>2</p>")))
    result = import_feed(str(source), tmp_path / "posts")
    assert result.added == 1 and len(result.paths) == 1
    assert front(result.paths[0])[0]["title"] == "First"


def test_a_taken_file_name_gets_a_longer_hash(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    into.mkdir()
    digest = hashlib.sha256(b"x").hexdigest()
    squatter = into / f"title-{digest[:10]}.md"
    squatter.write_text('---\nid: "someone else"\n---\nmine\n')
    source = tmp_path / "feed.xml"
    source.write_text(atom(("x", "Title", "<p>x</p>")))
    first = import_feed(str(source), into)
    assert first.paths == [into / f"title-{digest[:16]}.md"]
    assert squatter.read_text().endswith("mine\n")
    again = import_feed(str(source), into)
    assert (again.skipped, again.paths) == (1, first.paths)


HOSTILE_TITLES = ["../../etc/passwd", "/abs", "con", "", "😀🎉", "x" * 500, "..", "a/b\\c", "."]


def test_titles_never_escape_the_folder(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    source = tmp_path / "feed.xml"
    entries = [(f"id-{n}", title, "<p>x</p>") for n, title in enumerate(HOSTILE_TITLES)]
    source.write_text(atom(*entries, ("id-dup", "con", "<p>same title</p>")))
    result = import_feed(str(source), into)
    assert result.added == len(HOSTILE_TITLES) + 1
    names = [p.name for p in posts_in(into)]
    assert len(names) == len(set(names)) == result.added
    assert all(FILE_NAME_RE.match(name) and len(name) < 100 for name in names), names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml", "posts"]
    titles = {front(p)[0].get("title") for p in result.paths}
    assert "../../etc/passwd" in titles and "😀🎉" in titles


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("not-a-feed.html", "not an RSS or Atom feed: "),
        ("empty.xml", "not an RSS or Atom feed: "),
        ("json.xml", "not an RSS or Atom feed: "),
        ("missing.xml", "no such file: "),
        ("file:///etc/passwd", "only http and https URLs can be fetched: file:///etc/passwd"),
        ("ftp://127.0.0.1/feed", "only http and https URLs can be fetched: ftp://"),
        (".", "not a file: "),
    ],
)
def test_sources_that_are_not_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, message: str
) -> None:
    shutil.copy(FEEDS / "not-a-feed.html", tmp_path)
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "json.xml").write_text('{"version": "https://jsonfeed.org/version/1.1"}')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FeedError) as caught:
        import_feed(source, tmp_path / "posts")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "posts").exists()


def test_a_local_file_over_the_limit(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="too large"):
        import_feed(str(FEEDS / "rss2.xml"), tmp_path, max_bytes=100)


def test_html_to_markdown_strips_active_content() -> None:
    html = (
        "<h3>T</h3><script>alert(1)</script><style>p{}</style>"
        "<iframe src='x'>fallback</iframe><ul><li>a</li></ul><p>&lt;b&gt; &amp; 中</p>"
    )
    assert html_to_markdown(html) == "### T\n\n* a\n\n<b> & 中"


def test_html_nested_too_deeply_keeps_its_text() -> None:
    assert html_to_markdown("<div>" * 3000 + "deep" + "</div>" * 3000) == "deep"


def test_plain_text_content_is_kept_as_is() -> None:
    entry = {"id": "i", "content": [{"type": "text/plain", "value": "a *b* <c>"}]}
    assert entry_fields(entry) == ({"id": "i", "title": "a *b* <c>"}, "a *b* <c>")


def test_control_characters_in_bodies_are_made_visible() -> None:
    _, body = entry_fields({"id": "i", "summary": "<p>bell\x07 esc\x1b[31m</p>"})
    assert body == "bell␇ esc␛[31m"


@settings(max_examples=150, deadline=None)
@example(
    title="\x85\u2028\u2029\ufeff\ufffe\uffff\x7f",
    author="\x1b[31m\t\r\n",
    entry_id="null",
    tags=["- a", ": b", "yes", "#c", "'", '"', "\\"],
)
@example(title="  spaced  ", author="", entry_id="*alias", tags=["&anchor", "!!python/object", ""])
@given(
    title=st.text(),
    author=st.text(),
    entry_id=st.text(min_size=1),
    tags=st.lists(st.text(), max_size=4),
)
def test_front_matter_round_trips_any_text(
    title: str, author: str, entry_id: str, tags: list[str]
) -> None:
    fields: dict[str, object] = {
        "id": entry_id,
        "title": title,
        "author": author,
        "feed": title[::-1],
        "tags": tags,
    }
    text = render_entry(fields, "body")
    parsed, body = split_front_matter(text)
    assert parsed == fields
    assert body == "\nbody\n"


# --- http -------------------------------------------------------------------------------


class FeedServer:
    """A local HTTP server with a few fixed routes; records request headers."""

    def __init__(self) -> None:
        """Start serving on 127.0.0.1 on a free port."""
        self.release = threading.Event()
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Stay quiet."""

            def send(self, status: int, body: bytes, kind: str, length: bool = True) -> None:
                """Send a whole response; a client that hung up is not an error."""
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    if length:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    return

            def do_GET(self) -> None:
                """Route by path."""
                server.headers.append(dict(self.headers))
                feed = (FEEDS / "rss2.xml").read_bytes()
                if self.path == "/feed.xml":
                    self.send(200, feed, "application/rss+xml")
                elif self.path == "/slow":
                    server.release.wait(2.0)
                    self.send(200, feed, "application/rss+xml")
                elif self.path == "/big":
                    self.send(200, b"<rss>" + b" " * 5000, "application/rss+xml")
                elif self.path == "/big-stream":
                    self.send(200, b"<rss>" + b" " * 200_000, "text/xml", length=False)
                elif self.path == "/page.html":
                    self.send(200, (FEEDS / "not-a-feed.html").read_bytes(), "text/html")
                elif self.path == "/relative":
                    body = atom(("r", "Relative", '<a href="/about">about</a>')).replace(
                        "</title><updated>", '</title><link href="/posts/r"/><updated>'
                    )
                    self.send(200, body.encode(), "application/atom+xml")
                elif self.path.startswith("/redirect-"):
                    self.send_response(302)
                    target = {"/redirect-ftp": "ftp://127.0.0.1/feed", "/redirect-ok": "/feed.xml"}
                    self.send_header("Location", target.get(self.path, "file:///etc/passwd"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send(404, b"not found", "text/plain")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        """Let slow handlers finish and shut down."""
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    """One local feed server for the module."""
    running = FeedServer()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Talk to 127.0.0.1 directly even if the environment names a proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "*")


def test_fetch_a_feed(server: FeedServer, tmp_path: Path) -> None:
    result = import_feed(f"{server.base}/feed.xml", tmp_path, timeout=5)
    assert result.added == 3
    assert front(result.paths[0])[0]["title"] == "Hello & welcome — 日本語のタイトル"
    assert server.headers[-1]["User-Agent"] == f"reader/{__version__}"


def test_relative_links_resolve_against_the_url(server: FeedServer, tmp_path: Path) -> None:
    result = import_feed(f"{server.base}/relative", tmp_path, timeout=5)
    fields, body = front(result.paths[0])
    assert fields["url"] == f"{server.base}/posts/r"
    assert f"[about]({server.base}/about)" in body


def test_http_404(server: FeedServer, tmp_path: Path) -> None:
    with pytest.raises(FeedError) as caught:
        import_feed(f"{server.base}/missing", tmp_path, timeout=5)
    assert str(caught.value) == f"cannot fetch {server.base}/missing: HTTP 404 Not Found"


def test_slow_server_times_out(server: FeedServer, tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(FeedError) as caught:
        import_feed(f"{server.base}/slow", tmp_path, timeout=0.5)
    assert time.monotonic() - start < 1.9
    assert str(caught.value) == f"cannot fetch {server.base}/slow: timed out"


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
def test_too_large_response(server: FeedServer, tmp_path: Path, path: str) -> None:
    with pytest.raises(FeedError) as caught:
        import_feed(f"{server.base}{path}", tmp_path, timeout=5, max_bytes=1000)
    assert str(caught.value) == f"{server.base}{path} is too large (over 1,000 bytes)"


def test_html_page_is_not_a_feed(server: FeedServer, tmp_path: Path) -> None:
    with pytest.raises(FeedError) as caught:
        import_feed(f"{server.base}/page.html", tmp_path, timeout=5)
    assert str(caught.value) == f"not an RSS or Atom feed: {server.base}/page.html"


def test_redirects_stay_on_http(server: FeedServer, tmp_path: Path) -> None:
    assert import_feed(f"{server.base}/redirect-ok", tmp_path, timeout=5).added == 3
    for scheme in ("ftp", "file"):
        url = f"{server.base}/redirect-{scheme}"
        with pytest.raises(FeedError) as caught:
            import_feed(url, tmp_path / "no", timeout=5)
        assert str(caught.value) == f"cannot fetch {url}: redirected to a {scheme} URL"


def test_connection_refused_names_the_url(tmp_path: Path) -> None:
    with socket.socket() as idle:  # bound but never listening: connections are refused
        idle.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{idle.getsockname()[1]}/feed"
        with pytest.raises(FeedError) as caught:
            import_feed(url, tmp_path, timeout=2)
    assert str(caught.value) == f"cannot fetch {url}: Connection refused"
