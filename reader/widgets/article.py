"""The article pane: pre-rendered lines of the selected post, drawn with the Line API.

Rendering happens in a worker thread (see `reader.render`); this widget only holds
the finished lines and draws the few that are on screen, so a long post never
freezes input while it is shown or scrolled. It also knows where the headings are
(for the contents list and `[` / `]`) and draws find and search highlights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import messages
from textual.actions import SkipAction
from textual.binding import BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.find import HEADING_META, HEADING_TEXT_META, LINK_META, MIN_TEXT, Match, link_at
from reader.widgets.bindings import bindings

# Strips are made for the lines on screen only, and this many kept for redraws.
STRIPS_KEPT = 500


def line_text(line: list[Segment]) -> str:
    """The text of a rendered line."""
    return "".join(segment.text for segment in line)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the shown post and the line it starts on."""

    line: int
    level: int
    text: str


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """A scrollable view of one rendered post."""

    # Its own keys only: space, the page keys, left and right are the screen's.
    BINDINGS: ClassVar[list[BindingType]] = bindings("article")

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article--match", "article--match-current"}

    DEFAULT_CSS = """
    ArticleView {
        background: $background;
        padding: 0 1 0 2;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    ArticleView > .article--match {
        background: $warning 40%;
    }
    ArticleView > .article--match-current {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    """

    class WidthChanged(Message):
        """The pane's text width changed: the post needs rendering again."""

    class Scrolled(Message):
        """The article was scrolled (to remember the reading position)."""

        def __init__(
            self, post_id: str | None, fraction: float | None, at_end: bool, settled: bool
        ) -> None:
            """Carry how far down the post is shown (None when it fits on screen).

            `settled` is False while the post's saved position is yet to be restored:
            such a scroll is not where the reader is.
            """
            super().__init__()
            self.post_id = post_id
            self.fraction = fraction
            self.at_end = at_end
            self.settled = settled

    class LinkClicked(Message):
        """A link's address was clicked."""

        def __init__(self, url: str) -> None:
            """Carry the address."""
            super().__init__()
            self.url = url

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        """Start empty."""
        super().__init__(name=name, id=id)
        self._lines: list[list[Segment]] = []
        self._strips: dict[int, Strip] = {}  # Strips of lines drawn lately (made on demand)
        self._plain: list[str] | None = None
        self.headings: list[Heading] = []
        self._matches: dict[int, list[Match]] = {}
        self._current: Match | None = None
        self.post_id: str | None = None
        self.rendered_width = 0
        # A freshly shown post waits for its saved position: scrolls are not the reader's.
        self._holding = False
        # A jump asked for before the view could scroll (lines not laid out yet):
        # ("line", n) or ("fraction", f), made as soon as the scrollbar is there.
        self._wanted: tuple[str, float] | None = None
        self._quiet = False  # the view scrolls itself (not the reader)
        self._style: Style | None = None  # the rich style lines are drawn on (per style change)

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
        """Show rendered lines for a post, from the top unless `keep_scroll`.

        Shown from the top, the post waits for `restore_position` (or for the reader
        to scroll): until then its scrolls are not reported as settled.
        """
        # Wrapped again to a new width, the post keeps its place as a fraction: the
        # same line number would be somewhere else in the text.
        rewrapped = keep_scroll and post_id == self.post_id and width != self.rendered_width
        keep_fraction = self.fraction if rewrapped and self.settled else None
        self._lines = lines
        self._strips = {}
        self._plain = None
        self.headings = self._find_headings(lines)
        if post_id != self.post_id:
            self._matches, self._current = {}, None
        self.post_id = post_id
        self.rendered_width = width
        self._resize_virtual(Size(max(width, MIN_TEXT), len(self._lines)))  # narrower: scrolls
        if keep_fraction:
            self._jump(("fraction", keep_fraction))
        if not keep_scroll:
            self._holding, self._wanted = True, None
            self._quiet = True
            try:
                self.scroll_to(0, 0, animate=False, immediate=True)
            finally:
                self._quiet = False
        self.refresh()
        if self.is_mounted:  # repainted in the frame the screen is making now, not the next
            self.screen.post_message(messages.Update(self))

    def _resize_virtual(self, size: Size) -> None:
        """Give the view its new scrollable size, without a layout of the screen if it can.

        `virtual_size` is a layout reactive: setting it lays the whole screen out again
        and repaints every widget (half the time of a `j`). That is needed only when a
        scrollbar appears or goes; otherwise the scrollbar is told the new length and
        only this view is repainted.
        """
        if size == self.virtual_size:
            return
        styles, container = self.styles, self.container_size
        same_bars = (
            container.area > 0
            and styles.overflow_x == "auto"
            and styles.overflow_y == "auto"
            and not self.show_horizontal_scrollbar
            and size.width <= container.width - styles.scrollbar_size_vertical
            and self.show_vertical_scrollbar == (size.height > container.height)
        )
        if not same_bars:
            self.virtual_size = size  # a scrollbar comes or goes: lay out again
            return
        self.set_reactive(ArticleView.virtual_size, size)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = size.height
            self.vertical_scrollbar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    @property
    def settled(self) -> bool:
        """True once the shown position is the reader's (restored, or scrolled by them)."""
        return not self._holding and self._wanted is None

    @property
    def fraction(self) -> float | None:
        """How far down the post the view is (0.0 top, 1.0 end); None if it fits."""
        maximum = self.max_scroll_y
        return min(self.scroll_y / maximum, 1.0) if maximum > 0 else None

    def restore_position(self, fraction: float | None) -> None:
        """Scroll to a saved reading position, unless the reader has scrolled already.

        The view may not be able to scroll yet (the new lines are not laid out): then
        the position is kept and applied as soon as it can.
        """
        if not self._holding:
            return
        if fraction is not None and 0.0 < fraction < 1.0:
            self._jump(("fraction", fraction))
        else:
            self._holding = False

    def _jump(self, target: tuple[str, float]) -> None:
        """Scroll to a line or a fraction now, or once the view can scroll."""
        self._holding = False
        self._wanted = target
        self._make_wanted_jump()

    def _make_wanted_jump(self) -> None:
        """Make a pending jump if the lines are laid out and scrollable."""
        if self._wanted is None or not self.allow_vertical_scroll or self.max_scroll_y <= 0:
            return
        kind, value = self._wanted
        self._wanted = None
        y = round(value * self.max_scroll_y) if kind == "fraction" else int(value)
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        """Once a long post is laid out (its scrollbar appears), make a pending jump."""
        if shown:
            self._make_wanted_jump()

    @staticmethod
    def _find_headings(lines: list[list[Segment]]) -> list[Heading]:
        """The heading lines, found by the mark the renderer puts on them."""
        headings: list[Heading] = []
        for number, line in enumerate(lines):
            style = line[0].style if line else None
            if style is not None and style.meta and HEADING_META in style.meta:
                level = int(style.meta[HEADING_META])
                if HEADING_TEXT_META in style.meta:  # the page says the heading's text
                    headings.append(Heading(number, level, str(style.meta[HEADING_TEXT_META])))
                    continue
                parts = [line_text(line).strip()[level + 1 :]]
                for following in lines[number + 1 : number + 6]:  # a heading that wrapped
                    text = line_text(following).strip()
                    if not text:
                        break
                    parts.append(text)
                headings.append(Heading(number, level, " ".join(p.strip() for p in parts)))
        return headings

    def plain_lines(self) -> list[str]:
        """The text of every line, without styles (for find and tests)."""
        if self._plain is None:
            self._plain = [line_text(line) for line in self._lines]
        return self._plain

    def set_matches(self, matches: Sequence[Match], current: Match | None) -> None:
        """Highlight matches (and the current one more strongly)."""
        by_line: dict[int, list[Match]] = {}
        for match in matches:
            by_line.setdefault(match.line, []).append(match)
        self._matches = by_line
        self._current = current
        self.refresh()

    def scroll_to_line(self, line: int, *, center: bool = False) -> None:
        """Scroll so that a line is at the top (or in the middle) of the pane."""
        target = line - (self.scrollable_content_region.height // 3 if center else 0)
        self._jump(("line", max(0, target)))

    def action_next_heading(self) -> None:
        """Scroll to the next heading below the top of the pane."""
        top = int(self.scroll_y)
        for heading in self.headings:
            if heading.line > top:
                self.scroll_to_line(heading.line)
                return

    def action_previous_heading(self) -> None:
        """Scroll to the heading above the top of the pane."""
        top = int(self.scroll_y)
        for heading in reversed(self.headings):
            if heading.line < top:
                self.scroll_to_line(heading.line)
                return
        self.scroll_to_line(0)

    def action_scroll_home(self) -> None:
        """Go to the top at once (Textual animates it, which takes half a second)."""
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        """Go to the end at once."""
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        """Page down from where the page being scrolled to ends, so quick presses add up."""
        self._page(+1)

    def action_page_up(self) -> None:
        """Page up from where the page being scrolled to starts."""
        self._page(-1)

    def _page(self, direction: int) -> None:
        """Scroll a page from the scroll's destination (an animation may be under way).

        Textual pages from the position drawn at the moment, so a second page-down
        pressed mid-animation would land short of a whole page further on.
        """
        if not self.allow_vertical_scroll:
            raise SkipAction()
        animating = self.app.animator.is_being_animated(self, "scroll_y")
        start = self.scroll_target_y if animating else self.scroll_y
        height = self.scrollable_content_region.height
        target = min(max(start + direction * height, 0), self.max_scroll_y)
        self.scroll_to(y=target, animate=True)

    @property
    def at_end(self) -> bool:
        """True when the last line is on screen."""
        return self.scroll_y >= self.max_scroll_y

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Redraw, and say how far down the post the reader is."""
        super().watch_scroll_y(old_value, new_value)
        if old_value == new_value:
            return
        if not self._quiet:
            self._holding = False  # the reader scrolled before the position was restored
        fraction = self.fraction
        at_end = fraction is not None and self.at_end
        self.post_message(self.Scrolled(self.post_id, fraction, at_end, self.settled))

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus): the lines' base style is worked out again."""
        super().notify_style_update()
        self._style = None

    def on_resize(self, event: Resize) -> None:
        """Ask for a new rendering when the text width changes."""
        if self.post_id is not None and self.text_width != self.rendered_width:
            self.post_message(self.WidthChanged())

    def on_click(self, event: Click) -> None:
        """A click on a link's address asks for it to be opened."""
        region = self.content_region
        line = int(self.scroll_y) + event.screen_y - region.y
        column = int(self.scroll_x) + event.screen_x - region.x
        url = self.link_meta_at(line, column) or link_at(self.plain_lines(), line, column)
        if url is not None:
            self.post_message(self.LinkClicked(url))

    def link_meta_at(self, line: int, column: int) -> str | None:
        """The address of the link drawn at a cell (the page marks a link's cells)."""
        if not 0 <= line < len(self._lines):
            return None
        start = 0
        for segment in self._lines[line]:
            end = start + segment.cell_length
            if start <= column < end:
                meta = segment.style.meta if segment.style is not None else None
                url = meta.get(LINK_META) if meta else None
                return str(url) if url else None
            start = end
        return None

    def render_line(self, y: int) -> Strip:
        """Render the line at screen row `y`."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self._style
        if style is None:  # worked out from every ancestor: once, not for each line
            style = self._style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        strip = self._strips.get(index)
        if strip is None:
            if len(self._strips) > STRIPS_KEPT:
                self._strips.clear()
            strip = self._strips[index] = Strip(self._lines[index])
        matches = self._matches.get(index)
        if matches:
            strip = self._highlight(strip, matches)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _highlight(self, strip: Strip, matches: list[Match]) -> Strip:
        """A line with its matches drawn in the highlight styles."""
        plain = self.get_component_rich_style("article--match", partial=True)
        current = self.get_component_rich_style("article--match-current", partial=True)
        cuts = sorted({cut for match in matches for cut in (match.start, match.end)})
        parts = list(strip.divide([*cuts, strip.cell_length]))
        offsets = [0, *cuts]
        starts = {match.start: match for match in matches}
        styled = []
        for offset, part in zip(offsets, parts, strict=False):
            match = starts.get(offset)
            if match is not None:
                part = part.apply_style(current if match == self._current else plain)
            styled.append(part)
        return Strip.join(styled)
