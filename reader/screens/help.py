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

from reader.keys import KEYS, Scope, effective_keys, sections
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
    ("feed:rust", "a word of the name of the feed a post came from"),
    ("is:unread", "by state: also is:read, is:bookmarked"),
    ("-word", "posts without the word"),
)

KeyLabel = Callable[[str], str]  # how the footer shows a key: "question_mark" -> "?"
Section = tuple[str, list[tuple[str, str]]]  # title, (keys, description) rows


def help_sections(keymap: Mapping[str, str], display: KeyLabel) -> list[Section]:
    """Every key of the key table (reader/keys.py), the user's in place of the defaults."""
    effective = effective_keys(keymap)
    return [
        (scope.value, [(" / ".join(labels(effective[key.id], display)), key.description)
                       for key in scoped])
        for scope, scoped in sections()
    ]  # fmt: skip


def labels(keys: Iterable[str], display: KeyLabel) -> list[str]:
    """The keys as the footer shows them, each once."""
    return list(dict.fromkeys(display(key) for key in keys))


def key_table(sections: Iterable[Section]) -> Table:
    """A table of keys and what they do, one section per place the keys work."""
    table = Table(box=None, show_header=False, padding=(0, 2), expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for title, rows in sections:
        table.add_row(Text(title, style="bold underline"), "")
        for keys, description in rows:
            table.add_row(Text(keys), Text(description))
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
WHERE = {
    Scope.EVERYWHERE: "",
    Scope.SIDEBAR: " (in the sidebar)",
    Scope.ARTICLE: " (in the article)",
}


def key_commands(
    targets: Mapping[str, Widget], keymap: Mapping[str, str], display: KeyLabel
) -> Iterator[Command]:
    """(title, help, callback) for the command palette: each key of the table that it
    offers, run on the widget (`targets`, by the key's home) that binds it."""
    effective = effective_keys(keymap)
    for key in KEYS:
        target = targets.get(key.home)
        if target is None or not key.palette or key.scope not in WHERE:
            continue
        keys = ", ".join(labels(effective[key.id], display))
        yield key.description, f"{keys}{WHERE[key.scope]}", partial(target.run_action, key.action)


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

    def __init__(self, sections: list[Section]) -> None:
        """Take the keys to list, grouped by where they work (see `help_sections`)."""
        super().__init__()
        self.sections = sections
        self.table = key_table(sections)

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
