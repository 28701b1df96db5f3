"""The last few rendered posts, so moving back and forth between posts is instant (UI-free)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class RenderCache(Generic[T]):
    """The last few rendered posts, keyed on (post id, width, look: theme and layout)."""

    SIZE = 12
    MAX_LINES = 3000  # longer posts are not kept (memory)

    def __init__(self) -> None:
        """Start empty."""
        self.entries: OrderedDict[tuple[str, int, Hashable], list[T]] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        """Whether a rendering is kept."""
        return key in self.entries

    def get(self, key: tuple[str, int, Hashable]) -> list[T] | None:
        """A kept rendering, marked as recently used."""
        lines = self.entries.get(key)
        if lines is not None:
            self.entries.move_to_end(key)
        return lines

    def put(self, key: tuple[str, int, Hashable], lines: list[T]) -> None:
        """Keep a rendering, forgetting the oldest beyond SIZE."""
        if len(lines) > self.MAX_LINES:
            return
        self.entries[key] = lines
        self.entries.move_to_end(key)
        while len(self.entries) > self.SIZE:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (the files may have changed)."""
        self.entries.clear()
