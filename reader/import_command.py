"""`reader import [KIND] SOURCE ...`: the one command over every importer (UI-free).

`reader import KIND ...` runs the importer named KIND (reader.importers.registry);
`reader import SOURCE ...` works out the kind from the content (reader.feeds.detect): an
http(s) SOURCE is fetched once, and what it serves (a feed, an OPML list, a page naming
its feed) picks the importer, which is handed the bytes; a local file is offered to each
importer in turn (their detect looks at its first element). The result
(reader.importers.base.ImportResult) is printed the same way for every importer; a
failed import raises reader.console.Failure (status 1), bad usage UsageError (2).
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from reader.console import Failure, Parser, UsageError, echo, progress_printer, say
from reader.feeds.detect import Detected, DetectError, detect
from reader.importers import registry
from reader.importers.base import Importer, ImporterError, ImportResult
from reader.importers.fetch import is_url
from reader.paths import short_path, tilde
from reader.sanitize import clean_line

__all__ = ["build_import_parser", "import_summary", "open_command", "run_import"]


def build_import_parser() -> Parser:
    """`reader import`, with one sub-parser per importer (its own --help)."""
    names = "|".join(importer.name for importer in registry.IMPORTERS)
    parser = Parser(
        prog="reader import",
        description="Turn other formats into posts (Markdown files with front matter).",
        epilog=f"`reader import SOURCE ...` (no {names}) picks the kind from SOURCE itself. "
        "`reader import KIND --help` describes each kind.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True, title="kinds")
    for importer in registry.IMPORTERS:
        sub = kinds.add_parser(
            importer.name,
            help=importer.summary,
            description=f"Import {importer.summary}.",
            prog=f"reader import {importer.name}",
        )
        importer.add_arguments(sub)
    return parser


def _kind_of(argv: Sequence[str]) -> tuple[list[str], Detected | None]:
    """argv with the importer's name first: given, or found from SOURCE (UsageError if
    not); and, for an http(s) SOURCE, what it served (fetched once, handed to the importer)."""
    first = argv[0] if argv else ""
    if not first or first.startswith("-") or registry.find(first) is not None:
        return list(argv), None  # argparse reports a missing kind, shows --help, or runs KIND
    if is_url(first):
        try:
            detected = detect(first)
        except (DetectError, ImporterError) as error:  # ImporterError: the fetch's FeedError
            raise Failure(str(error)) from None
        kind = "page" if detected.page is not None else detected.kind
        return [kind, *argv], detected
    importer = registry.detect(first)
    if importer is None:
        names = ", ".join(importer.name for importer in registry.IMPORTERS)
        if not os.path.exists(first) and "://" not in first:
            raise UsageError(f"no such file, nor a kind of source ({names}): {first}")
        raise UsageError(f"cannot tell what kind of source {first} is; name it ({names})")
    return [importer.name, *argv], None


def run_import(argv: Sequence[str]) -> int:
    """Run the importer; print what it did, its problems, and how to open the posts."""
    argv, detected = _kind_of(argv)
    args = build_import_parser().parse_args(argv)
    args.detected = detected
    importer = registry.find(args.kind)
    assert importer is not None  # argparse allowed only the registry's names
    result = _run(importer, args)
    for problem in result.problems:
        say(problem)
    for note in result.notes:
        echo(note)
    echo(import_summary(result))
    return 0


def _run(importer: Importer, args: argparse.Namespace) -> ImportResult:
    """The importer's run, with progress on a terminal; its errors as one-line Failures."""
    progress, clear = progress_printer()
    try:
        return importer.run(args, progress)
    except ImporterError as error:
        raise Failure(str(error)) from None
    except OSError as error:
        problem = error.strerror or str(error)
        if error.filename is not None and os.fspath(error.filename) == args.source:
            raise Failure(f"cannot read {args.source}: {problem}") from None
        target = getattr(args, "into", None) or error.filename
        raise Failure(f"cannot write to {target}: {problem}") from None
    finally:
        clear()


def open_command(into: Path) -> str:
    """The command that opens a folder of posts, quoted for a POSIX shell."""
    text = os.fspath(into)
    short = tilde(text)
    if short != text:  # an absolute path under the home directory
        return "reader ~" + (f"/{shlex.quote(short[2:])}" if short != "~" else "")
    if text.startswith("-"):  # not an option
        text = os.path.join(".", text)
    return f"reader {shlex.quote(text)}"


def import_summary(result: ImportResult) -> str:
    """What an import did, and how to open its posts (no trailing newline)."""
    summary = (
        f"Imported {result.added} new, {result.updated} updated, "
        f"{result.skipped} unchanged posts into {short_path(result.into)}"
    )
    if result.paths:
        summary += f"\nOpen them with: {clean_line(open_command(result.into))}"
    return summary
