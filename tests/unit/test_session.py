"""The session: sort orders, views, bulk marks and undo, without any UI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.library import Post
from reader.session import Session, Sort, sort_posts
from reader.store import Store
from reader.views import View


def post(post_id: str, title: str, day: int | None) -> Post:
    """A post with an optional date in January 2024."""
    date = None if day is None else datetime(2024, 1, day, tzinfo=UTC)
    return Post(post_id, f"/x/{post_id}.md", title, date, None, (), None, None)


# Library order: newest first, undated last.
POSTS = [
    post("c", "charlie", 3),
    post("b", "Bravo", 2),
    post("a", "alpha", 1),
    post("u", "Undated", None),
]


@pytest.fixture
def session(tmp_path: Path) -> Session:
    """A session over POSTS with a fresh store."""
    store = Store(tmp_path / "state.json")
    store.open()
    session = Session(store)
    session.set_posts(POSTS)
    return session


def test_sort_orders() -> None:
    read = {"b"}.__contains__
    assert sort_posts(POSTS, Sort.NEWEST, read) == ["c", "b", "a", "u"]
    assert sort_posts(POSTS, Sort.OLDEST, read) == ["a", "b", "c", "u"]
    assert sort_posts(POSTS, Sort.TITLE, read) == ["a", "b", "c", "u"]
    assert sort_posts(POSTS, Sort.UNREAD, read) == ["c", "a", "u", "b"]
    two_undated = [*POSTS, post("v", "Victor", None)]
    assert sort_posts(two_undated, Sort.OLDEST, read) == ["a", "b", "c", "v", "u"]


def test_sort_cycles_and_parses() -> None:
    assert [Sort.NEWEST.next(), Sort.UNREAD.next()] == [Sort.OLDEST, Sort.NEWEST]
    assert Sort.parse("title") is Sort.TITLE
    assert Sort.parse("nonsense") is Sort.NEWEST


def test_cycle_sort_reorders_what_is_listed(session: Session) -> None:
    assert session.cycle_sort() is Sort.OLDEST
    assert session.visible() == ["a", "b", "c", "u"]


def test_bulk_mark_read_and_undo(session: Session) -> None:
    session.store.set_read("b", True)
    assert session.mark_all_read(["c", "b", "a"]) == 2
    assert session.store.read_ids() == {"a", "b", "c"}
    change = session.undo()
    assert change is not None and "3 posts" in change.description
    assert session.store.read_ids() == {"b"}, "undo restores each post's own earlier mark"
    assert session.undo() is None


def test_single_changes_are_undone_last_first(session: Session) -> None:
    session.set_bookmarked("a", True, undoable="bookmark a")
    session.set_read("c", True, undoable="read c")
    session.set_read("u", True)  # not undoable: the read-after timer
    assert session.undo() is not None
    assert session.store.read_ids() == {"u"}
    assert session.undo() is not None
    assert session.store.bookmarked_ids() == set()


def test_changes_keep_posts_listed_until_the_view_changes(session: Session) -> None:
    session.cycle_view()
    assert session.view is View.UNREAD
    session.set_read("c", True)
    assert "c" in session.visible()
    for _ in range(4):
        session.cycle_view()
    assert session.view is View.UNREAD
    assert "c" not in session.visible()


def test_nearest_listed_prefers_the_post_then_the_next(session: Session) -> None:
    session.store.set_bookmarked("a", True)
    session.view = View.BOOKMARKED
    assert session.nearest_listed("c") == "a"
    assert session.nearest_listed("a") == "a"
    assert session.nearest_listed("u") == "a"
    assert session.nearest_listed(None) is None


def test_counts(session: Session) -> None:
    session.store.set_read("a", True)
    session.store.set_read("gone", True)  # a post no longer in the library
    session.store.set_bookmarked("b", True)
    counts = session.counts(shown=4)
    assert (counts.shown, counts.total, counts.unread, counts.bookmarked) == (4, 4, 3, 1)
