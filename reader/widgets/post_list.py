"""The sidebar: one line per post, drawn with Textual's Line API.

Only the rows on screen are rendered, so the list costs the same at 20 posts as at
100,000. The widget holds rows given to it (attributes down) and posts messages
when the cursor moves or a post is opened (messages up); it never touches the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

UNREAD_MARK = "●"
BOOKMARK_MARK = "★"


@dataclass(frozen=True, slots=True)
class Row:
    """What the sidebar shows for one post."""

    post_id: str
    title: str
    unread: bool
    bookmarked: bool
    progress: float | None = None


class PostList(ScrollView, can_focus=True):
    """A cursor over a list of post titles, with unread and bookmark markers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next post", show=False, id="sidebar.cursor_down"),
        Binding("k,up", "cursor_up", "Previous post", show=False, id="sidebar.cursor_up"),
        Binding("g,home", "first", "First post", show=False, id="sidebar.first"),
        Binding("G,end", "last", "Last post", show=False, id="sidebar.last"),
        Binding("enter", "open", "Open post", show=False, id="sidebar.open"),
        Binding(
            "l,right",
            "screen.focus_article",
            "Focus article",
            show=False,
            id="sidebar.focus_article",
        ),
        Binding(
            "h,left",
            "screen.focus_sidebar",
            "Focus sidebar",
            show=False,
            id="sidebar.focus_sidebar",
        ),
        Binding("space", "screen.space", "Page article down", show=False, id="sidebar.space"),
        Binding(
            "pagedown", "screen.page_down", "Page article down", show=False, id="sidebar.page_down"
        ),
        Binding(
            "shift+space,pageup",
            "screen.page_up",
            "Page article up",
            show=False,
            id="sidebar.page_up",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "post-list--cursor",
        "post-list--unread",
        "post-list--marker",
        "post-list--empty",
        "post-list--match",
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
    PostList > .post-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

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
        self._scroll_cursor_visible()
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
        """Keep the cursor visible and announce the highlighted post."""
        self._scroll_cursor_visible()
        self.refresh()
        post_id = self.highlighted_id
        if post_id is not None and old != new:
            self.post_message(self.Highlighted(post_id))

    def _scroll_cursor_visible(self) -> None:
        """Scroll so that the cursor row is on screen."""
        if self._ids:
            self.scroll_to_region(
                Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True
            )

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

    def render_line(self, y: int) -> Strip:
        """Render the row at screen line `y`."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_offset.y) + y
        if not self._ids:
            if y == 0:
                style = base + self.get_component_rich_style("post-list--empty")
                return Strip([Segment(f" {self.empty_text}", style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._ids):
            return Strip.blank(width, base)
        row = self._row(index)
        style = base
        if row.unread:
            style += self.get_component_rich_style("post-list--unread", partial=True)
        if index == self.cursor:
            style += self.get_component_rich_style("post-list--cursor")
        marker = self.get_component_rich_style("post-list--marker", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(UNREAD_MARK if row.unread else " ", marker)
        text.append(BOOKMARK_MARK if row.bookmarked else " ", marker)
        text.append(" ")
        text.append(row.title)
        if self.highlight_words:
            from reader.search import highlight_spans

            match = self.get_component_rich_style("post-list--match", partial=True)
            for start, end in highlight_spans(row.title, self.highlight_words):
                text.stylize(match, start + 3, end + 3)
        if row.progress is not None:
            percent = f" {min(int(row.progress * 100), 99)}%"
            text.truncate(max(width - len(percent), 1), overflow="ellipsis", pad=True)
            text.append(percent, marker)
        text.truncate(max(width, 1), overflow="ellipsis", pad=True)
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style)
            for seg in text.render(self.app.console)
            if seg.text
        ]
        return Strip(segments).crop_extend(0, width, style).simplify()
