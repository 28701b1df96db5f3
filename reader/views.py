"""The views and sorts of the post list, its markers, and finding the next unread post.

UI-free: the sidebar (through reader.session) and `reader list` both use these, so a
view added here is in the `v` cycle and in `reader list --view` at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

UNREAD_MARK = "●"  # before an unread post, in the sidebar and in `reader list`
BOOKMARK_MARK = "★"  # before a bookmarked post


class View(StrEnum):
    """A filter over the library, cycled with `v`."""

    ALL = "all"
    UNREAD = "unread"
    BOOKMARKED = "bookmarked"
    IN_PROGRESS = "in progress"

    @property
    def label(self) -> str:
        """The name shown to the user."""
        return self.value.capitalize()

    def next(self) -> View:
        """The view that follows this one in the cycle."""
        order = list(View)
        return order[(order.index(self) + 1) % len(order)]

    @property
    def option(self) -> str:
        """The name on the command line: `in-progress` (one word, no quoting)."""
        return self.value.replace(" ", "-")

    @classmethod
    def parse(cls, value: object) -> View:
        """A view from a stored value, falling back to All."""
        return cls.named(value) or cls.ALL

    @classmethod
    def named(cls, value: object) -> View | None:
        """The view named value (`in progress` or `in-progress`), or None."""
        for view in cls:
            if value in (view.value, view.option):
                return view
        return None


class Sort(StrEnum):
    """The order of the sidebar, cycled with `s`."""

    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    UNREAD = "unread"

    @property
    def label(self) -> str:
        """The name shown to the user."""
        return {
            Sort.NEWEST: "newest first",
            Sort.OLDEST: "oldest first",
            Sort.TITLE: "by title",
            Sort.UNREAD: "unread first",
        }[self]

    def next(self) -> Sort:
        """The sort that follows this one in the cycle."""
        order = list(Sort)
        return order[(order.index(self) + 1) % len(order)]

    @classmethod
    def parse(cls, value: object) -> Sort:
        """A sort from a stored value, falling back to newest first."""
        for sort in cls:
            if sort.value == value:
                return sort
        return cls.NEWEST


def visible_ids(
    ids: Iterable[str],
    view: View,
    is_read: Callable[[str], bool],
    is_bookmarked: Callable[[str], bool],
    sticky: frozenset[str] | set[str] = frozenset(),
    in_progress: Callable[[str], bool] = lambda _post_id: False,
) -> list[str]:
    """The post ids a view lists, in library order.

    `sticky` ids stay listed even when they no longer match: a post read while the
    Unread view is open stays under the cursor until the view is left.
    """
    if view is View.ALL:
        return list(ids)
    if view is View.UNREAD:
        return [i for i in ids if i in sticky or not is_read(i)]
    if view is View.IN_PROGRESS:
        return [i for i in ids if i in sticky or in_progress(i)]
    return [i for i in ids if i in sticky or is_bookmarked(i)]


def is_in_progress(position: float | None) -> bool:
    """A post begun but not finished."""
    return position is not None and 0.0 < position < 1.0


def find_unread(
    ids: Sequence[str], start: int, step: int, is_read: Callable[[str], bool]
) -> int | None:
    """Index of the next unread id after `start` going `step` (+1/-1), wrapping; None if none.

    The post at `start` itself is checked last, so it is found only when it is the
    only unread post.
    """
    count = len(ids)
    if count == 0:
        return None
    for offset in range(1, count + 1):
        index = (start + step * offset) % count
        if not is_read(ids[index]):
            return index
    return None
