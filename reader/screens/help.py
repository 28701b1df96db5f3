"""The help screen: every key, built from the bindings themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

MARKERS = (
    ("●", "unread post"),
    ("★", "bookmarked post"),
)


def key_table(
    sections: Iterable[tuple[str, list[BindingType]]],
    display: dict[str, str],
    keymap: Mapping[str, str] | None = None,
) -> Table:
    """A table of keys and what they do, one section per place the keys work.

    `keymap` holds the user's overrides (binding id -> keys), shown instead of the defaults.
    """
    keymap = keymap or {}
    table = Table(box=None, show_header=False, padding=(0, 2), expand=False)
    table.add_column(style="bold")
    table.add_column()
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), "")
        by_action: dict[str, tuple[list[str], str]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.action.startswith("screen."):
                continue  # the same key is listed under the screen's own bindings
            keys, description = by_action.setdefault(binding.action, ([], binding.description))
            override = keymap.get(binding.id or "")
            for key in override.split(",") if override else [binding.key]:
                label = display.get(key.strip(), key.strip())
                if label not in keys:
                    keys.append(label)
        for keys, description in by_action.values():
            table.add_row(Text(" / ".join(keys)), Text(description))
        table.add_row("", "")
    table.add_row(Text("Markers", style="bold underline"), "")
    for mark, meaning in MARKERS:
        table.add_row(Text(mark), Text(meaning))
    return table


Command = tuple[str, str, Callable[[], Awaitable[object]]]


def binding_commands(
    targets: Iterable[tuple[Widget, str, list[BindingType]]],
    key_display: Callable[[Binding], str],
) -> Iterator[Command]:
    """(title, help, callback) for every binding, for the command palette.

    `targets` pairs each widget with a note on where its keys work and its bindings;
    a description already given by an earlier target is not repeated.
    """
    seen: set[str] = set()
    for target, where, bindings in targets:
        expanded = list(Binding.make_bindings(bindings))
        for binding in expanded:
            if binding.description in seen or binding.action.startswith("app.help"):
                continue
            seen.add(binding.description)
            keys = ", ".join(key_display(b) for b in expanded if b.action == binding.action)
            yield binding.description, f"{keys}{where}", partial(target.run_action, binding.action)


class HelpScreen(ModalScreen[None]):
    """A modal listing every key binding of the reader."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 64;
        max-width: 95%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen Static {
        width: auto;
    }
    """

    def __init__(
        self,
        sections: list[tuple[str, list[BindingType]]],
        display: dict[str, str],
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        """Take the bindings to list, grouped by where they work, and the user's keys."""
        super().__init__()
        self.sections = sections
        self.table = key_table(sections, display, keymap)

    def compose(self) -> ComposeResult:
        """Show the table of keys."""
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys — escape to close"
            yield Static(self.table)

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help screen."""
        self.dismiss(result)
