"""What the reader shows and does, without any UI (UI-free, testable on its own).

A Session holds the loaded posts, the current view and sort, the posts kept listed
after they stopped matching the view ("sticky"), and an undo history of the user's
own mark changes. The screen asks it what to list and tells it what the user did;
the session changes the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Protocol

from reader.feed_scope import FeedScope, short_date
from reader.library import Post
from reader.views import Sort, View, is_in_progress, visible_ids

__all__ = ["Change", "Counts", "Session", "Sort", "StateStore", "View", "sort_posts"]

UNDO_LIMIT = 50


class StateStore(Protocol):
    """The parts of reader.store.Store a session uses."""

    def is_read(self, post_id: str) -> bool:
        """Whether a post is read."""

    def is_bookmarked(self, post_id: str) -> bool:
        """Whether a post is bookmarked."""

    def set_read(self, post_id: str, value: bool) -> None:
        """Mark a post read or unread."""

    def set_bookmarked(self, post_id: str, value: bool) -> None:
        """Bookmark a post or remove its bookmark."""

    def read_ids(self) -> AbstractSet[str]:
        """Every read post id."""

    def bookmarked_ids(self) -> AbstractSet[str]:
        """Every bookmarked post id."""

    def positions(self) -> Mapping[str, float]:
        """Every post's reading position that is set."""


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable change: which mark of which posts, and their values before."""

    description: str
    field: str  # "read" or "bookmarked"
    before: tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Counts:
    """What the header says about the library."""

    shown: int
    total: int
    unread: int
    bookmarked: int


def sort_posts(posts: Sequence[Post], sort: Sort, is_read: Callable[[str], bool]) -> list[str]:
    """Post ids in a sort order; `posts` come in library order (newest first)."""
    ids = [post.id for post in posts]
    if sort is Sort.NEWEST:
        return ids
    if sort is Sort.OLDEST:
        # Undated posts keep their place after the dated ones, in reverse too: their
        # library order (digest position) is the archive's own newest-first order.
        dated = [post.id for post in posts if post.date is not None]
        undated = [post.id for post in posts if post.date is None]
        return dated[::-1] + undated[::-1]
    if sort is Sort.TITLE:
        return [post.id for post in sorted(posts, key=lambda post: post.title.casefold())]
    unread = [post_id for post_id in ids if not is_read(post_id)]
    read = [post_id for post_id in ids if is_read(post_id)]
    return unread + read


class Session:
    """The posts, view, sort, sticky rows and undo history of one reader window."""

    def __init__(self, store: StateStore, view: View = View.ALL, sort: Sort = Sort.NEWEST) -> None:
        """Start with no posts."""
        self.store = store
        self.view = view
        self.sort = sort
        self.posts: dict[str, Post] = {}
        self.library: list[Post] = []
        self.order: list[str] = []
        self.sticky: set[str] = set()
        self.undo_stack: list[Change] = []
        self.search_ids: list[str] | None = None  # the hits of a search, listed instead of the view
        self.rank: dict[str, int] = {}  # post id -> place in library order (a new dict per load)
        self._progress: dict[str, float] = {}
        self._progress_of: Mapping[str, float] | None = None  # the positions it was made from
        self.scope: FeedScope | None = None  # the feed or tag the list is narrowed to (`F`)
        self._in_scope: frozenset[str] | None = None  # its posts (None: every post)

    def set_posts(self, posts: Sequence[Post]) -> None:
        """Take a freshly loaded library (in library order)."""
        self.library = list(posts)
        self.posts = {post.id: post for post in posts}
        self.rank = {post.id: index for index, post in enumerate(posts)}
        self._scope_posts()
        self.resort()

    def set_scope(self, scope: FeedScope | None) -> None:
        """Narrow the list to one feed or tag (None: every post), for this session."""
        self.scope = scope
        self.sticky.clear()
        self._scope_posts()

    def _scope_posts(self) -> None:
        """Work out which posts the scope holds (after a new scope or a new library)."""
        scope = self.scope
        self._in_scope = (
            None
            if scope is None
            else frozenset(post.id for post in self.library if scope.matches(post))
        )

    def resort(self) -> None:
        """Order the posts by the current sort."""
        read = self.store.read_ids()
        self.order = sort_posts(self.library, self.sort, read.__contains__)

    def visible(self) -> list[str]:
        """The ids the current view lists (or the search hits), in order."""
        scoped = self._in_scope
        if self.search_ids is not None:
            posts = scoped if scoped is not None else self.posts
            return [post_id for post_id in self.search_ids if post_id in posts]
        read = self.store.read_ids()
        bookmarked = self.store.bookmarked_ids()
        begun = self.in_progress()
        order = self.order if scoped is None else [i for i in self.order if i in scoped]
        return visible_ids(
            order,
            self.view,
            read.__contains__,
            bookmarked.__contains__,
            self.sticky,
            begun.__contains__,
        )

    def in_progress(self) -> dict[str, float]:
        """Posts begun but not finished, with how far they were read.

        Worked out again only when a position changed (the store hands out the same
        mapping until then): asked on every mark, it walked every position each time.
        """
        positions = self.store.positions()
        if positions is not self._progress_of:
            self._progress = {
                post_id: position
                for post_id, position in positions.items()
                if is_in_progress(position)
            }
            self._progress_of = positions
        return self._progress

    def counts(self, shown: int) -> Counts:
        """The header's numbers."""
        posts = self.posts.keys() if self._in_scope is None else self._in_scope
        read = len(posts & self.store.read_ids())
        marked = len(posts & self.store.bookmarked_ids())
        return Counts(shown, len(posts), len(posts) - read, marked)

    def short_date(self, post_id: str) -> str:
        """A post's date as the sidebar shows it (`Nov 03`; '' for none)."""
        post = self.posts.get(post_id)
        return short_date(post.date) if post is not None else ""

    def keep_listed(self, post_id: str) -> None:
        """Keep a post in the current view after its state changed."""
        if self.view is not View.ALL:
            self.sticky.add(post_id)

    def cycle_view(self) -> View:
        """Go to the next view; posts kept listed by the last one drop out."""
        self.view = self.view.next()
        self.sticky.clear()
        return self.view

    def cycle_sort(self) -> Sort:
        """Go to the next sort."""
        self.sort = self.sort.next()
        self.resort()
        return self.sort

    def nearest_listed(self, post_id: str | None) -> str | None:
        """`post_id` if the view lists it, else the next listed post after it, else before."""
        if post_id is None or post_id not in self.posts:
            return None
        listed = set(self.visible())
        start = self.order.index(post_id)
        for candidate in self.order[start:] + self.order[:start][::-1]:
            if candidate in listed:
                return candidate
        return None

    # Changes -------------------------------------------------------------------------

    def set_read(self, post_id: str, value: bool, *, undoable: str | None = None) -> bool:
        """Mark a post read or unread; True if that changed anything."""
        return self._set("read", [post_id], value, undoable) > 0

    def set_bookmarked(self, post_id: str, value: bool, *, undoable: str | None = None) -> bool:
        """Bookmark a post or remove the bookmark; True if that changed anything."""
        return self._set("bookmarked", [post_id], value, undoable) > 0

    def mark_all_read(self, post_ids: Iterable[str]) -> int:
        """Mark posts read (one undoable change); how many changed."""
        ids = list(post_ids)
        return self._set("read", ids, True, f"marked {len(ids)} posts read")

    def _set(self, field: str, post_ids: list[str], value: bool, undoable: str | None) -> int:
        """Change one mark of several posts; record it for undo when asked."""
        current = self.store.is_read if field == "read" else self.store.is_bookmarked
        setter = self.store.set_read if field == "read" else self.store.set_bookmarked
        before = tuple((post_id, current(post_id)) for post_id in post_ids)
        changed = [post_id for post_id, old in before if old != value]
        for post_id in changed:
            setter(post_id, value)
            self.keep_listed(post_id)
        if changed and undoable is not None:
            kept = tuple((post_id, old) for post_id, old in before if old != value)
            self.undo_stack.append(Change(undoable, field, kept))
            del self.undo_stack[:-UNDO_LIMIT]
        return len(changed)

    def undo(self) -> Change | None:
        """Put back the marks of the last undoable change; the change, or None."""
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        setter = self.store.set_read if change.field == "read" else self.store.set_bookmarked
        for post_id, old in change.before:
            setter(post_id, old)
            self.keep_listed(post_id)
        return change
