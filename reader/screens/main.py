"""The reader's one screen: the post sidebar beside the article pane.

The screen composes the widgets and four non-visual parts, each owning its state,
workers and messages: the library loader (library_loader.py), the article loader
(article_loader.py: render, prefetch, render cache), the read tracker (read_tracker.py:
read-after clock, positions, end of post) and the search controller
(search_controller.py), plus the link opener (link_opener.py), the mark keys
(marker.py), sync (sync_runner.py), feeds (feed_refresher.py) and the start-up sequence
(start_up.py: what waits for the first frame, the footer). The screen routes keys and
widget messages to them, and keeps the sidebar's rows, its marks and the header's counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from reader.messages import Notice, sentence
from reader.screens.article_loader import ArticleLoader
from reader.screens.feed_picker import FeedPicker, apply_scope
from reader.screens.feed_refresher import FeedRefresher
from reader.screens.library_loader import LibraryLoader
from reader.screens.link_opener import LinkOpener
from reader.screens.marker import Marker
from reader.screens.read_tracker import ReadTracker
from reader.screens.search_controller import SearchController
from reader.screens.start_up import StartUp
from reader.screens.sync_runner import SyncRunner
from reader.session import Session, Sort
from reader.views import View
from reader.widgets.article import ArticleView
from reader.widgets.article_pane import ArticlePane
from reader.widgets.bindings import bindings, in_table_order
from reader.widgets.post_list import PostList
from reader.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.first_screen import FirstScreen
    from reader.store import Store


class MainScreen(Screen[None], inherit_bindings=False):
    """Sidebar of posts on the left, the highlighted post on the right."""

    # Every key that works everywhere (see reader/keys.py); tab and shift+tab too, which
    # are Textual's own otherwise, so that they can be rebound like the rest.
    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")

    # The header's counts: repaint its title (watch_sub_title), not the whole screen.
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)

    def __init__(
        self,
        library_path: Path,
        store: Store,
        mark_read_after: float,
        sort: str | None = None,
        first_screen: FirstScreen | None = None,
    ) -> None:
        """Remember where the posts are, the store, the read-after delay and a sort to use.

        `first_screen`: the library's first rows, being read since the process started.
        """
        super().__init__()
        self.library_path = library_path
        self.first_screen = first_screen
        self.store = store
        self.session = Session(
            store, View.parse(store.get_meta("view")), Sort.parse(sort or store.get_meta("sort"))
        )
        self.library = LibraryLoader(self)
        self.articles = ArticleLoader(self)
        self.reading = ReadTracker(self, mark_read_after)
        self.search = SearchController(self)
        self.links = LinkOpener(self)
        self.sync = SyncRunner(self)
        self.feeds = FeedRefresher(self)
        self.marker = Marker(self)
        self.start_up = StartUp(self)  # what waits for the first frame, and the footer

    def compose(self) -> ComposeResult:
        """Lay out the header, the two panes and the footer (and the non-visual parts)."""
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar-column"):
                yield SearchBar(id="search")
                yield PostList(id="sidebar")
            yield ArticlePane(id="article-pane")
        # The footer comes after the first list is painted (mount_footer): its key widgets
        # are restyled one by one, a cost the first paint need not wait for.
        yield from (self.library, self.articles, self.reading, self.search, self.links)
        yield from (self.sync, self.feeds, self.marker)

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
    def search_bar(self) -> SearchBar:
        """The search box over the sidebar."""
        return self.query_one(SearchBar)

    @property
    def highlighted_id(self) -> str | None:
        """The post under the sidebar cursor: what b, m and friends act on."""
        return self.post_list.highlighted_id

    @property
    def current(self) -> str | None:
        """The post the article shows (or is rendering)."""
        return self.articles.current

    @property
    def complete(self) -> bool:
        """True when the shown post is fully rendered (positions are meaningful)."""
        return self.articles.complete

    def on_mount(self) -> None:
        """Start loading the library; keys work as soon as it arrives."""
        self.set_focus(self.post_list)
        self.sub_title = "Loading…"
        self.post_list.date_of = self.session.short_date
        self.library.start()
        self.feeds.start()
        self.start_up.start()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, in the key table's order: the footer keeps its order with remapped keys."""
        return in_table_order(super().active_bindings)

    # Routing: what the widgets and the app say, to the part that deals with it ----------

    def on_screen_suspend(self) -> None:
        """Another screen covers this one (help, a question): hold the read-after clock."""
        self.reading.covered(True)

    def on_screen_resume(self) -> None:
        """Shown again: the read-after clock goes on."""
        self.reading.covered(False)

    def reader_active(self) -> None:
        """A key or a click (from the app): the reader is at the keys."""
        self.reading.reader_active()

    @on(PostList.Highlighted)
    def post_highlighted(self, message: PostList.Highlighted) -> None:
        """Show the post under the cursor (while a query is typed: once typing pauses)."""
        self.search.cancel_pending_show()
        if message.post_id == self.current:
            return
        if isinstance(self.focused, SearchBar):
            self.search.show_after_pause()
        else:
            self.show_post(message.post_id, keep_scroll=False)

    @on(PostList.Opened)
    def post_opened(self, message: PostList.Opened) -> None:
        """Enter: read the post now and move into it."""
        self.set_read(message.post_id, True)
        self.set_focus(self.article)

    @on(ArticleView.WidthChanged)
    def article_resized(self) -> None:
        """Render the current post again when the pane's width changes."""
        self.articles.rerender()

    @on(ArticleView.Scrolled)
    def article_scrolled(self, message: ArticleView.Scrolled) -> None:
        """Remember how far the post was read; reaching its end marks it read."""
        self.reading.scrolled(message)

    @on(ArticleView.LinkClicked)
    def link_clicked(self, message: ArticleView.LinkClicked) -> None:
        """Open a clicked link if it is safe."""
        self.links.open_url(message.url)

    @on(SearchBar.QueryChanged)
    def search_changed(self, message: SearchBar.QueryChanged) -> None:
        """Search again as the query changes."""
        self.search.query_changed(message.text)

    @on(SearchBar.QuerySubmitted)
    def search_submitted(self) -> None:
        """Enter in the search box: open the first hit."""
        self.search.submitted()

    @on(SearchBar.SearchCleared)
    def search_cleared(self) -> None:
        """Escape in the search box: the search is over."""
        self.search.end()

    def on_notice(self, message: Notice) -> None:
        """Show a worker's notice."""
        if message.severity == "error":
            self.notify(sentence(message.text), severity="error", markup=False)
        elif message.severity == "information":
            self.notify(sentence(message.text), timeout=3, markup=False)
        else:
            self.notify(sentence(message.text), severity="warning", markup=False)

    # Showing posts -----------------------------------------------------------------------

    def show_post(self, post_id: str, *, keep_scroll: bool) -> None:
        """Show a post in the article pane (rendered by the article loader)."""
        post = self.session.posts.get(post_id)
        if post is None:
            return
        if post_id != self.current:
            self.reading.cancel()
            self.store.set_meta("selected", post_id)
        self.articles.show(post, keep_scroll=keep_scroll)

    def article_shown(self, post_id: str, *, complete: bool, new: bool) -> None:
        """The article loader put a post on screen (`new`: not a re-rendering of it)."""
        if complete:
            self.search.post_complete()
            self.reading.post_complete(post_id)
        if new:
            self.reading.start(post_id)

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
            self.articles.clear()
            self.reading.cancel()
            self.article.show(None, [], self.article.text_width, keep_scroll=False)
        self.update_counts()

    def watch_sub_title(self) -> None:
        """New counts into the header now, not a frame later (the Header's own watcher)."""
        for header in self.query(Header):
            for title in header.query("HeaderTitle").results(Static):
                title.update(header.format_title())

    def update_counts(self) -> None:
        """Show the view, its counts and the sort in the header."""
        counts = self.session.counts(len(self.post_list.ids))
        sort = self.session.sort
        label = "Search" if self.session.search_ids is not None else self.session.view.label
        scope, status = self.session.scope, self.feeds.status
        self.sub_title = (
            (f"{scope.label} · " if scope is not None else "")
            + (f"{status} · " if status else "")  # first: 80 columns cut the end off
            + self.library.progress_label
            + f"{label} {counts.shown}/{counts.total} · {counts.unread} unread"
            f" · {counts.bookmarked} bookmarked"
            + ("" if sort is Sort.NEWEST else f" · {sort.label}")
            + self.sync.label
        )

    def set_read(self, post_id: str, value: bool, *, undoable: str | None = None) -> None:
        """Change a post's read mark and show it."""
        if self.session.set_read(post_id, value, undoable=undoable):
            self.marks_changed()

    def marks_changed(self) -> None:
        """Redraw the sidebar's marks and the header's counts (and sync them on)."""
        self.sync.note_local_change()
        self.post_list.set_marks(
            self.store.read_ids(), self.store.bookmarked_ids(), self.session.in_progress()
        )
        self.update_counts()

    # Keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a focused text box `/` and ctrl+f are typed (a query): the keys go on to the
        box, and the footer does not offer them there."""
        if action == "to_results":
            return isinstance(self.focused, SearchBar)
        return not (action in ("search", "find") and isinstance(self.focused, Input))

    def action_focus_article(self) -> None:
        """Move focus to the article pane."""
        self.set_focus(self.article)

    def action_focus_sidebar(self) -> None:
        """Move focus to the sidebar."""
        self.set_focus(self.post_list)

    def action_page_down(self) -> None:
        """Page the article down, whichever pane has focus."""
        self.article.action_page_down()

    def action_page_up(self) -> None:
        """Page the article up, whichever pane has focus."""
        self.article.action_page_up()

    def action_space(self) -> None:
        """Page down; at the end of a post, mark it read and go on to the next unread."""
        article = self.article
        if article.line_count and article.at_end:
            post_id = self.highlighted_id
            if post_id is not None:
                self.reading.cancel()
                self.set_read(post_id, True)
            self.marker.jump_unread(+1)
        else:
            article.action_page_down()

    def action_find(self) -> None:
        """Find text in the shown post."""
        self.pane.open_find()

    def action_contents(self) -> None:
        """Show or hide the shown post's contents."""
        self.pane.toggle_contents(complete=self.complete)

    def action_search(self) -> None:
        """Open the search box (`/`)."""
        self.search.open()

    def action_to_results(self) -> None:
        """Down in the search box: on to the hits."""
        self.search.to_results()

    def action_end_search(self) -> None:
        """Escape outside the search box: end a running search, else the feed or tag
        filter (`F`), else leave escape alone."""
        if not self.search.active and self.session.scope is not None:
            apply_scope(self, None)
            return
        self.search.close()

    def action_open_url(self) -> None:
        """Open the post's own url (front matter) in the web browser."""
        self.links.open_post_url()

    def action_links(self) -> None:
        """Show the post's links to pick one to open."""
        self.links.list_links()

    def action_copy_url(self) -> None:
        """Copy the post's url to the clipboard (the app says how that went)."""
        self.links.copy_post_url()

    def action_sync(self) -> None:
        """Sync marks with the other machines now (S)."""
        self.sync.sync_now()

    def action_refresh_feeds(self) -> None:
        """Refresh every followed feed in the background (`R`)."""
        self.feeds.refresh_now()

    def action_pick_feed(self) -> None:
        """Narrow the sidebar to a feed or tag chosen in a picker (`F`)."""
        FeedPicker.open_for(self)

    def action_full_text(self) -> None:
        """Fetch the shown post's page for its full text (`x`)."""
        post = self.session.posts.get(self.current or "")
        if post is None:
            self.notify("No post is shown", timeout=2)
        else:
            self.feeds.fetch_full_text(post)

    def action_reload(self) -> None:
        """Read the library from disk again, keeping the selection, and take in new marks."""
        self.library.reload()

    def action_toggle_bookmark(self) -> None:
        """Bookmark the highlighted post, or remove its bookmark."""
        self.marker.toggle_bookmark()

    def action_toggle_read(self) -> None:
        """Mark the highlighted post read or unread, overriding the timer."""
        self.marker.toggle_read()

    def action_next_unread(self) -> None:
        """Go to the next unread post, wrapping around."""
        self.marker.next_unread()

    def action_previous_unread(self) -> None:
        """Go to the previous unread post, wrapping around."""
        self.marker.previous_unread()

    def action_cycle_view(self) -> None:
        """Switch to the next view, keeping the current post where the view holds it."""
        self.marker.cycle_view()

    def action_cycle_sort(self) -> None:
        """Switch to the next sort order, keeping the current post selected."""
        self.marker.cycle_sort()

    def action_mark_all_read(self) -> None:
        """Mark every post of this view read, after asking."""
        self.marker.mark_all_read()

    def action_undo(self) -> None:
        """Undo the last mark change made by hand (m, b or M)."""
        self.marker.undo()
