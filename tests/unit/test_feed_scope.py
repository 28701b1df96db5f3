"""Feeds and tags in the sidebar without any UI: the picker's choices and counts, the
session's filter, `feed:` in queries and the index, the rows' short date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from reader.feed_scope import FeedScope, feed_tags, scope_choices, short_date
from reader.feeds.subscriptions import Subscriptions
from reader.library import Post, read_body
from reader.query import feed_matches, parse_query
from reader.search import SearchIndex
from reader.session import Session
from reader.store import Store


def post(post_id: str, feed: str | None, tags: tuple[str, ...] = ()) -> Post:
    """A post of a feed (None: a post of one's own)."""
    date = datetime(2026, 11, 3, tzinfo=UTC)
    return Post(post_id, f"/x/{post_id}.md", f"Post {post_id}", date, None, tags, None, None, feed)


POSTS = [
    post("a1", "Alpha Blog", ("rust",)),
    post("a2", "Alpha Blog"),
    post("b1", "Beta News", ("Rust",)),
    post("n1", None, ("notes",)),
]


def test_a_short_date_is_the_day_the_author_saw_in_every_locale() -> None:
    assert short_date(datetime(2026, 11, 3, 23, 30, tzinfo=UTC)) == "Nov 03"
    late = datetime(2014, 3, 27, 22, 43, tzinfo=timezone(timedelta(hours=-4)))
    assert short_date(late) == "Mar 27", "not the UTC day (Mar 28)"
    assert short_date(None) == ""


def test_the_picker_lists_feeds_and_tags_with_unread_counts() -> None:
    subs = Subscriptions()
    subs.add("https://alpha.example/feed", title="Alpha Blog", tags=["Tech"])
    subs.add("https://empty.example/feed", title="Never fetched", tags=["Tech", "Quiet"])
    tags = feed_tags(subs.to_records())
    assert tags == {
        "Tech": frozenset({"Alpha Blog", "Never fetched"}),
        "Quiet": frozenset({"Never fetched"}),
    }
    feeds, tag_choices = scope_choices(POSTS, {"a1"}, tags)
    assert [(c.scope.name, c.unread, c.total) for c in feeds] == [
        ("Alpha Blog", 1, 2),
        ("Beta News", 1, 1),
    ]
    # Tags of feed posts only (a library with feeds): `notes` of one's own post is left out;
    # `rust` and `Rust` are one tag.
    assert [(c.scope.name, c.unread, c.total) for c in tag_choices] == [
        ("Quiet", 0, 0),
        ("rust", 1, 2),
        ("Tech", 1, 2),
    ]
    assert [p.id for p in POSTS if tag_choices[2].scope.matches(p)] == ["a1", "a2"]


def test_a_library_without_feeds_offers_its_post_tags() -> None:
    own = [post("n1", None, ("notes",)), post("n2", None, ("notes", "ideas"))]
    feeds, tags = scope_choices(own, set(), {})
    assert feeds == []
    assert [(c.scope.name, c.total) for c in tags] == [("ideas", 1), ("notes", 2)]


def test_the_session_filter_narrows_the_list_and_the_counts(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.json")
    store.open()
    try:
        session = Session(store)
        session.set_posts(POSTS)
        session.set_scope(FeedScope("feed", "Alpha Blog"))
        assert session.visible() == ["a1", "a2"]
        assert session.counts(2).total == 2
        session.search_ids = ["b1", "a2"]
        assert session.visible() == ["a2"], "search hits stay within the feed"
        session.search_ids = None
        session.set_posts([*POSTS, post("a3", "Alpha Blog")])  # a refresh brought one more
        assert session.visible() == ["a1", "a2", "a3"]
        session.set_scope(None)
        assert len(session.visible()) == 5
    finally:
        store.close()


def test_feed_is_a_query_operator_matching_words_of_the_feed_name() -> None:
    query = parse_query('feed:"alpha bl" rust')
    assert query.feeds == ("alpha bl",)
    assert query.terms == ("rust",)
    assert not parse_query("feed:beta").empty
    assert feed_matches("Alpha Blog", ["alpha bl"])
    assert feed_matches("Alpha Blog", ["blo"])
    assert not feed_matches("Alpha Blog", ["blog alpha"])
    assert not feed_matches("Alpha Blog", ["lpha"])
    assert not feed_matches(None, ["alpha"])


def test_the_index_filters_its_hits_by_feed(tmp_path: Path) -> None:
    posts = []
    for number, feed in enumerate(["Alpha Blog", "Beta News", None]):
        path = tmp_path / f"p{number}.md"
        path.write_text(f"# Rust {number}\n\nAbout rust.\n")
        posts.append(Post(f"p{number}", str(path), f"Rust {number}", None, None, (), None,
                          None, feed))  # fmt: skip
    index = SearchIndex(None)
    assert index.open() is None
    try:
        index.sync(posts, read_body)
        order = {p.id: n for n, p in enumerate(posts)}
        feeds = {p.id: p.feed for p in posts}
        found = index.search(parse_query("rust feed:beta"), order, feed_of=feeds.get)
        assert found.ids == ["p1"]
        only = index.search(parse_query("feed:alpha"), order, feed_of=feeds.get)
        assert only.ids == ["p0"], "an operator alone filters every post"
    finally:
        index.close()


def test_the_article_prefers_the_full_text_kept_beside_the_post(tmp_path: Path) -> None:
    from reader.feeds.fulltext import cache_path
    from reader.render import rendered_chunks

    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Summary\nfeed: Alpha Blog\n---\n\nOnly a summary [...]\n")
    one = Post("p", str(path), "Summary", None, None, (), None, None, "Alpha Blog")

    def text() -> str:
        lines = list(rendered_chunks(one, 60))[-1]
        return "\n".join("".join(segment.text for segment in line) for line in lines)

    assert "Only a summary" in text()
    assert "Alpha Blog · 1 min" in text()
    cache_path(path).parent.mkdir()
    cache_path(path).write_text("---\ntitle: Summary\n---\n\nThe whole article.\n")
    assert "The whole article." in text() and "Only a summary" not in text()
