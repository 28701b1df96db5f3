"""Inline Markdown (UI-free): a paragraph's tokens as styled runs for wrapping.

Links are styled and numbered (`text[3]`, or `text (url)` with inline addresses),
images are a `[image: alt]` placeholder in place, footnote references a superscript
number; inline HTML is reduced to styles and text (reader.page.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token
from rich.style import Style

from reader.find import LINK_META
from reader.page.html import DROPPED, STYLED, inline_tags
from reader.page.palette import Palette
from reader.page.parser import clean_tokens
from reader.page.wrap import Run, superscript

_MARK_STYLES = {
    "em_open": Style(italic=True),
    "strong_open": Style(bold=True),
    "s_open": Style(strike=True),
}
_TAG_STYLES = {
    "em": Style(italic=True),
    "i": Style(italic=True),
    "cite": Style(italic=True),
    "var": Style(italic=True),
    "strong": Style(bold=True),
    "b": Style(bold=True),
    "s": Style(strike=True),
    "del": Style(strike=True),
    "strike": Style(strike=True),
    "u": Style(underline=True),
    "ins": Style(underline=True),
    "mark": Style(reverse=True),
    "small": Style(dim=True),
    "sup": Style(italic=True),
    "sub": Style(italic=True),
}


@dataclass(frozen=True, slots=True)
class PageLink:
    """A numbered link of the page: its text and address."""

    number: int
    text: str
    url: str


@dataclass
class Book:
    """What a page collects as it renders: its links (numbered by first use, one
    number per address) and its footnotes (numbered by first reference)."""

    links: list[PageLink] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)  # footnote key -> number
    inline_notes: dict[str, list[Token]] = field(default_factory=dict)

    def link(self, text: str, url: str) -> int:
        """The number of an address (a new one for an address not seen before)."""
        number = self.numbers.get(url)
        if number is None:
            number = self.numbers[url] = len(self.links) + 1
            self.links.append(PageLink(number, " ".join(text.split()) or url, url))
        return number

    def note(self, key: str) -> int:
        """The number of a footnote, by its label."""
        number = self.notes.get(key)
        if number is None:
            number = self.notes[key] = len(self.notes) + 1
        return number


def plain_text(children: list[Token] | None) -> str:
    """The text of inline tokens, without any syntax (for headings in the contents)."""
    parts: list[str] = []
    for token in children or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(token.content)
    return " ".join("".join(parts).split())


class InlineRenderer:
    """Turns a paragraph's inline tokens into runs."""

    def __init__(
        self, palette: Palette, book: Book, env: dict[str, Any], inline_urls: bool
    ) -> None:
        self.palette = palette
        self.book = book
        self.env = env
        self.inline_urls = inline_urls

    def runs(self, children: list[Token] | None, base: Style) -> list[Run]:
        """The runs of some inline tokens in a base style."""
        palette = self.palette
        runs: list[Run] = []
        stack: list[Style] = [base]
        html_stack: list[str] = []
        link: tuple[str, list[str], bool] | None = None  # (url, text parts, autolink)
        dropping = 0  # inside <script> or <style>
        for token in children or []:
            kind = token.type
            style = stack[-1]
            if kind == "text":
                if not dropping and token.content:
                    runs.append((token.content, style))
                    if link is not None:
                        link[1].append(token.content)
            elif kind == "softbreak":
                runs.append((" ", style))
            elif kind == "hardbreak":
                runs.append(None)
            elif kind == "code_inline":
                runs.append((token.content, style + palette.code_inline))
                if link is not None:
                    link[1].append(token.content)
            elif kind in ("em_open", "strong_open", "s_open"):
                stack.append(style + _MARK_STYLES[kind])
            elif kind in ("em_close", "strong_close", "s_close"):
                if len(stack) > 1:
                    stack.pop()
            elif kind == "link_open":
                url = str(token.attrs.get("href", ""))
                link = (url, [], token.markup == "autolink")
                stack.append(style + palette.link + Style(meta={LINK_META: url}))
            elif kind == "link_close":
                if len(stack) > 1:
                    stack.pop()
                if link is not None:
                    self._link_end(runs, *link)
                link = None
            elif kind == "image":
                self._image(runs, token, style)
            elif kind == "footnote_ref":
                runs.append((superscript(self._note_number(token)), palette.footnote_marker))
            elif kind == "html_inline":
                dropping = self._html(runs, token.content, stack, html_stack, dropping)
        return runs

    def _link_end(self, runs: list[Run], url: str, parts: list[str], autolink: bool) -> None:
        """After a link's text: its number, or its address when addresses are inline."""
        if not url:
            return
        number = self.book.link("".join(parts), url)
        meta = Style(meta={LINK_META: url})
        if self.inline_urls:
            if not autolink:
                runs.append((" (", self.palette.text))
                runs.append((url, self.palette.link_url + meta))
                runs.append((")", self.palette.text))
        else:
            runs.append((f"[{number}]", self.palette.link_number + meta))

    def _image(self, runs: list[Run], token: Token, style: Style) -> None:
        """An image: a placeholder in place, its address in the links."""
        alt = " ".join(token.content.split())
        label = f"[image: {alt}]" if alt else "[image]"
        url = str(token.attrs.get("src", ""))
        meta = Style(meta={LINK_META: url}) if url else Style()
        runs.append((label, self.palette.image + meta))
        if url:
            number = self.book.link(label[1:-1], url)
            if self.inline_urls:
                runs.append((" (", self.palette.text))
                runs.append((url, self.palette.link_url + meta))
                runs.append((")", self.palette.text))
            else:
                runs.append((f"[{number}]", self.palette.link_number + meta))

    def _note_number(self, token: Token) -> int:
        """A footnote reference's number; an inline note's text is kept for the end."""
        meta = token.meta or {}
        label = meta.get("label")
        if label is not None:
            return self.book.note(f":{label}")
        key = f"^{id(self.env)}:{meta.get('id')}"
        notes = self.env.get("footnotes", {}).get("list", {})
        entry = notes.get(meta.get("id"), {})
        tokens = list(entry.get("tokens", []))
        clean_tokens(tokens)  # parsed aside from the rest: made safe here
        self.book.inline_notes[key] = tokens
        return self.book.note(key)

    def _html(
        self, runs: list[Run], html: str, stack: list[Style], open_tags: list[str], dropping: int
    ) -> int:
        """Inline HTML: styles, breaks, placeholders; the tags themselves never show."""
        tags = inline_tags(html)
        if tags is None:
            return dropping
        palette = self.palette
        for tag in tags:
            name = tag.name
            if name in DROPPED:
                dropping = max(0, dropping + (-1 if tag.closing else 1))
            elif tag.closing:
                if name in STYLED and name in open_tags:
                    while open_tags:
                        top = open_tags.pop()
                        if len(stack) > 1:
                            stack.pop()
                        if top == name:
                            break
            elif name == "br":
                runs.append(None)
            elif name == "img":
                alt = tag.attrs.get("alt", "")
                fake = Token(
                    "image", "img", 0, content=alt, attrs={"src": tag.attrs.get("src", "")}
                )
                self._image(runs, fake, stack[-1])
            elif name == "input" and tag.attrs.get("type", "").lower() == "checkbox":
                mark = "☑" if "checked" in tag.attrs else "☐"
                runs.append((mark + " ", palette.checkbox))
            elif name in STYLED and not tag.self_closing:
                extra = _TAG_STYLES.get(name)
                if name in ("code", "tt", "samp"):
                    extra = palette.code_inline
                elif name == "kbd":
                    extra = palette.kbd
                elif name == "a":
                    extra = palette.link
                open_tags.append(name)
                stack.append(stack[-1] + extra if extra is not None else stack[-1])
        return dropping
