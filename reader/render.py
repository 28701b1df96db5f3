"""Render a post's Markdown into lines of styled segments, away from the UI thread.

The article pane shows pre-rendered lines (Textual's Line API), so scrolling a long
post costs nothing and rendering can run in a worker thread. Rendering uses Rich's
Markdown (built on markdown-it-py) with a few elements changed for reading in a
terminal: headings are left-aligned and marked with their level, raw HTML blocks are
shown dimmed instead of being dropped, and links show their target in brackets
instead of emitting terminal hyperlinks. Post text never passes through Rich markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, Markdown, MarkdownContext, MarkdownElement, TextElement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme

Lines = list[list[Segment]]

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
        text = Text("#" * level + " ", style=Style(dim=True))
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
    """Rich Markdown with the reader's element overrides."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": LeftHeading,
        "html_block": HtmlBlock,
    }


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


def render_article(
    title: str,
    meta: str,
    body: str,
    width: int,
    *,
    dark: bool = True,
) -> Lines:
    """Render a post (title, metadata line, Markdown body) to lines `width` cells wide."""
    width = max(width, 10)
    console = Console(
        width=width,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        theme=DARK_THEME if dark else LIGHT_THEME,
        emoji=False,
        highlight=False,
        markup=False,
    )
    options = console.options.update(width=width, highlight=False, markup=False)
    lines: Lines = []
    lines.extend(console.render_lines(Text(title, style="article.title"), options, pad=False))
    if meta:
        lines.extend(console.render_lines(Text(meta, style="article.meta"), options, pad=False))
    lines.append([Segment("─" * width, Style(dim=True))])
    lines.append([])
    if body.strip():
        markdown = PostMarkdown(
            body,
            code_theme="monokai" if dark else "friendly",
            hyperlinks=False,
        )
        lines.extend(console.render_lines(markdown, options, pad=False))
    else:
        lines.extend(
            console.render_lines(Text("(this post has no text)", style="dim"), options, pad=False)
        )
    return lines
