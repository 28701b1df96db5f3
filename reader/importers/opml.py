"""Import an OPML list: subscribe to every feed it names, then fetch them (UI-free).

`reader import opml SOURCE` (or `reader import SOURCE` when SOURCE is OPML): each feed
becomes a subscription (reader.feeds.opml: nested outlines become tags "Tech/Python";
loops, duplicates, feeds already followed and non-http urls are one problem line
each), saved in the state file, and a first `reader refresh` brings their posts into
the feeds library at once (`--no-refresh` leaves that to a later refresh).
"""

from __future__ import annotations

import argparse

from reader.importers.base import ImporterError, ImportResult, Progress

__all__ = ["IMPORTER", "OpmlImporter"]

DETECT_BYTES = 64 * 1024


class OpmlImporter:
    """`reader import opml SOURCE [--no-refresh] [--jobs N]`."""

    name = "opml"
    summary = "an OPML list of feeds (a file or an http(s) URL): subscribes to each, fetches them"

    def detect(self, source: str) -> bool:
        """A local file whose first element is <opml> (URLs are detected by fetching)."""
        from reader.feeds.detect import sniff

        try:
            with open(source, "rb") as handle:
                return sniff(handle.read(DETECT_BYTES)) == "opml"
        except (OSError, ValueError):
            return False

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """SOURCE, --no-refresh, --jobs, --state, --config."""
        from reader.feeds.commands import jobs_option, state_options
        from reader.feeds.refresh import JOBS

        parser.add_argument("source", metavar="SOURCE", help="an OPML file or an http(s) URL")
        parser.add_argument(
            "--no-refresh", action="store_true", help="subscribe only; fetch with reader refresh"
        )
        parser.add_argument(
            "--jobs", type=jobs_option, default=JOBS, metavar="N", help="fetches at once"
        )
        state_options(parser)

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """Subscribe to each feed of the list, then refresh the feeds that are due."""
        from reader.config import refresh_every
        from reader.core import read_config
        from reader.feeds.commands import opened_subscriptions, refresh_feeds, writable
        from reader.feeds.detect import DetectError, detect
        from reader.feeds.opml import OpmlError, http_loader, parse_opml, subscribe_all
        from reader.feeds.subscriptions import Subscriptions
        from reader.paths import feeds_dir
        from reader.sanitize import clean_line

        source = str(args.source)
        detected = getattr(args, "detected", None)  # `reader import SOURCE` read it already
        try:
            detected = detected or detect(source)
            if detected.kind != "opml":
                raise ImporterError(f"not an OPML list: {clean_line(source)}")
            opml = parse_opml(detected.data, source, load=http_loader())
        except (DetectError, OpmlError) as error:
            raise ImporterError(str(error)) from None
        config, _ = read_config(args.config)
        result = ImportResult(feeds_dir())
        with opened_subscriptions(args.state) as (store, state):
            writable(store, "nothing subscribed")
            subs = Subscriptions.from_records(state.load())
            added, problems = subscribe_all(subs, opml)
            if added:
                state.save(subs.to_records())
            result.problems += problems
            feeds = f"{len(added)} feed{'s' if len(added) != 1 else ''}"
            result.notes.append(f"Subscribed to {feeds} from {clean_line(source)}")
            if added and not args.no_refresh:
                summary = refresh_feeds(state, jobs=args.jobs, every=refresh_every(config))
                for feed in summary.results:
                    result.added += feed.added
                    result.updated += feed.updated
                    result.skipped += len(feed.paths) - feed.added - feed.updated
                    result.paths += feed.paths
                    result.problems += [*feed.notes, *([] if feed.ok else [feed.line()])]
                result.notes.append(summary.line())
            elif added:
                result.notes.append("Fetch their posts with: reader refresh")
        return result


IMPORTER = OpmlImporter()
