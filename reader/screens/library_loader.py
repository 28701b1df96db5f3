"""The library loader: reads the posts' metadata and takes in marks saved elsewhere.

It owns the worker that reads the library (showing the cached list first on a warm
start), the worker that checks the state file every few seconds for marks other readers
saved, and their messages. When posts arrive it gives them to the session and the
sidebar (through the screen) and tells search to index them. A non-visual widget of the
main screen.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual import work
from textual.widget import Widget
from textual.worker import get_current_worker

from reader.messages import (
    LibraryConfirmed,
    LibraryLoaded,
    LoadProgress,
    MarksChangedElsewhere,
    sentence,
)

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.first_screen import FirstScreen
    from reader.library import Library, Post
    from reader.screens.main import MainScreen

# How often the state file is checked for marks other readers saved (one stat if none).
STATE_CHECK_EVERY = 2.0
#: The longest the loader waits for first rows still being read in a child process.
EARLY_WAIT = 10.0
PROBLEMS_SHOWN = 5
# The header's `reading N/M` is updated at most this often (seconds): each update repaints
# the screen, and 200 of them took 2 s of a 100,000-post start from the reading thread.
PROGRESS_PERIOD = 0.25
# A first screenful is painted before the reading goes on, unless that takes longer than
# this (the whole cached list and the files want the interpreter as much as the paint).
FIRST_WAIT = 0.5
# The metadata cache is written once the loaded list is on screen, or after this long.
SAVE_WAIT = 2.0


class LoadCancelled(Exception):
    """The screen went away while the library was loading."""


class LibraryLoader(Widget):
    """Loads the library into the screen's session, and marks saved by other readers."""

    DEFAULT_CSS = "LibraryLoader { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its library path, store, session and sidebar)."""
        super().__init__()
        self.host = host
        self.announce = True  # say "Reloaded N posts" (not after a feeds refresh)
        #: What the header adds while a cold start's first screenful is listed (progress).
        self.progress_label = ""
        self.restore_pending = False  # the saved selection was not in the first screenful
        self.first_pick: str | None = None
        self.saved_selection: object = None
        # Set once a list posted by the worker is painted: the worker goes on after that,
        # not while the list is being drawn (both want the interpreter).
        self.painted = threading.Event()

    def start(self) -> None:
        """Load the library, and check the state file for other readers' marks from now on.

        The first rows read while the app started (reader.first_screen), if they are
        ready, are listed at once, so that the first frame shows them.
        """
        first_screen = self.host.first_screen
        early = first_screen.take() if first_screen is not None else None
        if early:
            from reader.library import Library

            library = Library(self.host.library_path, early, [])
            self.on_library_loaded(LibraryLoaded(library, None, provisional=True))
            # The rest is read once these rows are painted: reading 100,000 cached rows
            # would hold the interpreter while the first frame is drawn.
            listed = len(early)
            self.host.start_up.when_painted(lambda: self.load_library(reload=False, listed=listed))
        elif first_screen is not None and first_screen.forked and not first_screen.done:
            # A child process is reading a large library's first screenful: the worker
            # waits for it rather than walking the folder a second time.
            self.load_library(reload=False, listed=0, early=first_screen)
        else:
            self.load_library(reload=False, listed=0)
        self.set_interval(STATE_CHECK_EVERY, self.check_state)

    def reload(self, *, announce: bool = True) -> None:
        """Read the library from disk again and take in new marks (`r`; `announce`: say so)."""
        self.announce = announce
        self.check_state()
        self.load_library(reload=True, listed=0)

    @work(thread=True, exclusive=True, group="library", description="read the library")
    def load_library(
        self, reload: bool, listed: int, early: FirstScreen | None = None
    ) -> None:
        """Read every post's metadata, off the UI thread; show cached metadata first.

        `listed`: how many first rows are on screen already (reader.first_screen): the
        cache's head is not listed again, nor the whole cached list if that is all of it
        (a head file's screenful is not). `early`: first rows still being read in a child
        process, listed as soon as they come.
        """
        from reader.cache import MetadataCache
        from reader.gcpause import collection_paused, freeze_loaded
        from reader.library import Library, LibraryError, load_library
        from reader.paths import cache_dir

        library_path = self.host.library_path
        worker = get_current_worker()
        if early is not None:
            rows = early.wait(EARLY_WAIT)
            if rows and not worker.is_cancelled:
                self.show(Library(library_path, rows, []), worker, FIRST_WAIT)
                listed = len(rows)
        cache = None
        cached: list[Post] | None = None
        if library_path.is_dir():
            cache = MetadataCache.for_root(cache_dir(), library_path)
            head = None if reload or listed else cache.load_head()
            if head:  # a large library's first screenful, before its 100,000 rows are read
                self.show(Library(library_path, head, []), worker, FIRST_WAIT)
            with collection_paused():  # 100,000 rows: collections would double the time
                cached = cache.load()
                freeze_loaded()  # the posts live on: later collections need not walk them
            if cached and not reload and len(cached) > listed:
                library = Library(library_path, cached, [])
                self.post_message(LibraryLoaded(library, None, provisional=True))

        shown_at = -PROGRESS_PERIOD

        def progress(done: int, total: int) -> None:
            """Report progress unless the cached list is already on screen; stop on quit."""
            nonlocal shown_at
            if worker.is_cancelled:
                raise LoadCancelled
            now = time.monotonic()
            if (cached is None or reload) and now - shown_at >= PROGRESS_PERIOD:
                shown_at = now
                self.post_message(LoadProgress(done, total))

        def first(posts: list[Post]) -> None:
            """A cold start: show the first screenful while the rest is read."""
            self.show(Library(library_path, posts, []), worker, FIRST_WAIT)

        try:
            cold = cached is None and not reload and not listed
            with collection_paused():  # 100,000 new posts: collections would walk them all
                library = load_library(library_path, cache, progress, first if cold else None)
                freeze_loaded()
        except LibraryError as error:
            self.post_message(LibraryLoaded(None, str(error), reload=reload))
            return
        except LoadCancelled:
            return
        self.painted.clear()
        if reload or library.posts != cached or library.problems:
            self.post_message(LibraryLoaded(library, None, reload=reload))
        else:  # the cached list on screen is right: search can index the bodies now
            self.post_message(LibraryConfirmed(library))
        if cache is not None:
            self.wait_painted(worker, SAVE_WAIT)  # a quit: at once
            cache.retain(library.posts)
            cache.save()

    def show(self, library: Library, worker: Worker[None], limit: float) -> None:
        """From the worker: list a first screenful, and let it be painted (up to `limit`
        seconds) before reading on."""
        if worker.is_cancelled:
            return
        self.painted.clear()
        self.post_message(LibraryLoaded(library, None, provisional=True))
        self.wait_painted(worker, limit)

    def wait_painted(self, worker: Worker[None], limit: float) -> None:
        """From the worker: wait until the list last posted is painted, at most `limit`
        seconds, and not at all once the worker is cancelled (a quit)."""
        deadline = time.monotonic() + limit
        while not (worker.is_cancelled or time.monotonic() > deadline):
            if self.painted.wait(0.02):
                return

    @work(thread=True, exclusive=True, group="state", description="check the state file")
    def check_state(self) -> None:
        """Take in marks that other readers saved to the state file, off the UI thread."""
        if self.host.store.refresh():
            self.post_message(MarksChangedElsewhere())

    def on_marks_changed_elsewhere(self, message: MarksChangedElsewhere) -> None:
        """Show marks made by another reader or `reader mark`."""
        message.stop()
        self.host.marks_changed()

    def on_load_progress(self, message: LoadProgress) -> None:
        """Say how far reading the library has got."""
        message.stop()
        host = self.host
        if not host.session.posts:
            host.post_list.empty_text = f"Reading posts… {message.done:,} of {message.total:,}"
            host.post_list.refresh()
            host.sub_title = "Loading…"
        else:  # a first screenful is listed: the header says how far the rest has got
            self.progress_label = f"reading {message.done:,}/{message.total:,} · "
            host.update_counts()

    def on_library_confirmed(self, message: LibraryConfirmed) -> None:
        """A warm start's cached list was checked against the files: it is the library."""
        message.stop()
        self.library_listed(message.library.posts)

    def library_listed(self, posts: list[Post]) -> None:
        """The loaded library is on screen: index it for search, write the cache."""
        self.host.search.library_ready(posts)
        self.painted.set()

    def on_library_loaded(self, message: LibraryLoaded) -> None:
        """Show the loaded posts and restore (or keep) the selection."""
        message.stop()
        host, session = self.host, self.host.session
        host.start_up.when_painted(host.start_up.mount_footer)  # once this list is painted
        if message.library is None:  # gone (deleted, unmounted): show none of it any more
            session.set_posts([])
            host.articles.rendered.clear()
            host.refresh_rows(select=None)
            host.post_list.empty_text = message.error or "No posts"
            host.post_list.refresh()
            self.notify(sentence(message.error or "No posts"), severity="error", markup=False)
            return
        library = message.library
        host.articles.rendered.clear()
        # The saved selection is restored from the first list that holds it (a cold
        # start's first screenful may not), unless the reader has moved since.
        if not session.posts:  # showing the first row overwrites the saved one: read it now
            self.saved_selection = host.store.get_meta("selected")
        first = not session.posts or (
            self.restore_pending and host.highlighted_id == self.first_pick
        )
        current = host.current
        before = session.posts.get(current) if current is not None else None
        session.set_posts(library.posts)
        if not message.provisional:
            # Once the list and its header are painted: the index is a background job.
            posts = library.posts
            host.start_up.when_painted(lambda: self.library_listed(posts))
            self.progress_label = ""
        else:
            host.start_up.when_painted(self.painted.set)
        selected = self.saved_selection if first else host.highlighted_id
        host.refresh_rows(select=selected if isinstance(selected, str) else None)
        if first:
            self.first_pick = host.highlighted_id
            self.restore_pending = (
                message.provisional and isinstance(selected, str) and selected != self.first_pick
            )
        if library.problems:
            shown = "\n".join(str(problem) for problem in library.problems[:PROBLEMS_SHOWN])
            more = len(library.problems) - PROBLEMS_SHOWN
            if more > 0:
                shown += f"\n… and {more} more"
            count = len(library.problems)
            self.notify(
                f"Problems with {count} post file{'s' if count != 1 else ''}:\n{shown}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if message.reload and self.announce:
            self.notify(f"Reloaded {len(session.posts)} posts", markup=False)
        changed = before is not None and before != session.posts.get(before.id)
        current = host.current  # refresh_rows clears it when the view is empty
        if current is not None and current in session.posts and (message.reload or changed):
            host.show_post(current, keep_scroll=True)
