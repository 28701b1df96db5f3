"""Full text on demand: fetch a post's page and keep its article beside the post (UI-free).

A feed often carries only a summary. `fetch_full_text(post)` fetches the post's `url`
(front matter; http(s) only, with the polite fetch's deadline and size limit),
extracts the article with readability-lxml, converts it to Markdown with the feed
importer's converter, and writes it to ``.full/<post file name>`` in the post's folder:
the original is never overwritten, and the hidden folder keeps the copy out of the
post list (the library skips dot-folders) while the wiring reads it for the article
and the search index. Every failure (offline, HTTP errors, no article) is one line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reader.feeds.detect import FetchFn
from reader.feeds.http import MAX_BYTES, TIMEOUT, fetch_feed
from reader.frontmatter import FrontMatterError, split_front_matter
from reader.importers.base import ImportResult, write_post
from reader.importers.feed import FeedError, html_to_markdown, render_entry
from reader.library import FULL_TEXT_DIR
from reader.sanitize import clean_line, clean_text

__all__ = [
    "CACHE_DIR",
    "FullText",
    "FullTextError",
    "cache_path",
    "cached",
    "extract_article",
    "fetch_full_text",
]

CACHE_DIR = FULL_TEXT_DIR  # where reader.library.read_body looks first
MIN_CHARS = 40  # an "article" shorter than this is no article
_POST_BYTES = 4 * 1024 * 1024


class FullTextError(ValueError):
    """Full text that cannot be had; one line naming the post."""


@dataclass(frozen=True)
class FullText:
    """The cached full text of a post: its file, and its Markdown body."""

    path: Path
    markdown: str


def cache_path(post: Path) -> Path:
    """Where the full text of `post` is kept: `.full/<name>` beside it."""
    return post.parent / CACHE_DIR / post.name


def cached(post: Path) -> Path | None:
    """The cached full text of `post`, if it has been fetched."""
    path = cache_path(post)
    return path if path.is_file() else None


def extract_article(html: bytes | str, url: str = "") -> tuple[str, str]:
    """(title, Markdown) of the main article of an HTML page. Raises FullTextError."""
    from readability import Document

    try:
        document = Document(html, url=url or None)
        summary = document.summary(html_partial=True)
        title = clean_line(document.short_title() or "").strip()
    except RecursionError:
        raise FullTextError("the page is nested too deeply") from None
    except Exception as error:  # readability raises Unparseable, lxml errors, ValueError
        raise FullTextError(f"cannot read the page: {clean_line(str(error)) or 'empty'}") from None
    markdown = clean_text(html_to_markdown(summary)).strip()
    if len(markdown) < MIN_CHARS:
        raise FullTextError("no article found on the page")
    return title, markdown


def fetch_full_text(
    post: Path,
    *,
    fetch: FetchFn = fetch_feed,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> FullText:
    """Fetch the article of `post` (a Markdown file with a `url`) and cache it beside it.

    Returns the cached copy. Raises FullTextError (one line naming the post) when the
    post has no url, the page cannot be fetched (offline, HTTP error, too slow, too
    large) or holds no article; the post and an older cached copy are left as they were.
    """
    name = clean_line(post.name)
    try:
        with post.open("rb") as handle:
            text = handle.read(_POST_BYTES).decode("utf-8", errors="replace")
        fields, _ = split_front_matter(text)
    except (OSError, FrontMatterError) as error:
        raise FullTextError(f"{name}: cannot read the post: {clean_line(str(error))}") from None
    url = fields.get("url")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise FullTextError(f"{name}: the post has no web address")
    try:
        page = fetch(url, timeout=timeout, max_bytes=max_bytes)
        _, markdown = extract_article(page.body, page.url)
    except (FeedError, FullTextError) as error:
        raise FullTextError(f"{name}: {clean_line(str(error))}") from None
    kept = json.loads(json.dumps(fields, default=str))  # a YAML date becomes its text
    kept["full_text"] = True
    attached = kept.get("enclosures")
    if isinstance(attached, list):  # the feed's attachments stay listed with the article
        from reader.importers.enclosures import enclosures, enclosures_markdown

        items = enclosures({"enclosures": [{"href": url} for url in attached]})
        markdown = f"{markdown}\n\n{enclosures_markdown(items)}".strip()
    target = cache_path(post)
    try:
        target.parent.mkdir(exist_ok=True)
        data = render_entry(kept, markdown).encode("utf-8")
        write_post(target, data, True, ImportResult(target.parent))
    except OSError as error:
        raise FullTextError(f"{name}: cannot keep the full text: {error.strerror}") from None
    return FullText(target, markdown)
