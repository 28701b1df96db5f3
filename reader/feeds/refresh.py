"""Refresh the followed feeds that are due, concurrently and politely (UI-free).

`refresh()` holds the feeds library's refresh lock (a second refresh waits `lock_wait`
seconds, then raises RefreshBusy: "a refresh is already running"), loads the
subscriptions from their store, fetches every due feed, at most `jobs` at once and at
most `per_host` from one host, writes each feed's entries into its own folder (see
reader.feeds.entries), and saves each feed's new state (ETag, Last-Modified, when it
was fetched, its error, failures in a row, when it is next due) back to the store.
A feed that fails keeps every post it had; its error is one line naming it.

Each result reaches `progress(done, total, result)` in the calling thread, so a TUI
worker can post it as a message and a CLI can draw a bar.
"""

from __future__ import annotations

import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from reader.feeds.entries import parse_feed, write_entries
from reader.feeds.http import MAX_BYTES, TIMEOUT, FetchFailure, FetchResult, fetch_feed, next_due
from reader.feeds.subscriptions import (
    Subscription,
    SubscriptionError,
    Subscriptions,
    SubscriptionStore,
    folder_name,
)
from reader.importers.fetch import FeedError
from reader.sanitize import clean_line

__all__ = [
    "JOBS",
    "LOCK_NAME",
    "PER_HOST",
    "REFRESH_EVERY",
    "FeedResult",
    "Fetcher",
    "RefreshBusy",
    "RefreshSummary",
    "Status",
    "refresh",
    "refresh_feed",
]

JOBS = 8
PER_HOST = 2
REFRESH_EVERY = 3600.0
LOCK_NAME = ".reader-refresh.lock"  # hidden: the library and the index skip it
LOCK_WAIT = 5.0
FULL_TEXT_MAX = 10  # full-text pages fetched per feed and refresh
Status = Literal["new", "updated", "ok", "not modified", "error"]
_STATE_FIELDS = (
    "title", "folder", "etag", "last_modified", "last_fetched", "last_error", "failures",
    "next_due",
)  # fmt: skip


class Fetcher(Protocol):
    """fetch_feed's signature (tests and the bench pass their own)."""

    def __call__(
        self,
        url: str,
        *,
        etag: str | None = ...,
        last_modified: str | None = ...,
        timeout: float = ...,
        max_bytes: int = ...,
    ) -> FetchResult:
        """Fetch url; raise FetchFailure."""
        ...


class RefreshBusy(Exception):
    """Another refresh holds the library's lock; the message is one line."""


@dataclass(frozen=True)
class FeedResult:
    """What refreshing one feed did. `feed` is its new state."""

    feed: Subscription
    status: Status
    added: int = 0
    updated: int = 0
    error: str = ""
    paths: tuple[Path, ...] = ()  # the feed's post files (new, changed or not)
    changed: tuple[Path, ...] = ()  # the files written: new or changed (for the index, TUI)
    notes: tuple[str, ...] = ()  # one line per full text that could not be fetched

    @property
    def ok(self) -> bool:
        """Whether the feed was fetched (or not modified) without error."""
        return self.status != "error"

    def line(self) -> str:
        """One terminal-safe line: "Name: 3 new, 1 updated", "Name: not modified", the error."""
        if self.status == "error":
            return clean_line(self.error)
        if self.status in ("new", "updated"):
            parts = [f"{self.added} new"] if self.added else []
            parts += [f"{self.updated} updated"] if self.updated else []
        else:
            parts = ["not modified" if self.status == "not modified" else "ok"]
        if self.notes:
            parts.append(f"no full text for {len(self.notes)}")
        return f"{self.feed.name}: {', '.join(parts)}"


@dataclass
class RefreshSummary:
    """Every feed's result, in the order they finished."""

    results: list[FeedResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedResult]:
        """The feeds that failed."""
        return [result for result in self.results if not result.ok]

    @property
    def exit_code(self) -> int:
        """0 when every feed was fine, 1 when some failed."""
        return 1 if self.failed else 0

    def line(self) -> str:
        """One line: "3 feeds: 4 new posts, 1 updated, 1 not modified, 1 failed (Name)"."""
        total = len(self.results)
        if not total:
            return "no feeds are due"
        added = sum(result.added for result in self.results)
        updated = sum(result.updated for result in self.results)
        same = sum(result.status == "not modified" for result in self.results)
        parts = [f"{added} new post{'s' if added != 1 else ''}"]
        parts += [f"{updated} updated"] if updated else []
        parts += [f"{same} not modified"] if same else []
        if failed := self.failed:
            names = ", ".join(result.feed.name for result in failed[:5])
            more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
            parts.append(f"{len(failed)} failed ({names}{more})")
        return clean_line(f"{total} feed{'s' if total != 1 else ''}: {', '.join(parts)}")


def refresh_feed(
    feed: Subscription,
    library: Path,
    *,
    now: float,
    every: float = REFRESH_EVERY,
    fetcher: Fetcher = fetch_feed,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> FeedResult:
    """Fetch one feed and write its entries into its folder of `library`; never raises
    for the feed's own faults (they become an "error" result naming it)."""
    try:
        fetched = fetcher(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=timeout,
            max_bytes=max_bytes,
        )
        if fetched.not_modified:
            state = _succeeded(feed, now, every, fetched)
            return FeedResult(state, "not modified")
        parsed = parse_feed(fetched.body, fetched.headers, feed.name)
        title = feed.title or parsed.title
        folder = feed.folder or folder_name(title, feed.url, feed.id)
        written, changed = write_entries(parsed, library / folder, clean_line(title or feed.url))
    except FetchFailure as error:
        return _failed(feed, now, _naming(feed, str(error)), error.retry_after)
    except FeedError as error:
        return _failed(feed, now, _naming(feed, str(error)), None)
    except OSError as error:
        return _failed(feed, now, f"{feed.name}: cannot write its posts: {error.strerror}", None)
    except RecursionError:
        return _failed(feed, now, f"{feed.name}: the feed is nested too deeply", None)
    except Exception as error:  # a bug met by one feed must not stop the others' refresh
        message = f"{feed.name}: unexpected error ({type(error).__name__})"
        return _failed(feed, now, message, None)
    state = replace(_succeeded(feed, now, every, fetched), title=title, folder=folder)
    status: Status = "new" if written.added else "updated" if written.updated else "ok"
    notes = _full_texts(written.paths, fetcher, timeout, max_bytes) if feed.full_text else ()
    return FeedResult(
        state,
        status,
        written.added,
        written.updated,
        paths=tuple(written.paths),
        changed=tuple(changed),
        notes=notes,
    )


def _full_texts(
    paths: list[Path], fetcher: Fetcher, timeout: float, max_bytes: int
) -> tuple[str, ...]:
    """Fetch the full text of the feed's posts that have none yet (at most FULL_TEXT_MAX
    a refresh, so a feed's first refresh stays short); one line per failure."""
    from reader.feeds.fulltext import FullTextError, cached, fetch_full_text

    notes: list[str] = []
    for path in [path for path in paths if cached(path) is None][:FULL_TEXT_MAX]:
        try:
            fetch_full_text(path, fetch=fetcher, timeout=timeout, max_bytes=max_bytes)
        except FullTextError as error:
            notes.append(str(error))
    return tuple(notes)


def _naming(feed: Subscription, message: str) -> str:
    """The error as one line that names the feed."""
    message = clean_line(message)
    return message if feed.name in message else f"{feed.name}: {message}"


def _succeeded(feed: Subscription, now: float, every: float, fetched: FetchResult) -> Subscription:
    """The feed's state after a good fetch."""
    return replace(
        feed,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        last_fetched=now,
        last_error="",
        failures=0,
        next_due=next_due(now, every, 0),
    )


def _failed(feed: Subscription, now: float, error: str, retry: float | None) -> FeedResult:
    """The error result: failures counted, the next try backed off (or as the server asked)."""
    failures = feed.failures + 1
    state = replace(
        feed, last_error=error, failures=failures, next_due=next_due(now, 0, failures, retry)
    )
    return FeedResult(state, "error", error=error)


def _host(url: str) -> str:
    """The host a url is fetched from (the per-host limit's key)."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def refresh(
    store: SubscriptionStore,
    library: Path,
    *,
    only: str | None = None,
    force: bool = False,
    jobs: int = JOBS,
    per_host: int = PER_HOST,
    every: float = REFRESH_EVERY,
    progress: Callable[[int, int, FeedResult], None] | None = None,
    fetcher: Fetcher = fetch_feed,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    lock_wait: float = LOCK_WAIT,
    clock: Callable[[], float] = time.time,
) -> RefreshSummary:
    """Refresh the due feeds (`only`: just that id/url, due or not; `force`: every feed).

    Raises RefreshBusy when another refresh holds the library's lock past lock_wait,
    SubscriptionError naming `only` when no feed matches it, OSError when the library cannot be
    created. A feed's own failure is its result, never an exception.
    """
    from filelock import FileLock, Timeout

    library.mkdir(parents=True, exist_ok=True)
    lock = FileLock(library / LOCK_NAME, timeout=lock_wait)
    try:
        lock.acquire()
    except Timeout:
        raise RefreshBusy(f"a refresh of {clean_line(str(library))} is already running") from None
    try:
        subs = Subscriptions.from_records(store.load())  # after the lock: the latest state
        now = clock()
        if only is not None:
            feed = subs.find(only)
            if feed is None:
                raise SubscriptionError(f"no subscription {clean_line(only)!r}")
            due = [feed]
        else:
            due = subs.list() if force else subs.due(now)
        summary = RefreshSummary()
        if due:
            _run(due, library, summary, jobs, per_host, progress, fetcher=fetcher,
                 every=every, timeout=timeout, max_bytes=max_bytes, now=now)  # fmt: skip
            _save(store, summary)
        return summary
    finally:
        lock.release()


def _run(
    due: list[Subscription],
    library: Path,
    summary: RefreshSummary,
    jobs: int,
    per_host: int,
    progress: Callable[[int, int, FeedResult], None] | None,
    **options: Any,
) -> None:
    """Fetch the due feeds in a pool: at most `jobs` at once, `per_host` per host."""
    pending = deque(due)
    active: dict[Future[FeedResult], str] = {}
    per: dict[str, int] = {}
    jobs, per_host = max(1, jobs), max(1, per_host)
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="reader-refresh") as pool:
        while pending or active:
            for _ in range(len(pending)):  # start every feed whose host has room
                if len(active) >= jobs:
                    break
                feed = pending.popleft()
                host = _host(feed.url)
                if per.get(host, 0) >= per_host:
                    pending.append(feed)
                    continue
                per[host] = per.get(host, 0) + 1
                active[pool.submit(refresh_feed, feed, library, **options)] = host
            finished, _ = wait(active, return_when=FIRST_COMPLETED)
            for future in finished:
                host = active.pop(future)
                per[host] -= 1
                result = future.result()  # refresh_feed returns its errors
                summary.results.append(result)
                if progress is not None:
                    progress(len(summary.results), len(due), result)


def _save(store: SubscriptionStore, summary: RefreshSummary) -> None:
    """Write the feeds' new state into the latest records (a feed subscribed or removed
    meanwhile stays as it is)."""
    records = store.load()
    states = {result.feed.id: result.feed.to_record() for result in summary.results}
    for record in records:
        state = states.get(str(record.get("id"))) if isinstance(record, dict) else None
        if state is not None:
            record.update({key: state[key] for key in _STATE_FIELDS})
    store.save(records)
