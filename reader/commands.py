"""The subcommands that run without the TUI: import feed, list, export, mark (UI-free).

Each `cmd_*` takes the arguments after its name and returns the exit status: 0 on
success, 1 when the operation failed, 2 on bad usage. Errors are one line on stderr,
starting with `reader:`; no traceback is ever shown for an expected failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path

from reader.cli import (
    Parser,
    UsageError,
    add_library_options,
    check_library_path,
    echo,
    import_summary,
    read_config,
    timeout_seconds,
)
from reader.library import Library, LibraryError, Post, load_library, writable_id
from reader.paths import bundled_articles, default_state_path, feeds_dir, short_path
from reader.sanitize import UNSAFE_RE, clean_line, for_terminal
from reader.store import Store
from reader.views import View, visible_ids

__all__ = [
    "cmd_export",
    "cmd_import_feed",
    "cmd_list",
    "cmd_mark",
    "run_subcommand",
]

UNREAD_MARK = "●"  # the sidebar's markers (reader.widgets.post_list, not imported: UI)
BOOKMARK_MARK = "★"
MAX_ID_COLUMN = 60
PROGRESS_AFTER = 0.5  # seconds before an import starts showing progress on a terminal
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>"})


def _error(message: str) -> None:
    """Print one `reader: ...` line on stderr."""
    echo(f"reader: {clean_line(message)}", err=True)


def _parse(parser: Parser, argv: Sequence[str]) -> argparse.Namespace | int:
    """parse_args, with argparse's exits (bad usage, --help) turned into a status."""
    try:
        return parser.parse_args(list(argv))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2


def _usage_error(parser: Parser, message: str) -> int:
    """Report bad usage the way argparse does (one line); return its status, 2."""
    try:
        parser.error(message)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2


def _load(args: argparse.Namespace) -> Library | int:
    """The library named by args.path, else the config's, else the bundled posts; or status 2.

    Config and post problems go to stderr, one line each.
    """
    config_file = None
    if args.path:
        path = Path(args.path)
    else:
        config, mistakes = read_config(args.config)
        for message in mistakes.lines():
            _error(message)
        path = config.library or bundled_articles()
        config_file = config.path if config.library is not None else None
    try:
        library = load_library(check_library_path(path, config=config_file))
    except (UsageError, LibraryError) as error:
        echo(f"reader: error: {clean_line(str(error))}", err=True)
        return 2
    for problem in library.problems:
        _error(str(problem))
    return library


def _open_store(args: argparse.Namespace, errors: list[str]) -> Store:
    """Open the state file named by args.state; notices go to stderr, write errors to errors."""
    path = Path(args.state) if args.state else default_state_path()
    store = Store(path, on_error=errors.append, fold_on_close=True)
    for notice in store.open():
        _error(notice)
    return store


def _read_state(args: argparse.Namespace) -> tuple[AbstractSet[str], AbstractSet[str]]:
    """The read ids and bookmarked ids of the state file."""
    errors: list[str] = []
    store = _open_store(args, errors)
    try:
        return store.read_ids(), store.bookmarked_ids()
    finally:
        store.close()
        for message in errors:
            _error(message)


def _iso(post: Post) -> str | None:
    """The post's date as ISO 8601, or None."""
    return post.date.isoformat() if post.date is not None else None


def _json_escape(match: re.Match[str]) -> str:
    """A character as a JSON escape (a surrogate pair beyond the Basic Multilingual Plane)."""
    code = ord(match[0])
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _json_text(value: object) -> str:
    """Pretty JSON with non-ASCII text kept readable, but every character the terminal could
    obey or hide (controls, bidi and format characters, lone surrogates) escaped: lossless."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return UNSAFE_RE.sub(_json_escape, text) + "\n"


def _write_output(text: str, output: str | None) -> int:
    """Write text to stdout, or atomically to the file output; return the exit status.

    The text is cleaned for the terminal (JSON text has nothing left to clean).
    """
    text = for_terminal(text)
    if output is None:
        try:
            try:
                sys.stdout.write(text)
            except UnicodeEncodeError:  # a terminal that cannot show ● or the titles
                sys.stdout.flush()
                sys.stdout.buffer.write(text.encode(sys.stdout.encoding or "ascii", "replace"))
            sys.stdout.flush()
        except BrokenPipeError:  # `reader list | head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        return 0
    from reader.importers.digest import _write_atomic

    try:
        _write_atomic(Path(output), text.encode("utf-8"))
    except OSError as error:
        _error(f"cannot write {output}: {error.strerror or error}")
        return 1
    return 0


def build_list_parser() -> Parser:
    """The parser for `reader list`."""
    parser = Parser(prog="reader list", description="List the posts of a library.")
    add_library_options(parser)
    parser.add_argument(
        "--view",
        choices=[view.value for view in View],
        default=View.ALL.value,
        help="which posts to list (default: all)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects")
    return parser


def cmd_list(argv: Sequence[str]) -> int:
    """`reader list [PATH] [--view all|unread|bookmarked] [--json] [--state FILE]`."""
    args = _parse(build_list_parser(), argv)
    if isinstance(args, int):
        return args
    library = _load(args)
    if isinstance(library, int):
        return library
    read, bookmarked = _read_state(args)
    by_id = {post.id: post for post in library.posts}
    ids = visible_ids(by_id, View(args.view), read.__contains__, bookmarked.__contains__)
    posts = [by_id[post_id] for post_id in ids]
    if args.json:
        rows = [
            {
                "id": post.id,
                "title": post.title,
                "date": _iso(post),
                "author": post.author,
                "feed": post.feed,
                "tags": list(post.tags),
                "url": post.url,
                "path": post.file,
                "read": post.id in read,
                "bookmarked": post.id in bookmarked,
            }
            for post in posts
        ]
        return _write_output(_json_text(rows), None)
    shown = [clean_line(post.id) for post in posts]
    width = min(MAX_ID_COLUMN, max(map(len, shown), default=0))
    lines = [
        f"{' ' if post.id in read else UNREAD_MARK} "
        f"{BOOKMARK_MARK if post.id in bookmarked else ' '} {post_id:<{width}}  {post.title}"
        for post, post_id in zip(posts, shown, strict=True)
    ]
    return _write_output("".join(f"{line}\n" for line in lines), None)


def build_export_parser() -> Parser:
    """The parser for `reader export bookmarks`."""
    parser = Parser(prog="reader export", description="Export posts for other tools.")
    parser.add_argument("what", choices=["bookmarks"], help="what to export")
    add_library_options(parser)
    parser.add_argument(
        "--format", choices=["md", "json"], default="md", help="Markdown list or JSON (default: md)"
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    return parser


def _markdown_url(url: str) -> str:
    """A URL that cannot end a Markdown link early."""
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _markdown_line(post: Post) -> str:
    """`- [Title](url) — 2024-01-02 — path` (no url: the plain title)."""
    title = post.title.translate(_MARKDOWN_SPECIAL)
    parts = [f"[{title}]({_markdown_url(post.url)})" if post.url else title]
    if post.date is not None:
        parts.append(post.date.date().isoformat())
    parts.append(post.file)
    return "- " + " — ".join(parts) + "\n"


def cmd_export(argv: Sequence[str]) -> int:
    """`reader export bookmarks [PATH] --format md|json [--state FILE] [--output FILE]`."""
    args = _parse(build_export_parser(), argv)
    if isinstance(args, int):
        return args
    library = _load(args)
    if isinstance(library, int):
        return library
    _, bookmarked = _read_state(args)
    posts = [post for post in library.posts if post.id in bookmarked]
    if args.format == "json":
        rows = [
            {"id": p.id, "title": p.title, "url": p.url, "date": _iso(p), "path": p.file}
            for p in posts
        ]
        text = _json_text(rows)
    else:
        text = "".join(map(_markdown_line, posts))
    status = _write_output(text, args.output)
    if status == 0 and not posts:  # not a failure, but say why there is nothing
        where = short_path(library.root if args.path is None else args.path)
        wrote = "" if args.output is None else f"; wrote an empty list to {short_path(args.output)}"
        _error(f"no bookmarked posts in {where}{wrote}")
    return status


def build_mark_parser() -> Parser:
    """The parser for `reader mark`."""
    parser = Parser(
        prog="reader mark",
        description="Mark a post read or unread, or add or remove its bookmark.",
    )
    parser.add_argument("id", metavar="ID", help="the post's id (see `reader list`)")
    add_library_options(parser)
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True)
    read.add_argument("--unread", dest="read", action="store_const", const=False)
    bookmark = parser.add_mutually_exclusive_group()
    bookmark.add_argument("--bookmark", dest="bookmark", action="store_const", const=True)
    bookmark.add_argument("--unbookmark", dest="bookmark", action="store_const", const=False)
    return parser


def cmd_mark(argv: Sequence[str]) -> int:
    """`reader mark ID [PATH] --read|--unread|--bookmark|--unbookmark [--state FILE]`."""
    parser = build_mark_parser()
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    if args.read is None and args.bookmark is None:
        return _usage_error(parser, "one of --read, --unread, --bookmark, --unbookmark is needed")
    library = _load(args)
    if isinstance(library, int):
        return library
    args.id = writable_id(args.id)  # a file name typed with its raw bytes: bad-\xff.md
    if not any(post.id == args.id for post in library.posts):
        _error(f"no post with id {args.id} in {library.root if args.path is None else args.path}")
        return 1
    errors: list[str] = []
    store = _open_store(args, errors)
    try:
        if store.read_only:
            _error(f"state file {store.path} cannot be changed; nothing marked")
            return 1
        if args.read is not None:
            store.set_read(args.id, args.read)
        if args.bookmark is not None:
            store.set_bookmarked(args.id, args.bookmark)
        saved = store.flush()
    finally:
        store.close()
    for message in errors:
        _error(message)
    return 0 if saved else 1


def build_import_feed_parser() -> Parser:
    """The parser for `reader import feed`."""
    parser = Parser(prog="reader import feed", description="Import an RSS or Atom feed as posts.")
    parser.add_argument("source", metavar="SOURCE", help="a feed file or an http(s) URL")
    parser.add_argument(
        "--into", metavar="DIR", help="where to write posts (default: the user data dir's feeds)"
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=timeout_seconds,
        default=15.0,
        help="network timeout (more than 0; default 15)",
    )
    return parser


def _progress_printer() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress(done, total) callback for stderr, and a function that clears its line.

    Progress shows only on a terminal, and only once the import has taken a moment.
    """
    start = time.monotonic()
    shown = [False]
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        """Rewrite "\\rdone/total" on stderr."""
        if tty and (shown[0] or time.monotonic() - start > PROGRESS_AFTER):
            shown[0] = True
            sys.stderr.write(f"\r{done}/{total}")
            sys.stderr.flush()

    def clear() -> None:
        """Erase the progress line if one was drawn."""
        if shown[0]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    return progress, clear


def cmd_import_feed(argv: Sequence[str]) -> int:
    """`reader import feed SOURCE [--into DIR] [--timeout SECONDS]`."""
    args = _parse(build_import_feed_parser(), argv)
    if isinstance(args, int):
        return args
    from reader.importers.feed import FeedError, import_feed

    into = Path(args.into) if args.into else feeds_dir()
    progress, clear = _progress_printer()
    try:
        result = import_feed(args.source, into, progress=progress, timeout=args.timeout)
    except FeedError as error:
        clear()
        _error(str(error))
        return 1
    except OSError as error:
        clear()
        _error(f"cannot write to {into}: {error.strerror or error}")
        return 1
    clear()
    echo(import_summary(result, into))
    return 0


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "list": cmd_list,
    "export": cmd_export,
    "mark": cmd_mark,
}


def run_subcommand(argv: Sequence[str]) -> int | None:
    """Run `list`, `export`, `mark` or `import feed`; None if argv is none of them."""
    if not argv:
        return None
    command = COMMANDS.get(argv[0])
    if command is not None:
        return command(argv[1:])
    if argv[0] == "import" and len(argv) > 1 and argv[1] == "feed":
        return cmd_import_feed(argv[2:])
    return None
