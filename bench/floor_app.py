"""The floor: the least a Textual app of the same version can do on this machine.

It paints one known line; `j` replaces it with the next known line; `q` quits.
Run as a script (`python bench/floor_app.py`), like the reader's console script.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

FIRST_LINE = "Floor line 000"


def floor_line(number: int) -> str:
    """The line shown after `number` presses of `j` (0: the first line)."""
    return f"Floor line {number:03d}"


class FloorApp(App[None]):
    """One Static with a known line; `j` shows the next one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next", "Next"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        """Start at line 0."""
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        """The one line."""
        yield Static(floor_line(0), id="line")

    def action_next(self) -> None:
        """Show the next known line."""
        self.count += 1
        self.query_one("#line", Static).update(floor_line(self.count))


if __name__ == "__main__":
    FloorApp().run()
