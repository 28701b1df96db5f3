"""The `reader` command: one dispatcher for every subcommand, and starting the app.

`reader NAME ...` runs the subcommand NAME (SUBCOMMANDS); anything else opens the
reader on a library. The error convention is here, once: bad usage (UsageError, an
argparse mistake) prints `<command>: error: ...` and exits 2, a failed operation
(Failure) prints `reader: ...` and exits 1; one line on stderr, never a traceback.
The subcommands' modules never import this one.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.config import DEFAULT_MARK_READ_AFTER, DEFAULT_SORT, DEFAULT_THEME, refresh_every
from reader.console import (
    Failure,
    Parser,
    UsageError,
    add_library_options,
    echo,
    print_lines,
    seconds,
)
from reader.core import choose_library, mark_read_after, read_config
from reader.sanitize import clean_line

if TYPE_CHECKING:
    from reader.config import Config, Mistake, Mistakes
    from reader.page.look import PageOptions

__all__ = ["SUBCOMMANDS", "app_notices", "check_app_settings", "main", "read_config"]

#: `reader NAME ...`: "module:function" of the function that runs it with the arguments
#: after NAME and returns the exit status (imported only when used: start-up stays fast).
SUBCOMMANDS: dict[str, str] = {
    "import": "reader.import_command:run_import",
    "list": "reader.commands:run_list",
    "export": "reader.commands:run_export",
    "mark": "reader.commands:run_mark",
    "config": "reader.cli:run_config",
    "sync": "reader.sync.command:main",
    "subscribe": "reader.feeds.commands:run_subscribe",
    "unsubscribe": "reader.feeds.commands:run_unsubscribe",
    "feeds": "reader.feeds.commands:run_feeds",
    "refresh": "reader.feeds.commands:run_refresh",
}


def build_parser() -> Parser:
    """The parser for `reader [PATH]`."""
    parser = Parser(
        prog="reader",
        description="Read a directory of Markdown posts in the terminal.",
        epilog="Also: reader import SOURCE, reader list, reader export bookmarks|opml, "
        "reader subscribe URL, reader unsubscribe, reader feeds, reader refresh, "
        "reader mark ID, reader config --show, reader sync (each has --help).",
    )
    add_library_options(parser)
    parser.add_argument(
        "--mark-read-after",
        metavar="SECONDS",
        type=seconds,
        default=None,
        help="mark a post read after it has been shown this long "
        f"(0: at once; default {DEFAULT_MARK_READ_AFTER:g})",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def build_config_parser() -> Parser:
    """The parser for `reader config --show`."""
    parser = Parser(prog="reader config", description="Show the effective configuration.")
    parser.add_argument("--show", action="store_true", required=True, help="print the settings")
    parser.add_argument("--config", metavar="FILE", help="the config file to read")
    return parser


def page_options(config: Config) -> PageOptions:
    """How the page is laid out, from the config (defaults where it says nothing)."""
    from reader.config import DEFAULT_LINK_URLS, DEFAULT_MEASURE
    from reader.page.look import PageOptions

    measure, link_urls = config.measure or DEFAULT_MEASURE, config.link_urls or DEFAULT_LINK_URLS
    return PageOptions(measure=measure, link_urls=link_urls)


def run_config(argv: Sequence[str]) -> int:
    """`reader config --show`: print the effective settings as TOML."""
    from reader.config import describe
    from reader.core import default_library

    args = build_config_parser().parse_args(argv)
    config, mistakes = read_config(args.config)
    keymap, theme = check_app_settings(config, mistakes)
    print_lines(mistakes.lines())
    echo(
        describe(
            config,
            library=config.library or default_library(),
            theme=theme or DEFAULT_THEME,
            mark_read_after=mark_read_after(None, config),
            sort=config.sort or DEFAULT_SORT,
            keys=keymap,
        ),
        end="",
    )
    return 0


def check_keymap(keys: dict[str, str]) -> tuple[dict[str, str], list[Mistake]]:
    """Keep the key overrides whose binding id exists; report the others."""
    from reader.config import Mistake, shown_value
    from reader.keys import binding_ids

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
    """Start the TUI on a library.

    Process-wide tuning, for the TUI only (tests and commands keep Python's defaults):
    cyclic collections are held off until the first list is on screen (reader.gcpause:
    start-up allocates much and frees little), and what is alive then is left out of
    later collections (gc.freeze); keys are answered while a worker renders (threads
    switch every 0.5 ms, not 5).
    """
    import gc

    from reader import gcpause

    start_hold = gcpause.Hold()

    def started() -> None:
        """The first list is on screen."""
        gc.freeze()
        start_hold.release()

    try:
        return _run_reader(argv, started)
    finally:
        start_hold.release()


def _run_reader(argv: Sequence[str], started: Callable[[], None]) -> int:
    """run_reader's work; `started` is called once the first list is on screen."""
    from reader.paths import default_state_path

    args = build_parser().parse_args(argv)
    config, mistakes = read_config(args.config)
    print_lines(mistakes.lines())
    library = choose_library(args.path, config)
    state_path = Path(args.state) if args.state else default_state_path()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal (stdin and stdout must be a TTY)")
    from reader.first_screen import FirstScreen

    first_screen = FirstScreen(library)  # read while Textual is imported and the app starts
    first_screen.start()
    from reader.lifecycle import ExitGuard

    exit_guard = ExitGuard()  # SIGTERM, SIGHUP, a closed terminal: saved, then gone
    exit_guard.install()

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
    print_lines(notices)
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
        mark_read_after=mark_read_after(args.mark_read_after, config),
        notices=app_notices(mistakes, notices),
        theme=theme,
        sort=config.sort,
        keymap=keymap,
        exit_guard=exit_guard,
        page_options=page_options(config),
        refresh_every=refresh_every(config),
        syncer=syncer,
        sync_every=config.sync_every,
        first_screen=first_screen,
        started=started,
    )
    apps.append(app)
    from reader import gcpause

    sys.setswitchinterval(0.0005)
    gcpause.freeze_loaded_data(True)
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


def subcommand(name: str) -> Callable[[Sequence[str]], int] | None:
    """The function that runs `reader NAME ...`, or None if NAME is no subcommand."""
    target = SUBCOMMANDS.get(name)
    if target is None:
        return None
    module, _, function = target.partition(":")
    run: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module), function)
    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reader` command; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        command = subcommand(args[0]) if args else None
        if command is not None:
            return command(args[1:])
        return run_reader(args)
    except UsageError as error:
        echo(error.line(), err=True)
        return 2
    except Failure as error:
        echo(error.line(), err=True)
        return 1
    except SystemExit as stop:  # --help, --version, a closed pipe
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: still one line, never a traceback
        kind = type(error).__name__
        echo(f"reader: unexpected error ({kind}): {clean_line(str(error))}", err=True)
        return 1

