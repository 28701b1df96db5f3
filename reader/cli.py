"""The `reader` command line: argument errors, exit codes, and starting the app.

Exit status: 0 on success, 1 when an operation failed, 2 on bad usage (a path that
does not exist or holds no posts, an unknown option). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from reader import __version__
from reader.library import POST_SUFFIXES, is_post_name

if TYPE_CHECKING:
    from reader.config import Config



class UsageError(Exception):
    """Bad usage: reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        """Print a one-line error and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def seconds(text: str) -> float:
    """A finite number of seconds, 0 or more (for argparse)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text!r}")
    return value


def add_library_options(parser: Parser) -> None:
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


def build_parser() -> Parser:
    """The parser for `reader [PATH]`."""
    parser = Parser(
        prog="reader",
        description="Read a directory of Markdown posts in the terminal.",
        epilog="Also: reader import digest|feed ..., reader list, reader export bookmarks, "
        "reader mark ID, reader config --show (each has --help).",
    )
    add_library_options(parser)
    parser.add_argument(
        "--mark-read-after",
        metavar="SECONDS",
        type=seconds,
        default=None,
        help="mark a post read after it has been shown this long (0: at once; default 2)",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def build_config_parser() -> Parser:
    """The parser for `reader config --show`."""
    parser = Parser(prog="reader config", description="Show the effective configuration.")
    parser.add_argument("--show", action="store_true", required=True, help="print the settings")
    parser.add_argument("--config", metavar="FILE", help="the config file to read")
    return parser


def read_config(option: str | None) -> tuple[Config, list[str]]:
    """The config from `--config FILE` or the default place, with its problems."""
    from reader.config import load_config
    from reader.paths import config_dir

    if option:
        return load_config(Path(option), explicit=True)
    return load_config(config_dir() / "config.toml")


def run_config(argv: Sequence[str]) -> int:
    """`reader config --show`: print the effective settings as TOML."""
    from reader.config import describe
    from reader.paths import bundled_articles

    args = build_config_parser().parse_args(argv)
    config, problems = read_config(args.config)
    problems += check_keymap(config.keys, config.path)[1]
    for problem in problems:
        print(f"reader: {problem}", file=sys.stderr)
    print(
        describe(
            config,
            library=config.library or bundled_articles(),
            theme=config.theme or "textual-dark",
            mark_read_after=2.0 if config.mark_read_after is None else config.mark_read_after,
            sort=config.sort or "newest",
        ),
        end="",
    )
    return 0


def build_import_parser() -> Parser:
    """The parser for `reader import digest FILE --into DIR`."""
    parser = Parser(prog="reader import", description="Turn other formats into posts.")
    parser.add_argument("format", choices=["digest", "feed"], help="the source format")
    parser.add_argument("source", metavar="FILE", help="the file to import")
    parser.add_argument("--into", metavar="DIR", required=True, help="where to write posts")
    return parser


def has_post_file(path: Path) -> bool:
    """True as soon as one post file is found under `path` (stops early)."""
    for _root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(is_post_name(f) for f in files):
            return True
    return False


def check_library_path(path: Path) -> Path:
    """The absolute library path, or UsageError saying why it cannot be opened."""
    if not path.exists():
        raise UsageError(f"no such file or directory: {path}")
    if path.is_file():
        if path.suffix.lower() not in POST_SUFFIXES:
            raise UsageError(f"not a Markdown file (.md): {path}")
    elif not path.is_dir():
        raise UsageError(f"not a file or directory: {path}")
    elif not has_post_file(path):
        raise UsageError(f"no posts (.md files) in {path}")
    return path.resolve()


def run_import(argv: Sequence[str]) -> int:
    """`reader import digest FILE --into DIR`."""
    from reader.importers.digest import DigestError, import_digest

    args = build_import_parser().parse_args(argv)
    source = Path(args.source)
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    try:
        written = import_digest(source, Path(args.into))
    except DigestError as error:
        print(f"reader: {source}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"reader: cannot import: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Imported {len(written)} posts into {args.into}")
    return 0


def check_keymap(keys: dict[str, str], path: Path | None) -> tuple[dict[str, str], list[str]]:
    """Keep the key overrides whose binding id exists; report the others."""
    from reader.app import binding_ids

    known = binding_ids()
    keymap = {binding_id: spec for binding_id, spec in keys.items() if binding_id in known}
    problems = [
        f"{path}: unknown key binding id '{binding_id}' (ignored; see README for the ids)"
        for binding_id in keys
        if binding_id not in known
    ]
    return keymap, problems


def run_reader(argv: Sequence[str]) -> int:
    """Start the TUI on a library."""
    from reader.paths import bundled_articles, default_state_path

    args = build_parser().parse_args(argv)
    config, config_problems = read_config(args.config)
    for problem in config_problems:
        print(f"reader: {problem}", file=sys.stderr)
    default_library = config.library or bundled_articles()
    library = check_library_path(Path(args.path) if args.path else default_library)
    state_path = Path(args.state) if args.state else default_state_path()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal (stdin and stdout must be a TTY)")
    from reader.lifecycle import ExitGuard

    exit_guard = ExitGuard()  # SIGTERM, SIGHUP, a closed terminal: saved, then gone
    exit_guard.install()
    mark_read_after = args.mark_read_after
    if mark_read_after is None:
        mark_read_after = 2.0 if config.mark_read_after is None else config.mark_read_after

    from reader.app import ReaderApp
    from reader.store import Store

    apps: list[ReaderApp] = []

    def on_error(text: str) -> None:
        """Route store problems to the app while it runs, else to stderr."""
        if apps:
            apps[0].report_state_problem(text)
        else:
            print(f"reader: {text}", file=sys.stderr)

    store = Store(state_path, on_error=on_error)
    exit_guard.set_save(store.flush)
    notices = store.open()
    for notice in notices:
        print(f"reader: {notice}", file=sys.stderr)
    keymap, key_problems = check_keymap(config.keys, config.path)
    for problem in key_problems:
        print(f"reader: {problem}", file=sys.stderr)
    app = ReaderApp(
        library,
        store,
        mark_read_after=mark_read_after,
        notices=[*config_problems, *key_problems, *notices],
        theme=config.theme,
        sort=config.sort,
        keymap=keymap,
        exit_guard=exit_guard,
    )
    apps.append(app)
    try:
        app.run()
    finally:
        exit_guard.attach(None)
        store.close()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reader` command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from reader.commands import run_subcommand  # deferred: reader.commands imports this module

        if (status := run_subcommand(args)) is not None:
            return status
        if args and args[0] == "import":
            return run_import(args[1:])
        if args and args[0] == "config":
            return run_config(args[1:])
        return run_reader(args)
    except UsageError as error:
        print(f"reader: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
