"""Fetch a followed feed politely (UI-free).

Builds on reader.importers.fetch (its deadline watchdog and its http(s)-only opener,
whose redirects go only to http(s)): one deadline covers DNS, connecting, the headers
and the whole body; the size limit holds for the bytes sent and, for a gzip body, for
the bytes it unpacks to. On top of that: a conditional GET (If-None-Match and
If-Modified-Since from the feed's last fetch; 304 means "not modified"), Accept-Encoding
gzip, Retry-After on 429 and 503 (seconds or an HTTP date), and the schedule after a
fetch: the next refresh after a success, exponential backoff after failures in a row.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.client import HTTPException, HTTPResponse

# reader.importers.fetch's deadline watchdog, its cuttable connections and handlers,
# and the http(s)-only redirects: reused rather than copied.
from reader.importers.fetch import (
    USER_AGENT,
    Connections,
    FeedError,
    opener,
    read_limited,
    reason,
    within_deadline,
)
from reader.sanitize import clean_line

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "MAX_BYTES",
    "TIMEOUT",
    "FetchFailure",
    "FetchResult",
    "backoff",
    "fetch_feed",
    "next_due",
    "parse_retry_after",
]

TIMEOUT = 15.0  # seconds for one feed, all in
MAX_BYTES = 20 * 1024 * 1024
BACKOFF_BASE = 5 * 60.0  # the wait after a first failure; doubles with each one after
BACKOFF_MAX = 24 * 3600.0
RETRY_AFTER_MAX = 7 * 24 * 3600.0  # a server asking for longer gets a week
_CHUNK = 64 * 1024
_CUT_WAIT = 1.0
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/x-opml;q=0.9, text/html;q=0.5, */*;q=0.1"
)


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought: status 200 (body) or 304 (not modified, no body)."""

    url: str  # where the body came from (after redirects)
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # content-type, content-location
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Whether the server said the feed has not changed since the last fetch."""
        return self.status == 304


class FetchFailure(FeedError):
    """A fetch that failed; the message is one line. retry_after: seconds the server asked."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        """Keep the HTTP status (if any) and the server's Retry-After (seconds)."""
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(when.timestamp() - now, 0.0), RETRY_AFTER_MAX)


def backoff(failures: int) -> float:
    """Seconds to wait after `failures` failures in a row (5 min, 10, 20... at most a day)."""
    if failures <= 0:
        return 0.0
    return min(BACKOFF_BASE * 2.0 ** min(failures - 1, 30), BACKOFF_MAX)


def next_due(now: float, every: float, failures: int, retry_after: float | None = None) -> float:
    """When a feed is next due: `every` after a success (failures 0), else the backoff,
    and never before the server's Retry-After."""
    wait = every if failures <= 0 else backoff(failures)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + wait


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> FetchResult:
    """GET url (conditionally when etag/last_modified are given) within `timeout` in all.

    Raises FetchFailure (one line) for anything but 200 and 304: a network error, an
    HTTP error (retry_after set from a 429/503's Retry-After), a body over max_bytes, a
    redirect to another scheme, the deadline.
    """
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    try:
        return within_deadline(
            lambda connections: _get(url, conditions, timeout, max_bytes, connections),
            url,
            timeout,
            FetchFailure,
        )
    except FetchFailure:
        raise
    except FeedError as error:  # a refused redirect, too large
        raise FetchFailure(str(error)) from None


def _get(
    url: str,
    conditions: dict[str, str | None],
    timeout: float,
    max_bytes: int,
    connections: Connections,
) -> FetchResult:
    """GET url in this thread; the caller's deadline may cut its sockets."""
    shown = clean_line(url)
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "gzip"}
    headers.update({key: value for key, value in conditions.items() if value})
    request = urllib.request.Request(url, headers=headers)
    try:
        response: HTTPResponse = opener(connections).open(request, timeout=timeout)
        with response:
            body = _read_body(response, shown, max_bytes, connections)
            return FetchResult(
                url=response.geturl(),
                status=200,
                body=body,
                headers={
                    "content-type": response.headers.get("Content-Type", ""),
                    "content-location": response.geturl(),
                },
                etag=response.headers.get("ETag") or None,
                last_modified=response.headers.get("Last-Modified") or None,
            )
    except FeedError:
        raise
    except urllib.error.HTTPError as error:
        try:
            if error.code == 304:
                return FetchResult(
                    url=error.geturl() or url,
                    status=304,
                    etag=error.headers.get("ETag") or conditions.get("If-None-Match"),
                    last_modified=error.headers.get("Last-Modified")
                    or conditions.get("If-Modified-Since"),
                )
            retry = None
            if error.code in (429, 503):
                retry = parse_retry_after(error.headers.get("Retry-After"), time.time())
            raise FetchFailure(
                f"cannot fetch {shown}: {reason(error)}", status=error.code, retry_after=retry
            ) from None
        finally:
            error.close()
    except (OSError, HTTPException, ValueError, EOFError, zlib.error) as error:
        raise FetchFailure(f"cannot fetch {shown}: {reason(error)}") from None


def _read_body(
    response: HTTPResponse, shown: str, max_bytes: int, connections: Connections
) -> bytes:
    """The response's body (gunzipped if sent gzipped), at most max_bytes either way."""
    gzipped = response.headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip")
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    body = read_limited(response, shown, max_bytes, connections, unzip)
    if unzip is not None:
        if not unzip.eof:
            raise FetchFailure(f"cannot fetch {shown}: the gzip body is truncated")
        body += unzip.flush()
    return body
