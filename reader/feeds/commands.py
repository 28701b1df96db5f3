"""`reader subscribe | unsubscribe | feeds | refresh | export opml` (UI-free).

The shell's side of following feeds. Subscriptions live in the state file
(reader.feeds.state), the feeds' posts in the feeds library (reader.paths.feeds_dir:
a folder per feed). Each `run_*` takes the arguments after its name and returns the
exit status; bad usage raises UsageError (2), a failed operation Failure (1), and
reader.cli.main prints either as one line.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.console import Failure, Parser, echo, print_lines, say, write_output
from reader.core import read_config
from reader.escape import json_text
from reader.feeds.refresh import JOBS, FeedResult, RefreshBusy, RefreshSummary, refresh
from reader.feeds.state import StateSubscriptions
from reader.feeds.subscriptions import Subscription, SubscriptionError, Subscriptions
from reader.paths import default_state_path, feeds_dir, short_path
from reader.sanitize import clean_line
from reader.store import Store

__all__ = [
    "checked_feed_url",
    "feed_counts",
    "jobs_option",
    "opened_subscriptions",
    "refresh_feeds",
    "run_export_opml",
    "run_feeds",
    "run_refresh",
    "run_subscribe",
    "run_unsubscribe",
    "state_options",
    "writable",
]

BAR_CELLS = 20


def state_options(parser: argparse.ArgumentParser) -> None:
    """--state and --config, as the other commands have them."""
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="the state file that keeps the subscriptions "
        "(default: $READER_STATE, else the user data directory)",
    )
    parser.add_argument("--config", metavar="FILE", help="the config file to read")


@contextmanager
def opened_subscriptions(state: str | None) -> Iterator[tuple[Store, StateSubscriptions]]:
    """The state store (open) and its subscriptions; closed afterwards, write errors said
    (as reader.commands.open_store does: that module runs `export opml` from here)."""
    errors: list[str] = []
    store = Store(
        Path(state) if state else default_state_path(), on_error=errors.append,
        fold_on_close=True,
    )  # fmt: skip
    for notice in store.open():
        say(notice)
    try:
        yield store, StateSubscriptions(store)
    finally:
        store.close()
        print_lines(errors)


def _load(state: StateSubscriptions) -> Subscriptions:
    """The subscriptions; a broken stored record is said and skipped."""
    subs = Subscriptions.from_records(state.load())
    for problem in subs.problems:
        say(problem)
    return subs


def writable(store: Store, nothing: str) -> None:
    """Failure unless the state file can be changed."""
    if store.read_only:
        raise Failure(f"state file {short_path(store.path)} cannot be changed; {nothing}")


def build_subscribe_parser() -> Parser:
    """`reader subscribe URL [--title T] [--tag T]... [--full-text]`."""
    parser = Parser(prog="reader subscribe", description="Follow a feed (RSS or Atom).")
    parser.add_argument("url", metavar="URL", help="the feed's http(s) address")
    parser.add_argument("--title", default="", help="what to call it (default: its own title)")
    parser.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a tag (repeat for more)"
    )
    parser.add_argument(
        "--full-text",
        action="store_true",
        help="fetch every new entry's web page and keep its article as the post's text",
    )
    state_options(parser)
    return parser


def run_subscribe(argv: Sequence[str]) -> int:
    """Add the subscription; its posts come with the next `reader refresh`."""
    args = build_subscribe_parser().parse_args(argv)
    url, title, note = checked_feed_url(args.url)
    with opened_subscriptions(args.state) as (store, state):
        writable(store, "not subscribed")
        subs = _load(state)
        try:
            title = args.title or title
            feed = subs.add(url, title=title, tags=args.tag, full_text=args.full_text)
        except SubscriptionError as error:
            raise Failure(str(error)) from None
        state.save(subs.to_records())
    if note:
        say(note)
    echo(f"Subscribed to {feed.name} ({feed.id})")
    echo(f"Fetch its posts with: reader refresh --feed {feed.id}")
    return 0


def checked_feed_url(url: str) -> tuple[str, str, str]:
    """The feed to follow for `url`, looked at once (reader.feeds.detect): the url when it
    serves a feed, the feed a web page names (autodiscovery), else a Failure saying what
    it is; its own title; and a note for the user. A url that cannot be fetched now is
    followed anyway."""
    from reader.feeds.detect import DetectError, detect
    from reader.feeds.entries import parse_feed
    from reader.feeds.subscriptions import normalise_url
    from reader.importers.fetch import FeedError

    try:
        normalise_url(url)
        found = detect(url)
    except (SubscriptionError, DetectError) as error:
        raise Failure(f"{error}; not subscribed") from None
    except FeedError as error:
        return url, "", f"{error}; subscribed anyway (reader refresh tries again)"
    shown = clean_line(url)
    if found.kind == "opml":
        raise Failure(f"{shown} is an OPML list: `reader import {shown}` follows its feeds")
    try:
        title = parse_feed(found.data, found.headers, shown).title
    except FeedError as error:
        raise Failure(f"{error}; not subscribed") from None
    if found.page is not None:
        return found.source, title, f"found the feed {clean_line(found.source)} on {shown}"
    return url, title, ""


def build_unsubscribe_parser() -> Parser:
    """`reader unsubscribe URL|ID`."""
    parser = Parser(
        prog="reader unsubscribe",
        description="Stop following a feed; the posts already fetched stay.",
    )
    parser.add_argument("feed", metavar="URL|ID", help="the feed's address or id (reader feeds)")
    state_options(parser)
    return parser


def run_unsubscribe(argv: Sequence[str]) -> int:
    """Remove the subscription; its folder of posts is left as it is."""
    args = build_unsubscribe_parser().parse_args(argv)
    with opened_subscriptions(args.state) as (store, state):
        writable(store, "still subscribed")
        subs = _load(state)
        try:
            feed = subs.remove(args.feed)
        except SubscriptionError as error:
            raise Failure(str(error)) from None
        state.save(subs.to_records())
    kept = f"; its posts stay in {short_path(feeds_dir() / feed.folder)}" if feed.folder else ""
    echo(f"Unsubscribed from {feed.name} ({feed.id}){kept}")
    return 0


def feed_counts(
    feeds: Sequence[Subscription], library: Path, read: Callable[[str], bool]
) -> dict[str, tuple[int, int]]:
    """{feed id: (unread, total)} of the posts in each feed's folder of the library."""
    from reader.library import LibraryError, load_library

    counts = {feed.id: (0, 0) for feed in feeds}
    folders = {feed.folder: feed.id for feed in feeds if feed.folder}
    if not folders or not library.is_dir():
        return counts
    try:
        posts = load_library(library).posts
    except LibraryError:
        return counts
    root = library.resolve()
    for post in posts:
        try:
            folder = Path(post.file).relative_to(root).parts[0]
        except (ValueError, IndexError):
            continue
        if (ident := folders.get(folder)) is not None:
            unread, total = counts[ident]
            counts[ident] = (unread + (not read(post.id)), total + 1)
    return counts


def build_feeds_parser() -> Parser:
    """`reader feeds [--json]`."""
    parser = Parser(prog="reader feeds", description="List the followed feeds.")
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects")
    state_options(parser)
    return parser


def _when(stamp: float | None) -> str:
    """A time as local "2026-11-03 09:15", or "never"."""
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "never"


def run_feeds(argv: Sequence[str]) -> int:
    """Each feed: id, unread/total, last fetched, title, url, tags, last error."""
    args = build_feeds_parser().parse_args(argv)
    with opened_subscriptions(args.state) as (store, state):
        feeds = _load(state).list()
        read = store.read_ids()
        counts = feed_counts(feeds, feeds_dir(), read.__contains__)
    if args.json:
        rows: list[dict[str, Any]] = []
        for feed in feeds:
            record = feed.to_record()
            unread, total = counts[feed.id]
            keys = ("id", "title", "url", "tags", "full_text", "last_fetched", "last_error")
            rows.append({**{key: record[key] for key in keys}, "unread": unread, "total": total})
        write_output(json_text(rows))
        return 0
    if not feeds:
        say("no subscriptions yet: reader subscribe URL, or reader import FILE.opml")
        return 0
    lines = []
    for feed in feeds:
        unread, total = counts[feed.id]
        tags = "".join(f"  #{tag}" for tag in feed.tags)
        error = f"\n          ! {feed.last_error}" if feed.last_error else ""
        lines.append(
            f"{feed.id}  {unread:>4}/{total:<4} unread  fetched {_when(feed.last_fetched)}  "
            f"{feed.name}{tags}\n          {clean_line(feed.url)}{error}\n"
        )
    write_output("".join(lines))
    return 0


def build_export_opml_parser() -> Parser:
    """`reader export opml [--output FILE]`."""
    parser = Parser(prog="reader export opml", description="Write the subscriptions as OPML.")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    state_options(parser)
    return parser


def run_export_opml(argv: Sequence[str]) -> int:
    """The subscriptions as OPML 2.0, tags as folders and categories."""
    from reader.feeds.opml import export_opml

    args = build_export_opml_parser().parse_args(argv)
    with opened_subscriptions(args.state) as (_, state):
        feeds = _load(state).list()
    write_output(export_opml(feeds), args.output)
    if not feeds:
        say("no subscriptions: wrote an empty list")
    return 0


def build_refresh_parser() -> Parser:
    """`reader refresh [--feed ID] [--jobs N] [--all]`."""
    parser = Parser(
        prog="reader refresh",
        description="Fetch the followed feeds that are due (see refresh_every in the config).",
    )
    parser.add_argument("--feed", metavar="ID|URL", help="fetch just this feed, due or not")
    parser.add_argument("--all", action="store_true", help="fetch every feed now, due or not")
    parser.add_argument(
        "--jobs",
        type=jobs_option,
        default=JOBS,
        metavar="N",
        help=f"fetches at once (default {JOBS}; at most 2 from one host)",
    )
    state_options(parser)
    return parser


def jobs_option(text: str) -> int:
    """A number of fetches at once, 1 to 64 (for argparse)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 64, not {text!r}")
    return value


def _progress_bar() -> tuple[Callable[[int, int, FeedResult], None], Callable[[], None]]:
    """A progress callback drawing one rewritten line on a terminal's stderr, and its eraser."""
    tty = sys.stderr.isatty()
    drawn = [False]

    def progress(done: int, total: int, result: FeedResult) -> None:
        if not tty:
            return
        width = shutil.get_terminal_size((80, 24)).columns
        filled = BAR_CELLS * done // max(total, 1)
        line = f"[{'#' * filled}{'-' * (BAR_CELLS - filled)}] {done}/{total} {result.feed.name}"
        sys.stderr.write("\r\x1b[K" + line[: max(width - 1, 10)])
        sys.stderr.flush()
        drawn[0] = True

    def clear() -> None:
        if drawn[0]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    return progress, clear


def refresh_feeds(
    state: StateSubscriptions,
    *,
    only: str | None = None,
    force: bool = False,
    jobs: int = JOBS,
    every: float,
    library: Path | None = None,
) -> RefreshSummary:
    """Run a refresh with a progress bar; its refusals (busy, unknown feed) as Failures."""
    progress, clear = _progress_bar()
    try:
        return refresh(
            state, library or feeds_dir(), only=only, force=force, jobs=jobs, every=every,
            progress=progress,
        )  # fmt: skip
    except (RefreshBusy, SubscriptionError) as error:
        raise Failure(str(error)) from None
    except OSError as error:
        where = short_path(library or feeds_dir())
        raise Failure(f"cannot write to {where}: {error.strerror or error}") from None
    finally:
        clear()


def run_refresh(argv: Sequence[str]) -> int:
    """Fetch the due feeds; say what each failed one did; exit 1 if any failed."""
    from reader.config import refresh_every

    args = build_refresh_parser().parse_args(argv)
    config, mistakes = read_config(args.config)
    print_lines(mistakes.lines())
    with opened_subscriptions(args.state) as (store, state):
        writable(store, "nothing refreshed")
        subs = _load(state)
        if not subs.feeds:
            say("no subscriptions yet: reader subscribe URL, or reader import FILE.opml")
            return 0
        every = refresh_every(config)
        summary = refresh_feeds(state, only=args.feed, force=args.all, jobs=args.jobs, every=every)
    for result in summary.results:
        for note in result.notes:
            say(note)
        if not result.ok:
            say(result.line())
    if summary.results:
        echo(summary.line())
    else:
        echo(f"no feeds are due ({_next_due(subs)}; --all fetches them now)")
    return summary.exit_code


def _next_due(subs: Subscriptions) -> str:
    """ "the next in 52 min": when the soonest feed is due."""
    soonest = min((feed.next_due for feed in subs if feed.next_due is not None), default=None)
    if soonest is None:
        return "none is due"
    minutes = max(1, round((soonest - time.time()) / 60))
    return f"the next in {minutes} min" if minutes < 120 else f"the next in {minutes // 60} h"
