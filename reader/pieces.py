"""A long text in pieces of whole lines (UI-free).

A regex over a whole 1 MB post is one C call that holds the interpreter lock for
tens of milliseconds (the UI thread cannot answer a key meanwhile). Run over pieces
of a few tens of kilobytes it gives the lock up between them; a pattern that never
crosses a line break finds exactly the same matches.
"""

from __future__ import annotations

from collections.abc import Iterator

PIECE_CHARS = 32_000


def line_pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """`text` in consecutive pieces of about `size` characters, each ending at a line end."""
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start + size)
        end = length if end == -1 else end + 1
        yield text[start:end]
        start = end
