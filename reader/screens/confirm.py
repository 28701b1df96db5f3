"""A yes/no question in a small modal."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; y or enter answers yes, n or escape answers no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen .hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    def __init__(self, question: str) -> None:
        """Take the question (plain text, never markup)."""
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and how to answer it."""
        with Vertical():
            yield Static(Text(self.question))
            yield Static(Text("y / enter: yes    n / escape: no"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
