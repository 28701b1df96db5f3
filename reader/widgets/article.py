"""The article pane: pre-rendered lines of the selected post, drawn with the Line API.

Rendering happens in a worker thread (see `reader.render`); this widget only holds
the finished lines and draws the few that are on screen, so a long post never
freezes input while it is shown or scrolled.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class ArticleView(ScrollView, can_focus=True):
    """A scrollable view of one rendered post."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Scroll to top", show=False),
        Binding("G,end", "scroll_end", "Scroll to end", show=False),
        Binding("space,pagedown", "page_down", "Page down", show=False),
        Binding("shift+space,pageup", "page_up", "Page up", show=False),
        Binding("h,left", "screen.focus_sidebar", "Focus sidebar", show=False),
        Binding("l,right", "screen.focus_article", "Focus article", show=False),
    ]

    DEFAULT_CSS = """
    ArticleView {
        background: $background;
        padding: 0 1 0 2;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    class WidthChanged(Message):
        """The pane's text width changed: the post needs rendering again."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        """Start empty."""
        super().__init__(name=name, id=id)
        self._lines: list[Strip] = []
        self.post_id: str | None = None
        self.rendered_width = 0

    @property
    def line_count(self) -> int:
        """How many lines the current post has."""
        return len(self._lines)

    @property
    def text_width(self) -> int:
        """The width, in cells, that posts should be rendered to."""
        return max(self.scrollable_content_region.width, 20)

    def show(
        self, post_id: str | None, lines: list[list[Segment]], width: int, *, keep_scroll: bool
    ) -> None:
        """Show rendered lines for a post, from the top unless `keep_scroll`."""
        self._lines = [Strip(line) for line in lines]
        self.post_id = post_id
        self.rendered_width = width
        self.virtual_size = Size(width, len(self._lines))
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        """Ask for a new rendering when the text width changes."""
        if self.post_id is not None and self.text_width != self.rendered_width:
            self.post_message(self.WidthChanged())

    def plain_lines(self) -> list[str]:
        """The text of every line, without styles (for tests and find)."""
        return [strip.text for strip in self._lines]

    def render_line(self, y: int) -> Strip:
        """Render the line at screen row `y`."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        return self._lines[index].crop_extend(scroll_x, scroll_x + width, style)
