"""Find text in a rendered post (UI-free): matches as (line, start, end) cell ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len


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
