"""Render a post's Markdown into lines of styled segments, away from the UI thread.

The article pane shows pre-rendered lines (Textual's Line API), so scrolling a long
post costs nothing and rendering can run in a worker thread. Rendering uses Rich's
Markdown (built on markdown-it-py) with a few elements changed for reading in a
terminal: headings are left-aligned and marked with their level, raw HTML blocks are
shown dimmed instead of being dropped, and links show their target in brackets
instead of emitting terminal hyperlinks. Post text never passes through Rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, Markdown, MarkdownContext, MarkdownElement, TextElement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme

from reader.budget import MAX_TABLE_CHARS, block_note
from reader.find import HEADING_META
from reader.sanitize import UNSAFE_RE, clean_line, clean_text

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
_REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)


HEADING_STYLES = {
    "h1": "bold underline",
    "h2": "bold",
    "h3": "bold italic",
    "h4": "italic",
    "h5": "italic dim",
    "h6": "dim",
}

DARK_THEME = Theme(
    {
        "markdown.h1": "bold #7fb4ff",
        "markdown.h2": "bold #7fb4ff",
        "markdown.h3": "bold #9fc5ff",
        "markdown.h4": "italic #9fc5ff",
        "markdown.h5": "italic",
        "markdown.h6": "dim",
        "markdown.link": "underline #8ec07c",
        "markdown.link_url": "#6a9955",
        "markdown.code": "bold #e5c07b",
        "markdown.block_quote": "italic #a0a0a0",
        "article.title": "bold #ffffff",
        "article.meta": "#9a9a9a",
        "article.html": "dim",
    }
)

LIGHT_THEME = Theme(
    {
        "markdown.h1": "bold #1f4fa0",
        "markdown.h2": "bold #1f4fa0",
        "markdown.h3": "bold #2b5fb8",
        "markdown.h4": "italic #2b5fb8",
        "markdown.h5": "italic",
        "markdown.h6": "dim",
        "markdown.link": "underline #2a7a2a",
        "markdown.link_url": "#4a7a4a",
        "markdown.code": "bold #8a5a00",
        "markdown.block_quote": "italic #555555",
        "article.title": "bold #000000",
        "article.meta": "#555555",
        "article.html": "dim",
    }
)


class LeftHeading(Heading):
    """A heading drawn left-aligned, with a blank line above it."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Render the heading text left-aligned in its level's style."""
        level = int(self.tag[1:]) if self.tag[1:].isdigit() else 1
        # The meta marks the line as a heading, for the contents list and [ / ] jumps.
        text = Text()
        text.append("#" * level + " ", style=Style(dim=True, meta={HEADING_META: level}))
        text.append_text(self.text)
        text.justify = "left"
        text.stylize(HEADING_STYLES.get(self.tag, ""), level + 1)
        yield text


class HtmlBlock(TextElement):
    """A raw HTML block, shown dimmed as text rather than silently dropped."""

    style_name = "article.html"

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> HtmlBlock:
        """Build the element from its token."""
        return cls()

    def on_text(self, context: MarkdownContext, text: str | Text) -> None:
        """Keep the HTML source as plain text."""
        plain = text.plain if isinstance(text, Text) else text
        self.text.append(plain.rstrip("\n"), context.current_style)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Render the HTML source."""
        yield self.text


class PostMarkdown(Markdown):
    """Rich Markdown with the reader's element overrides; what the parser decoded from
    character references (`&#x202e;`, `&zwj;`...) is cleaned like the rest of the post."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": LeftHeading,
        "html_block": HtmlBlock,
    }

    def __init__(self, markup: str, **options: Any) -> None:
        """Parse the Markdown, then clean every token's text and link targets."""
        super().__init__(markup, **options)
        _clean_tokens(self.parsed)


def _clean_tokens(tokens: list[Token]) -> None:
    """Make the text and attributes of parsed tokens (and their children) safe to show."""
    for token in tokens:
        if token.content and UNSAFE_RE.search(token.content):
            token.content = clean_text(token.content)
        for name, value in token.attrs.items():
            if isinstance(value, str) and UNSAFE_RE.search(value):
                token.attrs[name] = clean_line(value)
        if token.children:
            _clean_tokens(token.children)


def metadata_line(
    date: datetime | None, author: str | None, tags: Iterable[str], url: str | None
) -> str:
    """The one-line summary shown under a post's title."""
    parts: list[str] = []
    if date is not None:
        parts.append(date.strftime("%Y-%m-%d"))
    if author:
        parts.append(f"by {author}")
    tag_list = list(tags)
    if tag_list:
        parts.append("tags: " + ", ".join(tag_list))
    if url:
        parts.append(url)
    return " · ".join(parts)


class ArticleRenderer:
    """Renders one post at a given width, a chunk of Markdown at a time.

    Long posts are cut at blank lines between top-level blocks (never inside a code
    fence, never before an indented continuation line), so the first screen can be
    shown while the rest is still being rendered, and a renderer that is no longer
    wanted can stop between chunks. Reference-style link definitions are repeated
    in every chunk so that links resolve wherever they are used.
    """

    def __init__(self, width: int, *, dark: bool = True) -> None:
        """Prepare a console of the given width and colour scheme."""
        self.width = max(width, 10)
        self.dark = dark
        self.console = Console(
            width=self.width,
            color_system="truecolor",
            force_terminal=True,
            legacy_windows=False,
            theme=DARK_THEME if dark else LIGHT_THEME,
            emoji=False,
            highlight=False,
            markup=False,
        )
        self.options = self.console.options.update(width=self.width, highlight=False, markup=False)

    def header(self, title: str, meta: str) -> Lines:
        """The title, the metadata line and a rule."""
        lines: Lines = []
        render = self.console.render_lines
        title, meta = clean_line(title), clean_line(meta)
        lines.extend(render(Text(title, style="article.title"), self.options, pad=False))
        if meta:
            lines.extend(render(Text(meta, style="article.meta"), self.options, pad=False))
        lines.append([Segment("─" * self.width, Style(dim=True))])
        lines.append([])
        return lines

    def markdown(self, text: str) -> Lines:
        """Render a piece of Markdown."""
        markdown = PostMarkdown(
            text, code_theme="monokai" if self.dark else "friendly", hyperlinks=False
        )
        return self.console.render_lines(markdown, self.options, pad=False)

    def plain(self, text: str) -> Lines:
        """Render post text as it is, wrapped but not formatted."""
        return self.console.render_lines(Text(text), self.options, pad=False)

    def note(self, text: str) -> Lines:
        """Render a dim note of our own (never post text)."""
        return self.console.render_lines(Text(text, style="dim italic"), self.options, pad=False)


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


def reference_definitions(body: str) -> str:
    """Every reference-style link definition of a body, one per line."""
    return "\n".join(match.group(0).strip() for match in _REFERENCE_RE.finditer(body))


def render_article(
    title: str,
    meta: str,
    body: str,
    width: int,
    *,
    dark: bool = True,
) -> Lines:
    """Render a whole post (title, metadata line, Markdown body) to lines `width` cells wide."""
    renderer = ArticleRenderer(width, dark=dark)
    lines = renderer.header(title, meta)
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
    references = "\n\n" + reference_definitions(body) if len(chunks) > 1 else ""
    gap = False  # a blank line between chunks
    for chunk in chunks:
        for note, text in budgeted(chunk):
            if note is not None:
                yield [*([[]] if gap else []), *renderer.note(note), []]
                yield from source_lines(renderer, text)
            elif _TOO_DEEP_RE.search(text):
                yield [*([[]] if gap else []), *renderer.note(DEEP_NOTE), [], *renderer.plain(text)]
            else:
                lines = renderer.markdown(text + references if references.strip() else text)
                yield [[], *lines] if gap else lines
            gap = True
    if cut_note:
        yield [[], *renderer.note(cut_note)]


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
    A short ASCII line is one segment as it is (Rich's wrapping is for the others)."""
    start = 0
    width = renderer.width
    while start < len(text):
        end = text.find("\n", start + CHUNK_CHARS)
        end = len(text) if end == -1 else end + 1
        lines: Lines = []
        for line in text[start:end].rstrip("\n").split("\n"):
            if len(line) <= width and line.isascii() and line.isprintable():
                lines.append([Segment(line)] if line else [])
            else:
                lines.extend(renderer.plain(line))
        yield lines
        start = end


def rendered_chunks(post: Post, width: int, dark: bool) -> Iterator[list[list[Segment]]]:
    """Read and render a post; yields the lines rendered so far after each chunk."""
    from reader.library import PostError, read_body

    try:
        body = read_body(post)
    except PostError as error:
        body = f"*This post could not be read: {error}*"
    renderer = ArticleRenderer(width, dark=dark)
    lines = renderer.header(post.title, metadata_line(post.date, post.author, post.tags, post.url))
    for chunk in article_chunks(renderer, body):
        lines.extend(chunk)
        yield lines
