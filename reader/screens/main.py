"""The reader's one screen: the keys and what they do.

The loading, rendering and state logic lives in `ReaderScreen` (screens/base.py);
this module adds the key bindings and their actions.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.widgets import Input
from textual.worker import get_current_worker

from reader.messages import (
    CopyText,
    IndexReady,
    LinksFound,
    NoBrowser,
    Notice,
    SearchDone,
    sentence,
)
from reader.screens.confirm import ConfirmScreen
from reader.screens.links import LinksScreen
from reader.screens.sync_screen import SyncScreen
from reader.views import find_unread
from reader.widgets.article import ArticleView
from reader.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.library import Post


# Indexing for search starts this long after the library is shown.
INDEX_DELAY = 0.5


class MainScreen(SyncScreen):
    """Sidebar of posts on the left, the highlighted post on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_unread", "Next unread", id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark"),
        Binding("m", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("v", "cycle_view", "View", id="cycle_view"),
        Binding("s", "cycle_sort", "Sort", show=False, id="cycle_sort"),
        Binding("M", "mark_all_read", "Mark view read", show=False, id="mark_all_read"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("r", "reload", "Reload", show=False, id="reload"),
        # Priority: handled as the key is read, so that the keys typed (or pasted) right
        # after it already go to the box these open (and see `check_action`).
        Binding("slash", "search", "Search", id="search", priority=True),
        # In the search box only (check_action): the focus moves at once, so keys typed in
        # the same instant (down j, over ssh) go to the hits, not into the query.
        Binding("down", "to_results", "Results", id="search.leave", priority=True),
        Binding("ctrl+f", "find", "Find in post", show=False, id="find", priority=True),
        Binding("o", "open_url", "Open post's url", show=False, id="open_url"),
        Binding("f", "links", "Links", show=False, id="links"),
        Binding("y", "copy_url", "Copy post's url", show=False, id="copy_url"),
        Binding("t", "contents", "Contents", show=False, id="contents"),
        Binding("space", "space", "Page down, or next unread at the end", show=False, id="space"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("shift+space,pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("l,right", "focus_article", "Focus article", show=False, id="focus_article"),
        Binding("h,left", "focus_sidebar", "Focus sidebar", show=False, id="focus_sidebar"),
        Binding("escape", "end_search", "End the search", show=False, id="end_search"),
        Binding("question_mark,f1", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    # Actions ---------------------------------------------------------------------

    def action_focus_article(self) -> None:
        """Move focus to the article pane."""
        self.set_focus(self.article)

    def action_focus_sidebar(self) -> None:
        """Move focus to the sidebar."""
        self.set_focus(self.post_list)

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
        self.open_in_browser(url)  # it says "Opened …" once a browser took it

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
        """Copy the post's url to the clipboard (the app says how that went)."""
        post = self.highlighted_post()
        if post is not None and post.url:
            self.post_message(CopyText(post.url))
        elif post is not None:
            self.notify("This post has no url", timeout=2)

    def action_find(self) -> None:
        """Find text in the shown post."""
        self.pane.open_find()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a focused text box `/` and ctrl+f are typed (a query): the keys go on to the
        box, and the footer does not offer them there."""
        if action == "to_results":
            return isinstance(self.focused, SearchBar)
        return not (action in ("search", "find") and isinstance(self.focused, Input))

    def action_to_results(self) -> None:
        """Down in the search box: on to the hits."""
        self.search_left()

    def action_contents(self) -> None:
        """Show or hide the shown post's contents."""
        self.pane.toggle_contents(complete=self.complete)

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
        self.marks_changed()  # the ★ and the header's count say it: no toast to pile up

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
        selected = self.store.get_meta("selected")  # the last post shown, even from an empty view
        current = self.highlighted_id or (selected if isinstance(selected, str) else None)
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
        """Read the library from disk again, keeping the selection, and take in new marks."""
        self.check_state()
        self.load_library(reload=True)

    # Links ---------------------------------------------------------------------------

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
        """Open a link in the web browser, off the UI thread; say it opened, or why not."""
        from reader.links import NO_BROWSER, open_link
        from reader.sanitize import clean_line

        problem = open_link(url)
        if problem is None:
            self.post_message(Notice(f"Opened {clean_line(url)} in the web browser", "information"))
        elif problem == NO_BROWSER:
            self.post_message(NoBrowser(url))  # the app offers to copy it
        else:
            self.post_message(Notice(problem))

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

    @on(ArticleView.LinkClicked)
    def link_clicked(self, message: ArticleView.LinkClicked) -> None:
        """Open a clicked link if it is safe."""
        self.open_url(message.url)

    # Search ----------------------------------------------------------------------------

    @property
    def search_bar(self) -> SearchBar:
        """The search box over the sidebar."""
        return self.query_one(SearchBar)

    def library_ready(self, posts: list[Post]) -> None:
        """The library was (re)loaded: bring the search index up to date."""
        self.folded_titles = []
        self.sync_index(posts)
        if self.search_text:
            self.run_search(self.search_text)

    @work(thread=True, exclusive=True, group="index")
    def sync_index(self, posts: list[Post]) -> None:
        """Open the search index (once) and index new and changed posts, off the UI thread."""
        from reader.library import read_body
        from reader.paths import cache_dir
        from reader.search import SearchIndex, index_path

        worker = get_current_worker()
        index = self.index
        problem = None
        if index is None:
            root = self.library_path if self.library_path.is_dir() else self.library_path.parent
            index = SearchIndex(index_path(cache_dir(), root))
            problem = index.open()
        # Let the first screen and the first keys go first (a quit does not wait for it).
        if worker.cancelled_event.wait(INDEX_DELAY):
            return

        def cancelled() -> bool:
            """Stop on quit; between posts, hand the interpreter to the UI thread."""
            time.sleep(0)
            return worker.is_cancelled

        index.sync(posts, read_body, cancelled=cancelled)
        if not worker.is_cancelled:
            # Only now is the index complete: until then searches scan the titles.
            self.post_message(IndexReady(index, problem))

    def on_index_ready(self, message: IndexReady) -> None:
        """Use the index for searches from now on (and redo a running search with it)."""
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

    def action_search(self) -> None:
        """Open the search box (`/`)."""
        if self.session.search_ids is None and not self.search_bar.is_open:
            self.before_search = self.highlighted_id
            self.search_entered = False
        self.search_bar.open()

    def action_end_search(self) -> None:
        """Escape outside the search box: end a running search (else leave escape alone)."""
        if self.session.search_ids is None and not self.search_bar.is_open:
            raise SkipAction()
        self.search_bar.close()
        self.end_search()

    @on(SearchBar.QueryChanged)
    def search_changed(self, message: SearchBar.QueryChanged) -> None:
        """Search again as the query changes."""
        self.search_text = message.text
        self.run_search(message.text)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str) -> None:
        """Run a query against the index, off the UI thread."""
        from reader.query import normalise, parse_query

        query = parse_query(text)
        if query.empty:
            self.post_message(SearchDone(text, None, ()))
            return
        session, store, index = self.session, self.store, self.index
        if index is not None:
            result = index.search(
                query, session.rank, is_read=store.is_read, is_bookmarked=store.is_bookmarked
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
            ]
        self.post_message(SearchDone(text, ids, query.highlight_words()))

    def on_search_done(self, message: SearchDone) -> None:
        """List the hits (or the view again when the query is empty)."""
        if message.text != self.search_text:
            return  # a newer query is on its way
        self.session.search_ids = message.ids
        self.post_list.highlight_words = message.words
        if message.ids is None:
            self.refresh_rows(select=self.highlighted_id)
        else:
            # Once the reader is in the hits, the same query run again (the index came
            # up) keeps the post they moved to; while typing, the first hit is selected.
            current = self.highlighted_id
            keep = self.search_entered and current is not None and current in message.ids
            self.refresh_rows(select=current if keep else (message.ids[0] if message.ids else None))
            if not message.ids:
                self.post_list.empty_text = "No posts match"
                self.post_list.refresh()

    @on(SearchBar.QuerySubmitted)
    def search_submitted(self) -> None:
        """Enter: open the first hit with the words highlighted in it."""
        if not self.post_list.ids:
            return
        self.search_entered = True
        self.post_list.move_to(0)
        self.highlight_pending = self.post_list.highlight_words
        self.set_focus(self.article)
        self.show_highlighted_now()
        self.stop_preview()
        first = self.post_list.ids[0]
        self.cancel_read_timer()
        self.set_read(first, True)  # enter opens the post: read now, as from the sidebar
        if self.complete and self.current == self.post_list.ids[0]:
            self.apply_search_highlight()

    def search_left(self) -> None:
        """Down from the search box: go through the hits."""
        self.search_entered = True
        self.set_focus(self.post_list)
        self.show_highlighted_now()
        self.stop_preview()

    @on(SearchBar.SearchCleared)
    def search_cleared(self) -> None:
        """Escape in the search box: the search is over."""
        self.end_search()

    def end_search(self) -> None:
        """Back to the view: on the post opened from the hits, else the one before the search."""
        keep = self.highlighted_id if self.search_entered else self.before_search
        self.search_text = ""
        self.session.search_ids = None
        self.post_list.highlight_words = ()
        self.highlight_pending = ()
        self.pane.highlight([])
        self.refresh_rows(select=keep)
        self.set_focus(self.post_list)
        if self.current is not None and self.current == self.highlighted_id:
            self.stop_preview()  # the post stays: from now on it is being read

    def apply_search_highlight(self) -> None:
        """Highlight the search words in the shown post and scroll to the first."""
        from reader.find import spans_to_matches
        from reader.query import highlight_spans

        words, self.highlight_pending = self.highlight_pending, ()
        matches = [
            match
            for number, line in enumerate(self.article.plain_lines())
            for match in spans_to_matches(number, line, highlight_spans(line, words))
        ]
        self.pane.highlight(matches)
