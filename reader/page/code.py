"""Code blocks (UI-free): highlighted with Pygments on the palette's block background.

The Pygments style follows the theme (a dark or a light one); its own background is
not used, so the block looks the same in every theme of a kind and on 16 colours.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from reader.page.palette import Palette
from reader.page.wrap import Lines, split_cells, text_width

DARK_STYLE = "monokai"
LIGHT_STYLE = "friendly"
MAX_HIGHLIGHT_CHARS = 50_000  # larger blocks are shown in one colour (lexing is slow)


@lru_cache(maxsize=8)
def _token_styles(style_name: str, background: Color) -> dict[object, Style]:
    """Pygments token type -> Rich style on the given background."""
    from pygments.styles import get_style_by_name

    pygments_style = get_style_by_name(style_name)
    styles: dict[object, Style] = {}
    for token_type, spec in pygments_style:
        color = Color.parse("#" + spec["color"]) if spec["color"] else None
        styles[token_type] = Style(
            color=color,
            bgcolor=background,
            bold=spec["bold"] or None,
            italic=spec["italic"] or None,
        )
    return styles


@lru_cache(maxsize=64)
def _lexer(language: str) -> object | None:
    """A Pygments lexer for a fence's language, or None."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer: object = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        return lexer
    except (ClassNotFound, ValueError):
        return None


def _pieces(code: str, language: str, palette: Palette) -> list[list[tuple[str, Style]]]:
    """The code as lines of (text, style) pieces."""
    base = palette.code_block
    lexer = _lexer(language.lower()) if language and len(code) <= MAX_HIGHLIGHT_CHARS else None
    lines: list[list[tuple[str, Style]]] = [[]]
    if lexer is None:
        return [[(line, base)] for line in code.split("\n")]
    from pygments import lex

    styles = _token_styles(DARK_STYLE if palette.dark else LIGHT_STYLE, palette.code_background)
    try:
        tokens = list(lex(code, lexer))
    except Exception:  # a lexer that fails on odd input: the code in one colour
        return [[(line, base)] for line in code.split("\n")]
    for token_type, value in tokens:
        style = None
        kind = token_type
        while style is None and kind is not None:
            style = styles.get(kind)
            kind = kind.parent
        style = style if style is not None and style.color is not None else base
        parts = value.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append((part, style))
    return lines


def code_lines(code: str, language: str, width: int, palette: Palette) -> Lines:
    """A code block `width` cells wide: a margin of one cell each side, long lines
    wrapped by cells, every cell on the block's background."""
    code = code.expandtabs(4).rstrip("\n")
    base = palette.code_block
    inner = max(width - 2, 4)
    result: Lines = []
    edge = Segment(" ", base)
    blank = [Segment(" " * max(width, inner + 2), base)]
    result.append(blank)
    for pieces in _pieces(code, language, palette):
        line: list[Segment] = [edge]
        used = 0
        for text, style in pieces:
            for piece in split_cells(text, inner) if text else []:
                size = text_width(piece)
                if used + size > inner:
                    line.append(Segment(" " * max(0, inner - used + 1), base))
                    result.append(line)
                    line, used = [edge], 0
                line.append(Segment(piece, style))
                used += size
        line.append(Segment(" " * max(0, inner - used + 1), base))
        result.append(line)
    result.append(blank)
    return result
