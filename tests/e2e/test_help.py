"""End to end in a real 80x24 terminal: a held `j` scrolls the help one line per press.

A held key reaches the reader as many bytes in one read, faster than the screen is
refreshed; each press must still scroll one line, as in the article.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import NEVER

TITLE = "Keys — j/k/space scroll, escape closes"
SCROLLBAR = " ▁▂▃▄▅▆▇█▔"  # the box's scrollbar, drawn in its last columns


def help_lines(text: str) -> list[str]:
    """The lines inside the help box, between its side borders, without the scrollbar."""
    return [
        line[line.index("│") + 1 : line.rindex("│")].rstrip(SCROLLBAR)
        for line in text.splitlines()
        if line.count("│") >= 2
    ]


def test_a_held_j_scrolls_the_help_one_line_per_press(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"]
    terminal = term(argv, columns=80, lines=24)
    terminal.wait_for("? Help")
    terminal.send("?")
    first = help_lines(terminal.wait_for(TITLE))
    presses = 12
    assert len(first) > presses + 2, first
    terminal.send("j" * presses)  # one write, as a held key arrives
    text = terminal.wait_for(lambda text: help_lines(text)[:3] == first[presses : presses + 3])
    assert help_lines(text)[0] == first[presses]
    terminal.send("k" * 5)
    terminal.wait_for(lambda text: help_lines(text)[:3] == first[presses - 5 : presses - 2])
    terminal.send("q")
    terminal.wait_for(lambda text: TITLE not in text)
    terminal.send("q")
    assert terminal.wait_exit() == 0
