"""Fetch a feed over http(s) within a total deadline (UI-free).

urllib with a timeout bounds each socket operation, not the whole fetch: a server that
sends its headers a byte a second would keep an import running for as long as it
likes. Here the request runs in a thread that the caller waits for until the deadline
(connecting, the headers and the body all count); then the fetch's sockets are shut,
so a read blocked on one returns, and the caller reports a timeout at once. Between
body reads every socket waits no longer than the time left. Only http and https are
fetched, redirects only to http(s); the size limit is enforced while reading.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPException, HTTPResponse
from pathlib import Path
from typing import Any, TypeVar

from reader import __version__
from reader.importers.base import ImporterError
from reader.sanitize import clean_line

__all__ = [
    "USER_AGENT",
    "Connections",
    "CuttableHTTPConnection",
    "CuttableHTTPHandler",
    "CuttableHTTPSConnection",
    "FeedError",
    "SameSchemeRedirects",
    "fetch",
    "is_url",
    "load_source",
    "opener",
    "read_file",
    "read_limited",
    "reason",
    "shared_tls",
    "too_large",
    "within_deadline",
]

USER_AGENT = f"reader/{__version__}"
T = TypeVar("T")
_CHUNK = 64 * 1024
_CUT_WAIT = 1.0  # seconds to let a fetch whose sockets were cut at the deadline end


class FeedError(ImporterError):
    """A feed that cannot be imported; the message is one line."""


class SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib would also follow ftp://)."""

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        """Refuse a redirect to any scheme but http and https, then redirect as usual."""
        location = headers.get("location") or headers.get("uri") or ""
        target = urllib.parse.urljoin(req.full_url, location)
        scheme = urllib.parse.urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            fp.close()
            shown = clean_line(req.full_url)
            raise FeedError(f"cannot fetch {shown}: redirected to a {scheme or 'bad'} URL")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class Connections:
    """The sockets of one fetch, so that the deadline can cut them (a watchdog)."""

    def __init__(self, deadline: float) -> None:
        """Track the sockets of a fetch that must end by `deadline` (time.monotonic)."""
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._cut = False

    def opened(self, sock: socket.socket) -> None:
        """A connection was made: its socket waits no longer than the time left."""
        with self._lock:
            self._sockets.append(sock)
            cut = self._cut
        if cut:
            _shut(sock)
        else:
            self.limit()

    def limit(self) -> None:
        """Let every socket wait no longer than the time left (between reads)."""
        left = max(self.deadline - time.monotonic(), 0.001)
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.settimeout(left)
            except OSError:
                continue

    def cut(self) -> None:
        """The deadline passed: shut every socket, so that a blocked read returns at once."""
        with self._lock:
            self._cut = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut a socket down both ways (a read blocked on it in another thread returns)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return


class _Reporting:
    """Mixin for an HTTP(S) connection: reports its socket to the fetch's Connections."""

    connections: Connections | None
    sock: socket.socket

    def __init__(self, host: str, *, connections: Connections | None = None, **args: Any):
        """As the connection class, plus the fetch's connections."""
        super().__init__(host, **args)  # type: ignore[call-arg]
        self.connections = connections

    def connect(self) -> None:
        """Connect (and for HTTPS shake hands), then report the socket."""
        super().connect()  # type: ignore[misc]
        if self.connections is not None:
            self.connections.opened(self.sock)


class CuttableHTTPConnection(_Reporting, http.client.HTTPConnection):
    """An HTTP connection that the fetch's deadline can cut."""


class CuttableHTTPSConnection(_Reporting, http.client.HTTPSConnection):
    """An HTTPS connection that the fetch's deadline can cut."""


class CuttableHTTPHandler(urllib.request.HTTPHandler):
    """Opens http: URLs with connections the deadline can cut."""

    def __init__(self, connections: Connections) -> None:
        """Report sockets to `connections`."""
        super().__init__()
        self.connections = connections

    def http_open(self, req: urllib.request.Request) -> HTTPResponse:
        """Open the URL."""
        return self.do_open(CuttableHTTPConnection, req, connections=self.connections)


_tls_lock = threading.Lock()
_tls_context: list[ssl.SSLContext] = []


def shared_tls() -> ssl.SSLContext:
    """The default TLS context (certificate and host name checks), made once: loading the
    CA certificates takes ~70 ms of CPU, too much for each of 200 feeds."""
    with _tls_lock:
        if not _tls_context:
            _tls_context.append(ssl.create_default_context())
        return _tls_context[0]


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """Opens https: URLs with the shared TLS context and connections the deadline can cut."""

    def __init__(self, connections: Connections) -> None:
        """Report sockets to `connections`."""
        super().__init__(context=shared_tls())
        self.connections = connections

    def https_open(self, req: urllib.request.Request) -> HTTPResponse:
        """Open the URL (default certificate and host name checks)."""
        return self.do_open(
            CuttableHTTPSConnection, req, context=shared_tls(), connections=self.connections
        )


def opener(connections: Connections) -> urllib.request.OpenerDirector:
    """An opener with http(s) only: no file:, ftp: or data: handlers (proxies are honoured)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        CuttableHTTPHandler(connections),
        _HTTPSHandler(connections),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        SameSchemeRedirects(),
    ):
        opener.add_handler(handler)
    return opener


def reason(error: BaseException) -> str:
    """A short, terminal-safe description of a network or file error."""
    if isinstance(error, urllib.error.HTTPError):
        return clean_line(f"HTTP {error.code} {error.reason or ''}")
    if isinstance(error, urllib.error.URLError):
        inner = error.reason
        return reason(inner) if isinstance(inner, BaseException) else clean_line(str(inner))
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return clean_line(error.strerror)
    return clean_line(str(error)) or type(error).__name__


def too_large(source: str, max_bytes: int) -> FeedError:
    """The error for a feed over the size limit."""
    return FeedError(f"{source} is too large (over {max_bytes:,} bytes)")


def fetch(
    url: str, timeout: float, max_bytes: int, data: bytes | None = None
) -> tuple[bytes, dict[str, str]]:
    """GET url (POST `data`, a form, if given) within `timeout` seconds in all (connecting,
    the headers, the body).

    The request runs in a thread; at the deadline its sockets are shut and this
    returns (raises) at once, however slowly a server sends. Raises FeedError.
    """
    return within_deadline(
        lambda connections: _fetch_now(url, timeout, max_bytes, connections, data), url, timeout
    )


def within_deadline(
    work: Callable[[Connections], T],
    url: str,
    timeout: float,
    timed_out: Callable[[str], BaseException] = FeedError,
) -> T:
    """Run `work` (a fetch of url over the connections it is given) in a thread, within
    `timeout` seconds in all: at the deadline its sockets are shut and this raises
    `timed_out("cannot fetch URL: timed out")` at once; work's own error is raised here."""
    connections = Connections(time.monotonic() + timeout)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        """Fetch, and keep the result or the error for the caller."""
        try:
            outcome.append(work(connections))
        except BaseException as error:  # handed to the caller, raised there
            failure.append(error)

    thread = threading.Thread(target=run, name="reader-fetch", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome and not failure:
        connections.cut()
        thread.join(_CUT_WAIT)  # a fetch in DNS cannot be cut: it is left behind (daemon)
        raise timed_out(f"cannot fetch {clean_line(url)}: timed out")
    if failure:
        raise failure[0]
    return outcome[0]


def _fetch_now(
    url: str,
    timeout: float,
    max_bytes: int,
    connections: Connections,
    data: bytes | None = None,
) -> tuple[bytes, dict[str, str]]:
    """GET url; return the body and the headers feedparser needs. Raises FeedError."""
    shown = clean_line(url)
    request = urllib.request.Request(
        url, data=data, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        response: HTTPResponse = opener(connections).open(request, timeout=timeout)
        with response:
            body = read_limited(response, shown, max_bytes, connections)
            headers = {
                "content-type": response.headers.get("Content-Type", ""),
                "content-location": response.geturl(),
            }
    except FeedError:
        raise
    except (OSError, HTTPException, ValueError) as error:  # URLError, HTTPError, timeouts
        if isinstance(error, urllib.error.HTTPError):
            error.close()
        raise FeedError(f"cannot fetch {shown}: {reason(error)}") from None
    return body, headers


def read_limited(
    response: HTTPResponse,
    shown: str,
    max_bytes: int,
    connections: Connections,
    unzip: Any = None,
) -> bytes:
    """The response's body, at most max_bytes as sent and (with `unzip`, a zlib
    decompressobj) as unpacked, within the connections' deadline; a Content-Length over
    the limit is refused before reading. Raises FeedError (too large) or TimeoutError."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large(shown, max_bytes)
    chunks: list[bytes] = []
    sent = size = 0
    connections.limit()
    while chunk := response.read1(_CHUNK):  # read1: no waiting for a full chunk
        sent += len(chunk)
        if sent > max_bytes:
            raise too_large(shown, max_bytes)
        if unzip is not None:
            chunk = unzip.decompress(chunk, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise too_large(shown, max_bytes)
        if time.monotonic() > connections.deadline:
            raise TimeoutError("timed out")
        chunks.append(chunk)
        connections.limit()
    return b"".join(chunks)


def is_url(source: str) -> bool:
    """Whether source is an http(s) URL (the only kind fetched)."""
    try:
        scheme = urllib.parse.urlsplit(source).scheme.lower()
    except ValueError:  # e.g. "http://[::1"
        return False
    return scheme in ("http", "https")


def read_file(path: Path, max_bytes: int) -> bytes:
    """Read a local feed file of at most max_bytes. Raises FeedError."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise FeedError(f"cannot read {clean_line(str(path))}: {reason(error)}") from None
    if len(data) > max_bytes:
        raise too_large(clean_line(str(path)), max_bytes)
    return data


def load_source(source: str, timeout: float, max_bytes: int) -> tuple[bytes, dict[str, str]]:
    """The feed's bytes and headers, from an http(s) URL or an existing file."""
    if is_url(source):
        return fetch(source, timeout, max_bytes)
    path = Path(source)
    if path.is_file():
        return read_file(path, max_bytes), {}
    shown = clean_line(source)
    if "://" in source:
        raise FeedError(f"only http and https URLs can be fetched: {shown}")
    if path.exists():
        raise FeedError(f"not a file: {shown}")
    raise FeedError(f"no such file: {shown}")
