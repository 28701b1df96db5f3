"""The script commands on a library: list, export, mark (UI-free).

Each `run_*` takes the arguments after its name and returns the exit status (0). Bad
usage raises reader.console.UsageError, a failed operation reader.console.Failure;
reader.cli.main prints them (one line) and turns them into statuses 2 and 1. Which
library, which posts a view lists and in which order come from reader.core, the code
the sidebar uses too. Never imports reader.cli (the dispatcher imports this).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from reader.config import Config
from reader.console import (
    Failure,
    Parser,
    UsageError,
    add_library_options,
    print_lines,
    say,
    write_output,
)
from reader.core import choose_library, listed_posts, read_config
from reader.escape import json_text
from reader.library import Library, LibraryError, Post, load_library
from reader.paths import default_state_path, short_path
from reader.post_fields import writable_id
from reader.sanitize import clean_line
from reader.store import Store
from reader.views import BOOKMARK_MARK, UNREAD_MARK, View

__all__ = ["run_export", "run_list", "run_mark"]

MAX_ID_COLUMN = 60
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>"})


def load(args: argparse.Namespace) -> Library:
    """The library named by args.path, else the config's, else the bundled posts.

    Config and post problems go to stderr, one line each; UsageError if it cannot be opened.
    """
    if args.path:
        path = choose_library(args.path, Config())
    else:
        config, mistakes = read_config(args.config)
        print_lines(mistakes.lines())
        path = choose_library(None, config)
    try:
        library = load_library(path)
    except LibraryError as error:
        raise UsageError(str(error)) from None
    for problem in library.problems:
        say(str(problem))
    return library


def open_store(args: argparse.Namespace, errors: list[str]) -> Store:
    """Open the state file named by args.state; notices go to stderr, write errors to errors."""
    path = Path(args.state) if args.state else default_state_path()
    store = Store(path, on_error=errors.append, fold_on_close=True)
    for notice in store.open():
        say(notice)
    return store


def view_option(text: str) -> View:
    """A view named on the command line: `in-progress` or `in progress` (for argparse)."""
    view = View.named(text)
    if view is None:
        names = ", ".join(view.option for view in View)
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {names})")
    return view


def _iso(post: Post) -> str | None:
    """The post's date as ISO 8601, or None."""
    return post.date.isoformat() if post.date is not None else None


def _minutes(post: Post) -> int | None:
    """The post's estimated reading time (its full text's, if fetched); None if unreadable."""
    from reader.library import PostError, read_body
    from reader.reading_time import minutes

    try:
        return minutes(read_body(post))
    except PostError:
        return None


def build_list_parser() -> Parser:
    """The parser for `reader list`."""
    parser = Parser(prog="reader list", description="List the posts of a library.")
    add_library_options(parser)
    parser.add_argument(
        "--view",
        type=view_option,
        default=View.ALL,
        metavar="|".join(view.option for view in View),
        help="which posts to list: the sidebar's views (default: all)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects")
    return parser


def run_list(argv: Sequence[str]) -> int:
    """`reader list [PATH] [--view VIEW] [--json] [--state FILE]`."""
    args = build_list_parser().parse_args(argv)
    library = load(args)
    errors: list[str] = []
    store = open_store(args, errors)
    try:
        posts = listed_posts(library.posts, store, args.view)
        read, bookmarked = store.read_ids(), store.bookmarked_ids()
    finally:
        store.close()
        print_lines(errors)
    if args.json:
        rows = [
            {
                "id": post.id,
                "title": post.title,
                "date": _iso(post),
                "author": post.author,
                "feed": post.feed,
                "minutes": _minutes(post),
                "tags": list(post.tags),
                "url": post.url,
                "path": post.file,
                "read": post.id in read,
                "bookmarked": post.id in bookmarked,
            }
            for post in posts
        ]
        write_output(json_text(rows))
        return 0
    shown = [clean_line(post.id) for post in posts]
    width = min(MAX_ID_COLUMN, max(map(len, shown), default=0))
    lines = [
        f"{' ' if post.id in read else UNREAD_MARK} "
        f"{BOOKMARK_MARK if post.id in bookmarked else ' '} {post_id:<{width}}  {post.title}"
        for post, post_id in zip(posts, shown, strict=True)
    ]
    write_output("".join(f"{line}\n" for line in lines))
    return 0


def build_export_parser() -> Parser:
    """The parser for `reader export bookmarks`."""
    parser = Parser(prog="reader export", description="Export posts for other tools.")
    parser.add_argument(
        "what",
        choices=["bookmarks", "opml"],
        help="what to export (`reader export opml --help`: the subscriptions)",
    )
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


def run_export(argv: Sequence[str]) -> int:
    """`reader export bookmarks [PATH] --format md|json [--state FILE] [--output FILE]`;
    `reader export opml ...` is reader.feeds.commands'."""
    if list(argv[:1]) == ["opml"]:
        from reader.feeds.commands import run_export_opml

        return run_export_opml(argv[1:])
    args = build_export_parser().parse_args(argv)
    library = load(args)
    errors: list[str] = []
    store = open_store(args, errors)
    try:
        posts = listed_posts(library.posts, store, View.BOOKMARKED)
    finally:
        store.close()
        print_lines(errors)
    if args.format == "json":
        rows = [
            {"id": p.id, "title": p.title, "url": p.url, "date": _iso(p), "path": p.file}
            for p in posts
        ]
        text = json_text(rows)
    else:
        text = "".join(map(_markdown_line, posts))
    write_output(text, args.output)
    if not posts:  # not a failure, but say why there is nothing
        where = short_path(library.root if args.path is None else args.path)
        wrote = "" if args.output is None else f"; wrote an empty list to {short_path(args.output)}"
        say(f"no bookmarked posts in {where}{wrote}")
    return 0


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


def run_mark(argv: Sequence[str]) -> int:
    """`reader mark ID [PATH] --read|--unread|--bookmark|--unbookmark [--state FILE]`."""
    parser = build_mark_parser()
    args = parser.parse_args(argv)
    if args.read is None and args.bookmark is None:
        parser.error("one of --read, --unread, --bookmark, --unbookmark is needed")
    library = load(args)
    args.id = writable_id(args.id)  # a file name typed with its raw bytes: bad-\xff.md
    if not any(post.id == args.id for post in library.posts):
        where = library.root if args.path is None else args.path
        raise Failure(f"no post with id {args.id} in {where}")
    errors: list[str] = []
    store = open_store(args, errors)
    try:
        if store.read_only:
            raise Failure(f"state file {store.path} cannot be changed; nothing marked")
        if args.read is not None:
            store.set_read(args.id, args.read)
        if args.bookmark is not None:
            store.set_bookmarked(args.id, args.bookmark)
        saved = store.flush()
    finally:
        store.close()
        print_lines(errors)
    return 0 if saved else 1  # the store said why, above
