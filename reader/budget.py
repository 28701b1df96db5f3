"""How much formatting a post can afford, decided in one place (UI-free).

Formatting costs far more than the text it formats: Rich lays a Markdown table out in
about 12 ms and 400 bytes of memory per character of source, so a 100,000-row table
(2.2 MB) took 19 s and 850 MB before its first line showed. The renderer asks here,
block by block, whether to format a block or show its source text (wrapped, never
laid out), and the screen asks, post by post, whether to render a neighbour ahead of
time. A renderer that replaces Rich's calls the same two functions.
"""

from __future__ import annotations

import os
import re

__all__ = [
    "MAX_BLOCK_CHARS",
    "MAX_PREFETCH_BYTES",
    "MAX_TABLE_CHARS",
    "block_note",
    "worth_prefetching",
]

#: A table larger than this (about 1,000 short rows: 0.25 s, 10 MB to format) is shown
#: as its source text.
MAX_TABLE_CHARS = 20_000
#: A list, code block or quote larger than this likewise (each costs 100 to 200 bytes of
#: memory per character to format; a paragraph or heading costs little and is formatted).
MAX_BLOCK_CHARS = 200_000
#: Posts larger than this are rendered when shown, never ahead of time as a neighbour.
MAX_PREFETCH_BYTES = 256 * 1024

# A table's delimiter row (|---|:--:|), right under a line holding a pipe.
_TABLE_RE = re.compile(
    r"^[^\n]*\|[^\n]*\n {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.M
)
# A line that starts a list item, a quote or a code block.
_STRUCTURE_RE = re.compile(
    r"^(?: {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}(?:>|```|~~~)| {4}|\t)", re.M
)


def block_note(block: str) -> str | None:
    """None if a block of Markdown (text between blank lines) may be formatted; else the
    note to show above its source text, saying why."""
    size = len(block)
    if size <= MAX_TABLE_CHARS:
        return None
    if _TABLE_RE.search(block) is not None:
        rows = block.count("\n") - 1
        return f"(a table of {rows:,} rows is too large to lay out; shown as its source text)"
    if size <= MAX_BLOCK_CHARS or _STRUCTURE_RE.search(block) is None:
        return None
    shown = f"{size / 1_000_000:.1f} million" if size >= 1_000_000 else f"{size:,}"
    return f"(a block of {shown} characters is too large to format; shown as its source text)"


def worth_prefetching(file: str) -> bool:
    """Whether to render a post ahead of time (as a neighbour of the one shown)."""
    try:
        return os.path.getsize(file) <= MAX_PREFETCH_BYTES
    except OSError:
        return False
