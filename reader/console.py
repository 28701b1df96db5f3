"""The command line's plumbing: one error convention, argument types, output (UI-free).

Every command reports through here. Bad usage raises UsageError (exit status 2),
a failed operation raises Failure (exit status 1); reader.cli.main prints either as
one line on stderr, `reader: error: ...` or `reader: ...`, and never a traceback.
argparse's own errors (Parser.error) become a UsageError naming the command:
`reader list: error: ... (see --help)`. Everything printed goes through
sanitize.for_terminal: file names, titles and config keys are untrusted.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from reader.atomic import atomic_write
from reader.sanitize import clean_line, for_terminal

__all__ = [
    "Failure",
    "Parser",
    "UsageError",
    "add_library_options",
    "echo",
    "print_lines",
    "progress_printer",
    "say",
    "seconds",
    "timeout_seconds",
    "write_output",
]

MAX_TIMEOUT = 86_400.0  # a day
PROGRESS_AFTER = 0.5  # seconds before a long command starts showing progress on a terminal
OUTPUT_MODE = 0o644  # `--output FILE`: a document like any other


class UsageError(Exception):
    """Bad usage: one line on stderr, exit status 2.

    `prog` names the command when argparse found the mistake (`reader list: error: ...`).
    """

    def __init__(self, message: str, prog: str = "reader") -> None:
        """Keep the message and the command it is about."""
        super().__init__(message)
        self.prog = prog

    def line(self) -> str:
        """The line printed on stderr (without the newline)."""
        return f"{self.prog}: error: {clean_line(str(self))}"


class Failure(Exception):
    """An operation that failed: one line on stderr (`reader: ...`), exit status 1."""

    def line(self) -> str:
        """The line printed on stderr (without the newline)."""
        return f"reader: {clean_line(str(self))}"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a one-line UsageError (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        """Raise the UsageError; reader.cli.main prints it."""
        raise UsageError(f"{message} (see --help)", self.prog)


def seconds(text: str) -> float:
    """A finite number of seconds, 0 or more (for argparse)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text!r}")
    return value


def timeout_seconds(text: str) -> float:
    """A network timeout: more than 0 and at most MAX_TIMEOUT seconds (for argparse).

    0 would make every socket non-blocking (and fail with "Operation now in progress");
    a huge number overflows the socket's timeout.
    """
    value = seconds(text)
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds, not {text!r}"
        )
    return value


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """PATH, --state and --config: shared by the reader and the script commands."""
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a directory of .md files or a single .md file "
        "(default: the config's library, else the bundled posts)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="the state file for read marks and bookmarks "
        "(default: $READER_STATE, else the user data directory)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="the config file (default: config.toml in the user config directory)",
    )


def echo(text: str, *, err: bool = False, end: str = "\n") -> None:
    """Print text on stdout (on stderr with err=True), cleaned for the terminal."""
    print(for_terminal(text), end=end, file=sys.stderr if err else sys.stdout)


def say(message: str) -> None:
    """A notice or a problem that did not stop the command: `reader: ...` on stderr."""
    echo(f"reader: {clean_line(message)}", err=True)


def write_output(text: str, output: str | None = None) -> None:
    """Write text to stdout, or atomically to the file output (raises Failure).

    The text is cleaned for the terminal (JSON text has nothing left to clean). A
    closed pipe (`reader list | head`) ends the output quietly, with status 1.
    """
    text = for_terminal(text)
    if output is not None:
        try:
            atomic_write(Path(output), text.encode("utf-8"), mode=OUTPUT_MODE)
        except OSError as error:
            raise Failure(f"cannot write {output}: {error.strerror or error}") from None
        return
    try:
        try:
            sys.stdout.write(text)
        except UnicodeEncodeError:  # a terminal that cannot show ● or the titles
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode(sys.stdout.encoding or "ascii", "replace"))
        sys.stdout.flush()
    except BrokenPipeError:  # `reader list | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


def progress_printer(
    after: float | None = None,
) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress(done, total) callback for stderr, and a function that clears its line.

    Progress shows only on a terminal, and only once the command has taken `after`
    seconds (default PROGRESS_AFTER).
    """
    after = PROGRESS_AFTER if after is None else after
    start = time.monotonic()
    shown = [False]
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        """Rewrite "\\rdone/total" on stderr."""
        if tty and (shown[0] or time.monotonic() - start > after):
            shown[0] = True
            sys.stderr.write(f"\r{done}/{total}")
            sys.stderr.flush()

    def clear() -> None:
        """Erase the progress line if one was drawn."""
        if shown[0]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    return progress, clear


def print_lines(lines: Sequence[str]) -> None:
    """Print each line on stderr after `reader: `."""
    for line in lines:
        echo(f"reader: {line}", err=True)
