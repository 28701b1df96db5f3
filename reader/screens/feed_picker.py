"""The feeds picker (`F`): every feed and tag with its unread count; choosing one
narrows the sidebar to it for this session ("All" lists every post again)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.feed_scope import FeedScope, ScopeChoice, feed_tags, scope_choices
from reader.sanitize import clean_line
from reader.screens.links import CURSOR

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

ALL = "all"
HINT = "↑↓ enter: show only these posts · esc: close"


class Picked:
    """What the picker was closed with: a scope, or None for every post."""

    def __init__(self, scope: FeedScope | None) -> None:
        """Keep the choice."""
        self.scope = scope


def counts(unread: int, total: int) -> str:
    """`3 unread · 12` (or just the total when every post is read)."""
    return f"{unread} unread · {total}" if unread else f"{total}"


class FeedPicker(ModalScreen[Picked | None]):
    """Feeds, then tags, each with its unread and total counts; `All` first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Close")]

    DEFAULT_CSS = """
    FeedPicker {
        align: center middle;
    }
    FeedPicker > Vertical {
        width: 90%;
        max-width: 80;
        height: auto;
        max-height: 80%;
        border: round $primary;
        background: $surface;
    }
    FeedPicker OptionList, FeedPicker OptionList:focus {
        height: 1fr;
        border: none;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    FeedPicker .hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        feeds: list[ScopeChoice],
        tags: list[ScopeChoice],
        unread: int,
        total: int,
        current: FeedScope | None,
    ) -> None:
        """The choices (their names are never read as markup) and the scope in use."""
        super().__init__()
        self.choices: dict[str, FeedScope | None] = {ALL: None}
        self.labels: list[tuple[str, str] | None] = [("All posts", counts(unread, total))]
        self.options: list[Option] = [Option(self.row(0, False), id=ALL)]
        self.current = ALL
        for heading, group in (("Feeds", feeds), ("Tags", tags)):
            if not group:
                continue
            self.labels.append(None)
            self.options.append(Option(Text(heading, style="bold"), disabled=True))
            for choice in group:
                key = f"{choice.scope.kind}:{len(self.choices)}"
                self.choices[key] = choice.scope
                if choice.scope == current:
                    self.current = key
                name = ("#" if choice.scope.kind == "tag" else "") + clean_line(choice.scope.name)
                self.labels.append(("  " + name, counts(choice.unread, choice.total)))
                self.options.append(Option(self.row(len(self.labels) - 1, False), id=key))
        self.marked = 0  # the row that shows CURSOR

    def row(self, index: int, marked: bool) -> Text:
        """A choice's row: the cursor mark (seen without colours too), its name, its counts."""
        label = self.labels[index]
        assert label is not None
        return Text.assemble(CURSOR if marked else " ", " ", label[0], "  ", (label[1], "dim"))

    @classmethod
    def open_for(cls, host: MainScreen) -> None:
        """Work out the choices from the loaded posts and subscriptions, and show them."""
        from reader.feeds.state import KEY

        session, store = host.session, host.store
        read = store.read_ids()
        feeds, tags = scope_choices(session.library, read, feed_tags(store.get_meta(KEY, [])))
        total = len(session.library)
        unread = total - len(session.posts.keys() & read)

        def picked(answer: Picked | None) -> None:
            if answer is not None:
                apply_scope(host, answer.scope)

        host.app.push_screen(cls(feeds, tags, unread, total, session.scope), picked)

    def compose(self) -> ComposeResult:
        """The list and a hint."""
        with Vertical() as box:
            box.border_title = "Feeds and tags"
            yield OptionList(*self.options)
            yield Static(Text(HINT), classes="hint")

    def on_mount(self) -> None:
        """Start on the scope in use."""
        option_list = self.query_one(OptionList)
        option_list.highlighted = option_list.get_option_index(self.current)

    @on(OptionList.OptionHighlighted)
    def moved(self, event: OptionList.OptionHighlighted) -> None:
        """Move the cursor mark with the highlight."""
        old, self.marked = self.marked, event.option_index
        option_list = event.option_list
        if self.labels[old] is not None:
            option_list.replace_option_prompt_at_index(old, self.row(old, False))
        option_list.replace_option_prompt_at_index(self.marked, self.row(self.marked, True))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter: narrow the list to it (All: every post)."""
        self.dismiss(Picked(self.choices.get(event.option.id or ALL)))

    def action_dismiss_none(self) -> None:
        """Close, changing nothing."""
        self.dismiss(None)


def apply_scope(host: MainScreen, scope: FeedScope | None) -> None:
    """Narrow the sidebar to a feed or tag (None: every post), keeping the selection
    where the new list holds it."""
    current = host.highlighted_id or host.current
    host.session.set_scope(scope)
    host.refresh_rows(select=host.session.nearest_listed(current))
