"""Sync read marks and bookmarks with a Fever server (UI-free).

The server's items become posts (`fever:<item id>`) in a folder of their own, their HTML
turned into Markdown as for feeds. Item read/saved state maps to read/bookmarked; reading
positions stay local.

The outbox: each item's post also keeps, in the state file, the read and saved values the
server had when they last agreed (`fever_read`, `fever_saved`). A local mark that differs
from them was made since the last sync and is still to be pushed: the outbox is durable
(it is in the state file, saved like any mark) and survives a server that is down, a kill,
or a restart. A sync pushes the outbox first, then pulls: new items, then the server's
read and saved ids, applied only to items with nothing pending. When both sides changed one
item between two syncs, the local mark wins (Fever gives no times to compare).

Guards: an id list is only trusted for what it names. An item the server's unread list no
longer names (or its saved list) is read again with `with_ids`, and only its own `is_read`
/ `is_saved` turns it read (unsaved): a server that answers with an empty or partial list
never marks everything read.

A sync killed halfway loses nothing: the outbox entry is cleared only after the server
accepted the mark (a mark sent twice is harmless), and the newest item id is saved only
after the items' posts are written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.importers.base import ImportResult, slugify, write_post
from reader.importers.feed import html_to_markdown, render_entry
from reader.sanitize import clean_line, clean_text
from reader.store import Store
from reader.sync.fever import PAGE, FeverClient, GoneError

PREFIX = "fever:"
SINCE_KEY = "fever_since"  # meta: {"url": ..., "id": the newest item id taken in}
# local field, the field that remembers the server's value, and the two words for it
FLAGS = (
    ("read", "fever_read", "read", "unread"),
    ("bookmarked", "fever_saved", "saved", "unsaved"),
)
MAX_PAGES = 100_000  # a server that keeps sending pages stops somewhere


@dataclass
class FeverResult:
    """What one Fever sync did."""

    pushed: int = 0
    new_items: int = 0
    pulled: int = 0  # local marks changed to the server's

    def summary(self) -> str:
        """One line for the user."""
        return (
            f"fever: {self.new_items} new item(s), {self.pushed} mark(s) sent, "
            f"{self.pulled} mark(s) taken from the server"
        )


def item_of(post_id: str) -> int | None:
    """The Fever item id of a post id, or None for other posts."""
    rest = post_id[len(PREFIX) :] if post_id.startswith(PREFIX) else ""
    return int(rest) if rest.isdigit() else None


def _value(store: Store, post_id: str, field: str) -> bool | None:
    """A boolean field's value, or None when never set."""
    mark = store.mark(post_id, field)
    return None if mark is None else mark.value is True


def pending(store: Store, post_id: str, field: str, synced_field: str) -> bool | None:
    """The local value still to be pushed, or None when there is nothing to push."""
    local, synced = _value(store, post_id, field), _value(store, post_id, synced_field)
    if local is None or local == synced:
        return None
    if synced is None and local is False:
        return None  # never set on either side: the default
    return local


class FeverSync:
    """One store, one server, one folder of item posts."""

    def __init__(self, store: Store, client: FeverClient, folder: Path) -> None:
        """Remember them; does no IO."""
        self.store = store
        self.client = client
        self.folder = Path(folder)

    def fever_posts(self) -> dict[int, str]:
        """Item id -> post id of every item the state knows."""
        found: dict[int, str] = {}
        for entry in self.store.post_entries():
            item = item_of(entry.post)
            if item is not None:
                found[item] = entry.post
        return found

    def sync(self) -> FeverResult:
        """Push the outbox, then pull. Raises FeverError (AuthError) or OSError."""
        result = FeverResult()
        self.client.check()
        self.push(result)
        self.store.flush()
        self.pull_items(result)
        self.store.flush()
        self.pull_state(result)
        self.store.flush()
        return result

    def push(self, result: FeverResult) -> None:
        """Send every local mark made since the last sync; clear each once it is accepted."""
        for item, post_id in sorted(self.fever_posts().items()):
            for field, synced_field, yes, no in FLAGS:
                value = pending(self.store, post_id, field, synced_field)
                if value is None:
                    continue
                with contextlib.suppress(GoneError):  # gone from the server: nothing to agree
                    self.client.mark(item, yes if value else no)
                self.store.set_field(post_id, synced_field, value)
                result.pushed += 1

    def pull_items(self, result: FeverResult) -> None:
        """Take in the items newer than the newest one taken in so far, page by page."""
        since = self._since()
        titles: dict[int, str] | None = None
        self.folder.mkdir(parents=True, exist_ok=True)
        existing = _existing_files(self.folder)
        for _ in range(MAX_PAGES):
            items = self.client.items_since(since)
            items = [item for item in items if item["id"] > since]
            if not items:
                break
            if titles is None:
                titles = self.client.feeds()
            written = ImportResult(self.folder)
            for item in items:
                self._write_item(item, titles, existing, written)
                self._take(item, result)
            result.new_items += written.added
            since = max(item["id"] for item in items)
            self.store.flush()  # marks of the written items first, then the newest id
            self.store.set_meta(SINCE_KEY, {"url": self.client.url, "id": since})

    def _since(self) -> int:
        """The newest item id taken in from this server (0 at first)."""
        value = self.store.get_meta(SINCE_KEY)
        if isinstance(value, dict) and value.get("url") == self.client.url:
            since = value.get("id")
            if isinstance(since, int) and not isinstance(since, bool) and since >= 0:
                return since
        return 0

    def _write_item(
        self,
        item: dict[str, Any],
        titles: dict[int, str],
        existing: dict[int, Path],
        written: ImportResult,
    ) -> None:
        """Write one item's post file (rewritten in place when it is there already)."""
        item_id = item["id"]
        fields, body = item_fields(item, titles)
        path = existing.get(item_id)
        exists = path is not None
        if path is None:
            path = self.folder / f"{slugify(str(fields.get('title', '')))}-{item_id}.md"
            existing[item_id] = path
        write_post(path, render_entry(fields, body).encode("utf-8"), exists, written)

    def _take(self, item: dict[str, Any], result: FeverResult) -> None:
        """Take the read and saved state of an item the server just sent."""
        post_id = f"{PREFIX}{item['id']}"
        server = {"read": bool(item.get("is_read")), "bookmarked": bool(item.get("is_saved"))}
        for field, synced_field, _yes, _no in FLAGS:
            self._agree(post_id, field, synced_field, server[field], result)

    def _agree(
        self, post_id: str, field: str, synced_field: str, server: bool, result: FeverResult
    ) -> None:
        """Take the server's value for a field with nothing pending."""
        if pending(self.store, post_id, field, synced_field) is not None:
            return  # the local mark is pushed at the next sync
        if _value(self.store, post_id, field) is not server and (
            server or _value(self.store, post_id, field) is not None
        ):
            result.pulled += 1
            if field == "read":
                self.store.set_read(post_id, server)
            else:
                self.store.set_bookmarked(post_id, server)
        if _value(self.store, post_id, synced_field) is not server:
            self.store.set_field(post_id, synced_field, server)

    def pull_state(self, result: FeverResult) -> None:
        """Take the server's read and saved marks for items with nothing pending."""
        unread, saved = self.client.unread_ids(), self.client.saved_ids()
        posts = self.fever_posts()
        doubtful: set[int] = set()  # the lists no longer name them: ask about each
        for item, post_id in posts.items():
            for field, synced_field, named in (
                ("read", "fever_read", item not in unread),
                ("bookmarked", "fever_saved", item in saved),
            ):
                if pending(self.store, post_id, field, synced_field) is not None:
                    continue
                last = _value(self.store, post_id, synced_field)
                if field == "read" and not named:
                    self._agree(post_id, field, synced_field, False, result)  # named unread
                elif field == "bookmarked" and named:
                    self._agree(post_id, field, synced_field, True, result)
                elif last is not (field == "read"):  # read / unsaved by omission
                    doubtful.add(item)
        for chunk in _chunks(sorted(doubtful), PAGE):
            for answer in self.client.items_with_ids(chunk):
                if answer["id"] in posts:
                    self._take(answer, result)


def _chunks(values: list[int], size: int) -> Iterable[list[int]]:
    """The values in lists of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_files(folder: Path) -> dict[int, Path]:
    """Item id -> its post file, from the `<slug>-<id>.md` names in the folder."""
    found: dict[int, Path] = {}
    for entry in os.scandir(folder):
        name = entry.name
        if name.endswith(".md") and not name.startswith("."):
            tail = name[:-3].rpartition("-")[2]
            if tail.isdigit():
                found[int(tail)] = folder / name
    return found


def item_fields(item: dict[str, Any], titles: dict[int, str]) -> tuple[dict[str, object], str]:
    """The front matter and Markdown body of one item (HTML converted as for feeds)."""
    fields: dict[str, object] = {"id": f"{PREFIX}{item['id']}"}
    title = clean_line(str(item.get("title") or ""))
    body = html_to_markdown(str(item.get("html") or ""))
    fields["title"] = title or f"Item {item['id']}"
    created = item.get("created_on_time")
    if isinstance(created, int) and not isinstance(created, bool) and 0 < created < 2**37:
        date = datetime.fromtimestamp(created, UTC)
        fields["date"] = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    author = clean_line(str(item.get("author") or ""))
    if author:
        fields["author"] = author
    feed_id = item.get("feed_id")
    feed = titles.get(feed_id) if isinstance(feed_id, int) else None
    if feed:
        fields["feed"] = feed
    url = str(item.get("url") or "")
    if url.lower().startswith(("http://", "https://")):
        fields["url"] = clean_line(url)
    return fields, clean_text(body)
