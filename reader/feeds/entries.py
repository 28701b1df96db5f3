"""Write a fetched feed's entries into its folder of the feeds library (UI-free).

The conversion and the file index are the feed importer's (reader.importers.feed:
`entry_fields`, `render_entry`, `EntryIndex`; reader.importers.base: `write_post`,
`slugify`), and the folder lock is the same file, so `reader import feed --into` and a
refresh into one folder find each other's files and take turns:

* each entry is ``<slug>-<hash>.md``: the slug from its title (letters, digits and
  dashes only, so a title can never name a path outside the folder), the hash from
  its id; an entry already written (same id in its front matter) is rewritten in
  place only when it changed; nothing is ever deleted;
* the front matter's `feed` is the subscription's name (its title, else the feed's own);
* the folder's `.reader-import.lock` is held while writing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.importers.base import ImportResult, write_post
from reader.importers.feed import (
    LOCK_NAME,
    EntryIndex,
    FeedError,
    entry_fields,
    render_entry,
)
from reader.sanitize import clean_line

__all__ = ["ParsedFeed", "parse_feed", "write_entries"]

LOCK_WAIT = 30.0


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its entries (feedparser's), its own title and author."""

    entries: list[Any]
    title: str
    author: str


def _feed_names(feed: object) -> tuple[str, str]:
    """The feed's own title and author (one line each), converted as an entry's are."""
    if not isinstance(feed, Mapping):
        return "", ""
    keys = ("title", "title_detail", "author", "author_detail")
    fields, _ = entry_fields({"id": "-", **{key: feed.get(key) for key in keys}})
    title, author = fields.get("title"), fields.get("author")
    has_title = isinstance(feed.get("title"), str) and feed["title"].strip()
    return (
        clean_line(title) if has_title and isinstance(title, str) else "",
        clean_line(author) if isinstance(author, str) else "",
    )


def parse_feed(data: bytes, headers: dict[str, str], name: str) -> ParsedFeed:
    """Parse RSS/Atom bytes. Raises FeedError (one line naming `name`) if it is no feed:
    empty, HTML, truncated before any entry, nested too deeply."""
    import feedparser

    if not data.strip():
        raise FeedError(f"{name}: the feed is empty")
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
        entries = list(parsed.get("entries") or [])
        title, author = _feed_names(parsed.get("feed"))
    except RecursionError:
        raise FeedError(f"{name}: the feed is nested too deeply") from None
    if not entries and (not parsed.get("version") or (parsed.get("bozo") and not title)):
        raise FeedError(f"{name}: not an RSS or Atom feed")
    return ParsedFeed(entries, title, author)


@contextmanager
def _folder_lock(into: Path, name: str) -> Iterator[None]:
    """Hold the folder's import lock (shared with `reader import feed`)."""
    from filelock import FileLock, Timeout

    lock = FileLock(into / LOCK_NAME, timeout=LOCK_WAIT)
    try:
        lock.acquire()
    except Timeout:
        raise FeedError(f"{name}: another import into its folder is still running") from None
    try:
        yield
    finally:
        lock.release()


def write_entries(
    parsed: ParsedFeed, into: Path, feed_name: str
) -> tuple[ImportResult, list[Path]]:
    """Write each entry into the folder `into` (created); `feed_name` goes in front matter.

    New entries are added, changed ones rewritten in place, unchanged ones left alone;
    an id repeated within the feed is written once. Returns the counts and every entry's
    file, and the files that were written (new or changed). OSError passes through.
    """
    into.mkdir(parents=True, exist_ok=True)
    result = ImportResult(into)
    written: list[Path] = []
    with _folder_lock(into, feed_name):
        index = EntryIndex(into)
        seen: set[str] = set()
        for entry in parsed.entries:
            fields, body = entry_fields(entry, feed_name, parsed.author)
            entry_id = str(fields["id"])
            if entry_id in seen:
                continue
            seen.add(entry_id)
            path, exists = index.find(entry_id, str(fields.get("title", "")))
            if path.parent != into:  # slugify allows no separators; belt and braces
                raise FeedError(f"{feed_name}: an entry named a path outside its folder")
            before = result.added + result.updated
            write_post(path, render_entry(fields, body).encode("utf-8"), exists, result)
            if result.added + result.updated > before:
                written.append(path)
    return result, written
