"""The help screen: every key, built from the bindings themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import partial
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from reader.views import BOOKMARK_MARK, UNREAD_MARK

MARKERS = (
    (UNREAD_MARK, "unread post"),
    (BOOKMARK_MARK, "bookmarked post"),
    ("42%", "how far a begun post was read"),
)

SEARCH_OPERATORS = (
    ("rust async", "every word, each a prefix (rus finds Rust)"),
    ('"a phrase"', "the phrase"),
    ("tag:rust", "a tag word"),
    ("author:ann", "an author word"),
    ("is:unread", "by state: also is:read, is:bookmarked"),
    ("-word", "posts without the word"),
)

# Textual's own keys that move the focus (tab, shift+tab), described as ours are.
FOCUS_DESCRIPTIONS = {
    "app.focus_next": "Focus next pane",
    "app.focus_previous": "Focus previous pane",
}


def focus_bindings() -> list[BindingType]:
    """Textual's tab and shift+tab, with descriptions in the style of the reader's own."""
    return [
        replace(binding, description=FOCUS_DESCRIPTIONS[binding.action])
        for binding in Binding.make_bindings(Screen.BINDINGS)
        if binding.action in FOCUS_DESCRIPTIONS
    ]


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
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
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
    table.add_row(Text("Search (/)", style="bold underline"), "")
    for query, finds in SEARCH_OPERATORS:
        table.add_row(Text(query), Text(finds))
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
    """A modal listing every key binding of the reader; it scrolls like the article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
        # Priority: the arrows and page keys too, not the box's own animated scrolling.
        Binding("j,down", "scroll('down')", "Scroll down", show=False, priority=True),
        Binding("k,up", "scroll('up')", "Scroll up", show=False, priority=True),
        Binding("g,home", "scroll('home')", "Scroll to top", show=False, priority=True),
        Binding("G,end", "scroll('end')", "Scroll to end", show=False, priority=True),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False, priority=True),
        Binding("shift+space,pageup", "scroll('page_up')", "Page up", show=False, priority=True),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 84;
        max-width: 95%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen Static {
        width: 1fr;
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
        """Show the table of keys, wrapped to the box's width."""
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys — j/k/space scroll, escape closes"
            yield Static(self.table)

    def action_scroll(self, where: str) -> None:
        """Scroll the list of keys (down, up, home, end, page_down, page_up) in one jump.

        Each move starts from where the last one goes and takes effect at once: Textual's
        `scroll_down` waits for the next refresh and counts from the position before it,
        so keys that arrive together (a held `j`) would scroll one line between them.
        """
        scroll = self.query_one(VerticalScroll)
        page = scroll.scrollable_content_region.height
        target = {
            "down": scroll.scroll_target_y + 1,
            "up": scroll.scroll_target_y - 1,
            "home": 0,
            "end": scroll.max_scroll_y,
            "page_down": scroll.scroll_target_y + page,
            "page_up": scroll.scroll_target_y - page,
        }[where]
        scroll.scroll_to(y=target, animate=False, immediate=True)

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help screen."""
        self.dismiss(result)
