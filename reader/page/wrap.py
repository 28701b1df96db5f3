"""Word wrapping of styled runs into lines of segments (UI-free).

A paragraph arrives as runs: (text, style) pairs, with None for a hard line break.
Words may be made of several runs (`**bold**ness`) and are never broken between
them; a word wider than the line is cut by cells. Spaces collapse to one.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style

Lines = list[list[Segment]]
Run = tuple[str, Style] | None  # None: a hard line break

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    """A number in superscript digits (a footnote marker)."""
    return str(number).translate(_SUPERSCRIPT)


def split_cells(text: str, width: int) -> list[str]:
    """Text cut into pieces of at most `width` cells (a wide character is never split)."""
    if text.isascii():
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    pieces: list[str] = []
    start = used = 0
    for index, char in enumerate(text):
        size = get_character_cell_size(char)
        if used + size > width and index > start:
            pieces.append(text[start:index])
            start, used = index, 0
        used += size
    pieces.append(text[start:])
    return pieces


def text_width(text: str) -> int:
    """The cells a piece of text takes."""
    return len(text) if text.isascii() else cell_len(text)


class _Wrapper:
    """The state of wrapping one paragraph."""

    __slots__ = ("line", "lines", "space", "used", "width", "word", "word_width")

    def __init__(self, width: int) -> None:
        self.width = max(width, 1)
        self.lines: Lines = []
        self.line: list[list[object]] = []  # [text, style] pairs, merged by style
        self.used = 0
        self.word: list[tuple[str, Style]] = []
        self.word_width = 0
        self.space: Style | None = None  # a space is owed before the next word

    def add(self, text: str, style: Style) -> None:
        """Append a piece of a line, merged with the last one of the same style."""
        line = self.line
        if line and line[-1][1] is style:
            line[-1][0] = str(line[-1][0]) + text
        else:
            line.append([text, style])

    def newline(self) -> None:
        """End the current line."""
        self.lines.append([Segment(str(text), style) for text, style in self.line])  # type: ignore[arg-type]
        self.line = []
        self.used = 0
        self.space = None

    def end_word(self) -> None:
        """Place the word being built on the line (or the next)."""
        word = self.word
        if not word:
            return
        width = self.word_width
        if self.line and self.used + 1 + width > self.width:
            self.newline()
        if self.line and self.space is not None:
            self.add(" ", self.space)
            self.used += 1
        if self.used + width <= self.width:
            for text, style in word:
                self.add(text, style)
            self.used += width
        else:  # longer than a line: cut by cells
            for text, style in word:
                for piece in split_cells(text, self.width):
                    size = text_width(piece)
                    if self.used + size > self.width and self.line:
                        self.newline()
                    self.add(piece, style)
                    self.used += size
        self.word = []
        self.word_width = 0
        self.space = None


def wrap(runs: list[Run], width: int) -> Lines:
    """Runs wrapped to `width` cells: a list of lines of segments."""
    state = _Wrapper(width)
    for run in runs:
        if run is None:
            state.end_word()
            state.newline()
            continue
        text, style = run
        if "\t" in text or "\n" in text:
            text = text.replace("\t", "    ").replace("\n", " ")
        parts = text.split(" ")
        for index, part in enumerate(parts):
            if index:
                state.end_word()
                if state.line:
                    state.space = style
            if part:
                state.word.append((part, style))
                state.word_width += text_width(part)
    state.end_word()
    if state.line or not state.lines:
        state.newline()
    return state.lines


def pad(line: list[Segment], width: int, style: Style) -> list[Segment]:
    """A line filled with `style` up to `width` cells."""
    used = sum(text_width(segment.text) for segment in line)
    return [*line, Segment(" " * (width - used), style)] if used < width else line


def prefixed(lines: Lines, first: list[Segment], rest: list[Segment]) -> Lines:
    """Lines with a prefix on the first and another on the following ones (indents, bars)."""
    return [[*(first if index == 0 else rest), *line] for index, line in enumerate(lines)]
