"""The links picker (`f`): the post's links, each behind a key; choosing one opens it."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from reader.links import Link

HINT_KEYS = string.digits[1:] + string.ascii_lowercase
CURSOR = "▸"  # marks the highlighted row, also where colours are few or hard to tell apart


def key_range(count: int) -> str:
    """The keys of the first `count` links, as `1-9, a-f` (at most all of HINT_KEYS)."""
    last = HINT_KEYS[min(count, len(HINT_KEYS)) - 1]
    if last in string.digits:
        return "1" if last == "1" else f"1-{last}"
    return "1-9, a" if last == "a" else f"1-9, a-{last}"


def hint_for(count: int) -> str:
    """The line under the list: which keys open a link, how to reach those without one."""
    keys = key_range(count)
    if count <= len(HINT_KEYS):
        return f"{keys} or ↑↓ enter: open · esc: close"
    rest = f"{len(HINT_KEYS) + 1}-{count}"
    return f"{keys} or ↑↓ enter: open (links {rest}: ↑↓ enter) · esc: close"


class LinkList(OptionList):
    """The links, one a line; up and down stop at the ends, as in the sidebar."""

    def action_cursor_down(self) -> None:
        """The next link; on the last one, stay there."""
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """The previous link; on the first one, stay there."""
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()


class LinksScreen(ModalScreen[str | None]):
    """A numbered list of links; a link's key, or enter on the highlighted one, opens it.

    Each link is one line (cut with `…`), so the list scrolls to keep the highlighted
    row on screen and the hint under it always shows.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close links"),
    ]

    DEFAULT_CSS = """
    LinksScreen {
        align: center middle;
    }
    LinksScreen > Vertical {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 80%;
        border: round $primary;
        background: $surface;
    }
    LinksScreen LinkList, LinksScreen LinkList:focus {
        height: 1fr;
        border: none;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    LinksScreen .hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, links: Sequence[Link]) -> None:
        """Take the links to list (their text is never read as markup)."""
        super().__init__()
        self.links = list(links)
        self.marked = 0  # the row that shows CURSOR

    def row(self, index: int) -> Text:
        """One link's row: the cursor mark, its key, its number on the page (`[3]`),
        its text and its address."""
        link = self.links[index]
        key = HINT_KEYS[index] if index < len(HINT_KEYS) else " "
        mark = CURSOR if index == self.marked else " "
        number = (f"[{index + 1}] ", "dim")
        return Text.assemble(
            (f"{mark} {key} ", "bold"), number, link.text, ("  " + link.url, "dim"), no_wrap=True
        )

    def compose(self) -> ComposeResult:
        """The list of links and a hint."""
        with Vertical() as box:
            box.border_title = f"Links ({len(self.links)})"
            yield LinkList(*(Option(self.row(i)) for i in range(len(self.links))))
            yield Static(Text(hint_for(len(self.links))), classes="hint")

    @on(OptionList.OptionHighlighted)
    def moved(self, event: OptionList.OptionHighlighted) -> None:
        """Move the cursor mark with the highlight."""
        old, self.marked = self.marked, event.option_index
        if old != self.marked:
            event.option_list.replace_option_prompt_at_index(old, self.row(old))
            event.option_list.replace_option_prompt_at_index(self.marked, self.row(self.marked))

    def on_key(self, event: Key) -> None:
        """A link's key opens it at once."""
        if event.character and event.character in HINT_KEYS:
            index = HINT_KEYS.index(event.character)
            if index < len(self.links):
                event.stop()
                self.dismiss(self.links[index].url)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a link opens it."""
        self.dismiss(self.links[event.option_index].url)

    def action_dismiss_none(self) -> None:
        """Close without opening anything."""
        self.dismiss(None)
