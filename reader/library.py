"""Turn Markdown post files on disk into Post records (no UI code here).

A library is a directory of ``.md`` / ``.markdown`` files (searched
recursively) or a single post file. Each file is read once, its front matter
parsed, and the fields a reader lists (title, date, author, tags...) are
extracted and cleaned of terminal control characters. A file that cannot be
used becomes a Problem; the other posts still load.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from reader.frontmatter import FrontMatterError, split_front_matter
from reader.post_fields import (
    FILE_DATE_RE,
    author,
    heading_title,
    position,
    post_date,
    post_id,
    scalar_text,
    tags,
    url,
)
from reader.sanitize import clean_line, clean_text

POST_SUFFIXES = frozenset({".md", ".markdown"})
_SUFFIX_TUPLE = tuple(POST_SUFFIXES)
MAX_POST_BYTES = 50 * 1024 * 1024
MAX_TITLE_CHARS = 300
PROGRESS_EVERY = 500
FULL_TEXT_DIR = ".full"  # reader.feeds.fulltext.CACHE_DIR: full texts fetched for posts
# How many posts a large library's first (provisional) screenful holds.
FIRST_SCREEN = 120
_BINARY_SNIFF_BYTES = 8192
# load_post reads this much first; the rest only if the front matter or title needs it
# (as much as the binary sniff looks at, so that a file is refused exactly as before).
_HEAD_BYTES = _BINARY_SNIFF_BYTES
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class LibraryError(Exception):
    """A one-line reason the path cannot be opened at all."""


class PostError(ValueError):
    """A one-line reason a post file cannot be used."""


@dataclass(frozen=True, slots=True)
class Post:
    """One post: where it is and the fields shown in the post list."""

    id: str
    file: str  # the absolute path, as a string: Path objects are slow to make by the 100,000
    title: str
    date: datetime | None
    author: str | None
    tags: tuple[str, ...]
    url: str | None
    position: int | None
    feed: str | None = None  # the title of the feed it was imported from

    @property
    def path(self) -> Path:
        """The absolute path of the post's file."""
        return Path(self.file)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that was skipped (or loaded with a caveat), and why."""

    path: Path
    message: str

    def __str__(self) -> str:
        """Return "<relative path or file name>: <message>"."""
        return f"{clean_line(_display_path(self.path))}: {self.message}"


@dataclass
class Library:
    """The posts of a directory (or single file), sorted, plus the problems found."""

    root: Path
    posts: list[Post]
    problems: list[Problem]


class PostCache(Protocol):
    """Somewhere to keep posts already read, keyed on file path, size and mtime."""

    def has(self, file: str) -> bool:
        """Whether a post read earlier from this file is kept (changed since or not)."""

    def get(self, file: str, size: int, mtime_ns: int) -> Post | None:
        """The post read earlier from this unchanged file, if any."""

    def put(self, file: str, size: int, mtime_ns: int, post: Post) -> None:
        """Remember a post just read."""


def _display_path(path: Path) -> str:
    """Return path relative to the working directory if inside it, else its name."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return path.name


def is_post_name(name: str) -> bool:
    """Return True for a visible file name with a Markdown suffix (any case)."""
    return not name.startswith(".") and name.lower().endswith(_SUFFIX_TUPLE)


def _walk(path: Path, errors: list[OSError] | None) -> list[str]:
    """Return the post files under directory path, sorted, collecting walk errors into errors."""
    found: list[str] = []
    on_error = errors.append if errors is not None else None
    for dirpath, dirnames, filenames in os.walk(path, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        prefix = os.path.join(dirpath, "")  # one join per folder, not per file (100,000)
        found.extend(prefix + name for name in filenames if is_post_name(name))
    found.sort()
    return found


def find_post_files(path: Path) -> list[Path]:
    """Return the post files of path: itself if a file, else *.md/*.markdown found recursively.

    Hidden files and directories (name starting with '.') are skipped and
    symlinked directories are not entered, so a symlink loop cannot hang.
    """
    if not path.is_dir():
        return [path]
    return [Path(file) for file in _walk(path, None)]


def _read_open(fd: int, limit: int) -> tuple[bytes, bool, int, int]:
    """Read up to limit bytes of an open file; (data, whether that is all, size, mtime_ns)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise PostError("not a regular file")
    size = info.st_size
    if size > MAX_POST_BYTES:
        raise PostError(f"too large ({size / (1024 * 1024):.0f} MB)")
    want = limit + 1
    chunks: list[bytes] = []
    got = 0
    while got < want:  # os.read: no buffered file object to build, no 64 KB buffer to fill
        asked = min(want - got, max(size + 1 - got, 65536))
        chunk = os.read(fd, asked)
        chunks.append(chunk)
        got += len(chunk)
        if len(chunk) < asked:  # a regular file reads short only at its end: no read for b""
            break
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > MAX_POST_BYTES:  # the file grew (or stat lied)
        raise PostError(f"too large (over {MAX_POST_BYTES // (1024 * 1024)} MB)")
    if b"\0" in data[:_BINARY_SNIFF_BYTES]:
        raise PostError("looks like a binary file")
    if len(data) > limit:
        return data[:limit], False, size, info.st_mtime_ns
    return data, True, size, info.st_mtime_ns


def _read_file(file: str | Path, limit: int) -> tuple[bytes, bool, int, int]:
    """Read up to limit bytes of a file; (data, whether that is all of it, size, mtime_ns)."""
    try:
        # O_NONBLOCK: opening a FIFO named *.md must not wait forever for a writer.
        fd = os.open(file, _OPEN_FLAGS)
    except OSError as exc:
        raise PostError(f"cannot read: {exc.strerror or exc}") from None
    try:
        return _read_open(fd, limit)
    except OSError as exc:
        raise PostError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _read_bytes(path: Path, limit: int) -> tuple[bytes, bool]:
    """Read up to limit bytes of path; return (data, whether that is the whole file)."""
    data, complete, _, _ = _read_file(path, limit)
    return data, complete


def _decode(data: bytes, complete: bool) -> str:
    """Decode post bytes as UTF-8, marking bad bytes with U+FFFD; drop a leading BOM."""
    if not complete:
        # Cut at a line end so a multi-byte character is not split at the limit.
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[: cut + 1]
    text = data.decode("utf-8", errors="replace")  # the C codec: utf-8-sig is Python code
    return text[1:] if text.startswith("\ufeff") else text


def _split(text: str, complete: bool = True) -> tuple[dict[str, object], str]:
    """split_front_matter, with its errors turned into PostError."""
    try:
        return split_front_matter(text, complete=complete)
    except FrontMatterError as exc:
        raise PostError(str(exc)) from None


def _fields_and_title(data: bytes, complete: bool) -> tuple[dict[str, object], str] | None:
    """Return the front matter and title ('' if none), or None if data is too short to tell."""
    try:
        fields, body = _split(_decode(data, complete), complete)
    except PostError:
        if complete:
            raise
        return None  # the front matter may close after the part read so far
    title = scalar_text(fields.get("title")) or heading_title(body)
    if not title and not complete:
        return None
    return fields, title


def load_post(path: Path, root: Path) -> Post:
    """Read one post file and return its Post; raise PostError if it cannot be used.

    Only the first 8 KB are read unless the front matter or the fallback
    title heading lies further in.
    """
    file = str(path) if path.is_absolute() else os.path.abspath(path)
    return read_post(file, str(root) if root.is_absolute() else os.path.abspath(root))[0]


def read_post(file: str, root: str) -> tuple[Post, int, int]:
    """load_post of an absolute file name (kept as the Post's `file`, not copied), under
    the absolute folder `root`; (post, the file's size, its mtime in ns) for a cache."""
    data, complete, size, mtime_ns = _read_file(file, _HEAD_BYTES)
    parsed = _fields_and_title(data, complete)
    if parsed is None:  # the front matter or the title heading lies further in
        parsed = _fields_and_title(*_read_file(file, MAX_POST_BYTES)[:2])
    fields, title = parsed or ({}, "")
    name = os.path.basename(file)
    if not title:
        stem = os.path.splitext(name)[0]
        title = clean_line(stem.replace("-", " ").replace("_", " ")) or clean_line(name)
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    post = Post(
        id=post_id(fields.get("id"), file, root),
        file=file,
        title=title or "untitled",
        date=post_date(fields, name),
        author=author(fields),
        tags=tags(fields),
        url=url(fields),
        position=position(fields.get("position")),
        feed=scalar_text(fields.get("feed")) or None,
    )
    return post, size, mtime_ns


def full_text_file(file: str) -> str:
    """Where the full text fetched for a post file is kept: `.full/<name>` beside it
    (reader.feeds.fulltext writes it; the dot-folder keeps it out of the post list)."""
    head, name = os.path.split(file)
    return os.path.join(head, FULL_TEXT_DIR, name)


def read_body(post: Post) -> str:
    """Return the post's Markdown body (front matter removed), cleaned for the terminal:
    the full text fetched for it (full_text_file) when there is one, else its own.

    Raises PostError if the file is gone, unreadable or no longer parses.
    """
    full = Path(full_text_file(post.file))
    if full.is_file():
        try:
            data, _ = _read_bytes(full, MAX_POST_BYTES)
            return clean_text(_split(_decode(data, True))[1])
        except PostError:
            pass  # a broken copy: the post's own text
    data, _ = _read_bytes(post.path, MAX_POST_BYTES)
    _, body = _split(_decode(data, True))
    return clean_text(body)


def _sort_key(post: Post) -> tuple[bool, float, bool, int, str]:
    """Dated posts first, newest first; then by position (missing last); then by path."""
    timestamp = -post.date.timestamp() if post.date is not None else 0.0
    position = post.position if post.position is not None else 0
    return (post.date is None, timestamp, post.position is None, position, post.file)


def _dedupe_ids(posts: list[Post], problems: list[Problem]) -> list[Post]:
    """Give the second and later posts sharing an id the suffix '#2', '#3'... and report it."""
    first: dict[str, Post] = {}
    for post in posts:
        first.setdefault(post.id, post)
    taken = set(first)
    result: list[Post] = []
    for post in posts:
        owner = first[post.id]
        if owner is not post:
            number = 2
            while f"{post.id}#{number}" in taken:
                number += 1
            new_id = f"{post.id}#{number}"
            taken.add(new_id)
            where = clean_line(_display_path(owner.path))
            message = f"duplicate id {post.id!r} (also in {where})"
            problems.append(Problem(post.path, f"{message}; shown as {new_id!r}"))
            post = dataclasses.replace(post, id=new_id)
        result.append(post)
    return result


def _newest_named_first(files: list[str]) -> list[str]:
    """Files named `YYYY-MM-DD-...` newest first, then the others (in reverse name order)."""

    def key(file: str) -> tuple[bool, str]:
        name = file[file.rfind(os.sep) + 1 :]  # os.path.basename, at a third of the cost
        return FILE_DATE_RE.match(name) is not None, name

    return sorted(files, key=key, reverse=True)


def _provisional(posts: Iterable[Post]) -> list[Post]:
    """The posts read so far, sorted, one per id (duplicates are sorted out at the end)."""
    unique: dict[str, Post] = {}
    for post in posts:
        unique.setdefault(post.id, post)
    return sorted(unique.values(), key=_sort_key)


def _load_cached(file: str, root: str, cache: PostCache | None) -> Post:
    """read_post, skipping the read when the cache has this unchanged file."""
    if cache is None:
        return read_post(file, root)[0]
    if cache.has(file):
        try:
            info = os.stat(file)
        except OSError as exc:
            raise PostError(f"cannot read: {exc.strerror or exc}") from None
        post = cache.get(file, info.st_size, info.st_mtime_ns)
        if post is not None:
            return post
    # A file new to the cache is not stat'ed first: the open file's fstat gives the key.
    post, size, mtime_ns = read_post(file, root)
    cache.put(file, size, mtime_ns, post)
    return post


def load_library(
    path: Path,
    cache: PostCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    first: Callable[[list[Post]], None] | None = None,
) -> Library:
    """Load every post under path (a directory, or one Markdown file).

    Files that cannot be used become Problems and are skipped. Posts with an
    id already taken by an earlier file (in path order) are kept, with '#2',
    '#3'... appended to the id, and a Problem notes it, so nothing is lost.
    Raises LibraryError when path is missing, not Markdown or has no posts.
    With a cache, files whose size and mtime are unchanged are not read again.
    `progress(done, total)` is called every few hundred files. `first(posts)`, if
    given, is called once with a sorted first screenful (FIRST_SCREEN posts, the
    newest by file name read first) while the rest of a large library is read.
    """
    path = Path(os.path.abspath(path))
    problems: list[Problem] = []
    if path.is_dir():
        root = path
        errors: list[OSError] = []
        files = _walk(path, errors)
        for error in errors:
            where = Path(error.filename) if error.filename else path
            if where == path:
                raise LibraryError(f"cannot read {path}: {error.strerror or error}")
            problems.append(Problem(where, f"cannot read folder: {error.strerror or error}"))
        if not files:
            raise LibraryError(f"no posts (.md or .markdown files) in {path}")
    elif path.exists():
        if not path.is_file() or path.suffix.lower() not in POST_SUFFIXES:
            raise LibraryError(f"not a Markdown file: {path}")
        root = path.parent
        files = [str(path)]
    else:
        raise LibraryError(f"no such file or directory: {path}")
    found: dict[str, Post] = {}
    root_text = str(root)
    total = len(files)
    listed = len(problems)
    # With `first`, files named like the newest dated posts are read first, so that a
    # screenful of likely first rows can be shown while the rest is read.
    order = files if first is None or total <= 2 * FIRST_SCREEN else _newest_named_first(files)
    for done, file in enumerate(order):
        if progress is not None and done % PROGRESS_EVERY == 0 and done:
            progress(done, total)
        if first is not None and done == FIRST_SCREEN and total > 2 * FIRST_SCREEN:
            first(_provisional(found.values()))
        try:
            found[file] = _load_cached(file, root_text, cache)
        except PostError as exc:
            problems.append(Problem(Path(file), str(exc)))
    if order is not files:  # the files' problems in path order, however they were read
        problems[listed:] = sorted(problems[listed:], key=lambda problem: str(problem.path))
    posts = _dedupe_ids([found[file] for file in files if file in found], problems)
    posts.sort(key=_sort_key)
    return Library(root=root, posts=posts, problems=problems)
