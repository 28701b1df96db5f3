"""The search box over the sidebar (`/`): narrows the list as you type."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import on
from textual.binding import BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import Input

from reader.widgets.bindings import bindings

# What the empty box says, longest first: the longest that fits the sidebar is shown,
# so that the operators are never cut off (the help, F1 or ?, lists them all).
PLACEHOLDERS = (
    'Search: words "a phrase" tag: author: is:unread -word',
    'words "a phrase" tag: author: is:unread -word',
    '"phrase" tag: author: is:unread -word',
    '"phrase" tag: author: is: -word',
    "Search (F1: operators)",
)


def placeholder_for(width: int) -> str:
    """The longest placeholder that fits in `width` cells (the shortest if none does)."""
    return next((text for text in PLACEHOLDERS if cell_len(text) <= width), PLACEHOLDERS[-1])


class SearchBar(Input):
    """An input for a search query; hidden until `/`."""

    # escape, shown in the footer while typing a query.
    BINDINGS: ClassVar[list[BindingType]] = bindings("search_box")

    DEFAULT_CSS = """
    SearchBar, SearchBar:focus {
        display: none;
        height: 1;
        border: none;
        padding: 0 1;
        background: $panel;
    }
    SearchBar.-open {
        display: block;
    }
    """

    class QueryChanged(Message):
        """The query text changed."""

        def __init__(self, text: str) -> None:
            """Carry the query."""
            super().__init__()
            self.text = text

    class QuerySubmitted(Message):
        """Enter: open the first hit."""

    class SearchCleared(Message):
        """Escape: the search is over."""

    def __init__(self, *, id: str | None = None) -> None:
        """Start hidden."""
        super().__init__(placeholder=PLACEHOLDERS[0], id=id)

    @property
    def is_open(self) -> bool:
        """True while the search box is shown."""
        return self.has_class("-open")

    def open(self) -> None:
        """Show the box and put the cursor in it.

        Focus moves at once (not after the keys already waiting), so a query typed or
        pasted in the same instant as `/` goes into the box, not to the sidebar.
        """
        self.add_class("-open")
        self.screen.set_focus(self)

    def on_resize(self, event: Resize) -> None:
        """Say as much about the query language as the box has room for."""
        self.placeholder = placeholder_for(self.content_size.width)

    @on(Input.Changed)
    def text_changed(self, event: Input.Changed) -> None:
        """Pass the new query up."""
        event.stop()
        self.post_message(self.QueryChanged(event.value))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter: pass it up."""
        event.stop()
        self.post_message(self.QuerySubmitted())

    def close(self) -> None:
        """Hide the box and forget the query."""
        self.remove_class("-open")
        self.value = ""

    def action_clear(self) -> None:
        """Escape: hide the box and end the search."""
        self.close()
        self.post_message(self.SearchCleared())
