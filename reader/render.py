"""Render a post's Markdown into lines of styled segments, away from the UI thread.

The article pane shows pre-rendered lines (Textual's Line API), so scrolling a long
post costs nothing and rendering can run in a worker thread. The page itself is drawn
by reader.page (our renderer on markdown-it-py tokens, in the theme's colours); this
module cuts long posts into chunks, the first about a screenful, applies the size
budgets (reader.budget) and gives the lines to the screen chunk by chunk. Post text
never passes through Rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from rich.segment import Segment

from reader.budget import MAX_TABLE_CHARS, block_note
from reader.page.blocks import PageRenderer
from reader.page.inline import PageLink
from reader.page.look import Look
from reader.page.palette import default_palette
from reader.sanitize import clean_line

if TYPE_CHECKING:
    from reader.library import Post

Lines = list[list[Segment]]

# Bodies longer than this are cut (with a note): a 20 MB post still opens.
MAX_RENDER_CHARS = 3_000_000
DEEP_NOTE = "(this part is nested too deeply to format; shown as plain text)"
# Long bodies are rendered in chunks of about this many characters (the first one smaller,
# about a screenful, so the top of a post shows at once).
CHUNK_CHARS = 12_000
FIRST_CHUNK_CHARS = 3_000
_FENCE_RE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)
# Deeper than markdown-it's nesting limit, the rest of a block would silently vanish.
_TOO_DEEP_RE = re.compile(
    r"^(?:[ \t]*>){12,}|^[ \t]{24,}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|^(?:[ \t]*[-*+][ \t]+){8,}",
    re.MULTILINE,
)


class RenderedLines(list[list[Segment]]):
    """Rendered lines that also know the post's numbered links."""

    links: list[PageLink]

    def __init__(self, lines: Iterable[list[Segment]] = (), links: list[PageLink] | None = None):
        super().__init__(lines)
        self.links = links if links is not None else []


def metadata_line(
    date: datetime | None,
    author: str | None,
    tags: Iterable[str],
    url: str | None,
    *,
    feed: str | None = None,
    minutes: int | None = None,
) -> str:
    """The one-line summary shown under a post's title (with the feed it came from and
    its estimated reading time, `6 min`)."""
    parts: list[str] = []
    if date is not None:
        parts.append(date.strftime("%Y-%m-%d"))
    if author:
        parts.append(f"by {author}")
    if feed:
        parts.append(feed)
    if minutes is not None:
        parts.append(f"{minutes} min")
    tag_list = list(tags)
    if tag_list:
        parts.append("tags: " + ", ".join(tag_list))
    if url:
        parts.append(url)
    return " · ".join(parts)


def as_look(look: Look | bool | None) -> Look:
    """A Look from a Look, or from the old `dark` flag (tests, tools)."""
    if isinstance(look, Look):
        return look
    return Look(default_palette(dark=look is not False))


class ArticleRenderer:
    """Renders one post at a given width, a chunk of Markdown at a time.

    Long posts are cut at blank lines between top-level blocks (never inside a code
    fence, never before an indented continuation line), so the first screen can be
    shown while the rest is still being rendered, and a renderer that is no longer
    wanted can stop between chunks. Reference-style links and footnotes resolve
    across chunks, and links and notes are numbered across them (reader.page).
    """

    def __init__(self, width: int, look: Look | bool | None = None) -> None:
        """Prepare a page renderer of the given width and look."""
        self.look = as_look(look)
        self.page = PageRenderer(width, self.look.palette, self.look.options)
        self.width = self.page.width
        self.palette = self.look.palette

    def header(self, title: str, meta: str) -> Lines:
        """The title, the metadata line and a rule."""
        page, palette = self.page, self.palette
        lines = page.text_lines(clean_line(title), palette.title)
        meta = clean_line(meta)
        if meta:
            lines.extend(page.text_lines(meta, palette.meta))
        lines.append(page.rule(page.measure))
        lines.append([])
        return lines

    def start(self, body: str, chunked: bool = True) -> None:
        """Learn a body's link references and footnote labels before its first chunk."""
        self.page.start(body, chunked)

    def markdown(self, text: str) -> Lines:
        """Render a piece of Markdown."""
        return self.page.markdown(text)

    def plain(self, text: str) -> Lines:
        """Render post text as it is, wrapped but not formatted."""
        return self.page.text_lines(text, self.palette.text, self.page.width)

    def note(self, text: str) -> Lines:
        """Render a note of our own (never post text)."""
        return self.page.text_lines(text, self.palette.note)

    def end(self) -> Lines:
        """The notes and the list of links."""
        return self.page.end()

    @property
    def links(self) -> list[PageLink]:
        """The links numbered so far."""
        return self.page.book.links


def limit_body(body: str) -> tuple[str, str | None]:
    """Cut a huge body to MAX_RENDER_CHARS; (body, a note saying so or None)."""
    if len(body) <= MAX_RENDER_CHARS:
        return body, None
    cut = body.rfind("\n", 0, MAX_RENDER_CHARS)
    cut = cut if cut > 0 else MAX_RENDER_CHARS
    shown_mb = cut / 1_000_000
    total_mb = len(body) / 1_000_000
    return body[
        :cut
    ], f"(post cut short: showing {shown_mb:.1f} of {total_mb:.1f} million characters)"


def split_markdown(body: str, target: int = CHUNK_CHARS, first: int | None = None) -> list[str]:
    """Cut Markdown into chunks of about `target` characters at safe block boundaries.

    The first chunk aims at `first` characters (default `target`): a small first chunk
    puts the top of a long post on screen sooner.
    """
    first = target if first is None else first
    if len(body) <= max(target, first):
        return [body]
    chunks: list[str] = []
    start = 0
    fence_count = 0
    scan_from = 0
    while len(body) - start > target:
        position = body.find("\n\n", start + (target if chunks else first))
        while position != -1:
            fence_count += _count_fences(body, scan_from, position)
            scan_from = position
            following = body[position + 2 : position + 3]
            if fence_count % 2 == 0 and following and not following.isspace():
                break
            position = body.find("\n\n", position + 2)
        if position == -1:
            break
        chunks.append(body[start:position])
        start = position + 2
    chunks.append(body[start:])
    return chunks


def _count_fences(text: str, start: int, end: int) -> int:
    """How many code fence lines (``` or ~~~ at a line start) lie in text[start:end]."""
    segment = text[start:end]
    return len(_FENCE_RE.findall(segment))


def render_article(
    title: str,
    meta: str,
    body: str,
    width: int,
    look: Look | bool | None = None,
) -> RenderedLines:
    """Render a whole post (title, metadata line, Markdown body) to lines `width` cells wide."""
    renderer = ArticleRenderer(width, look)
    lines = RenderedLines(renderer.header(title, meta), renderer.links)
    for chunk in article_chunks(renderer, body):
        lines.extend(chunk)
    return lines


def article_chunks(renderer: ArticleRenderer, body: str) -> Iterator[Lines]:
    """The rendered body, chunk by chunk (the caller may stop early)."""
    body, cut_note = limit_body(body)
    if not body.strip():
        yield renderer.note("(this post has no text)")
        return
    chunks = split_markdown(body, first=FIRST_CHUNK_CHARS)
    renderer.start(body, chunked=len(chunks) > 1)
    gap = False  # a blank line between chunks
    for chunk in chunks:
        for note, text in budgeted(chunk):
            if note is not None:
                yield [*([[]] if gap else []), *renderer.note(note), []]
                yield from source_lines(renderer, text)
            elif _TOO_DEEP_RE.search(text):
                yield [*([[]] if gap else []), *renderer.note(DEEP_NOTE), [], *renderer.plain(text)]
            else:
                lines = renderer.markdown(text)
                yield [[], *lines] if gap else lines
            gap = True
    if cut_note:
        yield [[], *renderer.note(cut_note)]
    end = renderer.end()
    if end:
        yield end


def budgeted(chunk: str) -> list[tuple[str | None, str]]:
    """A chunk as (None, Markdown to format) and (note, source text to show as it is)
    pieces: each of its blocks too large to format (reader.budget) on its own."""
    if len(chunk) <= MAX_TABLE_CHARS:
        return [(None, chunk)]
    pieces: list[tuple[str | None, str]] = []
    formatted: list[str] = []
    for block in split_markdown(chunk, target=1, first=1):  # at every blank line between blocks
        note = block_note(block)
        if note is None:
            formatted.append(block)
            continue
        if formatted:
            pieces.append((None, "\n\n".join(formatted)))
            formatted = []
        pieces.append((note, block))
    if formatted:
        pieces.append((None, "\n\n".join(formatted)))
    return pieces


def source_lines(renderer: ArticleRenderer, text: str) -> Iterator[Lines]:
    """Source text shown as it is (wrapped, not formatted), in parts of about CHUNK_CHARS
    characters of whole lines, so that the first screen of a huge block shows at once.
    A short ASCII line is one segment as it is (the others are wrapped)."""
    start = 0
    width = renderer.width
    style = renderer.palette.text
    while start < len(text):
        end = text.find("\n", start + CHUNK_CHARS)
        end = len(text) if end == -1 else end + 1
        lines: Lines = []
        for line in text[start:end].rstrip("\n").split("\n"):
            if len(line) <= width and line.isascii() and line.isprintable():
                lines.append([Segment(line, style)] if line else [])
            else:
                lines.extend(renderer.plain(line))
        yield lines
        start = end


def rendered_chunks(
    post: Post, width: int, look: Look | bool | None = None
) -> Iterator[RenderedLines]:
    """Read and render a post; yields the lines rendered so far after each chunk
    (the same list, growing; its `links` complete after the last)."""
    from reader.library import PostError, read_body
    from reader.reading_time import minutes

    try:
        body = read_body(post)  # the full text (`x`, a full_text feed) when fetched
    except PostError as error:
        body = f"*This post could not be read: {error}*"
    renderer = ArticleRenderer(width, look)
    meta = metadata_line(
        post.date, post.author, post.tags, post.url, feed=post.feed, minutes=minutes(body)
    )
    header = renderer.header(post.title, meta)
    lines = RenderedLines(header, renderer.links)
    for chunk in article_chunks(renderer, body):
        lines.extend(chunk)
        yield lines
