"""Import the feed a web page names (autodiscovery) as posts (UI-free).

`reader import page SOURCE [--into DIR]` (or `reader import SOURCE` when SOURCE is an
HTML page): the page's `<link rel="alternate" type="application/rss+xml">` (or Atom)
names its feed (reader.feeds.detect), which is fetched and imported as `reader import
feed` would. A page that names no feed is one line saying so.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.console import timeout_seconds
from reader.importers.base import ImporterError, ImportResult, Progress

__all__ = ["IMPORTER", "PageImporter"]

DETECT_BYTES = 256 * 1024
DEFAULT_TIMEOUT = 15.0


class PageImporter:
    """`reader import page SOURCE [--into DIR] [--timeout SECONDS]`."""

    name = "page"
    summary = "a web page that names its feed (<link rel=alternate>): imports that feed"

    def detect(self, source: str) -> bool:
        """A local HTML file that names a feed by its absolute http(s) address."""
        from reader.feeds.detect import discover_feeds, sniff

        try:
            with open(source, "rb") as handle:
                head = handle.read(DETECT_BYTES)
        except (OSError, ValueError):
            return False
        return sniff(head) == "html" and bool(discover_feeds(head, ""))

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """SOURCE, --into DIR (default: the feeds folder) and --timeout."""
        parser.add_argument("source", metavar="SOURCE", help="an http(s) URL or an HTML file")
        parser.add_argument(
            "--into", metavar="DIR", help="where to write posts (default: the feeds folder)"
        )
        parser.add_argument(
            "--timeout",
            metavar="SECONDS",
            type=timeout_seconds,
            default=DEFAULT_TIMEOUT,
            help=f"network timeout (more than 0; default {DEFAULT_TIMEOUT:g})",
        )

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """Find the page's feed, fetch it, import it into --into (else the feeds folder)."""
        from reader.feeds.detect import DetectError, detect
        from reader.importers.feed import import_feed_data
        from reader.paths import feeds_dir
        from reader.sanitize import clean_line

        source = str(args.source)
        detected = getattr(args, "detected", None)  # `reader import SOURCE` read it already
        try:
            detected = detected or detect(source, timeout=args.timeout)
        except DetectError as error:
            raise ImporterError(str(error)) from None
        if detected.kind != "feed":
            raise ImporterError(f"not a web page that names a feed: {clean_line(source)}")
        into = Path(args.into) if args.into else feeds_dir()
        result = import_feed_data(
            detected.data, detected.headers, detected.source, into, progress=progress
        )
        if detected.page is not None:
            result.notes.append(f"Found the feed {clean_line(detected.source)}")
        return result


IMPORTER = PageImporter()
