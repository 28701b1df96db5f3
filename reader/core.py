"""The command core: what the TUI and the script commands decide the same way (UI-free).

Which library to open (PATH, else the config's, else the feeds library once it
holds posts, else the bundled posts) and why a
path cannot be opened; the config and its defaults; and which posts a view lists, in
which order, through the same reader.session.Session the sidebar uses. reader.cli
(the TUI's start) and reader.commands (list, export, mark) both call these.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from reader.config import DEFAULT_MARK_READ_AFTER, Config, Mistakes, load_config
from reader.console import UsageError
from reader.library import POST_SUFFIXES, Post, is_post_name
from reader.paths import bundled_articles, config_dir, feeds_dir, short_path
from reader.sanitize import clean_line
from reader.session import Session, StateStore
from reader.views import Sort, View

__all__ = [
    "check_library_path",
    "choose_library",
    "default_library",
    "listed_posts",
    "mark_read_after",
    "read_config",
]

MAX_OTHER_SUFFIXES = 5  # file suffixes named when a folder holds no posts


def read_config(option: str | None) -> tuple[Config, Mistakes]:
    """The config from `--config FILE` or the default place, with its mistakes."""
    if option:
        return load_config(Path(option), explicit=True)
    return load_config(config_dir() / "config.toml")


def mark_read_after(option: float | None, config: Config) -> float:
    """Seconds before a shown post counts as read: the option, else the config, else 2."""
    if option is not None:
        return option
    return DEFAULT_MARK_READ_AFTER if config.mark_read_after is None else config.mark_read_after


def choose_library(path: str | None, config: Config, feeds: Path | None = None) -> Path:
    """The library to open: PATH, else the config's library, else the feeds library
    (`feeds`, default the user data dir's feeds/) once it holds posts, else the bundled posts.

    Checked (check_library_path): raises UsageError saying why it cannot be opened.
    """
    if path:
        return check_library_path(Path(path))
    if config.library is not None:
        return check_library_path(config.library, config=config.path)
    return check_library_path(default_library(feeds))


def default_library(feeds: Path | None = None) -> Path:
    """The library when neither PATH nor the config names one: the feeds library (`feeds`,
    default the user data dir's feeds/) once it holds posts, else the bundled posts."""
    feeds = feeds_dir() if feeds is None else feeds
    if feeds.is_dir() and scan_for_posts(feeds)[0]:
        return feeds.resolve()
    return bundled_articles()


def listed_posts(
    posts: Sequence[Post], store: StateStore, view: View, sort: Sort = Sort.NEWEST
) -> list[Post]:
    """The posts the sidebar lists in a view and sort (no search, nothing kept listed)."""
    session = Session(store, view, sort)
    session.set_posts(posts)
    return [session.posts[post_id] for post_id in session.visible()]


def scan_for_posts(path: Path) -> tuple[bool, Counter[str]]:
    """(True, ...) as soon as one post file is found under `path` (stops early);
    else (False, the number of other visible files by suffix)."""
    others: Counter[str] = Counter()
    folders = [path]
    while folders:  # entry by entry: os.walk would list 100,000 names before the first
        folder = folders.pop()
        try:
            entries = os.scandir(folder)
        except OSError:  # as os.walk: a folder that cannot be read is passed over
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if not entry.is_symlink():  # as os.walk: not into linked folders
                        folders.append(Path(entry.path))
                elif is_post_name(name):
                    return True, others
                else:
                    others[os.path.splitext(name)[1].lower() or "no suffix"] += 1
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
