"""The reader's one screen: the post sidebar beside the article pane.

The screen owns the flow of data: it asks workers to load the library and render
posts, gives the widgets what to show (attributes down), reacts to their messages
(messages up), and is the only place that changes the store.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from reader.messages import ArticleReady, LibraryLoaded, LinksFound, LoadProgress, Notice
from reader.screens.confirm import ConfirmScreen
from reader.screens.links import LinksScreen
from reader.session import Session, Sort
from reader.views import View, find_unread
from reader.widgets.article import ArticleView
from reader.widgets.article_pane import ArticlePane
from reader.widgets.post_list import PostList

if TYPE_CHECKING:
    from reader.library import Post
    from reader.store import Store


# A post is put on screen as soon as this many lines are rendered; the rest follows.
FIRST_SCREEN_LINES = 120


class MainScreen(Screen[None]):
    """Sidebar of posts on the left, the highlighted post on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_unread", "Next unread", id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", id="previous_unread"),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark"),
        Binding("m", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("v", "cycle_view", "View", id="cycle_view"),
        Binding("s", "cycle_sort", "Sort", show=False, id="cycle_sort"),
        Binding("M", "mark_all_read", "Mark view read", show=False, id="mark_all_read"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("r", "reload", "Reload", show=False, id="reload"),
        Binding("ctrl+f", "find", "Find in post", id="find"),
        Binding("o", "open_url", "Open post's url", show=False, id="open_url"),
        Binding("f", "links", "Links", show=False, id="links"),
        Binding("y", "copy_url", "Copy post's url", show=False, id="copy_url"),
        Binding("t", "contents", "Contents", show=False, id="contents"),
        Binding("space", "space", "Page down, or next unread at the end", show=False, id="space"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("shift+space,pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("l,right", "focus_article", "Focus article", show=False, id="focus_article"),
        Binding("h,left", "focus_sidebar", "Focus sidebar", show=False, id="focus_sidebar"),
        Binding("question_mark,f1", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

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
        self.app.theme_changed_signal.subscribe(self, self.theme_changed)
        self.load_library(reload=False)

    def theme_changed(self, _theme: object) -> None:
        """Render the post again in the new theme's colours."""
        if self.current is not None:
            self.show_post(self.current, keep_scroll=True)

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

    @work(thread=True, exclusive=True, group="links")
    def find_links(self, post: Post) -> None:
        """Read a post and list its links, off the UI thread."""
        from reader.library import PostError, read_body
        from reader.links import extract_links

        try:
            links = extract_links(read_body(post))
        except PostError as error:
            self.post_message(Notice(f"Cannot read the post: {error}"))
            return
        self.post_message(LinksFound(post.id, links))

    @work(thread=True, group="browser")
    def open_in_browser(self, url: str) -> None:
        """Open a link in the web browser, off the UI thread; say why not if it fails."""
        from reader.links import open_link

        problem = open_link(url)
        if problem is not None:
            self.post_message(Notice(problem))

    # Messages from workers and widgets -------------------------------------------

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        """Show the loaded posts and restore (or keep) the selection."""
        if message.library is None:
            self.post_list.empty_text = message.error or "No posts"
            self.post_list.set_posts([], [], set(), set())
            self.notify(message.error or "No posts", severity="error", markup=False)
            return
        library = message.library
        session = self.session
        first = not session.posts
        before = session.posts.get(self.current) if self.current is not None else None
        session.set_posts(library.posts)
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

    def on_notice(self, message: Notice) -> None:
        """Show a worker's notice."""
        if message.severity == "error":
            self.notify(message.text, severity="error", markup=False)
        else:
            self.notify(message.text, severity="warning", markup=False)

    def on_links_found(self, message: LinksFound) -> None:
        """Offer the post's links to choose from."""
        if message.post_id != self.highlighted_id:
            return
        if not message.links:
            self.notify("This post has no links", timeout=2)
            return

        def chosen(url: str | None) -> None:
            """Open the chosen link."""
            if url is not None:
                self.open_url(url)

        self.app.push_screen(LinksScreen(message.links), chosen)

    def on_load_progress(self, message: LoadProgress) -> None:
        """Say how far reading the library has got."""
        if not self.session.posts:
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

    @on(ArticleView.LinkClicked)
    def link_clicked(self, message: ArticleView.LinkClicked) -> None:
        """Open a clicked link if it is safe."""
        self.open_url(message.url)

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
        if post_id != self.current:
            self.cancel_read_timer()
            self.current = post_id
            self.store.set_meta("selected", post_id)
        self.render_post(post, self.article.text_width, self.app.current_theme.dark, keep_scroll)

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
        self.post_list.set_posts(ids, titles, read, self.store.bookmarked_ids(), select=select)
        if not ids:
            self.current = None
            self.cancel_read_timer()
            self.article.show(None, [], self.article.text_width, keep_scroll=False)
        self.update_counts()

    def update_counts(self) -> None:
        """Show the view, its counts and the sort in the header."""
        counts = self.session.counts(len(self.post_list.ids))
        sort = self.session.sort
        self.sub_title = (
            f"{self.session.view.label} {counts.shown}/{counts.total} · {counts.unread} unread"
            f" · {counts.bookmarked} bookmarked"
            + ("" if sort is Sort.NEWEST else f" · {sort.label}")
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

    def set_read(self, post_id: str, value: bool, *, undoable: str | None = None) -> None:
        """Change a post's read mark and show it."""
        if self.session.set_read(post_id, value, undoable=undoable):
            self.marks_changed()

    def marks_changed(self) -> None:
        """Redraw the sidebar's marks and the header's counts."""
        self.post_list.set_marks(self.store.read_ids(), self.store.bookmarked_ids())
        self.update_counts()

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

    def highlighted_post(self) -> Post | None:
        """The post under the sidebar cursor."""
        post_id = self.highlighted_id
        return None if post_id is None else self.session.posts.get(post_id)

    def open_url(self, url: str) -> None:
        """Open a link if it is safe (http, https, mailto), else say why not."""
        from reader.links import unsafe_reason

        reason = unsafe_reason(url)
        if reason is not None:
            self.notify(f"Not opened: {reason}", severity="warning", markup=False)
            return
        self.notify(f"Opening {url}", timeout=2, markup=False)
        self.open_in_browser(url)

    def action_open_url(self) -> None:
        """Open the post's own url (front matter) in the web browser."""
        post = self.highlighted_post()
        if post is not None and post.url:
            self.open_url(post.url)
        elif post is not None:
            self.notify("This post has no url", timeout=2)

    def action_links(self) -> None:
        """Show the post's links to pick one to open."""
        post = self.highlighted_post()
        if post is not None:
            self.find_links(post)

    def action_copy_url(self) -> None:
        """Copy the post's url to the clipboard."""
        post = self.highlighted_post()
        if post is not None and post.url:
            self.app.copy_to_clipboard(post.url)
            self.notify(f"Copied {post.url}", timeout=2, markup=False)
        elif post is not None:
            self.notify("This post has no url", timeout=2)

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
        title = self.session.posts[post_id].title
        what = f"bookmarked “{title}”" if value else f"removed the bookmark of “{title}”"
        self.session.set_bookmarked(post_id, value, undoable=what)
        self.marks_changed()
        self.notify("Bookmarked" if value else "Bookmark removed", timeout=1.5)

    def action_toggle_read(self) -> None:
        """Mark the highlighted post read or unread, overriding the timer."""
        post_id = self.highlighted_id
        if post_id is None:
            return
        self.cancel_read_timer()
        value = not self.store.is_read(post_id)
        title = self.session.posts[post_id].title
        self.set_read(post_id, value, undoable=f"marked “{title}” {'read' if value else 'unread'}")

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
        current = self.highlighted_id
        view = self.session.cycle_view()
        self.store.set_meta("view", view.value)
        self.refresh_rows(select=self.session.nearest_listed(current))

    def action_cycle_sort(self) -> None:
        """Switch to the next sort order, keeping the current post selected."""
        sort = self.session.cycle_sort()
        self.store.set_meta("sort", sort.value)
        self.refresh_rows(select=self.highlighted_id)
        self.notify(f"Sorted {sort.label}", timeout=1.5)

    def action_mark_all_read(self) -> None:
        """Mark every post of this view read, after asking."""
        unread = [i for i in self.post_list.ids if not self.store.is_read(i)]
        if not unread:
            self.notify("Every post in this view is already read", timeout=2)
            return
        count = len(unread)
        question = (
            f"Mark {count} post{'s' if count != 1 else ''} in the "
            f"{self.session.view.label} view read? (u undoes it)"
        )

        def answered(yes: bool | None) -> None:
            """Mark them read if the answer was yes."""
            if yes:
                self.cancel_read_timer()
                changed = self.session.mark_all_read(unread)
                self.marks_changed()
                self.notify(f"Marked {changed} posts read — u to undo", timeout=4)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_undo(self) -> None:
        """Undo the last mark change made by hand (m, b or M)."""
        self.cancel_read_timer()
        change = self.session.undo()
        if change is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self.marks_changed()
        self.notify(f"Undone: {change.description}", timeout=4, markup=False)

    def action_reload(self) -> None:
        """Read the library from disk again, keeping the selection."""
        self.load_library(reload=True)
