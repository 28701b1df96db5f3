"""The core of the reader's one screen: the post sidebar beside the article pane.

The screen owns the flow of data: it asks workers to load the library and render
posts, gives the widgets what to show (attributes down), reacts to their messages
(messages up), and is the only place that changes the store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from reader.messages import (
    ArticleReady,
    LibraryConfirmed,
    LibraryLoaded,
    LoadProgress,
    MarksChangedElsewhere,
    Notice,
    sentence,
)
from reader.render_cache import RenderCache
from reader.screens.read_timer import ReadTimer
from reader.session import Session, Sort
from reader.views import View
from reader.widgets.article import ArticleView
from reader.widgets.article_pane import ArticlePane
from reader.widgets.post_list import PostList
from reader.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.library import Post
    from reader.search import SearchIndex
    from reader.store import Store


# A post is put on screen as soon as this many lines are rendered; the rest follows.
FIRST_SCREEN_LINES = 40
# Between later chunks the rendering thread sleeps this long, so keys are answered at once.
CHUNK_PAUSE = 0.003
# While a query is typed, the first hit is shown once typing pauses this long (the
# list follows every key at once; rendering a post for each key would slow it down).
TYPING_PAUSE = 0.15
# How often the state file is checked for marks other readers saved (one stat if none).
STATE_CHECK_EVERY = 2.0


class LoadCancelled(Exception):
    """The screen went away while the library was loading."""


class ReaderScreen(Screen[None]):
    """The sidebar beside the article: loading, showing posts, read marks (no key actions)."""

    def __init__(
        self, library_path: Path, store: Store, mark_read_after: float, sort: str | None = None
    ) -> None:
        """Remember where the posts are, the store, the read-after delay and a sort to use."""
        super().__init__()
        self.library_path = library_path
        self.store = store
        self.mark_read_after = mark_read_after
        self.session = Session(
            store, View.parse(store.get_meta("view")), Sort.parse(sort or store.get_meta("sort"))
        )
        self.current: str | None = None
        self.complete = False  # the shown post is fully rendered (positions are meaningful)
        self.index: SearchIndex | None = None
        self.search_text = ""
        self.before_search: str | None = None  # the post selected when the search began
        self.search_entered = False  # the hits were gone into (down, enter): escape keeps them
        self.highlight_pending: tuple[str, ...] = ()  # search words to highlight once shown
        self.folded_titles: list[str] = []  # titles folded for search before the index is up
        self.rendered: RenderCache[list[Segment]] = RenderCache()
        self.read_timer = ReadTimer(mark_read_after, self.set_timer, self.read_timer_fired)
        self.preview_id: str | None = None  # shown only as a search preview: not being read
        self.show_timer: Timer | None = None  # shows the first hit once typing pauses

    def compose(self) -> ComposeResult:
        """Lay out the header, the two panes and the footer."""
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar-column"):
                yield SearchBar(id="search")
                yield PostList(id="sidebar")
            yield ArticlePane(id="article-pane")
        yield Footer(show_command_palette=False)  # ctrl+p is in the help: room for ? and q

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
        self.set_focus(self.post_list)
        self.sub_title = "Loading…"
        self.app.theme_changed_signal.subscribe(self, self.theme_changed)
        self.watch(self.app, "app_focus", self.app_focus_changed, init=False)
        self.app.app_suspend_signal.subscribe(self, self.app_suspended)
        self.app.app_resume_signal.subscribe(self, self.app_resumed)
        self.load_library(reload=False)
        self.set_interval(STATE_CHECK_EVERY, self.check_state)

    def app_focus_changed(self, focused: bool) -> None:
        """The terminal lost (or got back) the focus: hold the read-after clock meanwhile."""
        if focused:
            self.read_timer.release("blur")
        else:
            self.read_timer.hold("blur")

    def app_suspended(self, _app: object) -> None:
        """ctrl+z: nobody reads a suspended reader; hold the read-after clock until fg."""
        self.read_timer.hold("suspend")

    def app_resumed(self, _app: object) -> None:
        """Back from ctrl+z (fg)."""
        self.read_timer.release("suspend")

    def on_screen_suspend(self) -> None:
        """Another screen covers this one (help, a question): hold the read-after clock."""
        self.read_timer.hold("modal")

    def on_screen_resume(self) -> None:
        """Shown again: the read-after clock goes on."""
        self.read_timer.release("modal")

    def reader_active(self) -> None:
        """A key or a click: from now on the post shown at launch is being read."""
        self.read_timer.release("launch")

    def theme_changed(self, _theme: object) -> None:
        """Render the post again in the new theme's colours."""
        if self.current is not None:
            self.show_post(self.current, keep_scroll=True)

    # Workers ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library")
    def load_library(self, reload: bool) -> None:
        """Read every post's metadata, off the UI thread; show cached metadata first."""
        from reader.cache import MetadataCache
        from reader.gcpause import collection_paused, freeze_loaded
        from reader.library import Library, LibraryError, load_library
        from reader.paths import cache_dir

        cache = None
        cached: list[Post] | None = None
        if self.library_path.is_dir():
            cache = MetadataCache.for_root(cache_dir(), self.library_path)
            with collection_paused():  # 100,000 rows: collections would double the time
                cached = cache.load()
                freeze_loaded()  # the posts live on: later collections need not walk them
            if cached and not reload:
                library = Library(self.library_path, cached, [])
                self.post_message(LibraryLoaded(library, None, provisional=True))

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            """Report progress unless the cached list is already on screen; stop on quit."""
            if worker.is_cancelled:
                raise LoadCancelled
            if cached is None or reload:
                self.post_message(LoadProgress(done, total))

        try:
            library = load_library(self.library_path, cache, progress)
        except LibraryError as error:
            self.post_message(LibraryLoaded(None, str(error), reload=reload))
            return
        except LoadCancelled:
            return
        if reload or library.posts != cached or library.problems:
            self.post_message(LibraryLoaded(library, None, reload=reload))
        else:  # the cached list on screen is right: search can index the bodies now
            self.post_message(LibraryConfirmed(library))
        if cache is not None:
            cache.retain(library.posts)
            cache.save()

    @work(thread=True, exclusive=True, group="state")
    def check_state(self) -> None:
        """Take in marks that other readers saved to the state file, off the UI thread."""
        if self.store.refresh():
            self.post_message(MarksChangedElsewhere())

    def on_marks_changed_elsewhere(self) -> None:
        """Show marks made by another reader or `reader mark`."""
        self.marks_changed()

    @work(thread=True, exclusive=True, group="render")
    def render_post(self, post: Post, width: int, dark: bool, keep_scroll: bool) -> None:
        """Read and render one post off the UI thread; show the first part at once."""
        worker = get_current_worker()
        partial = not keep_scroll  # a re-render keeps its scroll position: no partial
        lines: list[list[Segment]] = []
        from reader.gcpause import collection_paused
        from reader.render import rendered_chunks

        with collection_paused():
            for lines in rendered_chunks(post, width, dark):
                if worker.is_cancelled:
                    return
                if partial and len(lines) >= FIRST_SCREEN_LINES:
                    message = ArticleReady(post.id, list(lines), width, False, complete=False)
                    self.post_message(message)
                    partial, keep_scroll = False, True
                elif not partial:
                    time.sleep(CHUNK_PAUSE)  # let the UI thread answer keys between chunks
        if not worker.is_cancelled:
            self.post_message(ArticleReady(post.id, lines, width, keep_scroll, dark=dark))

    @work(thread=True, exclusive=True, group="prefetch")
    def prefetch(self, posts: list[Post], width: int, dark: bool) -> None:
        """Render the posts next to the shown one ahead of time, so j and k are instant."""
        from reader.budget import worth_prefetching
        from reader.gcpause import collection_paused
        from reader.render import rendered_chunks

        worker = get_current_worker()
        for post in posts:
            if not worth_prefetching(post.file):  # a big post renders when shown, not ahead
                continue
            lines: list[list[Segment]] = []
            with collection_paused():
                for lines in rendered_chunks(post, width, dark):
                    if worker.is_cancelled or len(lines) > RenderCache.MAX_LINES:
                        return
                    time.sleep(CHUNK_PAUSE)
            self.post_message(ArticleReady(post.id, lines, width, True, dark=dark, prefetch=True))

    # Messages from workers and widgets -------------------------------------------

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        """Show the loaded posts and restore (or keep) the selection."""
        if message.library is None:  # gone (deleted, unmounted): show none of it any more
            self.session.set_posts([])
            self.rendered.clear()
            self.refresh_rows(select=None)
            self.post_list.empty_text = message.error or "No posts"
            self.post_list.refresh()
            self.notify(sentence(message.error or "No posts"), severity="error", markup=False)
            return
        library = message.library
        session = self.session
        self.rendered.clear()
        first = not session.posts
        before = session.posts.get(self.current) if self.current is not None else None
        session.set_posts(library.posts)
        if not message.provisional:
            self.library_ready(library.posts)
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
            self.notify(f"Reloaded {len(session.posts)} posts", markup=False)
        changed = before is not None and before != session.posts.get(before.id)
        if self.current in session.posts and (message.reload or changed):
            self.show_post(self.current, keep_scroll=True)

    def on_library_confirmed(self, message: LibraryConfirmed) -> None:
        """A warm start's cached list was checked against the files: it is the library."""
        self.library_ready(message.library.posts)

    def on_notice(self, message: Notice) -> None:
        """Show a worker's notice."""
        if message.severity == "error":
            self.notify(sentence(message.text), severity="error", markup=False)
        elif message.severity == "information":
            self.notify(sentence(message.text), timeout=3, markup=False)
        else:
            self.notify(sentence(message.text), severity="warning", markup=False)

    def on_load_progress(self, message: LoadProgress) -> None:
        """Say how far reading the library has got."""
        if not self.session.posts:
            self.post_list.empty_text = f"Reading posts… {message.done:,} of {message.total:,}"
            self.post_list.refresh()
            self.sub_title = "Loading…"

    def on_article_ready(self, message: ArticleReady) -> None:
        """Put a rendered post on screen and start its read-after timer."""
        if message.complete:
            self.rendered.put((message.post_id, message.width, message.dark), message.lines)
        if message.prefetch or message.post_id != self.current:
            return
        self.complete = message.complete
        article = self.article
        article.show(message.post_id, message.lines, message.width, keep_scroll=message.keep_scroll)
        self.pane.post_rendered(new_post=not message.keep_scroll)
        if message.complete:
            self.prefetch_neighbours(message.post_id)
            if self.highlight_pending:
                self.apply_search_highlight()
            # Positions are fractions of the whole post: restored (or, if the reader
            # paged while it was rendering, saved) only once it is complete.
            article.restore_position(self.store.position(message.post_id))
            if article.settled and article.fraction is not None:
                self.remember_position(message.post_id, article.fraction, article.at_end)
        if message.keep_scroll:
            return
        self.start_read_timer(message.post_id)

    def apply_search_highlight(self) -> None:
        """Highlight pending search words in the shown post (the main screen does this)."""

    def library_ready(self, posts: list[Post]) -> None:
        """The library was (re)loaded (the main screen updates the search index)."""

    @on(ArticleView.Scrolled)
    def article_scrolled(self, message: ArticleView.Scrolled) -> None:
        """Remember how far the post was read; reaching its end marks it read."""
        post_id = message.post_id
        if post_id is None or post_id != self.current or not self.complete:
            return
        if message.settled and message.fraction is not None:
            self.remember_position(post_id, message.fraction, message.at_end)

    def remember_position(self, post_id: str, fraction: float, at_end: bool) -> None:
        """Save a post's reading position; reaching its end marks it read."""
        before = self.store.position(post_id)
        if before is None and fraction == 0.0:
            return  # a post opened at its top has no position yet
        self.store.set_position(post_id, fraction)
        if at_end and not self.store.is_read(post_id):
            self.cancel_read_timer()
            self.session.set_read(post_id, True)
            self.marks_changed()
        elif before is None or int(before * 100) != int(fraction * 100):
            self.marks_changed()

    def prefetch_neighbours(self, post_id: str) -> None:
        """Render the next and previous posts of the list in the background."""
        index = self.post_list.index_of(post_id)
        if index is None:
            return
        ids = self.post_list.ids
        width, dark = self.article.text_width, self.app.current_theme.dark
        wanted = [
            self.session.posts[ids[i]]
            for i in (index + 1, index - 1)
            if 0 <= i < len(ids) and (ids[i], width, dark) not in self.rendered
        ]
        if wanted:
            self.prefetch(wanted, width, dark)

    @on(PostList.Highlighted)
    def post_highlighted(self, message: PostList.Highlighted) -> None:
        """Show the post under the cursor (while a query is typed: once typing pauses)."""
        self.cancel_pending_show()
        if message.post_id == self.current:
            return
        if isinstance(self.focused, SearchBar):
            self.show_timer = self.set_timer(TYPING_PAUSE, self.show_highlighted_now)
        else:
            self.show_post(message.post_id, keep_scroll=False)

    def cancel_pending_show(self) -> None:
        """Forget a post waiting for typing to pause."""
        if self.show_timer is not None:
            self.show_timer.stop()
            self.show_timer = None

    def show_highlighted_now(self) -> None:
        """Show the highlighted post now if it is waiting for typing to pause.

        Shown while the query is still being typed, it is only a preview: it does
        not start the read-after clock.
        """
        if self.show_timer is not None:
            self.cancel_pending_show()
            post_id = self.highlighted_id
            if post_id is not None and post_id != self.current:
                if isinstance(self.focused, SearchBar):
                    self.preview_id = post_id
                self.show_post(post_id, keep_scroll=False)

    @on(PostList.Opened)
    def post_opened(self, message: PostList.Opened) -> None:
        """Enter: read the post now and move into it."""
        self.set_read(message.post_id, True)
        self.set_focus(self.article)

    @on(ArticleView.WidthChanged)
    def article_resized(self) -> None:
        """Re-render the current post when the pane's width changes."""
        if self.current is not None:
            self.show_post(self.current, keep_scroll=True)

    # Showing posts ---------------------------------------------------------------

    def show_post(self, post_id: str, *, keep_scroll: bool) -> None:
        """Ask a worker to render a post into the article pane."""
        post = self.session.posts.get(post_id)
        if post is None:
            return
        if keep_scroll and self.article.post_id != post_id:
            # A re-render (width, theme) that overtakes the post's first rendering must
            # still open it properly: from the top, then at its saved position.
            keep_scroll = False
        if post_id != self.current:
            self.cancel_read_timer()
            self.current = post_id
            self.store.set_meta("selected", post_id)
        width, dark = self.article.text_width, self.app.current_theme.dark
        cached = None if keep_scroll else self.rendered.get((post_id, width, dark))
        if cached is not None:
            self.workers.cancel_group(self, "render")
            self.on_article_ready(ArticleReady(post_id, cached, width, False, dark=dark))
            return
        self.render_post(post, width, dark, keep_scroll)

    def refresh_rows(self, select: str | None) -> None:
        """Recompute which posts the view lists and give them to the sidebar."""
        session = self.session
        ids = session.visible()
        view = session.view
        self.post_list.empty_text = (
            "No posts" if view is View.ALL else f"No {view.value} posts — press v"
        )
        posts = session.posts
        titles = [posts[post_id].title for post_id in ids]
        read = self.store.read_ids()
        self.post_list.set_posts(
            ids, titles, read, self.store.bookmarked_ids(), select, session.in_progress()
        )
        if not ids:
            self.current = None
            self.cancel_read_timer()
            self.article.show(None, [], self.article.text_width, keep_scroll=False)
        self.update_counts()

    def update_counts(self) -> None:
        """Show the view, its counts and the sort in the header."""
        counts = self.session.counts(len(self.post_list.ids))
        sort = self.session.sort
        label = "Search" if self.session.search_ids is not None else self.session.view.label
        self.sub_title = (
            f"{label} {counts.shown}/{counts.total} · {counts.unread} unread"
            f" · {counts.bookmarked} bookmarked"
            + ("" if sort is Sort.NEWEST else f" · {sort.label}")
        )

    # Read status -----------------------------------------------------------------

    def start_read_timer(self, post_id: str) -> None:
        """Start the read-after clock of a newly shown post (held while it is a preview)."""
        if self.store.is_read(post_id):
            self.read_timer.cancel()
            return
        self.read_timer.start(post_id, preview=post_id == self.preview_id)

    def read_timer_fired(self, post_id: str) -> None:
        """The post was shown long enough while the reader could read it: it is read now."""
        if post_id == self.current:
            self.set_read(post_id, True)

    def cancel_read_timer(self) -> None:
        """Forget a pending read-after timer."""
        self.read_timer.cancel()

    def stop_preview(self) -> None:
        """The post shown as a search preview is now being read (down or enter)."""
        self.preview_id = None
        self.read_timer.release("preview")

    def set_read(self, post_id: str, value: bool, *, undoable: str | None = None) -> None:
        """Change a post's read mark and show it."""
        if self.session.set_read(post_id, value, undoable=undoable):
            self.marks_changed()

    def marks_changed(self) -> None:
        """Redraw the sidebar's marks and the header's counts."""
        self.post_list.set_marks(
            self.store.read_ids(), self.store.bookmarked_ids(), self.session.in_progress()
        )
        self.update_counts()
