"""Full text: readability on saved pages, cached beside the post without touching it,
every failure one line naming the post."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.feeds.fulltext import (
    FullTextError,
    cache_path,
    cached,
    extract_article,
    fetch_full_text,
)
from reader.frontmatter import split_front_matter
from reader.library import load_library
from tests.conftest import DATA
from tests.feeds_server import FeedServer, Reply

PAGES = DATA / "fulltext"


def test_readability_keeps_the_article_and_drops_the_rest() -> None:
    title, markdown = extract_article((PAGES / "blog-post.html").read_bytes())
    assert title == "Why terminals still matter"
    assert "## Reading in a terminal" in markdown
    assert "* Keyboard first" in markdown
    assert "[More on this](https://example.org/more)" in markdown
    for junk in ("Buy our stuff", "Popular", "First!", "Privacy", "tracker", "alert("):
        assert junk not in markdown


def test_a_page_without_an_article() -> None:
    with pytest.raises(FullTextError, match="no article"):
        extract_article((PAGES / "no-article.html").read_bytes())
    with pytest.raises(FullTextError):
        extract_article(b"")


def post(folder: Path, url: str) -> Path:
    """A summary-only post whose url is url."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "why-terminals-1234567890.md"
    path.write_text(
        f'---\ntitle: "Why terminals still matter"\ndate: 2026-11-03\nfeed: "Blog"\n'
        f'url: "{url}"\n---\n\nTerminals have outlived [...]\n',
        encoding="utf-8",
    )
    return path


def test_fetched_full_text_is_cached_beside_the_post(server: FeedServer, tmp_path: Path) -> None:
    page = (PAGES / "blog-post.html").read_bytes()
    url = server.route("/post", Reply(page, content_type="text/html"))
    original = post(tmp_path / "blog", url)
    before = original.read_bytes()
    full = fetch_full_text(original)
    assert full.path == cache_path(original) == cached(original)
    assert original.read_bytes() == before  # never overwritten
    fields, body = split_front_matter(full.path.read_text(encoding="utf-8"))
    assert fields["title"] == "Why terminals still matter" and fields["feed"] == "Blog"
    assert fields["full_text"] is True and fields["url"] == url
    assert "## Reading in a terminal" in body
    assert [p.path for p in load_library(tmp_path / "blog").posts] == [original]  # not a 2nd post


def test_failures_are_one_line_and_keep_the_excerpt(server: FeedServer, tmp_path: Path) -> None:
    url = server.route("/gone", Reply(b"", status=404))
    original = post(tmp_path / "blog", url)
    before = original.read_bytes()
    with pytest.raises(FullTextError) as caught:
        fetch_full_text(original)
    assert str(caught.value) == f"{original.name}: cannot fetch {url}: HTTP 404 Not Found"
    assert original.read_bytes() == before and cached(original) is None
    offline = post(tmp_path / "other", "http://127.0.0.1:9/post")
    with pytest.raises(FullTextError, match="cannot fetch"):
        fetch_full_text(offline, timeout=5)
    no_url = post(tmp_path / "third", "file:///etc/passwd")
    with pytest.raises(FullTextError, match="has no web address"):
        fetch_full_text(no_url)


def test_the_full_text_keeps_the_posts_attachments_listed(
    server: FeedServer, tmp_path: Path
) -> None:
    from reader.library import read_body
    from reader.links import extract_links

    page = (PAGES / "blog-post.html").read_bytes()
    url = server.route("/post", Reply(page, content_type="text/html"))
    original = post(tmp_path / "blog", url)
    text = original.read_text(encoding="utf-8")
    original.write_text(
        text.replace("---\n\n", 'enclosures: ["https://cast.example/ep.mp3"]\n---\n\n', 1),
        encoding="utf-8",
    )
    fetch_full_text(original)
    [listed] = load_library(tmp_path / "blog").posts
    body = read_body(listed)  # the full text now
    assert "## Reading in a terminal" in body
    assert "https://cast.example/ep.mp3" in [link.url for link in extract_links(body)]
