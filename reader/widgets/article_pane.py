"""The right-hand pane: the article, its find bar and its contents panel.

Find and contents only look at what the article shows, so they live here, away
from the screen's library and state logic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical

from reader.find import Match, find_matches
from reader.widgets.article import ArticleView
from reader.widgets.bindings import bindings
from reader.widgets.contents import Contents
from reader.widgets.find_bar import FindBar


class ArticlePane(Horizontal):
    """The article with a find bar below it and a contents panel beside it."""

    # n / N, escape while the find bar is open (see reader/keys.py).
    BINDINGS: ClassVar[list[BindingType]] = bindings("article_pane")

    DEFAULT_CSS = """
    ArticlePane > Vertical {
        width: 1fr;
    }
    ArticlePane ArticleView {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """Start with nothing to find."""
        super().__init__(id=id)
        self.find_text = ""
        self.matches: list[Match] = []
        self.current = -1

    def compose(self) -> ComposeResult:
        """The article and its find bar, then the contents panel."""
        with Vertical():
            yield ArticleView(id="article")
            yield FindBar(id="find")
        yield Contents(id="contents")

    @property
    def article(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    @property
    def find_bar(self) -> FindBar:
        """The find bar."""
        return self.query_one(FindBar)

    @property
    def contents(self) -> Contents:
        """The contents panel."""
        return self.query_one(Contents)

    # Find ---------------------------------------------------------------------------

    def open_find(self) -> None:
        """Show the find bar (ctrl+f)."""
        self.find_bar.open()

    @on(FindBar.Changed)
    def find_changed(self, message: FindBar.Changed) -> None:
        """Highlight every match of the new text and go to the first one below the top."""
        self.find_text = message.text
        self.refresh_matches(jump=True)

    def refresh_matches(self, *, jump: bool) -> None:
        """Recompute matches (after typing or a new rendering) and show them."""
        self.matches = find_matches(self.article.plain_lines(), self.find_text)
        self.current = -1
        if self.matches:
            top = int(self.article.scroll_y)
            self.current = next((i for i, match in enumerate(self.matches) if match.line >= top), 0)
        self.show_matches(scroll=jump)

    def show_matches(self, *, scroll: bool) -> None:
        """Give the article the highlights and the bar the count."""
        current = self.matches[self.current] if self.matches else None
        self.article.set_matches(self.matches, current)
        self.find_bar.set_count(self.current + 1, len(self.matches), self.find_text)
        if scroll and current is not None:
            self.article.scroll_to_line(current.line, center=True)

    @on(FindBar.Step)
    def find_stepped(self, message: FindBar.Step) -> None:
        """Go to the next or previous match, wrapping around."""
        self.step_match(message.step)

    def step_match(self, step: int) -> None:
        """Make the match `step` places on the current one, wrapping around."""
        if self.matches:
            self.current = (self.current + step) % len(self.matches)
            self.show_matches(scroll=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The find keys exist only while find is open (else n is next unread, footer too)."""
        if action in ("find_step", "close_find"):
            return self.find_bar.is_open
        return True

    def action_find_step(self, step: int) -> None:
        """n / N (enter, F3, shift+F3): step through the matches while find is open."""
        if not self.find_bar.is_open:
            raise SkipAction()
        self.step_match(step)

    def action_close_find(self) -> None:
        """Escape in the article: close an open find bar (else escape is not ours)."""
        if not self.find_bar.is_open:
            raise SkipAction()
        self.find_bar.action_close()

    @on(FindBar.Done)
    def find_done(self) -> None:
        """Enter in the box: back to reading, the bar stays open for n / N."""
        self.screen.set_focus(self.article)

    @on(FindBar.Closed)
    def find_closed(self) -> None:
        """Clear the highlights and give the article the focus back."""
        self.find_text = ""
        self.matches = []
        self.article.set_matches([], None)
        self.screen.set_focus(self.article)

    def highlight(self, matches: Sequence[Match]) -> None:
        """Highlight matches found elsewhere (a search) and scroll to the first."""
        self.matches = list(matches)
        self.current = 0 if self.matches else -1
        current = self.matches[0] if self.matches else None
        self.article.set_matches(self.matches, current)
        if current is not None:
            self.article.scroll_to_line(current.line, center=True)

    def post_rendered(self, new_post: bool) -> None:
        """The article shows new lines: keep find highlights and contents in step."""
        if self.find_bar.is_open and self.find_text:
            self.refresh_matches(jump=new_post)
        if self.contents.is_open:
            self.contents.set_headings(self.article.headings)

    # Contents -----------------------------------------------------------------------

    def toggle_contents(self, *, complete: bool = True) -> None:
        """Show or hide the contents panel (t).

        A post with no headings gets a notice instead of a panel that says so; one
        still rendering (`complete` false) may have headings further on, so the panel
        opens and fills in as the rest arrives.
        """
        if self.contents.is_open:
            self.contents.action_close()
            return
        if self.article.post_id is None:
            self.notify("No post is shown", timeout=2)
            return
        if not self.article.headings and complete:
            self.notify("This post has no headings", timeout=2)
            return
        self.contents.set_headings(self.article.headings)
        self.contents.open(int(self.article.scroll_y))

    @on(Contents.Chosen)
    def heading_chosen(self, message: Contents.Chosen) -> None:
        """Scroll the article to the chosen heading."""
        self.article.scroll_to_line(message.line)
        self.screen.set_focus(self.article)

    @on(Contents.Closed)
    def contents_closed(self) -> None:
        """Give the article the focus back."""
        self.screen.set_focus(self.article)
