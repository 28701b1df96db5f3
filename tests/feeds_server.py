"""A loopback HTTP server for the feeds tests and the bench (127.0.0.1 only).

Routes are set per test: `server.route("/feed.xml", Reply(body=..., etag='"v1"'))`.
A Reply with an etag or last_modified answers a matching conditional GET with 304.
The server counts requests per path, keeps each request's headers, and tracks how many
requests were in flight at once (in all and per Host header), so tests can assert the
conditional headers and the concurrency bounds. Every wait in it is bounded.
"""

from __future__ import annotations

import gzip as gzip_module
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["FeedServer", "Reply", "atom", "rss", "serve"]

TRICKLE_LIMIT = 30.0  # seconds a slow body trickles at most (the client gives up sooner)


@dataclass
class Reply:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0  # seconds before answering (bounded, for concurrency tests)
    trickle: bool = False  # send the body a byte every 0.2 s
    location: str | None = None  # a redirect's target (status 301/302/...)


class FeedServer:
    """A ThreadingHTTPServer on 127.0.0.1 with per-test routes and request accounting."""

    def __init__(self) -> None:
        """Listen on a free loopback port."""
        self.routes: dict[str, Reply] = {}
        self.counts: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.active = 0
        self.max_active = 0
        self.active_by_host: Counter[str] = Counter()
        self.max_by_host: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The url of path on this server (host "localhost" counts as another host)."""
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, reply: Reply) -> str:
        """Serve reply at path; returns its url."""
        self.routes[path] = reply
        return self.url(path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for path, in order."""
        with self.lock:
            return [headers for seen, headers in self.requests if seen == path]

    def start(self) -> FeedServer:
        """Serve in a thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (slow bodies end at once)."""
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to server."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            """Answer from the route table, counting the request."""
            path = self.path.split("?")[0]
            headers = {key.lower(): value for key, value in self.headers.items()}
            host = headers.get("host", "").rsplit(":", 1)[0]
            with server.lock:
                server.counts[path] += 1
                server.requests.append((path, headers))
                server.active += 1
                server.max_active = max(server.max_active, server.active)
                server.active_by_host[host] += 1
                server.max_by_host[host] = max(
                    server.max_by_host[host], server.active_by_host[host]
                )
            try:
                self._answer(server.routes.get(path), headers)
            finally:
                with server.lock:
                    server.active -= 1
                    server.active_by_host[host] -= 1

        def _answer(self, reply: Reply | None, headers: dict[str, str]) -> None:
            """Send reply (404 when there is none)."""
            if reply is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if reply.delay:
                server.stopping.wait(reply.delay)
            extra = dict(reply.headers)
            if reply.etag:
                extra["ETag"] = reply.etag
            if reply.last_modified:
                extra["Last-Modified"] = reply.last_modified
            if reply.location:
                extra["Location"] = reply.location
            match_etag = reply.etag and headers.get("if-none-match") == reply.etag
            match_date = (
                reply.last_modified and headers.get("if-modified-since") == reply.last_modified
            )
            if reply.status == 200 and (match_etag or match_date):
                self._send(304, b"", extra)
                return
            body = reply.body
            if reply.gzip and "gzip" in headers.get("accept-encoding", ""):
                body = gzip_module.compress(body)
                extra["Content-Encoding"] = "gzip"
            extra.setdefault("Content-Type", reply.content_type)
            if reply.trickle:
                self._trickle(body, extra)
            else:
                self._send(reply.status, body, extra)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            """Send a whole response."""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _trickle(self, body: bytes, headers: dict[str, str]) -> None:
            """Send the headers, then the body a byte every 0.2 s (until stopped)."""
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            end = time.monotonic() + TRICKLE_LIMIT
            for byte in body:
                if server.stopping.wait(0.2) or time.monotonic() > end:
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return

    return Handler


def serve() -> Iterator[FeedServer]:
    """A started server, stopped afterwards (wrap in a pytest fixture)."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


def rss(title: str, items: list[tuple[str, str, str]], link: str = "http://example.org/") -> bytes:
    """An RSS 2.0 feed: items are (guid, title, html description)."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0"><channel><title>{escape(title)}</title><link>{escape(link)}</link>',
    ]
    for guid, item_title, html in items:
        parts.append(
            f"<item><guid isPermaLink=\"false\">{escape(guid)}</guid>"
            f"<title>{escape(item_title)}</title>"
            f"<link>{escape(link + guid)}</link>"
            f"<pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>"
            f"<description>{escape(html)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def atom(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An Atom feed: entries are (id, title, text)."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}</title>',
        "<id>urn:feed</id><updated>2026-11-03T09:00:00Z</updated>",
    ]
    for ident, entry_title, text in entries:
        parts.append(
            f"<entry><id>{escape(ident)}</id><title>{escape(entry_title)}</title>"
            f"<updated>2026-11-03T09:00:00Z</updated><content type=\"text\">{escape(text)}"
            "</content></entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")
