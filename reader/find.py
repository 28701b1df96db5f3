"""Find text in a rendered post (UI-free): matches as (line, start, end) cell ranges."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

# The style meta key the renderer puts on heading lines (for contents and [ / ] jumps),
# with the heading's text under HEADING_TEXT_META; a link's cells carry its address
# under LINK_META (a click there opens it).
HEADING_META = "reader-heading"
HEADING_TEXT_META = "reader-heading-text"
LINK_META = "reader-link"
# Text never wraps narrower than this: a narrower pane scrolls sideways.
MIN_TEXT = 30

_URL_RE = re.compile(r"(?:https?://|mailto:)[^\s()<>]+")


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence: a line index and a range of cells on that line."""

    line: int
    start: int
    end: int


def _folded(text: str) -> str:
    """Lower-case text for matching, keeping every character's position."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def find_matches(lines: Sequence[str], needle: str) -> list[Match]:
    """Every case-insensitive occurrence of `needle`, in reading order."""
    needle = needle.lower()
    if not needle.strip():
        return []
    matches: list[Match] = []
    size = len(needle)
    for number, line in enumerate(lines):
        folded = _folded(line)
        index = folded.find(needle)
        while index != -1:
            start = cell_len(line[:index])
            end = start + cell_len(line[index : index + size])
            matches.append(Match(number, start, end))
            index = folded.find(needle, index + max(size, 1))
    return matches


def spans_to_matches(line: int, text: str, spans: Sequence[tuple[int, int]]) -> list[Match]:
    """Character spans on one line turned into cell-range matches."""
    return [Match(line, cell_len(text[:start]), cell_len(text[:end])) for start, end in spans]


def link_at(lines: Sequence[str], line: int, column: int) -> str | None:
    """The web address shown at a cell of the rendered post, if any.

    An address cut by the line's end goes on at the start of the next line.
    """
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    for found in _URL_RE.finditer(text):
        start, end = cell_len(text[: found.start()]), cell_len(text[: found.end()])
        if start <= column < end:
            url = found.group(0)
            if found.end() == len(text.rstrip()) and line + 1 < len(lines):
                follow = re.match(r"[^\s()<>]+", lines[line + 1])
                if follow:
                    url += follow.group(0)
            return url.rstrip(".,;:")
    return None
