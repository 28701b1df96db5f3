"""Import an RSS (0.9x, 1.0, 2.0) or Atom feed as Markdown files with front matter.

SOURCE is a local file or an http(s) URL. URLs are fetched here with urllib (a
timeout, a size limit enforced while reading, redirects only to http(s)); feedparser
only ever sees bytes, so it never opens a URL or a file itself. Each entry becomes
``<slug>-<hash>.md``: the slug comes from the title and the hash from the entry's id,
so two entries with the same title never share a file. Importing again matches
entries by id: changed ones are rewritten in place, unchanged files are not touched.
UI-free: never imports textual.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.console import timeout_seconds
from reader.escape import yaml_json
from reader.frontmatter import FrontMatterError, split_front_matter
from reader.importers.base import ImportResult, Progress, slugify, write_post
from reader.importers.enclosures import enclosures, enclosures_markdown
from reader.importers.fetch import FeedError, is_url, load_source
from reader.paths import feeds_dir
from reader.sanitize import clean_line, clean_text

__all__ = [
    "IMPORTER",
    "EntryIndex",
    "FeedError",
    "FeedImporter",
    "ImportResult",
    "entry_fields",
    "front_matter_id",
    "html_to_markdown",
    "import_feed",
    "import_feed_data",
    "render_entry",
]

DEFAULT_TIMEOUT = 15.0  # seconds
HASH_CHARS = 10
DETECT_BYTES = 64 * 1024  # `reader import SOURCE` looks for a feed's root tag in this much
LOCK_NAME = ".reader-import.lock"  # hidden: the library and the index skip it
LOCK_WAIT = 120.0  # seconds an import waits for another into the same folder
_REMOVED_TAGS = ("script", "style", "iframe")
TITLE_WORDS = 8  # an untitled entry is named after this many words of its text
MAX_TITLE_CHARS = 80
_EMAIL_NAME_RE = re.compile(r"[^\s()<>@]+@[^\s()<>@]+\s*\((?P<name>[^()]+)\)")
_NAME_EMAIL_RE = re.compile(r"(?P<name>[^<>]+?)\s*<[^\s<>@]+@[^\s<>@]+>")
def html_to_markdown(html: str) -> str:
    """Convert an HTML fragment to Markdown (ATX headings, `*` bullets), dropping scripts.

    <script>, <style> and <iframe> elements are removed with their content.
    """
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_REMOVED_TAGS):
        tag.decompose()
    converter = MarkdownConverter(heading_style="atx", bullets="*", escape_misc=False)
    try:
        markdown: str = converter.convert_soup(soup)
    except RecursionError:  # nested too deeply for markdownify: keep the text
        markdown = soup.get_text("\n")
    return markdown.strip("\n")


def _html_text(html: str) -> str:
    """The text of an HTML fragment (for titles given as HTML), without scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_REMOVED_TAGS):
        tag.decompose()
    return str(soup.get_text(" "))


def _is_html(detail: object) -> bool:
    """Whether a feedparser *_detail dict says its value is HTML."""
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    return isinstance(kind, str) and "html" in kind


def _text(value: object) -> str:
    """A feedparser value as a string ('' for anything else)."""
    return value.strip() if isinstance(value, str) else ""


def _date(entry: Mapping[str, Any]) -> str | None:
    """The entry's published (else updated) time as ISO 8601 UTC, or None."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed is not None:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                stamp = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
            return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _author(entry: Mapping[str, Any]) -> str:
    """The entry's author's name: "Alice" from "alice@example.com (Alice)" or
    "Alice <alice@example.com>"; the address only when no name is given."""
    detail = entry.get("author_detail")
    name = _text(detail.get("name")) if isinstance(detail, Mapping) else ""
    name = name or _text(entry.get("author"))
    match = _EMAIL_NAME_RE.fullmatch(name) or _NAME_EMAIL_RE.fullmatch(name)
    if match is not None:
        name = match["name"]
    return " ".join(name.strip().strip("\"'").split())


def _first_words(text: str) -> str:
    """The first words of an entry's text, as a title ("…" when cut); '' if it has none."""
    words = clean_line(text).split()
    title = " ".join(words[:TITLE_WORDS])
    cut = len(words) > TITLE_WORDS
    if len(title) > MAX_TITLE_CHARS:
        title, cut = title[:MAX_TITLE_CHARS].rstrip(), True
    return f"{title}…" if cut else title


def _feed_title(feed: object) -> str:
    """The feed's own title, as one line of plain text ('' if it has none)."""
    if not isinstance(feed, Mapping):
        return ""
    title = _text(feed.get("title"))
    if title and _is_html(feed.get("title_detail")):
        title = _html_text(title)
    return clean_line(title)


def entry_fields(
    entry: Mapping[str, Any], feed: str = "", feed_author: str = ""
) -> tuple[dict[str, object], str]:
    """The front matter fields and the Markdown body of one feedparser entry.

    `feed` is the feed's title, kept in each post; `feed_author` stands in for an entry
    without an author. An entry without a title is named after the first words of its
    text, else its date, else its id (else "Untitled"). Only an http(s) link is kept as
    the post's url (not a guid that is no address, nor file: and other schemes).
    """
    title = _text(entry.get("title"))
    if title and _is_html(entry.get("title_detail")):
        title = " ".join(_html_text(title).split())
    date = _date(entry)
    link = _text(entry.get("link"))
    entry_id = _text(entry.get("id")) or link
    if not entry_id:
        key = f"{title}\n{date or ''}" if title or date else repr(entry.get("summary"))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        entry_id = f"sha256:{digest[:32]}"
    content = entry.get("content") or []
    detail: object = content[0] if content and isinstance(content[0], Mapping) else None
    if isinstance(detail, Mapping):
        raw = detail.get("value", "")
    else:
        raw, detail = entry.get("summary", ""), entry.get("summary_detail")
    raw = raw if isinstance(raw, str) else ""
    plain = isinstance(detail, Mapping) and not _is_html(detail) and detail.get("type")
    body = raw.strip() if plain else html_to_markdown(raw)
    if not title:
        title = _first_words(raw if plain else _html_text(raw))
        if not title and date:
            title = date.replace("T", " ").removesuffix("Z")[:16]
        elif not title:
            title = "Untitled" if entry_id.startswith("sha256:") else clean_line(entry_id)
    tags: dict[str, None] = {}
    for tag in entry.get("tags") or []:
        term = _text(tag.get("term")) if isinstance(tag, Mapping) else ""
        if term:
            tags.setdefault(term, None)
    fields: dict[str, object] = {"id": entry_id}
    if title:
        fields["title"] = title
    if date:
        fields["date"] = date
    if author := _author(entry) or feed_author:
        fields["author"] = author
    if feed:
        fields["feed"] = feed
    if tags:
        fields["tags"] = list(tags)
    if urlsplit(link).scheme.lower() in ("http", "https"):
        fields["url"] = link
    if attached := enclosures(entry):  # podcasts, attachments: links `f` lists
        fields["enclosures"] = [url for url, _, _ in attached]
        body = f"{body.rstrip()}\n\n{enclosures_markdown(attached)}".lstrip()
    return fields, clean_text(body)


def render_entry(fields: Mapping[str, object], body: str) -> str:
    """The Markdown file text for one entry: YAML front matter, a blank line, the body."""
    lines = ["---", *(f"{key}: {yaml_json(value)}" for key, value in fields.items()), "---"]
    text = "\n".join(lines) + "\n"
    body = body.strip("\n")
    return f"{text}\n{body}\n" if body else text


def front_matter_id(path: Path) -> str | None:
    """The `id` in a post file's front matter, or None if it has none or cannot be read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", errors="replace")
        fields, _ = split_front_matter(head)
    except (OSError, FrontMatterError):
        return None
    value = fields.get("id")
    return value if isinstance(value, str) else None


class EntryIndex:
    """Finds the file of an entry id among the `<slug>-<hash>.md` files of a directory."""

    def __init__(self, into: Path) -> None:
        """List the directory once, grouping the post files by their hash part."""
        self._into = into
        self._names: set[str] = set()
        self._by_hash: dict[str, list[str]] = {}
        for entry in os.scandir(into):
            name = entry.name
            if name.endswith(".md") and not name.startswith("."):
                self._names.add(name)
                self._by_hash.setdefault(name[:-3].rpartition("-")[2], []).append(name)

    def find(self, entry_id: str, title: str) -> tuple[Path, bool]:
        """(path, exists): the entry's existing file, else a new name no other file has."""
        digest = hashlib.sha256(entry_id.encode("utf-8", "surrogatepass")).hexdigest()
        sizes = range(HASH_CHARS, len(digest) + 1, 6)
        for size in sizes:
            for name in sorted(self._by_hash.get(digest[:size], [])):
                if front_matter_id(self._into / name) == entry_id:
                    return self._into / name, True
        for size in sizes:  # a longer hash only if another file took the short name
            name = f"{slugify(title)}-{digest[:size]}.md"
            if name not in self._names:
                self._names.add(name)
                return self._into / name, False
        raise FeedError(f"cannot name a file for entry {clean_line(entry_id)!r}")


def import_feed(
    source: str,
    into: Path,
    *,
    progress: Progress | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 20 * 1024 * 1024,
) -> ImportResult:
    """Import the feed at source (a file, or an http(s) URL) into the directory into.

    Raises FeedError (one line) when the feed cannot be fetched, is too large or is
    not a feed; OSError from writing into passes through. Entries repeating an id
    seen earlier in the same feed are skipped. progress(done, total) follows each entry.
    Imports into one folder take turns (a lock file, `.reader-import.lock`): each finds
    the files of the one before, so an entry never gets two files.
    """
    data, headers = load_source(source, timeout, max_bytes)
    return import_feed_data(data, headers, source, into, progress=progress)


def import_feed_data(
    data: bytes,
    headers: dict[str, str],
    source: str,
    into: Path,
    *,
    progress: Progress | None = None,
) -> ImportResult:
    """import_feed of bytes already read or fetched (`reader import SOURCE` detected them)."""
    try:
        entries, feed_title, feed_author = _parse(data, headers, source)
        into.mkdir(parents=True, exist_ok=True)
        with _import_lock(into):
            return _write_entries(entries, (feed_title, feed_author), into, progress)
    except RecursionError:  # no parser here recurses that deep yet; never a traceback
        raise FeedError(f"{clean_line(source)} is nested too deeply to import") from None


def _parse(data: bytes, headers: dict[str, str], source: str) -> tuple[list[Any], str, str]:
    """The entries, the feed's title and its author. Raises FeedError if data is not a feed."""
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as error:  # a third-party parser on hostile input
        # e.g. `&#xD800;` in a title: feedparser's loose parser raises UnicodeEncodeError
        name = type(error).__name__
        raise FeedError(f"not an RSS or Atom feed: {clean_line(source)} ({name})") from None
    entries = list(parsed.get("entries") or [])
    feed_title = _feed_title(parsed.get("feed"))
    feed_author = _author(parsed.get("feed") or {})
    if not entries and (not parsed.get("version") or (parsed.get("bozo") and not feed_title)):
        raise FeedError(f"not an RSS or Atom feed: {clean_line(source)}")
    return entries, feed_title, feed_author


@contextmanager
def _import_lock(into: Path) -> Iterator[None]:
    """Hold the folder's import lock (waiting up to LOCK_WAIT seconds for another import)."""
    from filelock import FileLock, Timeout

    lock = FileLock(into / LOCK_NAME, timeout=LOCK_WAIT)
    try:
        lock.acquire()
    except Timeout:
        shown = clean_line(str(into))
        raise FeedError(f"another import into {shown} has been running for too long") from None
    try:
        yield
    finally:
        lock.release()


def _write_entries(
    entries: list[Any],
    feed: tuple[str, str],
    into: Path,
    progress: Progress | None,
) -> ImportResult:
    """Write each entry's file (under the import lock); `feed` is its title and author."""
    index = EntryIndex(into)
    result = ImportResult(into)
    seen: set[str] = set()
    for done, entry in enumerate(entries, start=1):
        fields, body = entry_fields(entry, *feed)
        entry_id = str(fields["id"])
        if entry_id in seen:
            result.problems.append(f"entry {clean_line(entry_id)} appears again; kept the first")
        else:
            seen.add(entry_id)
            path, exists = index.find(entry_id, str(fields.get("title", "")))
            write_post(path, render_entry(fields, body).encode("utf-8"), exists, result)
        if progress is not None:
            progress(done, len(entries))
    return result


class FeedImporter:
    """`reader import feed SOURCE [--into DIR] [--timeout SECONDS]`."""

    name = "feed"
    summary = "an RSS or Atom feed: a file or an http(s) URL"

    def detect(self, source: str) -> bool:
        """An http(s) URL, or a file whose first element is RSS, RDF or Atom's."""
        from reader.feeds.detect import sniff

        if is_url(source):
            return True
        try:
            with open(source, "rb") as handle:
                return sniff(handle.read(DETECT_BYTES)) == "feed"
        except (OSError, ValueError):
            return False

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """SOURCE, --into DIR (default: the feeds folder) and --timeout."""
        parser.add_argument("source", metavar="SOURCE", help="a feed file or an http(s) URL")
        parser.add_argument(
            "--into",
            metavar="DIR",
            help="where to write posts (default: the user data dir's feeds)",
        )
        parser.add_argument(
            "--timeout",
            metavar="SECONDS",
            type=timeout_seconds,
            default=DEFAULT_TIMEOUT,
            help=f"network timeout (more than 0; default {DEFAULT_TIMEOUT:g})",
        )

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """Import the feed into --into, else the user data dir's feeds folder."""
        into = Path(args.into) if args.into else feeds_dir()
        detected = getattr(args, "detected", None)  # `reader import SOURCE` read it already
        if detected is not None and detected.kind == "feed":
            data, headers = detected.data, detected.headers
            return import_feed_data(data, headers, args.source, into, progress=progress)
        return import_feed(args.source, into, progress=progress, timeout=args.timeout)


IMPORTER = FeedImporter()
