"""HTML in posts (UI-free): inline tags become styles or nothing, blocks become Markdown.

Inline: `<br>` is a line break; `<sup>`, `<sub>`, `<kbd>`, `<em>`/`<i>`, `<strong>`/`<b>`,
`<code>`, `<s>`/`<del>`, `<u>`/`<ins>`, `<mark>` keep their text, styled; `<img>` is an
image placeholder; a checkbox is ☐ or ☑; the text inside `<script>` and `<style>` and
comments are dropped; any other tag is dropped, its text kept.

Blocks: converted to Markdown with markdownify (tables stay tables, lists lists), after
removing scripts, styles and comments; the page then renders that Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Larger HTML blocks are shown as their text only (markdownify takes ~1 ms per KB).
MAX_HTML_BLOCK_CHARS = 300_000
MAX_HTML_DEPTH = 2  # HTML inside Markdown converted from HTML: text only beyond this

_TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*?)(/?)\s*>", re.DOTALL)
_ATTR_RE = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
STYLED = frozenset(
    {
        "sup",
        "sub",
        "kbd",
        "em",
        "i",
        "strong",
        "b",
        "code",
        "tt",
        "s",
        "del",
        "strike",
        "u",
        "ins",
        "mark",
        "cite",
        "var",
        "samp",
        "small",
        "a",
    }
)
DROPPED = frozenset({"script", "style", "template", "iframe", "noscript"})
_REMOVED = ["script", "style", "template", "iframe", "noscript", "head"]


@dataclass(frozen=True, slots=True)
class Tag:
    """One inline HTML tag: its name, whether it closes, and its attributes."""

    name: str
    closing: bool
    attrs: dict[str, str]
    self_closing: bool = False


def inline_tags(html: str) -> list[Tag] | None:
    """The tags of an html_inline token (usually one); None for a comment or a
    declaration, which show nothing."""
    text = html.strip()
    if text.startswith(("<!--", "<?", "<!")):
        return None
    tags: list[Tag] = []
    for match in _TAG_RE.finditer(text):
        attrs = {}
        for attr in _ATTR_RE.finditer(match.group(3)):
            value = attr.group(2) or ""
            attrs[attr.group(1).lower()] = value.strip("\"'")
        tags.append(Tag(match.group(2).lower(), bool(match.group(1)), attrs, bool(match.group(4))))
    return tags


def _soup(html: str) -> Any:
    """The parsed HTML without scripts, styles, and comments."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    lowered = html.lower()
    if any(f"<{name}" in lowered for name in _REMOVED):
        for tag in soup.find_all(_REMOVED):
            tag.decompose()
    if "<progress" in lowered:  # a progress bar says how far: "3/7"
        for bar in soup.find_all("progress"):
            value, top = bar.get("value"), bar.get("max")
            bar.replace_with(f"{value}/{top}" if value is not None and top else "")
    if "<!" in html:
        for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
            comment.extract()
    return soup


def block_to_markdown(html: str) -> str:
    """An HTML block as Markdown (its text only if it is huge or markdownify gives up)."""
    soup = _soup(html)
    if len(html) > MAX_HTML_BLOCK_CHARS or soup.find(True) is None:
        return _escaped(soup.get_text(" "))  # huge, or no tag at all: text as it is
    from markdownify import MarkdownConverter

    # HTML text is literal: escaped, it reads the same once parsed as Markdown.
    converter = MarkdownConverter(heading_style="atx", bullets="*", escape_misc=True)
    try:
        markdown: str = converter.convert_soup(soup)
    except RecursionError:  # nested too deeply for markdownify: keep the text
        markdown = _escaped(soup.get_text("\n"))
    return markdown.strip("\n")


def block_text(html: str) -> str:
    """The text of an HTML block, without tags, scripts, styles or comments."""
    return str(_soup(html).get_text(" "))


def _escaped(text: str) -> str:
    """Plain text made safe to parse as Markdown (no structure read into it)."""
    return re.sub(r"([\\`*_{}\[\]<>#+\-.!|~])", r"\\\1", text)
