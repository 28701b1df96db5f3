"""Tables (UI-free): columns sized to their content, cells wrapped; rows as records
when the columns cannot fit the pane."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style

from reader.page.palette import Palette
from reader.page.parser import Node
from reader.page.wrap import Lines, Run, pad, text_width, wrap

MIN_COLUMN = 6  # narrower columns than this: the table is shown row by row
SEPARATOR = " │ "
TOO_WIDE_NOTE = "(table too wide for the pane: shown row by row)"

RunsOf = Callable[[Node, Style], list[Run]]


def _rows(table: Node) -> list[tuple[list[Node], bool]]:
    """The table's rows as (cells, is the header row)."""
    rows: list[tuple[list[Node], bool]] = []
    for section in table.children:
        header = section.type == "thead"
        for row in section.children:
            if row.type == "tr":
                rows.append(([cell for cell in row.children if cell.type in ("th", "td")], header))
    return rows


def _width_of(runs: list[Run]) -> tuple[int, int]:
    """A cell's natural width (one line) and its longest word."""
    total = longest = 0
    for run in runs:
        if run is None:
            continue
        text = run[0]
        total += text_width(text)
        for word in text.split():
            longest = max(longest, text_width(word))
    return total, longest


def table_lines(table: Node, width: int, palette: Palette, runs_of: RunsOf) -> Lines:
    """A table laid out in `width` cells."""
    rows = _rows(table)
    if (
        rows
        and rows[0][1]
        and not any(cell.children and cell.children[0].token.content.strip() for cell in rows[0][0])
    ):
        rows = rows[1:]  # an empty header row (HTML tables converted without one)
    if not rows:
        return []
    columns = max(len(cells) for cells, _ in rows)
    cell_runs: list[list[list[Run]]] = []
    for cells, header in rows:
        base = palette.table_header if header else palette.text
        row_runs = [runs_of(cell, base) for cell in cells]
        row_runs += [[] for _ in range(columns - len(row_runs))]
        cell_runs.append(row_runs)
    natural = [0] * columns
    longest = [0] * columns
    for row_runs in cell_runs:
        for index, runs in enumerate(row_runs):
            total, word = _width_of(runs)
            natural[index] = max(natural[index], total, 1)
            longest[index] = max(longest[index], word)
    available = width - len(SEPARATOR) * (columns - 1)
    widths = _fit(natural, longest, available)
    if widths is None:
        return _records(rows, cell_runs, width, palette)
    border = palette.table_border
    aligns = [_align(rows[0][0][i]) if i < len(rows[0][0]) else "left" for i in range(columns)]
    lines: Lines = []
    for (_, header), row_runs in zip(rows, cell_runs, strict=True):
        wrapped: list[Lines] = [
            wrap(runs, widths[i]) if runs else [[]] for i, runs in enumerate(row_runs)
        ]
        height = max(len(cell) for cell in wrapped)
        for y in range(height):
            line: list[Segment] = []
            for index, cell in enumerate(wrapped):
                if index:
                    line.append(Segment(SEPARATOR, border))
                part = cell[y] if y < len(cell) else []
                line.extend(_aligned(part, widths[index], aligns[index], palette.text))
            lines.append(line)
        if header:
            rule = "─┼─".join("─" * w for w in widths)
            lines.append([Segment(rule, border)])
    return lines


def _align(cell: Node) -> str:
    """A column's alignment, from its header cell (`|--:|` gives text-align:right)."""
    style = str(cell.token.attrs.get("style", ""))
    return "right" if "right" in style else "center" if "center" in style else "left"


def _aligned(line: list[Segment], width: int, align: str, style: Style) -> list[Segment]:
    """A cell's line filled to the column's width, on the side its alignment says."""
    if align == "left":
        return pad(line, width, style)
    free = width - sum(text_width(segment.text) for segment in line)
    if free <= 0:
        return line
    before = free if align == "right" else free // 2
    return [Segment(" " * before, style), *pad(line, width - before, style)]


def _fit(natural: list[int], longest: list[int], available: int) -> list[int] | None:
    """Column widths that fit `available` cells, or None when they cannot."""
    if sum(natural) <= available:
        return natural
    if MIN_COLUMN * len(natural) > available:
        return None
    widths = natural[:]
    # Narrow the widest column a step at a time, down to its longest word if possible.
    floors = [max(MIN_COLUMN, min(word, available // len(natural))) for word in longest]
    while sum(widths) > available:
        candidates = [i for i, w in enumerate(widths) if w > floors[i]]
        if not candidates:
            candidates = [i for i, w in enumerate(widths) if w > MIN_COLUMN]
            if not candidates:
                return None
        widest = max(candidates, key=lambda i: widths[i])
        excess = sum(widths) - available
        second = max((widths[i] for i in candidates if i != widest), default=0)
        floor = floors[widest] if widths[widest] > floors[widest] else MIN_COLUMN
        widths[widest] = max(floor, widths[widest] - max(1, min(excess, widths[widest] - second)))
    return widths


def _records(
    rows: list[tuple[list[Node], bool]],
    cell_runs: list[list[list[Run]]],
    width: int,
    palette: Palette,
) -> Lines:
    """A table too wide for the pane: each row as `header: value` lines."""
    lines: Lines = [[Segment(TOO_WIDE_NOTE, palette.note)]]
    header_runs = cell_runs[0] if rows and rows[0][1] else None
    for (_, header), row_runs in zip(rows, cell_runs, strict=True):
        if header:
            continue
        lines.append([])
        for index, runs in enumerate(row_runs):
            label: list[Run] = []
            if header_runs is not None and index < len(header_runs):
                label = [*(header_runs[index]), (": ", palette.table_header)]
            lines.extend(wrap([*label, *runs], width))
    return lines
