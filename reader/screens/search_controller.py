"""The search controller: the query, the hits, the search index and its workers.

It owns the search state (the query, the post selected before the search, whether the
reader went into the hits, the words to highlight in the next post shown), the index
(opened and brought up to date in a worker after the list is on screen) and the search
worker, with their messages. While a query is typed the first hit is shown once typing
pauses. A non-visual widget of the main screen: the screen routes the search box's
messages and the search keys to it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work
from textual.actions import SkipAction
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from reader.messages import IndexReady, SearchDone, sentence
from reader.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.library import Post
    from reader.screens.main import MainScreen
    from reader.search import SearchIndex

# Indexing for search starts this long after the library is shown.
INDEX_DELAY = 0.5
# While indexing, the worker hands the interpreter to the UI thread between posts at most
# this often (s): a yield after every post cost the build a fifth more CPU, and one every
# millisecond slowed the keys.
INDEX_YIELD_EVERY = 0.0003
# While a query is typed, the first hit is shown once typing pauses this long (the
# list follows every key at once; rendering a post for each key would slow it down).
TYPING_PAUSE = 0.15


class SearchController(Widget):
    """Search over the library: the query typed, its hits in the sidebar, the index."""

    DEFAULT_CSS = "SearchController { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its session, sidebar, article and search box)."""
        super().__init__()
        self.host = host
        self.index: SearchIndex | None = None
        self.search_text = ""
        self.before_search: str | None = None  # the post selected when the search began
        self.search_entered = False  # the hits were gone into (down, enter): escape keeps them
        self.highlight_pending: tuple[str, ...] = ()  # search words to highlight once shown
        self.folded_titles: list[str] = []  # titles folded for search before the index is up
        self.show_timer: Timer | None = None  # shows the first hit once typing pauses

    @property
    def active(self) -> bool:
        """True while a search is running or its box is open."""
        return self.host.session.search_ids is not None or self.host.search_bar.is_open

    # The index -------------------------------------------------------------------------

    def library_ready(self, posts: list[Post]) -> None:
        """The library was (re)loaded: bring the search index up to date."""
        self.folded_titles = []
        self.sync_index(posts)
        if self.search_text:
            self.run_search(self.search_text)

    @work(thread=True, exclusive=True, group="index", description="index for search")
    def sync_index(self, posts: list[Post]) -> None:
        """Open the search index (once) and index new and changed posts, off the UI thread."""
        from reader.library import read_body
        from reader.paths import cache_dir
        from reader.search import SearchIndex, index_path

        worker = get_current_worker()
        index = self.index
        problem = None
        if index is None:
            library_path = self.host.library_path
            root = library_path if library_path.is_dir() else library_path.parent
            index = SearchIndex(index_path(cache_dir(), root))
            problem = index.open()
        # Let the first screen and the first keys go first (a quit does not wait for it).
        if worker.cancelled_event.wait(INDEX_DELAY):
            return

        last_yield = time.monotonic()

        def cancelled() -> bool:
            """Stop on quit; between posts, now and then, hand the interpreter to the UI."""
            nonlocal last_yield
            now = time.monotonic()
            if now - last_yield >= INDEX_YIELD_EVERY:
                time.sleep(0)
                last_yield = time.monotonic()
            return worker.is_cancelled

        index.sync(posts, read_body, cancelled=cancelled)
        if not worker.is_cancelled:
            # Only now is the index complete: until then searches scan the titles.
            self.post_message(IndexReady(index, problem))

    def on_index_ready(self, message: IndexReady) -> None:
        """Use the index for searches from now on (and redo a running search with it)."""
        message.stop()
        self.index = message.index
        if message.problem:
            self.notify(sentence(message.problem), severity="warning", markup=False)
        if self.search_text:
            self.run_search(self.search_text)

    def on_unmount(self) -> None:
        """Stop indexing and close the index."""
        self.workers.cancel_group(self, "index")
        if self.index is not None:
            self.index.close()

    # The query -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the search box (`/`)."""
        if not self.active:
            self.before_search = self.host.highlighted_id
            self.search_entered = False
        self.host.search_bar.open()

    def close(self) -> None:
        """Escape outside the search box: end a running search (else leave escape alone)."""
        if not self.active:
            raise SkipAction()
        self.host.search_bar.close()
        self.end()

    def query_changed(self, text: str) -> None:
        """Search again as the query changes."""
        self.search_text = text
        self.run_search(text)

    @work(thread=True, exclusive=True, group="search", description="search")
    def run_search(self, text: str) -> None:
        """Run a query against the index, off the UI thread."""
        from reader.query import feed_matches, normalise, parse_query

        query = parse_query(text)
        if query.empty:
            self.post_message(SearchDone(text, None, ()))
            return
        session, store, index = self.host.session, self.host.store, self.index
        posts = session.posts

        def feed_of(post_id: str) -> str | None:
            post = posts.get(post_id)
            return post.feed if post is not None else None

        if index is not None:
            result = index.search(
                query,
                session.rank,
                is_read=store.is_read,
                is_bookmarked=store.is_bookmarked,
                feed_of=feed_of,
            )
            ids = result.ids
        else:  # the index is not open yet: titles only
            words = query.highlight_words()
            titles = self.folded_titles
            if len(titles) != len(session.library):
                titles = [normalise(post.title) for post in session.library]
                self.folded_titles = titles
            ids = [
                post.id
                for post, title in zip(session.library, titles, strict=True)
                if all(word in title for word in words)
                and (not query.feeds or feed_matches(post.feed, query.feeds))
            ]
        self.post_message(SearchDone(text, ids, query.highlight_words()))

    def on_search_done(self, message: SearchDone) -> None:
        """List the hits (or the view again when the query is empty)."""
        message.stop()
        if message.text != self.search_text:
            return  # a newer query is on its way
        host, post_list = self.host, self.host.post_list
        host.session.search_ids = message.ids
        post_list.highlight_words = message.words
        if message.ids is None:
            host.refresh_rows(select=host.highlighted_id)
        else:
            # Once the reader is in the hits, the same query run again (the index came
            # up) keeps the post they moved to; while typing, the first hit is selected.
            current = host.highlighted_id
            keep = self.search_entered and current is not None and current in message.ids
            host.refresh_rows(select=current if keep else (message.ids[0] if message.ids else None))
            if not message.ids:
                post_list.empty_text = "No posts match"
                post_list.refresh()

    def submitted(self) -> None:
        """Enter: open the first hit with the words highlighted in it."""
        host, post_list = self.host, self.host.post_list
        if not post_list.ids:
            return
        self.search_entered = True
        post_list.move_to(0)
        self.highlight_pending = post_list.highlight_words
        host.set_focus(host.article)
        self.show_highlighted_now()
        host.reading.stop_preview()
        first = post_list.ids[0]
        host.reading.cancel()
        host.set_read(first, True)  # enter opens the post: read now, as from the sidebar
        if host.complete and host.current == post_list.ids[0]:
            self.apply_highlight()

    def to_results(self) -> None:
        """Down from the search box: go through the hits."""
        self.search_entered = True
        self.host.set_focus(self.host.post_list)
        self.show_highlighted_now()
        self.host.reading.stop_preview()

    def end(self) -> None:
        """Back to the view: on the post opened from the hits, else the one before the search."""
        host = self.host
        keep = host.highlighted_id if self.search_entered else self.before_search
        self.search_text = ""
        host.session.search_ids = None
        host.post_list.highlight_words = ()
        self.highlight_pending = ()
        host.pane.highlight([])
        host.refresh_rows(select=keep)
        host.set_focus(host.post_list)
        if host.current is not None and host.current == host.highlighted_id:
            host.reading.stop_preview()  # the post stays: from now on it is being read

    # Showing hits ----------------------------------------------------------------------

    def show_after_pause(self) -> None:
        """Show the highlighted hit once typing pauses."""
        self.cancel_pending_show()
        self.show_timer = self.set_timer(TYPING_PAUSE, self.show_highlighted_now)

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
            host = self.host
            post_id = host.highlighted_id
            if post_id is not None and post_id != host.current:
                if isinstance(host.focused, SearchBar):
                    host.reading.preview(post_id)
                host.show_post(post_id, keep_scroll=False)

    def post_complete(self) -> None:
        """A post is fully rendered: highlight the words of the search that opened it."""
        if self.highlight_pending:
            self.apply_highlight()

    def apply_highlight(self) -> None:
        """Highlight the search words in the shown post and scroll to the first."""
        from reader.find import spans_to_matches
        from reader.query import highlight_spans

        words, self.highlight_pending = self.highlight_pending, ()
        matches = [
            match
            for number, line in enumerate(self.host.article.plain_lines())
            for match in spans_to_matches(number, line, highlight_spans(line, words))
        ]
        self.host.pane.highlight(matches)
