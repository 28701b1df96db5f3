"""What a Pilot test's terminal shows, as text: read back from Textual's screenshot.

`App.export_screenshot` renders the whole screen (every layer, modal screens over the
one below, toasts) the way the terminal gets it and returns Rich's SVG export of it.
Each run of text in that SVG is a `<text>` element placed at `x = column * char_width`
and clipped to its line (`...-line-N`), so the rows of characters come back exactly.
"""

from __future__ import annotations

import html
import re

from rich.cells import cell_len
from textual.pilot import Pilot

# Rich's SVG export: 20-pixel characters, 0.61 as wide as they are high.
CHAR_WIDTH = 20 * 0.61
_TEXT_RE = re.compile(
    r'<text [^>]*?x="(?P<x>[\d.]+)"[^>]*?clip-path="url\(#[^)]*-line-(?P<line>\d+)\)"[^>]*>'
    r"(?P<text>.*?)</text>",
    re.DOTALL,
)


def screen_lines(pilot: Pilot[int]) -> list[str]:
    """Every line of the screen as plain text (trailing blanks removed)."""
    width, height = pilot.app.size
    rows = [[" "] * width for _ in range(height)]
    for match in _TEXT_RE.finditer(pilot.app.export_screenshot()):
        row = rows[int(match["line"])]
        column = round(float(match["x"]) / CHAR_WIDTH)
        # The export writes every space as a no-break space (&#160;): read them as spaces.
        for char in html.unescape(match["text"]).replace("\xa0", " "):
            if column < width:
                row[column] = char
            for filler in range(column + 1, min(column + cell_len(char), width)):
                row[filler] = ""  # the right half of a wide character
            column += cell_len(char)
    return ["".join(row).rstrip() for row in rows]


def screen_text(pilot: Pilot[int]) -> str:
    """The whole screen as text, one line per row."""
    return "\n".join(screen_lines(pilot))
