"""The contents panel: the shown post's headings; choosing one scrolls there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.widgets.article import Heading


class Contents(OptionList):
    """A list of headings, indented by level; hidden until `t`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t", "close", "Close contents", show=False),
        Binding("j", "cursor_down", "Next heading", show=False),
        Binding("k", "cursor_up", "Previous heading", show=False),
    ]

    DEFAULT_CSS = """
    Contents, Contents:focus {
        display: none;
        width: 34;
        max-width: 40%;
        height: 1fr;
        border: none;
        border-left: vkey $panel-lighten-2;
        border-title-align: left;
        padding: 0 1;
    }
    Contents.-open {
        display: block;
    }
    """

    class Chosen(Message):
        """A heading was chosen: scroll the article to its line."""

        def __init__(self, line: int) -> None:
            """Carry the line to scroll to."""
            super().__init__()
            self.line = line

    class Closed(Message):
        """The panel was closed."""

    def __init__(self, *, id: str | None = None) -> None:
        """Start empty."""
        super().__init__(id=id)
        self.border_title = "Contents"
        self._heading_lines: list[int] = []

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self.has_class("-open")

    def set_headings(self, headings: Sequence[Heading]) -> None:
        """List the headings of the shown post (text is never read as markup)."""
        keep = self.highlighted
        self.clear_options()
        self._heading_lines = [heading.line for heading in headings]
        if not headings:
            self.add_option(Option(Text("(no headings)", style="dim"), disabled=True))
            return
        top = min(heading.level for heading in headings)
        self.add_options(
            Option(
                Text(
                    "  " * (heading.level - top) + heading.text,
                    no_wrap=True,
                    overflow="ellipsis",
                )
            )
            for heading in headings
        )
        if keep is not None and keep < len(headings):
            self.highlighted = keep

    def open(self, top_line: int) -> None:
        """Show the panel, focus it, and highlight the heading at `top_line` or above it."""
        self.add_class("-open")
        self.focus()
        if self._heading_lines:
            above = [i for i, line in enumerate(self._heading_lines) if line <= top_line]
            self.highlighted = above[-1] if above else 0

    def action_close(self) -> None:
        """Hide the panel."""
        self.remove_class("-open")
        self.post_message(self.Closed())

    @on(OptionList.OptionSelected)
    def heading_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a heading: scroll there."""
        event.stop()
        if 0 <= event.option_index < len(self._heading_lines):
            self.post_message(self.Chosen(self._heading_lines[event.option_index]))
