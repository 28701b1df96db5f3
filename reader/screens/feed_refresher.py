"""The feeds part of the main screen: refresh (`R`, and at start) and full text (`x`).

It owns the refresh worker (reader.feeds.refresh.refresh in a thread, its progress
posted back as messages), the full-text worker (reader.feeds.fulltext), their messages,
and the line the header shows about them ("Refreshing 12/40", then the result). When a
refresh wrote posts into the library on screen, the library is read again in place:
the selection and the article's scroll stay. The UI never waits on the network.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from reader.config import DEFAULT_REFRESH_EVERY
from reader.messages import sentence
from reader.sanitize import clean_line

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.feeds.http import FetchResult
    from reader.feeds.refresh import FeedResult, Fetcher, RefreshSummary
    from reader.library import Post
    from reader.screens.main import MainScreen

FAILURES_NOTICED = 3  # feeds named in a notice of their own; the rest in the summary
RESULT_SHOWN = 30.0  # seconds the header shows a refresh's result
STOP_POLL = 0.1  # seconds between looks at whether a fetch should be given up


class RefreshProgress(Message):
    """One feed was refreshed (from the refresh worker)."""

    def __init__(self, done: int, total: int, result: FeedResult) -> None:
        """How many of how many are done, and the feed's result."""
        super().__init__()
        self.done = done
        self.total = total
        self.result = result


class RefreshFinished(Message):
    """A refresh is over: its summary, or the one-line reason it could not run."""

    def __init__(self, summary: RefreshSummary | None, error: str | None, manual: bool) -> None:
        """`manual`: asked for with `R` (an automatic one with nothing due stays quiet)."""
        super().__init__()
        self.summary = summary
        self.error = error
        self.manual = manual


class FullTextFetched(Message):
    """The full text of a post was fetched and cached, or could not be (`error`)."""

    def __init__(self, post_id: str, title: str, error: str | None) -> None:
        """Which post, and the one-line error if it failed."""
        super().__init__()
        self.post_id = post_id
        self.title = title
        self.error = error


class Stopped(Exception):
    """The worker was cancelled (the reader quits): the refresh ends at once."""


def stoppable(stop: threading.Event) -> Fetcher:
    """fetch_feed, given up as soon as `stop` is set.

    Quitting must not wait for a slow server: the fetch runs in a daemon thread (left
    behind when the reader stops; the process does not wait for it), and the refresh's
    own pool threads, which the interpreter joins at exit, return within a tenth of a
    second of `stop`.
    """
    from reader.feeds.http import MAX_BYTES, TIMEOUT, FetchFailure, fetch_feed

    def fetch(
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_BYTES,
    ) -> FetchResult:
        outcome: list[FetchResult | BaseException] = []

        def run() -> None:
            try:
                outcome.append(fetch_feed(url, etag=etag, last_modified=last_modified,
                                          timeout=timeout, max_bytes=max_bytes))  # fmt: skip
            except BaseException as error:  # raised in the caller's thread
                outcome.append(error)

        thread = threading.Thread(target=run, name="reader-feed-fetch", daemon=True)
        thread.start()
        while thread.is_alive() and not stop.is_set():
            thread.join(STOP_POLL)
        if not outcome:
            raise FetchFailure(f"cannot fetch {clean_line(url)}: the reader stopped")
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    return fetch


def related(one: Path, other: Path) -> bool:
    """Whether one folder is the other or inside it (either way)."""
    try:
        a, b = one.resolve(), other.resolve()
    except OSError:
        return False
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


class FeedRefresher(Widget):
    """Refreshes the followed feeds and fetches full text, in workers."""

    DEFAULT_CSS = "FeedRefresher { display: none; }"

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen. Where the feeds' posts are written and how often
        they are refreshed come from the app (`feeds_library`, `refresh_every`) on mount."""
        super().__init__()
        self.host = host
        self.feeds_library = Path()
        self.refresh_every = 0.0  # set from the app on mount
        self.running = False
        self.status = ""  # what the header says about the refresh ("" when nothing)
        self.failures_noticed = 0
        self.fetching: set[str] = set()  # posts whose full text is being fetched
        self.result_timer: Timer | None = None  # clears the result from the header

    def on_mount(self) -> None:
        """Take the feeds library and refresh_every from the app (ReaderApp's arguments)."""
        from reader.paths import feeds_dir

        library = getattr(self.app, "feeds_library", None)
        self.feeds_library = library if isinstance(library, Path) else feeds_dir()
        every = getattr(self.app, "refresh_every", None)
        self.refresh_every = (
            float(every) if isinstance(every, int | float) else DEFAULT_REFRESH_EVERY
        )

    def start(self) -> None:
        """After the first paint, refresh the feeds that are due (unless refresh_every is 0)."""
        if self.refresh_every > 0:
            self.call_after_refresh(self.begin, manual=False)

    def refresh_now(self) -> None:
        """`R`: refresh every feed in the background."""
        if self.running:
            self.notify("A refresh is already running", timeout=2)
            return
        if not self.followed():
            self.notify(
                "No feeds are followed: add one with `reader subscribe URL`",
                timeout=5,
                markup=False,
            )
            return
        self.begin(manual=True)

    def followed(self) -> int:
        """How many feeds are followed (from the state in memory: no disk read)."""
        from reader.feeds.state import KEY

        records = self.host.store.get_meta(KEY, [])
        return len(records) if isinstance(records, list) else 0

    def begin(self, *, manual: bool) -> None:
        """Start the refresh worker and say so in the header."""
        if self.running or (not manual and not self.followed()):
            return
        self.running = True
        self.failures_noticed = 0
        if manual:
            self.show_status("Refreshing…")
        self.run_refresh(manual)

    def show_status(self, text: str) -> None:
        """Put a line in the header (beside the counts)."""
        self.status = text
        self.host.update_counts()

    @work(thread=True, exclusive=True, group="feeds", description="refresh feeds")
    def run_refresh(self, manual: bool) -> None:
        """Refresh in a thread: every feed (`R`), or the due ones (at start)."""
        from reader.feeds.refresh import RefreshBusy, refresh
        from reader.feeds.state import StateSubscriptions
        from reader.feeds.subscriptions import SubscriptionError

        stop = get_current_worker().cancelled_event

        def progress(done: int, total: int, result: FeedResult) -> None:
            if stop.is_set():
                raise Stopped  # no more feeds are started; the finished ones are written
            self.post_message(RefreshProgress(done, total, result))

        summary, error = None, None
        try:
            summary = refresh(
                StateSubscriptions(self.host.store),
                self.feeds_library,
                force=manual,
                every=self.refresh_every or DEFAULT_REFRESH_EVERY,
                progress=progress,
                fetcher=stoppable(stop),
            )
        except Stopped:
            return
        except (RefreshBusy, SubscriptionError) as problem:
            error = str(problem)
        except OSError as problem:
            error = f"cannot refresh the feeds: {problem.strerror or problem}"
        except Exception as problem:  # never a traceback on screen
            error = f"the refresh failed ({type(problem).__name__})"
        self.post_message(RefreshFinished(summary, error, manual))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        """Show how far the refresh is; a feed that failed gets a notice naming it."""
        message.stop()
        self.show_status(f"Refreshing {message.done}/{message.total}")
        result = message.result
        if not result.ok and self.failures_noticed < FAILURES_NOTICED:
            self.failures_noticed += 1
            self.notify(sentence(result.line()), severity="warning", timeout=8, markup=False)

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        """Show the result; read the library again in place when posts were written to it."""
        message.stop()
        self.running = False
        summary = message.summary
        if message.error is not None or summary is None:
            self.show_status("")
            text = clean_line(message.error or "the refresh failed")
            self.notify(sentence(text), severity="warning", timeout=8, markup=False)
            return
        if not summary.results and not message.manual:
            self.show_status("")
            return
        added = sum(result.added for result in summary.results)
        updated = sum(result.updated for result in summary.results)
        failed = len(summary.failed)
        parts = [f"{added} new"] + ([f"{updated} updated"] if updated else [])
        parts += [f"{failed} failed"] if failed else []
        self.show_status(f"Refreshed: {', '.join(parts)}" if summary.results else "No feeds due")
        if self.result_timer is not None:
            self.result_timer.stop()
        self.result_timer = self.set_timer(RESULT_SHOWN, self.clear_result)
        if failed > self.failures_noticed:  # some failed feeds were not named yet
            self.notify(sentence(summary.line()), severity="warning", timeout=8, markup=False)
        if any(result.changed for result in summary.results):
            if related(self.host.library_path, self.feeds_library):
                self.host.library.reload(announce=False)
            else:
                where = clean_line(str(self.feeds_library))
                self.notify(f"New posts are in {where}", timeout=6, markup=False)

    def clear_result(self) -> None:
        """The result has been shown long enough."""
        if not self.running:
            self.show_status("")

    # Full text ---------------------------------------------------------------------------

    def fetch_full_text(self, post: Post) -> None:
        """`x`: fetch the post's page for its full text, in the background."""
        if post.id in self.fetching:
            return
        if not post.url:
            self.notify("This post has no web address to fetch its full text from", timeout=4)
            return
        self.fetching.add(post.id)
        self.notify(f"Fetching the full text of “{clean_line(post.title)}”…", timeout=3,
                    markup=False)  # fmt: skip
        self.run_full_text(post)

    @work(thread=True, group="fulltext", description="fetch a full text")
    def run_full_text(self, post: Post) -> None:
        """Fetch, extract and cache the article in a thread (reader.feeds.fulltext)."""
        from reader.feeds.fulltext import FullTextError, fetch_full_text

        error = None
        try:
            fetch_full_text(post.path, fetch=stoppable(get_current_worker().cancelled_event))
        except FullTextError as problem:
            error = str(problem)
        except Exception as problem:  # never a traceback on screen
            error = f"{clean_line(post.path.name)}: unexpected error ({type(problem).__name__})"
        self.post_message(FullTextFetched(post.id, post.title, error))

    def on_full_text_fetched(self, message: FullTextFetched) -> None:
        """Show the full text (render the post again), or say why not: the excerpt stays."""
        message.stop()
        self.fetching.discard(message.post_id)
        title = clean_line(message.title)
        if message.error is not None:
            self.notify(f"No full text for “{title}” ({message.error}); the excerpt stays",
                        severity="warning", timeout=8, markup=False)  # fmt: skip
            return
        articles = self.host.articles
        articles.rendered.clear()
        if articles.current == message.post_id:
            articles.rerender()  # the article changes before the reader's eyes
        else:
            self.notify(f"The full text of “{title}” is ready", timeout=3, markup=False)
