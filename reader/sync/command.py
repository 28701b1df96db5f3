"""`reader sync`: sync once with the folder and the Fever server of the config (UI-free).

Prints one summary line per part on stdout and exits 0; an error is one line on stderr and
the exit status is 1 (2 for bad usage). `--status` shows the device id and the settings.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from reader.console import Parser, echo, print_lines
from reader.core import read_config
from reader.paths import default_state_path, short_path
from reader.sanitize import clean_line
from reader.statefile import describe


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `reader sync`."""
    parser.add_argument(
        "--status", action="store_true", help="show this device's id and the sync settings"
    )
    parser.add_argument("--state", metavar="FILE", help="the state file (default: as the reader)")
    parser.add_argument("--config", metavar="FILE", help="the config file to read")
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="give up on a server call after this long (default 30)",
    )


def build_parser() -> Parser:
    """The parser for `reader sync`."""
    parser = Parser(
        prog="reader sync",
        description="Sync read marks and bookmarks through the config's sync_folder "
        "and [sync.fever] server, once.",
    )
    add_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Sync once (or show the status); the exit status."""
    from reader.store import Store
    from reader.sync.engine import Syncer, last_sync
    from reader.sync.fever import shown_url
    from reader.sync.folder import device_id

    config, mistakes = read_config(args.config)
    print_lines(mistakes.lines())
    state = Path(args.state) if args.state else default_state_path()
    if args.status:
        try:
            echo(f"device: {device_id(state)}")
        except OSError as exc:
            echo(f"device: none (cannot write beside {short_path(state)}: {describe(exc)})")
        folder = config.sync_folder
        echo(f"folder: {short_path(folder) if folder is not None else 'not set (sync_folder)'}")
        fever = config.sync
        shown = f"{shown_url(fever.url)} as {clean_line(fever.user)}" if fever else "not set"
        echo(f"fever: {shown}")
    errors: list[str] = []
    store = Store(state, on_error=errors.append, fold_on_close=True)
    print_lines(store.open())
    status = 0
    try:
        syncer = Syncer(store, config, timeout=args.timeout)
        if args.status:
            last = last_sync(store)
            if last is None:
                echo("last sync: never")
            else:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(last[0]))
                echo(f"last sync: {when}, {'ok' if last[1] else 'failed'}: {last[2]}")
            return 0
        if not syncer.configured:
            shown = short_path(config.path) if config.path else "the config file"
            print_lines([f"nothing to sync: set sync_folder or [sync.fever] in {shown}"])
            return 1
        outcome = syncer.run()
        for line in outcome.lines:
            echo(line)
        print_lines([f"sync failed: {error}" for error in outcome.errors])
        status = 0 if outcome.ok else 1
    finally:
        if not store.close():
            status = 1
        print_lines(errors)
    return status


def main(argv: Sequence[str]) -> int:
    """`reader sync [--status]`."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    return run(args)
