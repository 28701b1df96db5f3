"""The contents panel: the shown post's headings; choosing one scrolls there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.widgets.article import Heading

LEVEL_INDENT = 2  # columns per heading level below the post's top one
HANG = 1  # a heading's wrapped lines start this much further in than its first line


def heading_label(text: str, indent: int, width: int) -> Text:
    """A heading wrapped to `width` with a hanging indent, so it never looks like two.

    `Experiment Design` one level down in 12 columns is `  Experiment` / `   Design`:
    the second line stays under the first, one column further in. Words are kept whole
    where they fit; a word longer than a line is cut across lines.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        room = max(width - indent - (HANG if lines else 0), 4)
        joined = f"{line} {word}" if line else word
        if cell_len(joined) <= room:
            line = joined
            continue
        if line:
            lines.append(line)
            room = max(width - indent - HANG, 4)
        while cell_len(word) > room:
            head = set_cell_size(word, room).rstrip()
            head = head if head and word.startswith(head) else word[:1]
            lines.append(head)
            word = word[len(head) :]
            room = max(width - indent - HANG, 4)
        line = word
    lines.append(line)
    first, *rest = lines
    shown = " " * indent + first + "".join(f"\n{' ' * (indent + HANG)}{more}" for more in rest)
    return Text(shown, no_wrap=True)


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
        padding: 0 0 0 1;
        /* Room for the scrollbar kept at all times (it is the right margin): the headings
           are wrapped to a width that does not change when the list grows long enough to
           scroll. */
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
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
        self.headings: list[Heading] = []
        self.wrapped_to = 0  # the width the listed headings were wrapped to

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self.has_class("-open")

    def set_headings(self, headings: Sequence[Heading]) -> None:
        """List the headings of the shown post (text is never read as markup)."""
        keep = self.highlighted
        self.clear_options()
        self.headings = list(headings)
        self._heading_lines = [heading.line for heading in headings]
        if not headings:
            self.add_option(Option(Text("(no headings)", style="dim"), disabled=True))
            return
        self.add_options(Option(label) for label in self.labels())
        if keep is not None and keep < len(headings):
            self.highlighted = keep

    def labels(self) -> list[Text]:
        """Each heading indented by its level and wrapped to the panel's width."""
        self.wrapped_to = width = self.scrollable_content_region.width
        top = min(heading.level for heading in self.headings)
        return [
            heading_label(heading.text, LEVEL_INDENT * (heading.level - top), width)
            for heading in self.headings
        ]

    def on_resize(self, event: Resize) -> None:
        """Wrap the headings again to a new width (the panel shown, the terminal resized)."""
        if self.headings and self.scrollable_content_region.width != self.wrapped_to:
            for index, label in enumerate(self.labels()):
                self.replace_option_prompt_at_index(index, label)

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
