"""reader.importers.feed: the fields of imported posts (titles, authors, the feed's title)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.frontmatter import split_front_matter
from reader.importers.feed import entry_fields, import_feed
from reader.library import load_library


def front(path: Path) -> dict[str, object]:
    """The front matter fields of a written post."""
    return split_front_matter(path.read_text(encoding="utf-8"))[0]


def rss(items: str, channel_title: str = "Blog") -> bytes:
    """An RSS 2.0 feed of the given <item> elements."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{channel_title}</title>{items}</channel></rss>"
    ).encode()


def import_items(
    tmp_path: Path, items: str, channel_title: str = "Blog"
) -> list[dict[str, object]]:
    """Import an RSS feed of these items; the front matter of each post, in feed order."""
    source = tmp_path / "feed.xml"
    source.write_bytes(rss(items, channel_title))
    result = import_feed(str(source), tmp_path / "posts")
    return [front(path) for path in result.paths]


def test_an_untitled_item_is_named_after_its_first_words(tmp_path: Path) -> None:
    items = (
        "<item><guid>a</guid><description>&lt;p&gt;Shipped &lt;b&gt;version 2&lt;/b&gt; today, "
        "with faster search and fewer bugs than ever.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;"
        "</description></item>"
        "<item><guid>b</guid><description>Short note.</description></item>"
        "<item><guid>c</guid><pubDate>Tue, 02 Jan 2024 09:30:00 GMT</pubDate></item>"
        "<item><guid>https://example.org/d</guid></item>"
        "<item><description></description></item>"
    )
    fields = import_items(tmp_path, items)
    assert [f["title"] for f in fields] == [
        "Shipped version 2 today, with faster search and…",
        "Short note.",
        "2024-01-02 09:30",
        "https://example.org/d",
        "Untitled",
    ]
    library = load_library(tmp_path / "posts")
    assert "post" not in {post.title.split()[0] for post in library.posts}
    assert library.posts[0].title == "2024-01-02 09:30"  # the only dated post comes first


def test_a_long_word_title_is_cut() -> None:
    fields, _ = entry_fields({"id": "i", "summary": "x" * 500})
    assert fields["title"] == "x" * 80 + "…"


@pytest.mark.parametrize(
    ("author", "shown"),
    [
        ("alice@example.com (Alice Liddell)", "Alice Liddell"),
        ("Alice Liddell &lt;alice@example.com&gt;", "Alice Liddell"),
        ("&quot;Alice&quot; &lt;alice@example.com&gt;", "Alice"),
        ("alice@example.com", "alice@example.com"),
        ("Alice", "Alice"),
    ],
)
def test_authors_are_shown_by_name(tmp_path: Path, author: str, shown: str) -> None:
    fields = import_items(tmp_path, f"<item><guid>a</guid><author>{author}</author></item>")
    assert fields[0]["author"] == shown


def test_author_name_without_feedparser_detail() -> None:
    fields, _ = entry_fields({"id": "i", "title": "t", "author": "bob@example.org (Bob)"})
    assert fields["author"] == "Bob"
    fields, _ = entry_fields({"id": "i", "title": "t", "author": "Bob <bob@example.org>"})
    assert fields["author"] == "Bob"


def test_the_feed_title_is_kept_plain_and_safe(tmp_path: Path) -> None:
    fields = import_items(
        tmp_path,
        "<item><guid>a</guid><title>One</title></item>",
        channel_title="Ann&apos;s &lt;b&gt;log&lt;/b&gt; \x1b[31m:  &quot;x&quot;",
    )
    assert fields[0]["feed"] == "Ann's log ␛[31m: \"x\""
    post = load_library(tmp_path / "posts").posts[0]
    assert post.feed == "Ann's log ␛[31m: \"x\""


def test_only_web_addresses_become_a_post_url(tmp_path: Path) -> None:
    """A guid that is no address, or a file: link, is not offered to `o` as the post's url."""
    posts = import_items(
        tmp_path,
        "<item><title>Guid</title><guid>only-guid-123</guid></item>"
        "<item><title>File</title><link>file:///etc/passwd</link></item>"
        "<item><title>Web</title><link>https://example.org/web</link></item>",
    )
    urls = {str(post["title"]): post.get("url") for post in posts}
    assert urls == {"Guid": None, "File": None, "Web": "https://example.org/web"}
    assert {str(post["id"]) for post in posts} >= {"only-guid-123"}, "the id is kept"


def test_an_atom_feeds_own_author_stands_in_for_entries_without_one(tmp_path: Path) -> None:
    source = tmp_path / "feed.xml"
    source.write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Log</title>'
        "<author><name>Carol Feed</name></author>"
        "<id>urn:f</id><updated>2024-01-01T00:00:00Z</updated>"
        "<entry><title>Own</title><id>urn:1</id><updated>2024-01-01T00:00:00Z</updated>"
        "<author><name>Dan</name></author><summary>a</summary></entry>"
        "<entry><title>None</title><id>urn:2</id><updated>2024-01-01T00:00:00Z</updated>"
        "<summary>b</summary></entry></feed>",
        encoding="utf-8",
    )
    result = import_feed(str(source), tmp_path / "posts")
    authors = {str(front(path)["title"]): front(path).get("author") for path in result.paths}
    assert authors == {"Own": "Dan", "None": "Carol Feed"}
