"""The find bar under the article: type to highlight matches in the shown post."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from reader.widgets.bindings import bindings


class FindBar(Horizontal):
    """An input for the text to find and a `3/12` count; hidden until ctrl+f."""

    # Escape from the box (in the article, escape is the pane's find.close).
    BINDINGS: ClassVar[list[BindingType]] = bindings("find_bar")

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        display: none;
        background: $panel;
    }
    FindBar.-open {
        display: block;
    }
    FindBar > Input, FindBar > Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
    }
    FindBar Label {
        width: auto;
        min-width: 10;
        padding: 0 1;
        color: $text-muted;
    }
    """

    class Changed(Message):
        """The text to find changed."""

        def __init__(self, text: str) -> None:
            """Carry the new text."""
            super().__init__()
            self.text = text

    class Step(Message):
        """Go to the next (+1) or previous (-1) match."""

        def __init__(self, step: int) -> None:
            """Carry the direction."""
            super().__init__()
            self.step = step

    class Closed(Message):
        """The find bar was closed."""

    class Done(Message):
        """Enter: the text is typed; reading goes on in the article (n / N step on)."""

    def compose(self) -> ComposeResult:
        """An input and the match count."""
        yield FindInput(placeholder="Find in post…", id="find-input")
        yield Label("", id="find-count")

    @property
    def is_open(self) -> bool:
        """True while the bar is shown."""
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar and put the cursor in it."""
        self.add_class("-open")
        self.screen.refresh_bindings()  # n / N step through the matches now
        field = self.query_one(Input)
        self.screen.set_focus(field)
        if field.value:
            self.post_message(self.Changed(field.value))

    def set_count(self, current: int, total: int, text: str) -> None:
        """Show `current/total` (or that nothing matched)."""
        label = self.query_one(Label)
        if not text.strip():
            label.update("")
        elif total == 0:
            label.update("no match")
        else:
            label.update(f"{current}/{total}")

    @on(Input.Changed, "#find-input")
    def text_changed(self, event: Input.Changed) -> None:
        """Pass the new text up."""
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#find-input")
    def submitted(self, event: Input.Submitted) -> None:
        """Enter: the next match, and back to the article (as in less and vim)."""
        event.stop()
        self.post_message(self.Step(+1))
        self.post_message(self.Done())

    def action_close(self) -> None:
        """Escape: hide the bar and clear the highlights."""
        self.remove_class("-open")
        self.screen.refresh_bindings()
        self.post_message(self.Closed())


class FindInput(Input):
    """The find box: down / up (and F3 / shift+F3) step through the matches.

    Bound here, on the box itself, so that they win over the box's own up and down and
    the footer hints them (`↓↑ Next/prev match`) while you type.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("find_box")

    def action_step(self, step: int) -> None:
        """The next (+1) or previous (-1) match."""
        self.post_message(FindBar.Step(step))
