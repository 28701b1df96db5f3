"""Subscriptions: the feeds a reader follows, and each one's fetch state (UI-free).

A Subscription is one feed: its url, the title and tags the user gave it, whether
every new entry is fetched in full, and what the last refresh learnt (ETag,
Last-Modified, when it was fetched, the last error, how many failures in a row, when
it is next due). `Subscriptions` is the collection; it turns into plain JSON-able
records (`to_records`) and back (`from_records`, which skips a broken record with a
one-line problem instead of failing), so that it can live in the TinyDB state
through the store: a `SubscriptionStore` only has to load and save those records.

Ids are stable: a short hash of the normalised url (scheme and host lowercased, the
default port and the fragment dropped), so `reader unsubscribe ID` keeps working.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from reader.importers.base import slugify
from reader.sanitize import clean_line

__all__ = [
    "ID_CHARS",
    "JsonFileStore",
    "MemoryStore",
    "Subscription",
    "SubscriptionError",
    "SubscriptionStore",
    "Subscriptions",
    "clean_tags",
    "feed_folder",
    "feed_id",
    "folder_name",
    "from_stamp",
    "normalise_url",
    "stamp",
]

ID_CHARS = 8
MAX_TAG_CHARS = 100
_FOLDER_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")
_UPDATABLE = frozenset(
    {
        "title", "tags", "full_text", "folder", "etag", "last_modified", "last_fetched",
        "last_error", "failures", "next_due",
    }
)  # fmt: skip


class SubscriptionError(ValueError):
    """A url that cannot be followed, a duplicate, or an unknown feed; one line."""


def normalise_url(url: str) -> str:
    """The url as subscriptions compare it. Raises SubscriptionError unless http(s)."""
    text = url.strip()
    shown = clean_line(text)
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:
        raise SubscriptionError(f"not a valid URL: {shown}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SubscriptionError(f"only http and https feeds can be followed: {shown}")
    host = (parts.hostname or "").lower()
    if not host or any(ch.isspace() for ch in text):
        raise SubscriptionError(f"not a valid URL: {shown}")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != (80 if scheme == "http" else 443):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def feed_id(url: str, chars: int = ID_CHARS) -> str:
    """The stable id of a feed: the first `chars` hex digits of its normalised url's hash."""
    digest = hashlib.sha256(normalise_url(url).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:chars]


def folder_name(title: str, url: str, ident: str) -> str:
    """The feed's folder under the feeds library: `<slug>-<id>`, one safe path part."""
    host = urllib.parse.urlsplit(url).hostname or ""
    slug = slugify(title)[:40].strip("-") if title else ""
    slug = slug or slugify(host)[:40].strip("-") or "feed"
    return f"{slug}-{ident}"


def feed_folder(library: Path, feed: Subscription) -> Path | None:
    """The folder of a feed's posts under the feeds library (None before its first fetch)."""
    return library / feed.folder if feed.folder else None


def stamp(when: float | None) -> str | None:
    """A POSIX time as ISO 8601 UTC ("2026-11-03T09:15:00Z"), None for None."""
    if when is None:
        return None
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_stamp(value: object) -> float | None:
    """The POSIX time of an ISO 8601 stamp (None for None or anything unreadable)."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class Subscription:
    """One followed feed and its fetch state. Times are POSIX seconds (None: never)."""

    url: str
    id: str
    title: str = ""
    tags: tuple[str, ...] = ()
    full_text: bool = False
    folder: str = ""  # its folder under the feeds library, chosen at the first write
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: float | None = None
    last_error: str = ""
    failures: int = 0
    next_due: float | None = None  # None: due now

    @property
    def name(self) -> str:
        """What the feed is called: its title, else its url (one line, terminal-safe)."""
        return clean_line(self.title or self.url)

    def due(self, now: float) -> bool:
        """Whether a refresh at `now` should fetch this feed."""
        return self.next_due is None or self.next_due <= now

    def to_record(self) -> dict[str, Any]:
        """A JSON-able dict (times as ISO 8601 UTC strings)."""
        record: dict[str, Any] = {
            "id": self.id, "url": self.url, "title": self.title, "tags": list(self.tags),
            "full_text": self.full_text, "folder": self.folder, "etag": self.etag,
            "last_modified": self.last_modified, "last_fetched": stamp(self.last_fetched),
            "last_error": self.last_error, "failures": self.failures,
            "next_due": stamp(self.next_due),
        }  # fmt: skip
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Subscription:
        """The subscription of a record. Raises SubscriptionError for a broken one."""
        url = record.get("url")
        if not isinstance(url, str):
            raise SubscriptionError("a subscription without a url")
        url = normalise_url(url)

        def text(key: str) -> str:
            value = record.get(key)
            return clean_line(value) if isinstance(value, str) else ""

        def optional(key: str) -> str | None:
            value = record.get(key)
            return value if isinstance(value, str) and value.isprintable() else None

        ident = text("id")
        if not re.fullmatch(r"[0-9a-f]{8,64}", ident):
            ident = feed_id(url)
        folder = text("folder")
        if not _FOLDER_RE.fullmatch(folder):  # never a path outside the library
            folder = ""
        failures = record.get("failures")
        return cls(
            url=url,
            id=ident,
            title=text("title"),
            tags=clean_tags(record.get("tags")),
            full_text=record.get("full_text") is True,
            folder=folder,
            etag=optional("etag"),
            last_modified=optional("last_modified"),
            last_fetched=from_stamp(record.get("last_fetched")),
            last_error=text("last_error"),
            failures=failures if isinstance(failures, int) and failures >= 0 else 0,
            next_due=from_stamp(record.get("next_due")),
        )


def clean_tags(tags: object) -> tuple[str, ...]:
    """Tags as one-line strings without repeats (anything not a list of strings: none)."""
    if not isinstance(tags, list | tuple):
        return ()
    seen: dict[str, None] = {}
    for tag in tags:
        if isinstance(tag, str) and (clean := clean_line(tag).strip()[:MAX_TAG_CHARS]):
            seen.setdefault(clean, None)
    return tuple(seen)


@dataclass
class Subscriptions:
    """The followed feeds, in the order they were added."""

    feeds: builtins.list[Subscription] = field(default_factory=builtins.list)
    problems: builtins.list[str] = field(default_factory=builtins.list)  # from_records

    def __iter__(self) -> Iterator[Subscription]:
        """The feeds in order."""
        return iter(self.feeds)

    def __len__(self) -> int:
        """How many feeds."""
        return len(self.feeds)

    def find(self, key: str) -> Subscription | None:
        """The feed with this id (or unique id prefix of 4+ digits) or url, else None."""
        key = key.strip()
        for feed in self.feeds:
            if feed.id == key:
                return feed
        try:
            url = normalise_url(key)
        except SubscriptionError:
            url = ""
        for feed in self.feeds:
            if feed.url == url:
                return feed
        if len(key) >= 4:
            matches = [feed for feed in self.feeds if feed.id.startswith(key.lower())]
            if len(matches) == 1:
                return matches[0]
        return None

    def add(
        self, url: str, *, title: str = "", tags: Iterable[str] = (), full_text: bool = False
    ) -> Subscription:
        """Follow a feed. Raises SubscriptionError for a bad url or one already followed."""
        normal = normalise_url(url)
        if (known := self.find(normal)) is not None:
            raise SubscriptionError(f"already subscribed to {clean_line(normal)} ({known.id})")
        ident = feed_id(normal)
        taken = {feed.id for feed in self.feeds}
        chars = ID_CHARS
        while ident in taken and chars < 64:  # another url with the same short hash
            chars += 4
            ident = feed_id(normal, chars)
        feed = Subscription(
            url=normal, id=ident, title=clean_line(title).strip(),
            tags=clean_tags(list(tags)), full_text=full_text,
        )  # fmt: skip
        self.feeds.append(feed)
        return feed

    def remove(self, key: str) -> Subscription:
        """Stop following a feed (by id or url). Raises SubscriptionError if unknown."""
        feed = self._get(key)
        self.feeds.remove(feed)
        return feed

    def update(self, key: str, **changes: Any) -> Subscription:
        """Change fields of a feed (not its url or id); returns the new record."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise SubscriptionError(f"cannot change {', '.join(sorted(unknown))}")
        feed = self._get(key)
        if "tags" in changes:
            changes["tags"] = clean_tags(list(changes["tags"]))
        new = dataclasses.replace(feed, **changes)
        self.feeds[self.feeds.index(feed)] = new
        return new

    def due(self, now: float) -> builtins.list[Subscription]:
        """The feeds a refresh at `now` fetches."""
        return [feed for feed in self.feeds if feed.due(now)]

    def list(self) -> builtins.list[Subscription]:
        """A copy of the feeds, in order."""
        return builtins.list(self.feeds)

    def _get(self, key: str) -> Subscription:
        """The feed for key, else SubscriptionError."""
        feed = self.find(key)
        if feed is None:
            raise SubscriptionError(f"no subscription {clean_line(key)!r}")
        return feed

    def to_records(self) -> builtins.list[dict[str, Any]]:
        """JSON-able records of every feed, in order."""
        return [feed.to_record() for feed in self.feeds]

    @classmethod
    def from_records(cls, records: object) -> Subscriptions:
        """The collection of stored records; broken ones are skipped with a problem line."""
        subs = cls()
        if not isinstance(records, list):
            if records is not None:
                subs.problems.append("the stored subscriptions are not a list: ignored")
            return subs
        seen: set[str] = set()
        for number, record in enumerate(records, start=1):
            try:
                if not isinstance(record, Mapping):
                    raise SubscriptionError("not a record")
                feed = Subscription.from_record(record)
            except SubscriptionError as error:
                subs.problems.append(f"subscription {number} skipped: {error}")
                continue
            if feed.url in seen or feed.id in {known.id for known in subs.feeds}:
                subs.problems.append(f"subscription {number} skipped: a duplicate of {feed.id}")
                continue
            seen.add(feed.url)
            subs.feeds.append(feed)
        return subs


class SubscriptionStore(Protocol):
    """Where the subscription records live (the state store, through a thin adapter)."""

    def load(self) -> builtins.list[dict[str, Any]]:
        """The stored records ([] when there are none)."""
        ...

    def save(self, records: builtins.list[dict[str, Any]]) -> None:
        """Replace the stored records (atomically)."""
        ...


class MemoryStore:
    """A SubscriptionStore in memory (tests, and callers with no state yet)."""

    def __init__(self, records: builtins.list[dict[str, Any]] | None = None) -> None:
        """Start with a copy of records."""
        self.records = json.loads(json.dumps(records or []))

    def load(self) -> builtins.list[dict[str, Any]]:
        """A copy of the records."""
        return json.loads(json.dumps(self.records))  # type: ignore[no-any-return]

    def save(self, records: builtins.list[dict[str, Any]]) -> None:
        """Keep a copy of records."""
        self.records = json.loads(json.dumps(records))


class JsonFileStore:
    """A SubscriptionStore in one JSON file, written atomically (bench, tools)."""

    def __init__(self, path: Path) -> None:
        """Records live in path (created on the first save)."""
        self.path = path

    def load(self) -> builtins.list[dict[str, Any]]:
        """The records in the file ([] if it is missing or unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return data if isinstance(data, builtins.list) else []

    def save(self, records: builtins.list[dict[str, Any]]) -> None:
        """Write the records atomically (reader.atomic: a temporary file renamed over it)."""
        from reader.atomic import atomic_write

        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(records, ensure_ascii=False, indent=1)
        atomic_write(self.path, text.encode("utf-8"))
