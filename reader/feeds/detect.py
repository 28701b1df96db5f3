"""Work out what a SOURCE of `reader import SOURCE` is, from its content (UI-free).

The kinds: a digest text file, an RSS/Atom feed, an OPML list, each either a local
file or an http(s) URL; an HTML page whose `<link rel="alternate">` names a feed
counts as that feed (autodiscovery). The content decides, not the file name: the
first element of an XML document (`rss`, `feed`, `rdf:RDF`; `opml`), `<html>` or a
doctype for a page, and plain text for a digest.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from reader.feeds.http import MAX_BYTES, TIMEOUT, FetchResult, fetch_feed
from reader.sanitize import clean_line

__all__ = ["DetectError", "Detected", "FetchFn", "Kind", "detect", "discover_feeds", "sniff"]

Kind = Literal["digest", "feed", "opml", "html"]
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/feed+json")  # fmt: skip
_SKIP_RE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S | re.I)
_TAG_RE = re.compile(rb"\s*<([A-Za-z_][\w:.-]*)")


class FetchFn(Protocol):
    """What detect needs of a fetch (fetch_feed fits; tests may pass their own)."""

    def __call__(self, url: str, *, timeout: float, max_bytes: int) -> FetchResult:
        """Fetch url; raise a FeedError."""
        ...


class DetectError(ValueError):
    """A source of no known kind, or one that cannot be read; one line."""


@dataclass(frozen=True)
class Detected:
    """What a source is: its kind, where the content came from, and the content."""

    kind: Literal["digest", "feed", "opml"]
    source: str  # the feed's url for an autodiscovered page, else the source as given
    data: bytes
    headers: dict[str, str]
    page: str | None = None  # the HTML page a feed was discovered on


def sniff(data: bytes) -> Kind:
    """The kind of content: by its first element, else digest text."""
    head = data[:64 * 1024].lstrip(b"\xef\xbb\xbf")
    position = 0
    while match := _SKIP_RE.match(head, position):
        if match.end() == position:
            break
        if match.group(0).strip().upper().startswith(b"<!DOCTYPE HTML"):
            return "html"
        position = match.end()
    tag = _TAG_RE.match(head, position)
    if tag is None:
        return "digest"
    name = tag.group(1).decode("ascii", "replace").lower().rpartition(":")[2]
    if name in ("rss", "feed", "rdf"):
        return "feed"
    if name == "opml":
        return "opml"
    if name in ("html", "head", "body"):
        return "html"
    return "digest"


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """The http(s) feed urls that a page names with <link rel="alternate" type=feed>."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, None] = {}
    for link in soup.find_all("link"):
        rel: object = link.get("rel") or []
        rels = rel.split() if isinstance(rel, str) else rel if isinstance(rel, list) else []
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        href = str(link.get("href") or "").strip()
        if "alternate" in [str(r).lower() for r in rels] and kind in _FEED_TYPES and href:
            url = urllib.parse.urljoin(base_url, href)
            if urllib.parse.urlsplit(url).scheme.lower() in ("http", "https"):
                found.setdefault(url, None)
    return list(found)


def _is_url(source: str) -> bool:
    """Whether source is an http(s) url."""
    try:
        return urllib.parse.urlsplit(source).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _read_local(source: str, max_bytes: int) -> bytes:
    """The bytes of a local file (at most max_bytes). Raises DetectError."""
    shown = clean_line(source)
    if "://" in source:
        raise DetectError(f"only http and https URLs can be fetched: {shown}")
    path = Path(source)
    if not path.is_file():
        raise DetectError(f"{'not a file' if path.exists() else 'no such file'}: {shown}")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise DetectError(f"cannot read {shown}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise DetectError(f"{shown} is too large (over {max_bytes:,} bytes)")
    return data


def detect(
    source: str,
    *,
    fetch: FetchFn = fetch_feed,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Detected:
    """Read source (a file or an http(s) url) and say what it is.

    An HTML page leads to the first feed it names (fetched too), if any. Raises
    DetectError (one line naming the source), FetchFailure (a FeedError) for a fetch.
    """
    shown = clean_line(source)
    if _is_url(source):
        fetched = fetch(source, timeout=timeout, max_bytes=max_bytes)
        data, headers, base = fetched.body, fetched.headers, fetched.url
    else:
        data, headers, base = _read_local(source, max_bytes), {}, ""
    kind = sniff(data)
    if kind != "html":
        if kind == "digest" and _is_url(source):
            raise DetectError(f"{shown} serves neither a feed nor an OPML list")
        return Detected(kind, source, data, headers)
    feeds = discover_feeds(data, base)
    if not feeds:
        raise DetectError(f"{shown} is an HTML page that names no feed")
    found = fetch(feeds[0], timeout=timeout, max_bytes=max_bytes)
    if sniff(found.body) != "feed":
        raise DetectError(f"{shown} names a feed that is not one: {clean_line(feeds[0])}")
    return Detected("feed", feeds[0], found.body, found.headers, page=source)

