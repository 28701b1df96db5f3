"""The reader's one screen: the post sidebar beside the article pane.

The screen owns the flow of data: it asks workers to load the library and render
posts, gives the widgets what to show (attributes down), reacts to their messages
(messages up), and is the only place that changes the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from collections.abc import Set as AbstractSet
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from reader.views import View, find_unread, visible_ids
from reader.widgets.article import ArticleView
from reader.widgets.article_pane import ArticlePane
from reader.widgets.post_list import PostList

if TYPE_CHECKING:
    from reader.library import Library, Post
    from reader.store import Store


# A post is put on screen as soon as this many lines are rendered; the rest follows.
FIRST_SCREEN_LINES = 120


class LibraryLoaded(Message):
    """A worker finished reading the library from disk."""

    def __init__(
        self,
        library: Library | None,
        error: str | None,
        *,
        reload: bool = False,
        provisional: bool = False,
    ) -> None:
        """Carry the library, or the one-line reason it could not load.

        `reload` says the user asked for it; `provisional` marks the list from the
        metadata cache, shown at once while the files are checked.
        """
        super().__init__()
        self.library = library
        self.error = error
        self.reload = reload
        self.provisional = provisional


class LoadProgress(Message):
    """How far a worker has got reading the library."""

    def __init__(self, done: int, total: int) -> None:
        """Carry the count of files read so far and the total."""
        super().__init__()
        self.done = done
        self.total = total


class ArticleReady(Message):
    """A worker finished rendering a post."""

    def __init__(
        self, post_id: str, lines: list[list[Segment]], width: int, keep_scroll: bool
    ) -> None:
        """Carry the rendered lines of one post."""
        super().__init__()
        self.post_id = post_id
        self.lines = lines
        self.width = width
        self.keep_scroll = keep_scroll


class MainScreen(Screen[None]):
    """Sidebar of posts on the left, the highlighted post on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_unread", "Next unread"),
        Binding("p", "previous_unread", "Prev unread"),
        Binding("b", "toggle_bookmark", "Bookmark"),
        Binding("m", "toggle_read", "Read/unread"),
        Binding("v", "cycle_view", "View"),
        Binding("r", "reload", "Reload", show=False),
        Binding("ctrl+f", "find", "Find in post"),
        Binding("t", "contents", "Contents", show=False),
        Binding("space", "space", "Page down, or next unread at the end", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("shift+space,pageup", "page_up", "Page up", show=False),
        Binding("l,right", "focus_article", "Focus article", show=False),
        Binding("h,left", "focus_sidebar", "Focus sidebar", show=False),
        Binding("question_mark,f1", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, library_path: Path, store: Store, mark_read_after: float) -> None:
        """Remember where the posts are, the store, and the read-after delay."""
        super().__init__()
        self.library_path = library_path
        self.store = store
        self.mark_read_after = mark_read_after
        self.posts: dict[str, Post] = {}
        self.order: list[str] = []
        self.view = View.parse(store.get_meta("view"))
        self.sticky: set[str] = set()
        self.current: str | None = None
        self.read_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """Lay out the header, the two panes and the footer."""
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="panes"):
            yield PostList(id="sidebar")
            yield ArticlePane(id="article-pane")
        yield Footer()

    @property
    def post_list(self) -> PostList:
        """The sidebar widget."""
        return self.query_one(PostList)

    @property
    def article(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    @property
    def pane(self) -> ArticlePane:
        """The article pane (article, find bar, contents)."""
        return self.query_one(ArticlePane)

    @property
    def highlighted_id(self) -> str | None:
        """The post under the sidebar cursor: what b, m and friends act on."""
        return self.post_list.highlighted_id

    def on_mount(self) -> None:
        """Start loading the library; keys work as soon as it arrives."""
        self.post_list.focus()
        self.sub_title = "Loading…"
        self.load_library(reload=False)

    # Workers ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library")
    def load_library(self, reload: bool) -> None:
        """Read every post's metadata, off the UI thread; show cached metadata first."""
        from reader.cache import MetadataCache
        from reader.library import Library, LibraryError, load_library
        from reader.paths import cache_dir

        cache = None
        cached: list[Post] | None = None
        if self.library_path.is_dir():
            cache = MetadataCache.for_root(cache_dir(), self.library_path)
            cached = cache.load()
            if cached and not reload:
                library = Library(self.library_path, cached, [])
                self.post_message(LibraryLoaded(library, None, provisional=True))

        def progress(done: int, total: int) -> None:
            """Report progress unless the cached list is already on screen."""
            if cached is None or reload:
                self.post_message(LoadProgress(done, total))

        try:
            library = load_library(self.library_path, cache, progress)
        except LibraryError as error:
            self.post_message(LibraryLoaded(None, str(error), reload=reload))
            return
        if reload or library.posts != cached or library.problems:
            self.post_message(LibraryLoaded(library, None, reload=reload))
        if cache is not None:
            cache.retain(library.posts)
            cache.save()

    @work(thread=True, exclusive=True, group="render")
    def render_post(self, post: Post, width: int, dark: bool, keep_scroll: bool) -> None:
        """Read and render one post off the UI thread; show the first part at once."""
        from reader.library import PostError, read_body
        from reader.render import ArticleRenderer, article_chunks, metadata_line

        worker = get_current_worker()
        try:
            body = read_body(post)
        except PostError as error:
            body = f"*This post could not be read: {error}*"
        renderer = ArticleRenderer(width, dark=dark)
        lines = renderer.header(
            post.title, metadata_line(post.date, post.author, post.tags, post.url)
        )
        partial = not keep_scroll  # a re-render keeps its scroll position: no partial
        for chunk in article_chunks(renderer, body):
            if worker.is_cancelled:
                return
            lines.extend(chunk)
            if partial and len(lines) >= FIRST_SCREEN_LINES:
                self.post_message(ArticleReady(post.id, list(lines), width, keep_scroll=False))
                partial, keep_scroll = False, True
        if not worker.is_cancelled:
            self.post_message(ArticleReady(post.id, lines, width, keep_scroll))

    # Messages from workers and widgets -------------------------------------------

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        """Show the loaded posts and restore (or keep) the selection."""
        if message.library is None:
            self.post_list.empty_text = message.error or "No posts"
            self.post_list.set_posts([], [], set(), set())
            self.notify(message.error or "No posts", severity="error", markup=False)
            return
        library = message.library
        first = not self.posts
        before = self.posts.get(self.current) if self.current is not None else None
        self.posts = {post.id: post for post in library.posts}
        self.order = [post.id for post in library.posts]
        selected = self.store.get_meta("selected") if first else self.highlighted_id
        self.refresh_rows(select=selected if isinstance(selected, str) else None)
        if library.problems:
            shown = "\n".join(str(problem) for problem in library.problems[:5])
            more = len(library.problems) - 5
            if more > 0:
                shown += f"\n… and {more} more"
            count = len(library.problems)
            self.notify(
                f"Problems with {count} post file{'s' if count != 1 else ''}:\n{shown}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if message.reload:
            self.notify(f"Reloaded {len(self.order)} posts", markup=False)
        changed = before is not None and before != self.posts.get(before.id)
        if self.current in self.posts and (message.reload or changed):
            self.show_post(self.current, keep_scroll=True)

    def on_load_progress(self, message: LoadProgress) -> None:
        """Say how far reading the library has got."""
        if not self.posts:
            self.post_list.empty_text = f"Reading posts… {message.done:,} of {message.total:,}"
            self.post_list.refresh()
            self.sub_title = "Loading…"

    def on_article_ready(self, message: ArticleReady) -> None:
        """Put a rendered post on screen and start its read-after timer."""
        if message.post_id != self.current:
            return
        self.article.show(
            message.post_id, message.lines, message.width, keep_scroll=message.keep_scroll
        )
        self.pane.post_rendered(new_post=not message.keep_scroll)
        if message.keep_scroll:
            return
        self.start_read_timer(message.post_id)

    @on(PostList.Highlighted)
    def post_highlighted(self, message: PostList.Highlighted) -> None:
        """Show the post under the cursor."""
        if message.post_id != self.current:
            self.show_post(message.post_id, keep_scroll=False)

    @on(PostList.Opened)
    def post_opened(self, message: PostList.Opened) -> None:
        """Enter: read the post now and move into it."""
        self.set_read(message.post_id, True)
        self.article.focus()

    @on(ArticleView.WidthChanged)
    def article_resized(self) -> None:
        """Re-render the current post when the pane's width changes."""
        if self.current is not None:
            self.show_post(self.current, keep_scroll=True)

    # Showing posts ---------------------------------------------------------------

    def show_post(self, post_id: str, *, keep_scroll: bool) -> None:
        """Ask a worker to render a post into the article pane."""
        post = self.posts.get(post_id)
        if post is None:
            return
        if post_id != self.current:
            self.cancel_read_timer()
            self.current = post_id
            self.store.set_meta("selected", post_id)
        self.render_post(post, self.article.text_width, self.app.current_theme.dark, keep_scroll)

    def refresh_rows(self, select: str | None) -> None:
        """Recompute which posts the view lists and give them to the sidebar."""
        read = self.store.read_ids()
        bookmarked = self.store.bookmarked_ids()
        ids = visible_ids(
            self.order, self.view, read.__contains__, bookmarked.__contains__, self.sticky
        )
        self.post_list.empty_text = (
            "No posts" if self.view is View.ALL else f"No {self.view.value} posts — press v"
        )
        posts = self.posts
        titles = [posts[post_id].title for post_id in ids]
        self.post_list.set_posts(ids, titles, read, bookmarked, select=select)
        if not ids:
            self.current = None
            self.cancel_read_timer()
            self.article.show(None, [], self.article.text_width, keep_scroll=False)
        self.update_counts(read, bookmarked)

    def update_counts(
        self, read: AbstractSet[str] | None = None, bookmarked: AbstractSet[str] | None = None
    ) -> None:
        """Show the view and its counts in the header."""
        posts = self.posts
        read = self.store.read_ids() if read is None else read
        bookmarked = self.store.bookmarked_ids() if bookmarked is None else bookmarked
        unread = len(posts) - sum(1 for post_id in read if post_id in posts)
        marked = sum(1 for post_id in bookmarked if post_id in posts)
        shown = len(self.post_list.ids)
        self.sub_title = (
            f"{self.view.label} {shown}/{len(posts)} · {unread} unread · {marked} bookmarked"
        )

    # Read status -----------------------------------------------------------------

    def start_read_timer(self, post_id: str) -> None:
        """Mark the shown post read once it has been on screen long enough."""
        self.cancel_read_timer()
        if self.store.is_read(post_id):
            return
        if self.mark_read_after <= 0:
            self.set_read(post_id, True)
            return
        self.read_timer = self.set_timer(
            self.mark_read_after, partial(self.read_timer_fired, post_id)
        )

    def read_timer_fired(self, post_id: str) -> None:
        """The post stayed on screen: it is read now."""
        self.read_timer = None
        if post_id == self.current:
            self.set_read(post_id, True)

    def cancel_read_timer(self) -> None:
        """Forget a pending read-after timer."""
        if self.read_timer is not None:
            self.read_timer.stop()
            self.read_timer = None

    def set_read(self, post_id: str, value: bool) -> None:
        """Change a post's read mark and show it."""
        if self.store.is_read(post_id) == value:
            return
        self.store.set_read(post_id, value)
        self.state_changed(post_id)

    def state_changed(self, post_id: str) -> None:
        """Redraw a post's row after its state changed; keep it listed in this view."""
        if self.view is not View.ALL:
            self.sticky.add(post_id)
        read = self.store.read_ids()
        bookmarked = self.store.bookmarked_ids()
        self.post_list.set_marks(read, bookmarked)
        self.update_counts(read, bookmarked)

    # Actions ---------------------------------------------------------------------

    def action_focus_article(self) -> None:
        """Move focus to the article pane."""
        self.article.focus()

    def action_focus_sidebar(self) -> None:
        """Move focus to the sidebar."""
        self.post_list.focus()

    def action_page_down(self) -> None:
        """Page the article down, whichever pane has focus."""
        self.article.action_page_down()

    def action_space(self) -> None:
        """Page down; at the end of a post, mark it read and go on to the next unread."""
        article = self.article
        if article.line_count and article.at_end:
            post_id = self.highlighted_id
            if post_id is not None:
                self.cancel_read_timer()
                self.set_read(post_id, True)
            self.jump_unread(+1)
        else:
            article.action_page_down()

    def action_find(self) -> None:
        """Find text in the shown post."""
        self.pane.open_find()

    def action_contents(self) -> None:
        """Show or hide the shown post's contents."""
        self.pane.toggle_contents()

    def action_page_up(self) -> None:
        """Page the article up, whichever pane has focus."""
        self.article.action_page_up()

    def action_toggle_bookmark(self) -> None:
        """Bookmark the highlighted post, or remove its bookmark."""
        post_id = self.highlighted_id
        if post_id is None:
            return
        value = not self.store.is_bookmarked(post_id)
        self.store.set_bookmarked(post_id, value)
        self.state_changed(post_id)
        self.notify("Bookmarked" if value else "Bookmark removed", timeout=1.5)

    def action_toggle_read(self) -> None:
        """Mark the highlighted post read or unread, overriding the timer."""
        post_id = self.highlighted_id
        if post_id is None:
            return
        self.cancel_read_timer()
        self.set_read(post_id, not self.store.is_read(post_id))

    def action_next_unread(self) -> None:
        """Go to the next unread post, wrapping around."""
        self.jump_unread(+1)

    def action_previous_unread(self) -> None:
        """Go to the previous unread post, wrapping around."""
        self.jump_unread(-1)

    def jump_unread(self, step: int) -> None:
        """Move the cursor to the nearest unread post in direction `step`."""
        ids = self.post_list.ids
        index = find_unread(ids, self.post_list.cursor, step, self.store.is_read)
        if index is None or (index == self.post_list.cursor and len(ids) > 1):
            self.notify("No unread posts left", timeout=2)
            return
        self.post_list.move_to(index)

    def action_cycle_view(self) -> None:
        """Switch to the next view, keeping the current post where the view holds it."""
        self.view = self.view.next()
        self.sticky.clear()
        self.store.set_meta("view", self.view.value)
        self.refresh_rows(select=self.nearest_in_view())

    def nearest_in_view(self) -> str | None:
        """The highlighted post if the view lists it, else the next listed one after it."""
        current = self.highlighted_id
        if current is None or current not in self.posts:
            return None
        ids = set(visible_ids(self.order, self.view, self.store.is_read, self.store.is_bookmarked))
        start = self.order.index(current)
        for post_id in self.order[start:] + self.order[:start][::-1]:
            if post_id in ids:
                return post_id
        return None

    def action_reload(self) -> None:
        """Read the library from disk again, keeping the selection."""
        self.load_library(reload=True)

    def commands(self) -> Iterator[tuple[str, str, Callable[[], Awaitable[object]]]]:
        """(title, help, callback) for every key, for the command palette."""
        seen: set[str] = set()
        targets: list[tuple[Widget, str, list[BindingType]]] = [
            (self, "", self.BINDINGS),
            (self.post_list, " (in the sidebar)", PostList.BINDINGS),
            (self.article, " (in the article)", ArticleView.BINDINGS),
        ]
        for target, where, bindings in targets:
            for binding in Binding.make_bindings(bindings):
                if binding.description in seen or binding.action.startswith("app.help"):
                    continue
                seen.add(binding.description)
                keys = ", ".join(
                    self.app.get_key_display(b)
                    for b in Binding.make_bindings(bindings)
                    if b.action == binding.action
                )
                run = target.run_action
                yield binding.description, f"{keys}{where}", partial(run, binding.action)
