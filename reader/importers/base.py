"""What every importer is and returns, and the post-file helpers they share (UI-free).

An importer turns another format into post files. Each is one module in
reader/importers/ with one object that has:

* `name`, the word after `reader import`, and `summary`, its line in `reader import --help`;
* `detect(source)`: whether `reader import SOURCE` (no kind word) should use it;
* `add_arguments(parser)`: its arguments (SOURCE, --into and its own options);
* `run(args, progress)`: the import, returning an ImportResult; a failure that is not
  the user's fault raises ImporterError (one line) or OSError.

The registry (reader.importers.registry) lists them; `reader import` finds them there.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reader.atomic import atomic_write

__all__ = [
    "POST_MODE",
    "ImportResult",
    "Importer",
    "ImporterError",
    "Progress",
    "slugify",
    "write_post",
]

POST_MODE = 0o644  # post files are plain documents: readable by others, like any text file
MAX_SLUG_CHARS = 60
_SLUG_DROP_RE = re.compile(r"['’]")
_SLUG_SEPARATOR_RE = re.compile(r"[^a-z0-9]+")

Progress = Callable[[int, int], None]  # progress(done, total)


class ImporterError(Exception):
    """An import that cannot be done (a malformed source, a failed fetch); one line."""


@dataclass
class ImportResult:
    """What an import did: the folder, counts, one-line problems, and every post's file.

    `skipped` counts posts whose file already held exactly their text (not written
    again); `problems` are things the user should hear about that did not stop the
    import (an entry left out, say); `notes` say what else it did (feeds subscribed).
    """

    into: Path
    added: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said before the summary (stdout)


class Importer(Protocol):
    """One kind of source `reader import` understands (see the module docstring)."""

    name: str
    summary: str

    def detect(self, source: str) -> bool:
        """Whether source (a path or a URL, as typed) looks like this importer's kind."""
        ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add SOURCE, --into and this importer's own options."""
        ...

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """Import; raises ImporterError (one line) or OSError."""
        ...


def write_post(path: Path, data: bytes, exists: bool, result: ImportResult) -> None:
    """Write a post file unless it already holds data; count it as new, updated or skipped.

    `exists` says the file is this post's earlier import (not merely a file of that name).
    """
    if exists and _same_bytes(path, data):
        result.skipped += 1
    else:
        atomic_write(path, data, mode=POST_MODE)
        if exists:
            result.updated += 1
        else:
            result.added += 1
    result.paths.append(path)


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file at path holds exactly data."""
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def slugify(title: str) -> str:
    """Return a lowercase ASCII file-name slug of title ("post" if nothing is left).

    Only a-z, 0-9 and single '-' between them survive, so the result can
    never contain '/' or '..'.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_SEPARATOR_RE.sub("-", _SLUG_DROP_RE.sub("", ascii_title).lower()).strip("-")
    return slug[:MAX_SLUG_CHARS].rstrip("-") or "post"
