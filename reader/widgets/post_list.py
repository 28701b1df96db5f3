"""The sidebar: one line per post, drawn with Textual's Line API.

Only the rows on screen are rendered, so the list costs the same at 20 posts as at
100,000. The widget holds rows given to it (attributes down) and posts messages
when the cursor moves or a post is opened (messages up); it never touches the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import messages
from textual.binding import BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.views import BOOKMARK_MARK, UNREAD_MARK
from reader.widgets.bindings import bindings

# A row shows its date only while the title keeps at least this many cells beside it.
MIN_TITLE = 20


@dataclass(frozen=True, slots=True)
class Row:
    """What the sidebar shows for one post."""

    post_id: str
    title: str
    unread: bool
    bookmarked: bool
    progress: float | None = None


class PostList(ScrollView, can_focus=True, inherit_bindings=False):
    """A cursor over a list of post titles, with unread and bookmark markers."""

    # Its own keys only: left, right and the page keys are the screen's (they move the
    # focus and page the article), not a scroll view's.
    BINDINGS: ClassVar[list[BindingType]] = bindings("sidebar")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "post-list--cursor",
        "post-list--unread",
        "post-list--marker",
        "post-list--empty",
        "post-list--match",
        "post-list--date",
    }

    DEFAULT_CSS = """
    PostList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    PostList > .post-list--cursor {
        background: $primary 30%;
    }
    PostList:focus > .post-list--cursor {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    PostList > .post-list--unread {
        text-style: bold;
    }
    PostList > .post-list--marker {
        color: $accent;
    }
    PostList > .post-list--match {
        background: $warning 50%;
        text-style: bold underline;
    }
    PostList > .post-list--date {
        color: $text-muted;
    }
    PostList > .post-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to a post."""

        def __init__(self, post_id: str) -> None:
            """Say which post is highlighted."""
            super().__init__()
            self.post_id = post_id

    class Opened(Message):
        """The user asked to open the highlighted post (enter)."""

        def __init__(self, post_id: str) -> None:
            """Say which post was opened."""
            super().__init__()
            self.post_id = post_id

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        """Start with no rows."""
        super().__init__(name=name, id=id)
        self._ids: list[str] = []
        self._titles: list[str] = []
        self._read: AbstractSet[str] = frozenset()
        self._bookmarked: AbstractSet[str] = frozenset()
        self._progress: Mapping[str, float] = {}
        self._index: dict[str, int] | None = None
        self.empty_text = "Loading…"
        self.highlight_words: tuple[str, ...] = ()  # search words to highlight in titles
        self._styles: dict[str, Style] | None = None
        # A post's short date (`Nov 03`, '' for none), asked only for the rows drawn.
        self.date_of: Callable[[str], str] | None = None

    @property
    def ids(self) -> list[str]:
        """The post ids listed, in order."""
        return self._ids

    @property
    def rows(self) -> list[Row]:
        """The rows shown, in order (built on demand: for tests and small lists)."""
        return [self._row(index) for index in range(len(self._ids))]

    def _row(self, index: int) -> Row:
        """The row at an index."""
        post_id = self._ids[index]
        return Row(
            post_id,
            self._titles[index],
            unread=post_id not in self._read,
            bookmarked=post_id in self._bookmarked,
            progress=self._progress.get(post_id),
        )

    @property
    def highlighted(self) -> Row | None:
        """The row under the cursor, if any."""
        if 0 <= self.cursor < len(self._ids):
            return self._row(self.cursor)
        return None

    @property
    def highlighted_id(self) -> str | None:
        """The id of the post under the cursor, if any."""
        if 0 <= self.cursor < len(self._ids):
            return self._ids[self.cursor]
        return None

    def index_of(self, post_id: str) -> int | None:
        """The row index of a post, or None when it is not listed."""
        if self._index is None:
            self._index = {post_id: i for i, post_id in enumerate(self._ids)}
        return self._index.get(post_id)

    def set_posts(
        self,
        ids: list[str],
        titles: list[str],
        read: AbstractSet[str],
        bookmarked: AbstractSet[str],
        select: str | None = None,
        progress: Mapping[str, float] | None = None,
    ) -> None:
        """Replace the list; put the cursor on `select` when listed, else keep its index.

        `progress` holds how far begun posts were read, shown as a percentage.
        """
        old = self.highlighted_id
        self._ids = ids
        self._titles = titles
        self._index = None
        self._read = read
        self._bookmarked = bookmarked
        self._progress = progress or {}
        self.virtual_size = Size(0, len(ids))
        target = self.index_of(select) if select is not None else None
        if target is None:
            target = min(self.cursor, len(ids) - 1) if ids else 0
        target = max(target, 0)
        self.set_reactive(PostList.cursor, target)
        self._scroll_cursor_visible(center=True)
        self.refresh()
        new = self.highlighted_id
        if new is not None and new != old:
            self.post_message(self.Highlighted(new))

    def set_marks(
        self,
        read: AbstractSet[str],
        bookmarked: AbstractSet[str],
        progress: Mapping[str, float] | None = None,
    ) -> None:
        """Show new read and bookmark marks (and reading progress, when given)."""
        self._read = read
        self._bookmarked = bookmarked
        if progress is not None:
            self._progress = progress
        self.refresh()

    def move_to(self, index: int) -> None:
        """Move the cursor to a row index (clamped)."""
        if not self._ids:
            return
        self.cursor = max(0, min(index, len(self._ids) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor visible, redraw the two rows that changed, announce the post."""
        top = int(self.scroll_offset.y)
        self._scroll_cursor_visible()
        if int(self.scroll_offset.y) == top:
            width = self.size.width
            self.refresh(Region(0, old - top, width, 1), Region(0, new - top, width, 1))
        else:
            self.refresh()
        post_id = self.highlighted_id
        if post_id is not None and old != new:
            # Straight to the screen (which shows the post), ahead of this widget's own
            # repaint: the new row and the new post are painted in one frame. Bubbling
            # up would let the row paint first and the post wait for the next frame.
            screen = self.screen
            screen.post_message(self.Highlighted(post_id))
            screen.post_message(messages.Update(self))  # the rows, in the post's frame

    def _scroll_cursor_visible(self, *, center: bool = False) -> None:
        """Scroll so that the cursor row is on screen.

        With `center` (a new list, a restored selection) a row that is off screen comes
        to the middle, with the posts around it, rather than to the bottom edge.
        """
        if not self._ids:
            return
        if center:
            top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
            if height == 0:  # not laid out yet (a list listed at mount): on_resize does it
                return
            if top <= self.cursor < top + height:
                return
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True, center=center
        )

    def on_resize(self) -> None:
        """Laid out (or resized): the cursor row on screen, the posts around it."""
        self._scroll_cursor_visible(center=True)

    def action_cursor_down(self) -> None:
        """Move to the next post."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Move to the previous post."""
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """Move to the first post."""
        self.move_to(0)

    def action_last(self) -> None:
        """Move to the last post."""
        self.move_to(len(self._ids) - 1)

    def action_open(self) -> None:
        """Open the highlighted post."""
        post_id = self.highlighted_id
        if post_id is not None:
            self.post_message(self.Opened(post_id))

    def on_click(self, event: Click) -> None:
        """A click on a title shows that post."""
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._ids):
            self.focus()
            self.move_to(index)

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus): forget the cached row styles."""
        super().notify_style_update()
        self._styles = None

    def _row_styles(self) -> dict[str, Style]:
        """The styles rows are drawn with, computed once per style change."""
        if self._styles is None:
            base = self.rich_style
            cursor = self.get_component_rich_style("post-list--cursor")
            unread = self.get_component_rich_style("post-list--unread", partial=True)
            marker = self.get_component_rich_style("post-list--marker", partial=True)
            self._styles = {
                "base": base,
                "empty": base + self.get_component_rich_style("post-list--empty"),
                "read": base,
                "unread": base + unread,
                "cursor-read": base + cursor,
                "cursor-unread": base + unread + cursor,
                "marker": marker,
                "match": self.get_component_rich_style("post-list--match", partial=True),
                "date": self.get_component_rich_style("post-list--date", partial=True),
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        """Render the row at screen line `y` (plain segments: this runs for every row drawn)."""
        width = self.scrollable_content_region.width
        styles = self._row_styles()
        base = styles["base"]
        index = int(self.scroll_offset.y) + y
        if not self._ids:
            lines = self._empty_lines(width)
            if y < len(lines):
                return Strip([Segment(f" {lines[y]}", styles["empty"])]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._ids):
            return Strip.blank(width, base)
        row = self._row(index)
        kind = "unread" if row.unread else "read"
        style = styles[f"cursor-{kind}" if index == self.cursor else kind]
        marker = style + styles["marker"]
        marks = (UNREAD_MARK if row.unread else " ") + (BOOKMARK_MARK if row.bookmarked else " ")
        # A begun post shows at least 1%: 0% would read as not begun.
        percent = "" if row.progress is None else f" {min(max(int(row.progress * 100), 1), 99)}%"
        room = max(width - 3 - len(percent), 1)
        date = self.date_of(row.post_id) if self.date_of is not None else ""
        if date and room - len(date) - 1 >= MIN_TITLE:  # the date gives way to the title
            room -= len(date) + 1
        else:
            date = ""
        segments = [Segment(marks, marker), Segment(" ", style)]
        if self.highlight_words:
            segments.extend(self._highlighted_title(row.title, room, style, styles["match"]))
        else:
            title = row.title
            if cell_len(title) > room:
                title = set_cell_size(title, room - 1) + "…"
            segments.append(Segment(set_cell_size(title, room), style))
        if percent:
            segments.append(Segment(percent, marker))
        if date:
            segments.append(Segment(f" {date}", style + styles["date"]))
        return Strip(segments).crop_extend(0, width, style)

    def _empty_lines(self, width: int) -> list[str]:
        """The empty list's text (`No posts`, a load error...) wrapped to the width."""
        text = Text(self.empty_text, no_wrap=False, overflow="fold")
        return [line.plain for line in text.wrap(self.app.console, max(width - 2, 1))]

    def _highlighted_title(
        self, title: str, room: int, style: Style, match: Style
    ) -> list[Segment]:
        """A title cut to `room` cells with the search words marked."""
        from reader.query import highlight_spans

        text = Text(title, style=style, no_wrap=True, overflow="ellipsis", end="")
        for start, end in highlight_spans(title, self.highlight_words):
            text.stylize(match, start, end)
        text.truncate(room, overflow="ellipsis", pad=True)
        # Text.render leaves a title with no span unstyled: the row's style goes under all.
        segments = Segment.apply_style(text.render(self.app.console), style)
        return [seg for seg in segments if seg.text]
