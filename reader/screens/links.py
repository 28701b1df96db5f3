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


class LinksScreen(ModalScreen[str | None]):
    """A numbered list of links; a link's key or enter picks it, escape closes."""

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
    LinksScreen OptionList {
        height: auto;
        max-height: 30;
        border: none;
    }
    LinksScreen .hint {
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, links: Sequence[Link]) -> None:
        """Take the links to list (their text is never read as markup)."""
        super().__init__()
        self.links = list(links)

    def compose(self) -> ComposeResult:
        """The list of links and a hint."""
        with Vertical() as box:
            box.border_title = f"Links ({len(self.links)})"
            options = []
            for index, link in enumerate(self.links):
                key = HINT_KEYS[index] if index < len(HINT_KEYS) else " "
                label = Text.assemble((f"{key} ", "bold"), link.text, ("  " + link.url, "dim"))
                label.no_wrap = True
                label.overflow = "ellipsis"
                options.append(Option(label))
            yield OptionList(*options)
            yield Static(Text("key or enter: open · escape: close"), classes="hint")

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
