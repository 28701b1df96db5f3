"""Time a refresh of 200 feeds from loopback servers: none due, some changed, all changed.

    python -m bench.feeds [--feeds 200] [--hosts 25] [--entries 20] [--changed 20]

Each host is a ThreadingHTTPServer on its own loopback address (127.0.0.2, .3, ...:
Linux routes all of 127/8 to the loopback device), so the per-host limit works as it
does against real sites. Every feed answers a conditional GET with 304 unless it was
changed since. `python -m bench` adds these rows to its report (`report_figures`).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.report import Figure
from reader.feeds.refresh import RefreshSummary, refresh
from reader.feeds.subscriptions import JsonFileStore, Subscriptions

__all__ = ["FeedFarm", "RefreshFigure", "feed_refresh_figures", "main", "report_figures"]


def feed_xml(number: int, version: int, entries: int) -> bytes:
    """Feed `number` at `version`: `entries` items, the newest `version` of them new."""
    items = []
    for item in range(version, version + entries):
        items.append(
            f"<item><guid>feed{number}-item{item}</guid><title>Post {item} of feed {number}"
            f"</title><link>http://example.org/{number}/{item}</link>"
            "<pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>"
            f"<description>&lt;p&gt;Summary of post {item}.&lt;/p&gt;"
            "</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
        f"<link>http://example.org/{number}</link>{''.join(items)}</channel></rss>"
    ).encode()


class FeedFarm:
    """`hosts` loopback servers serving `feeds` feeds between them, with versions."""

    def __init__(self, feeds: int, hosts: int, entries: int) -> None:
        """Start the servers (127.0.0.2 onwards, free ports)."""
        self.entries = entries
        self.versions = [0] * feeds
        self.requests = 0
        self.lock = threading.Lock()
        self.servers = [
            ThreadingHTTPServer((f"127.0.0.{2 + host}", 0), self._handler())
            for host in range(hosts)
        ]
        self.threads = [
            threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True)
            for s in self.servers
        ]
        for thread in self.threads:
            thread.start()

    def url(self, number: int) -> str:
        """The url of feed `number`."""
        host, port = self.servers[number % len(self.servers)].server_address[:2]
        return f"http://{host!s}:{port}/feed/{number}"

    def change(self, count: int) -> None:
        """Give the first `count` feeds a new version (one new entry each)."""
        for number in range(count):
            self.versions[number] += 1

    def close(self) -> None:
        """Stop every server."""
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                """Serve /feed/N, or 304 when If-None-Match names its version."""
                with farm.lock:
                    farm.requests += 1
                number = int(self.path.rsplit("/", 1)[1])
                version = farm.versions[number]
                etag = f'"v{version}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = feed_xml(number, version, farm.entries)
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@dataclass(frozen=True)
class RefreshFigure:
    """One timed refresh."""

    name: str
    seconds: float
    fetched: int
    summary: str


@contextmanager
def _farm(feeds: int, hosts: int, entries: int) -> Iterator[FeedFarm]:
    """A started farm, closed afterwards."""
    farm = FeedFarm(feeds, hosts, entries)
    try:
        yield farm
    finally:
        farm.close()


def feed_refresh_figures(
    feeds: int = 200, hosts: int = 25, entries: int = 20, changed: int = 20
) -> list[RefreshFigure]:
    """Time the first refresh, then refreshes with none due, `changed` changed, all changed."""
    figures: list[RefreshFigure] = []
    with tempfile.TemporaryDirectory(prefix="reader-bench-feeds-") as tmp, _farm(
        feeds, hosts, entries
    ) as farm:
        store = JsonFileStore(Path(tmp) / "subscriptions.json")
        subs = Subscriptions()
        for number in range(feeds):
            subs.add(farm.url(number), title=f"Feed {number}")
        store.save(subs.to_records())
        library = Path(tmp) / "feeds"

        def timed(name: str, force: bool) -> None:
            before = farm.requests
            start = time.perf_counter()
            summary: RefreshSummary = refresh(store, library, force=force)
            seconds = time.perf_counter() - start
            if summary.failed:
                raise RuntimeError(summary.line())
            figures.append(RefreshFigure(name, seconds, farm.requests - before, summary.line()))

        timed(f"first refresh ({feeds} feeds, {entries} posts each)", force=False)
        timed("none due", force=False)
        farm.change(changed)
        timed(f"{changed} of {feeds} changed", force=True)
        farm.change(feeds)
        timed(f"all {feeds} changed", force=True)
    return figures


def report_figures(figures: list[RefreshFigure]) -> list[Figure]:
    """The refreshes as rows of `python -m bench`'s table (one sample each)."""
    return [
        Figure(f"Refresh: {figure.name} ({figure.fetched} requests)", "time", [figure.seconds])
        for figure in figures
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the figures as a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=25)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--changed", type=int, default=20)
    args = parser.parse_args(argv)
    figures = feed_refresh_figures(args.feeds, args.hosts, args.entries, args.changed)
    print("| refresh | time | requests | result |")
    print("| --- | ---: | ---: | --- |")
    for figure in figures:
        print(f"| {figure.name} | {figure.seconds:.2f} s | {figure.fetched} | {figure.summary} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
