"""The `reader` command line: argument errors, exit codes, and starting the app.

Exit status: 0 on success, 1 when an operation failed, 2 on bad usage (a path that
does not exist or holds no posts, an unknown option). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from reader import __version__
from reader.library import POST_SUFFIXES, is_post_name
from reader.sanitize import clean_line, for_terminal

if TYPE_CHECKING:
    from reader.config import Config, Mistake, Mistakes
    from reader.importers.digest import ImportResult

MAX_TIMEOUT = 86_400.0  # a day
MAX_OTHER_SUFFIXES = 5  # file suffixes named when a folder holds no posts


class UsageError(Exception):
    """Bad usage: reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        """Print a one-line error and exit 2."""
        self.exit(2, for_terminal(f"{self.prog}: error: {clean_line(message)} (see --help)\n"))


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
        "reader mark ID, reader config --show, reader sync (each has --help).",
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


def read_config(option: str | None) -> tuple[Config, Mistakes]:
    """The config from `--config FILE` or the default place, with its mistakes."""
    from reader.config import load_config
    from reader.paths import config_dir

    if option:
        return load_config(Path(option), explicit=True)
    return load_config(config_dir() / "config.toml")


def echo(text: str, *, err: bool = False, end: str = "\n") -> None:
    """Print text on stdout (on stderr with err=True), cleaned for the terminal.

    Everything the command line prints goes through here (or through
    sanitize.for_terminal): file names, feed titles, config keys and post fields are
    untrusted, and no control, bidi or invisible character may reach the terminal raw.
    """
    print(for_terminal(text), end=end, file=sys.stderr if err else sys.stdout)


def print_lines(lines: Sequence[str]) -> None:
    """Print each line on stderr after `reader: `."""
    for line in lines:
        echo(f"reader: {line}", err=True)


def run_config(argv: Sequence[str]) -> int:
    """`reader config --show`: print the effective settings as TOML."""
    from reader.config import describe
    from reader.paths import bundled_articles

    args = build_config_parser().parse_args(argv)
    config, mistakes = read_config(args.config)
    keymap, theme = check_app_settings(config, mistakes)
    print_lines(mistakes.lines())
    echo(
        describe(
            config,
            library=config.library or bundled_articles(),
            theme=theme or "textual-dark",
            mark_read_after=2.0 if config.mark_read_after is None else config.mark_read_after,
            sort=config.sort or "newest",
            keys=keymap,
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


def scan_for_posts(path: Path) -> tuple[bool, Counter[str]]:
    """(True, ...) as soon as one post file is found under `path` (stops early);
    else (False, the number of other visible files by suffix)."""
    others: Counter[str] = Counter()
    for _root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(is_post_name(f) for f in files):
            return True, others
        visible = (f for f in files if not f.startswith("."))
        others.update(os.path.splitext(f)[1].lower() or "no suffix" for f in visible)
    return False, others


def other_files(others: Counter[str]) -> str:
    """ "found 3 other files (.txt, .html)": what a folder without posts holds."""
    total = sum(others.values())
    if total == 0:
        return "found no other files"
    suffixes = [clean_line(suffix) for suffix, _ in others.most_common(MAX_OTHER_SUFFIXES)]
    if len(others) > MAX_OTHER_SUFFIXES:
        suffixes.append("…")
    return f"found {total} other file{'s' if total != 1 else ''} ({', '.join(suffixes)})"


def check_library_path(path: Path, config: Path | None = None) -> Path:
    """The absolute library path, or UsageError saying why it cannot be opened.

    `config` is the config file that named the path, if it came from one: the error
    then says so.
    """
    from reader.paths import short_path

    shown = short_path(path)
    tail = ""
    if not path.exists():
        plain, phrase = f"no such file or directory: {shown}", "does not exist"
    elif path.is_file():
        if path.suffix.lower() in POST_SUFFIXES:
            return path.resolve()
        plain = f"not a Markdown file (.md or .markdown): {shown}"
        phrase = "is not a Markdown file (.md or .markdown)"
    elif not path.is_dir():
        plain, phrase = f"not a file or directory: {shown}", "is not a file or directory"
    else:
        found, others = scan_for_posts(path)
        if found:
            return path.resolve()
        plain = f"no posts (.md or .markdown files) in {shown}"
        phrase, tail = "holds no posts (.md or .markdown files)", f"; {other_files(others)}"
    if config is None:
        raise UsageError(plain + tail)
    raise UsageError(f"the library in {short_path(config)} {phrase}: {shown}{tail}")


def open_command(into: Path) -> str:
    """The command that opens a folder of posts, quoted for a POSIX shell."""
    from reader.paths import tilde

    text = os.fspath(into)
    short = tilde(text)
    if short != text:  # an absolute path under the home directory
        return "reader ~" + (f"/{shlex.quote(short[2:])}" if short != "~" else "")
    if text.startswith("-"):  # not an option
        text = os.path.join(".", text)
    return f"reader {shlex.quote(text)}"


def import_summary(result: ImportResult, into: Path) -> str:
    """What an import did, and how to open its posts (no trailing newline)."""
    from reader.paths import short_path

    summary = (
        f"Imported {result.added} new, {result.updated} updated, "
        f"{result.unchanged} unchanged posts into {short_path(into)}"
    )
    if result.paths:
        summary += f"\nOpen them with: {clean_line(open_command(into))}"
    return summary


def run_import(argv: Sequence[str]) -> int:
    """`reader import digest FILE --into DIR`."""
    from reader.importers.digest import DigestError, import_digest

    args = build_import_parser().parse_args(argv)
    source = Path(args.source)
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    into = Path(args.into)
    try:
        result = import_digest(source, into)
    except DigestError as error:
        echo(f"reader: {clean_line(str(source))}: {error}", err=True)
        return 1
    except OSError as error:
        echo(f"reader: cannot import: {error.strerror or error}", err=True)
        return 1
    echo(import_summary(result, into))
    return 0


def check_keymap(keys: dict[str, str]) -> tuple[dict[str, str], list[Mistake]]:
    """Keep the key overrides whose binding id exists; report the others."""
    from reader.app import binding_ids
    from reader.config import Mistake, shown_value

    known = binding_ids()
    keymap = {binding_id: spec for binding_id, spec in keys.items() if binding_id in known}
    problems = [
        Mistake(f"unknown key binding id {shown_value(binding_id)}")
        for binding_id in keys
        if binding_id not in known
    ]
    return keymap, problems


def check_theme(theme: str | None) -> tuple[str | None, list[Mistake]]:
    """The config's theme if Textual has it, else None and the mistake."""
    from textual.theme import BUILTIN_THEMES

    from reader.config import DEFAULT, Mistake, shown_value

    if theme is None or theme in BUILTIN_THEMES:
        return theme, []
    return None, [Mistake(f"unknown theme {shown_value(theme)} (ctrl+t lists them)", DEFAULT)]


def check_app_settings(config: Config, mistakes: Mistakes) -> tuple[dict[str, str], str | None]:
    """The key overrides and theme the app can use; the others are added to mistakes."""
    keymap, key_mistakes = check_keymap(config.keys)
    theme, theme_mistakes = check_theme(config.theme)
    mistakes.items += [*key_mistakes, *theme_mistakes]
    return keymap, theme


def app_notices(mistakes: Mistakes, store_notices: Sequence[str]) -> list[str]:
    """The notices the app shows at start: one for every config mistake, then the store's."""
    config_notice = mistakes.notice()
    return [*([config_notice] if config_notice else []), *store_notices]


def run_reader(argv: Sequence[str]) -> int:
    """Start the TUI on a library."""
    from reader.paths import bundled_articles, default_state_path

    args = build_parser().parse_args(argv)
    config, mistakes = read_config(args.config)
    print_lines(mistakes.lines())
    if args.path:
        library = check_library_path(Path(args.path))
    elif config.library is not None:
        library = check_library_path(config.library, config=config.path)
    else:
        library = check_library_path(bundled_articles())
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
            echo(f"reader: {text}", err=True)

    store = Store(state_path, on_error=on_error)
    exit_guard.set_save(store.flush)
    notices = store.open()
    for notice in notices:
        echo(f"reader: {notice}", err=True)
    printed = len(mistakes.items)
    keymap, theme = check_app_settings(config, mistakes)
    print_lines(mistakes.lines()[printed:])
    syncer = None
    if config.sync_folder is not None or config.sync is not None:
        from reader.sync.engine import Syncer  # deferred: only when sync is configured

        syncer = Syncer(store, config)
    app = ReaderApp(
        library,
        store,
        mark_read_after=mark_read_after,
        notices=app_notices(mistakes, notices),
        theme=theme,
        sort=config.sort,
        keymap=keymap,
        exit_guard=exit_guard,
        syncer=syncer,
        sync_every=config.sync_every,
    )
    apps.append(app)
    saved = False
    try:
        app.run()
    finally:
        exit_guard.attach(None)
        if syncer is not None:  # the last marks on to the other machines (no server wait)
            syncer.final_folder_sync()
        saved = store.close()
    status = app.return_code or 0
    return 1 if status == 0 and not saved else status  # changes were lost: a failure


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
        if args and args[0] == "sync":
            from reader.sync.command import main as sync_main

            return sync_main(args[1:])
        return run_reader(args)
    except UsageError as error:
        echo(f"reader: error: {clean_line(str(error))}", err=True)
        return 2
    except KeyboardInterrupt:
        return 130
