"""The page renderer (UI-free): Markdown blocks to styled lines, a chunk at a time.

Body text wraps at the measure (`PageOptions.measure` columns, fewer in a narrower
pane); code blocks, tables and rules may use the pane's whole width. Every segment
carries the palette's background. Links and footnotes are numbered across chunks; the
notes and the list of links come at the end (`PageRenderer.end`).
"""

from __future__ import annotations

import re
from typing import Any

from rich.segment import Segment
from rich.style import Style

from reader.find import HEADING_META, HEADING_TEXT_META, LINK_META, MIN_TEXT
from reader.page.code import code_lines
from reader.page.html import MAX_HTML_DEPTH, block_text, block_to_markdown
from reader.page.inline import Book, InlineRenderer, plain_text
from reader.page.look import PageOptions
from reader.page.palette import Palette
from reader.page.parser import Node, block_tree, new_env, parse
from reader.page.table import table_lines
from reader.page.wrap import Lines, Run, prefixed, superscript, wrap

LINK_MODES = ("end", "inline")
BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "▌ "


def layout_width(width: int) -> int:
    """The width lines are made for in a pane `width` cells wide."""
    return max(width, MIN_TEXT)


class PageRenderer:
    """Renders one post's Markdown for one width and palette, chunk by chunk."""

    def __init__(self, width: int, palette: Palette, options: PageOptions | None = None) -> None:
        self.options = options or PageOptions()
        self.width = layout_width(width)
        self.measure = max(min(self.options.measure, self.width), min(MIN_TEXT, self.width))
        self.palette = palette
        self.book = Book()
        self.env: dict[str, Any] = new_env("")
        self.inline = InlineRenderer(
            palette, self.book, self.env, self.options.link_urls == "inline"
        )
        self.footnote_defs: dict[str, Node] = {}
        self.depth = 0  # lists inside lists (for the bullet)
        self.html_depth = 0  # Markdown converted from HTML inside such Markdown

    def start(self, body: str, chunked: bool) -> None:
        """Know a body's reference links and footnote labels before its first chunk (a
        body rendered in one piece needs no help: the parser sees it all)."""
        from reader.page.parser import reference_definitions

        self.env.clear()
        self.env.update(new_env(body if chunked else ""))
        definitions = reference_definitions(body) if chunked else ""
        if definitions:
            parse(definitions, self.env)

    # Lines of our own -------------------------------------------------------------

    def text_lines(self, text: str, style: Style, width: int | None = None) -> Lines:
        """Plain text (a title, a note, source shown as it is) wrapped in one style."""
        runs: list[Run] = []
        for index, line in enumerate(text.split("\n")):
            if index:
                runs.append(None)
            runs.append((line, style))
        return wrap(runs, width or self.measure)

    def rule(self, width: int | None = None) -> list[Segment]:
        """A horizontal rule."""
        return [Segment("─" * (width or self.width), self.palette.rule)]

    # Markdown ---------------------------------------------------------------------

    def markdown(self, text: str) -> Lines:
        """Render a piece of Markdown (a chunk of the body)."""
        nodes = block_tree(parse(text, self.env))
        return self.blocks(nodes, self.measure, self.width, self.palette.text)

    def blocks(
        self, nodes: list[Node], text_w: int, full_w: int, base: Style, tight: bool = False
    ) -> Lines:
        """Blocks one after another, a blank line between them (none in a tight list)."""
        lines: Lines = []
        for node in nodes:
            block = self.block(node, text_w, full_w, base, tight)
            if not block:
                continue
            if lines and not tight:
                lines.append([])
            lines.extend(block)
        return lines

    def block(self, node: Node, text_w: int, full_w: int, base: Style, tight: bool) -> Lines:
        """One block."""
        kind = node.type
        palette = self.palette
        if kind == "paragraph":
            return self.paragraph(node, text_w, base)
        if kind == "inline":
            return wrap(self.inline.runs(node.token.children, base), text_w)
        if kind == "heading":
            return self.heading(node, text_w)
        if kind in ("bullet_list", "ordered_list"):
            return self.list_lines(node, text_w, full_w, base)
        if kind == "blockquote":
            bar = [Segment(QUOTE_BAR, palette.quote_bar)]
            inner = self.blocks(node.children, *self.narrower(text_w, full_w, 2), palette.quote)
            return prefixed(inner, bar, bar)
        if kind in ("fence", "code_block"):
            language = node.token.info.strip().split(" ")[0] if node.token.info else ""
            return code_lines(node.token.content, language, full_w, palette)
        if kind == "hr":
            return [self.rule(full_w)]
        if kind == "html_block":
            return self.html_block(node.token.content, text_w, full_w, base)
        if kind == "table":
            return table_lines(node, full_w, palette, self.cell_runs)
        if kind == "dl":
            return self.definitions(node, text_w, full_w, base)
        if kind == "footnote_reference":
            label = str((node.token.meta or {}).get("label", ""))
            self.footnote_defs.setdefault(f":{label}", node)
            return []
        return self.blocks(node.children, text_w, full_w, base, tight)

    def narrower(self, text_w: int, full_w: int, indent: int) -> tuple[int, int]:
        """The widths inside a container indented by `indent` (text keeps MIN_TEXT)."""
        room = max(text_w - indent, min(MIN_TEXT, text_w))
        return room, max(full_w - indent, room)

    def paragraph(self, node: Node, width: int, base: Style) -> Lines:
        """A paragraph."""
        inline = node.children[0].token.children if node.children else []
        return wrap(self.inline.runs(inline, base), width)

    def cell_runs(self, cell: Node, base: Style) -> list[Run]:
        """A table cell's runs."""
        return self.inline.runs(cell.children[0].token.children if cell.children else [], base)

    def heading(self, node: Node, width: int) -> Lines:
        """A heading in its level's style; its first line marked for the contents."""
        level = int(node.token.tag[1:]) if node.token.tag[1:].isdigit() else 1
        level = min(max(level, 1), 6)
        children = node.children[0].token.children if node.children else []
        lines = wrap(self.inline.runs(children, self.palette.headings[level - 1]), width)
        if lines and lines[0]:
            mark = Style(meta={HEADING_META: level, HEADING_TEXT_META: plain_text(children)})
            first = lines[0][0]
            lines[0][0] = Segment(first.text, (first.style or Style()) + mark)
        return lines

    def list_lines(self, node: Node, text_w: int, full_w: int, base: Style) -> Lines:
        """A list: numbers with their dots (or bullets), items indented under them."""
        ordered = node.type == "ordered_list"
        items = [child for child in node.children if child.type == "list_item"]
        tight = any(
            child.type == "paragraph" and child.token.hidden
            for item in items
            for child in item.children
        )
        if ordered:
            start = int(node.token.attrs.get("start", 1) or 1)
            delimiter = node.token.markup or "."
            markers = [f"{start + i}{delimiter}" for i in range(len(items))]
        else:
            bullet = BULLETS[self.depth % len(BULLETS)]
            markers = [bullet] * len(items)
        marker_w = max((len(m) for m in markers), default=1) + 1
        inner_text, inner_full = self.narrower(text_w, full_w, marker_w)
        indent = text_w - inner_text if text_w - inner_text >= marker_w else 0
        lines: Lines = []
        self.depth += 1
        try:
            for marker, item in zip(markers, items, strict=True):
                body = self.blocks(item.children, inner_text, inner_full, base, tight)
                if not body:
                    body = [[]]
                if lines and not tight:
                    lines.append([])
                if indent:
                    first = [Segment(marker.rjust(marker_w - 1) + " ", self.palette.bullet)]
                    rest = [Segment(" " * marker_w, base)]
                    lines.extend(prefixed(body, first, rest))
                else:  # no room to indent: the marker on a line of its own
                    lines.append([Segment(marker, self.palette.bullet)])
                    lines.extend(body)
        finally:
            self.depth -= 1
        return lines

    def definitions(self, node: Node, text_w: int, full_w: int, base: Style) -> Lines:
        """A definition list: terms in bold, definitions indented under them."""
        lines: Lines = []
        inner_text, inner_full = self.narrower(text_w, full_w, 4)
        pad = [Segment(" " * (text_w - inner_text), base)]
        for child in node.children:
            if child.type == "dt":
                if lines:
                    lines.append([])
                lines.extend(self.blocks(child.children, text_w, full_w, base + Style(bold=True)))
            elif child.type == "dd":
                body = self.blocks(child.children, inner_text, inner_full, base)
                lines.extend(prefixed(body, pad, pad) if text_w > inner_text else body)
        return lines

    def html_block(self, html: str, text_w: int, full_w: int, base: Style) -> Lines:
        """Block HTML, converted to Markdown and rendered (its text only, when nested)."""
        if not html.strip() or (html.lstrip().startswith("<!--") and html.rstrip().endswith("-->")):
            return []
        if self.html_depth >= MAX_HTML_DEPTH:
            return self.text_lines(" ".join(block_text(html).split()), base, text_w)
        try:
            markdown = block_to_markdown(html)
        except Exception:  # a parser's failure on hostile HTML: show its text, never a traceback
            text = re.sub(r"<[^>]*>", " ", html)  # the tags go; their text stays
            return self.text_lines(" ".join(text.split()), base, text_w)
        if not markdown.strip():
            return []
        self.html_depth += 1
        try:
            nodes = block_tree(parse(markdown, self.env))
            return self.blocks(nodes, text_w, full_w, base)
        finally:
            self.html_depth -= 1

    # The end of the page ------------------------------------------------------------

    def end(self) -> Lines:
        """The notes and the links, after the last chunk."""
        lines: Lines = []
        palette = self.palette
        notes = self.notes()
        if notes:
            lines += [
                [],
                self.rule(self.measure),
                *self.text_lines("Notes", palette.headings[2]),
                [],
            ]
            lines += notes
        if self.book.links and self.options.link_urls != "inline":
            lines += [
                [],
                self.rule(self.measure),
                *self.text_lines("Links", palette.headings[2]),
                [],
            ]
            width = max(len(str(len(self.book.links))) + 3, 4)
            for link in self.book.links:
                meta = Style(meta={LINK_META: link.url})
                number = f"[{link.number}]".rjust(width - 1) + " "
                runs: list[Run] = [(link.url, palette.link_url + meta)]
                body = wrap(runs, self.measure - width)
                first = [Segment(number, palette.link_number + meta)]
                lines += prefixed(body, first, [Segment(" " * width, palette.text)])
        return lines

    def notes(self) -> Lines:
        """Every footnote, numbered in the order of first reference; unreferenced last."""
        palette = self.palette
        lines: Lines = []
        keys = list(self.book.notes)
        keys += [key for key in self.footnote_defs if key not in self.book.notes]
        inner = self.measure - 4
        for key in keys:
            number = self.book.notes.get(key)
            marker = superscript(number) if number is not None else f"[{key[1:]}]"
            definition = self.footnote_defs.get(key)
            if definition is not None:
                body = self.blocks(definition.children, inner, self.width - 4, palette.text)
            elif key in self.book.inline_notes:
                body = wrap(self.inline.runs(self.book.inline_notes[key], palette.text), inner)
            else:
                body = self.text_lines("(this note is missing)", palette.note, inner)
            body = body or [[]]
            first = [Segment(marker.rjust(3) + " ", palette.footnote_marker)]
            rest = [Segment("    ", palette.text)]
            if lines:
                lines.append([])
            lines += prefixed(body, first, rest)
        return lines
