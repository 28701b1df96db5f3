"""Which posts a view lists, and finding the next unread post (UI-free)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum


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

    @classmethod
    def parse(cls, value: object) -> View:
        """A view from a stored value, falling back to All."""
        for view in cls:
            if view.value == value:
                return view
        return cls.ALL


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
