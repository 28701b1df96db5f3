"""Import a plain-text digest of posts as Markdown files with front matter.

A digest is a series of records separated by blank lines; each record is a
title line, one blank line, then an excerpt of one or more non-blank lines.
The first record is the newest post (position 1). Each post becomes
``NN-slug.md`` with YAML front matter holding its title and position. Importing
again leaves unchanged files untouched and rewrites changed ones.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.console import UsageError
from reader.escape import yaml_json
from reader.importers.base import ImporterError, ImportResult, Progress, slugify, write_post

__all__ = [
    "IMPORTER",
    "DigestError",
    "DigestImporter",
    "import_digest",
    "parse_digest",
    "render_post",
]

DETECT_BYTES = 256 * 1024  # how much of a file `reader import SOURCE` reads to tell its kind


class DigestError(ImporterError, ValueError):
    """A malformed digest; the message is one line, e.g. "line 7: a title with no excerpt"."""


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
    result = ImportResult(into)
    for position, (title, excerpt) in enumerate(records, start=1):
        path = into / f"{position:0{width}d}-{slugify(title)}.md"
        data = render_post(title, excerpt, position).encode("utf-8")
        write_post(path, data, path.is_file(), result)
    return result


class DigestImporter:
    """`reader import digest FILE --into DIR`."""

    name = "digest"
    summary = "a plain-text digest of titles and excerpts"

    def detect(self, source: str) -> bool:
        """A local UTF-8 text file whose beginning reads as digest records (not XML or HTML)."""
        try:
            with open(source, "rb") as handle:
                head = handle.read(DETECT_BYTES + 1)
        except (OSError, ValueError):
            return False
        text = head[:DETECT_BYTES].decode("utf-8", errors="replace")
        if text.lstrip("\ufeff \t\r\n").startswith("<"):
            return False
        if len(head) > DETECT_BYTES:  # judge the complete records only
            text = text[: text.rfind("\n\n") + 1]
        try:
            parse_digest(text)
        except DigestError:
            return False
        return True

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """FILE and --into DIR."""
        parser.add_argument(
            "source",
            metavar="FILE",
            help="the digest: records apart by blank lines, each a title line, "
            "a blank line and the excerpt; the first record is the newest post",
        )
        parser.add_argument("--into", metavar="DIR", required=True, help="where to write posts")

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """Import the digest; DigestError names the line at fault."""
        source = Path(args.source)
        if not source.is_file():
            raise UsageError(f"no such file: {source}")
        try:
            return import_digest(source, Path(args.into))
        except DigestError as error:
            raise DigestError(f"{source}: {error}") from None


IMPORTER = DigestImporter()
