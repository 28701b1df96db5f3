"""Import a plain-text digest of posts as Markdown files with front matter.

A digest is a series of records separated by blank lines; each record is a
title line, one blank line, then an excerpt of one or more non-blank lines.
The first record is the newest post (position 1). Each post becomes
``NN-slug.md`` with YAML front matter holding its title and position. Importing
again leaves unchanged files untouched and rewrites changed ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reader.sanitize import UNSAFE_RE

__all__ = [
    "DigestError",
    "ImportResult",
    "import_digest",
    "parse_digest",
    "render_post",
    "slugify",
    "write_post",
    "yaml_json",
]

MAX_SLUG_CHARS = 60
_SLUG_DROP_RE = re.compile(r"['’]")
_SLUG_SEPARATOR_RE = re.compile(r"[^a-z0-9]+")
# Characters json.dumps(ensure_ascii=False) leaves raw that YAML rejects, reads as line
# breaks, or that reader.frontmatter would turn into visible symbols before parsing
# (reader.sanitize.UNSAFE_RE: controls, format characters, separators, surrogates).
_YAML_ESCAPE_RE = re.compile(f"{UNSAFE_RE.pattern}|[\ufffe\uffff]")


class DigestError(ValueError):
    """A malformed digest; the message is one line, e.g. "line 7: a title with no excerpt"."""


@dataclass
class ImportResult:
    """What an import did: counts, and the files of every post imported, in order."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    paths: list[Path] = field(default_factory=list)


def write_post(path: Path, data: bytes, exists: bool, result: ImportResult) -> None:
    """Write a post file unless it already holds data; count it as new, updated or unchanged.

    `exists` says the file is this post's earlier import (not merely a file of that name).
    """
    if exists and _same_bytes(path, data):
        result.unchanged += 1
    else:
        _write_atomic(path, data)
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


def parse_digest(text: str) -> list[tuple[str, str]]:
    """Return the (title, excerpt) records of a digest, in order.

    Excerpt lines are joined with "\\n" exactly as given. Raises DigestError
    naming the line at fault when a record is incomplete or the digest is empty.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    records: list[tuple[str, str]] = []
    index = 0
    count = len(lines)
    while True:
        while index < count and not lines[index].strip():
            index += 1
        if index >= count:
            break
        title_number = index + 1
        title = lines[index].strip()
        index += 1
        if index < count and lines[index].strip():
            raise DigestError(
                f"line {index + 1}: expected a blank line after the title on line {title_number}"
            )
        index += 1  # the blank line between title and excerpt
        if index >= count or not lines[index].strip():
            raise DigestError(f"line {title_number}: a title with no excerpt")
        start = index
        while index < count and lines[index].strip():
            index += 1
        records.append((title, "\n".join(lines[start:index])))
    if not records:
        raise DigestError("the digest has no posts")
    return records


def render_post(title: str, excerpt: str, position: int) -> str:
    """Return the Markdown file text for one post, ending with exactly one newline.

    The title is written as a JSON string, which YAML reads back unchanged.
    """
    quoted = yaml_json(title)
    body = excerpt.rstrip("\n")
    return f"---\ntitle: {quoted}\nposition: {position}\n---\n\n{body}\n"


def yaml_json(value: object) -> str:
    """A front matter value as JSON, which YAML reads back exactly (see _YAML_ESCAPE_RE)."""
    return _YAML_ESCAPE_RE.sub(_yaml_escape, json.dumps(value, ensure_ascii=False))


def _yaml_escape(match: re.Match[str]) -> str:
    """A character as a YAML double-quoted string escape."""
    code = ord(match[0])
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def slugify(title: str) -> str:
    """Return a lowercase ASCII file-name slug of title ("post" if nothing is left).

    Only a-z, 0-9 and single '-' between them survive, so the result can
    never contain '/' or '..'.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_SEPARATOR_RE.sub("-", _SLUG_DROP_RE.sub("", ascii_title).lower()).strip("-")
    return slug[:MAX_SLUG_CHARS].rstrip("-") or "post"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write data to path via a temporary file in the same directory and os.replace."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def import_digest(source: Path, into: Path) -> ImportResult:
    """Write one ``NN-slug.md`` file per digest post into the directory into.

    NN is the position, zero-padded to 2 digits (3 or more for longer digests).
    Re-running gives identical bytes; a file that already holds them is not written
    again. Files are written atomically. Raises DigestError for a malformed digest;
    OSError passes through.
    """
    raw = source.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DigestError(f"not valid UTF-8 (byte {exc.start})") from None
    records = parse_digest(text)
    width = max(2, len(str(len(records))))
    into.mkdir(parents=True, exist_ok=True)
    result = ImportResult()
    for position, (title, excerpt) in enumerate(records, start=1):
        path = into / f"{position:0{width}d}-{slugify(title)}.md"
        data = render_post(title, excerpt, position).encode("utf-8")
        write_post(path, data, path.is_file(), result)
    return result
