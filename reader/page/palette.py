"""The colours of the page (UI-free): one Rich style per role, every one with a background.

The UI builds a Palette from the Textual theme's colours (see reader/widgets/page_look.py);
tests and the command line use `default_palette`. Every style carries an explicit
background, so no cell of the article falls back to the terminal's default colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color
from rich.style import Style


@dataclass(frozen=True)
class Colors:
    """The theme colours a palette is built from (Rich colours)."""

    foreground: Color
    background: Color
    primary: Color
    secondary: Color
    accent: Color
    surface: Color  # code blocks
    muted: Color  # the foreground blended into the background
    warning: Color
    dark: bool = True


@dataclass(frozen=True)
class Palette:
    """A Rich style per role on the page."""

    name: str  # the theme's name: part of the rendering cache's key
    dark: bool
    background: Color
    code_background: Color
    text: Style
    title: Style
    meta: Style
    headings: tuple[Style, ...]  # levels 1 to 6
    link: Style
    link_number: Style
    link_url: Style
    code_inline: Style
    code_block: Style
    quote: Style
    quote_bar: Style
    rule: Style
    table_border: Style
    table_header: Style
    note: Style
    footnote_marker: Style
    image: Style
    bullet: Style
    checkbox: Style
    kbd: Style


def make_palette(name: str, colors: Colors) -> Palette:
    """The page's styles in the given theme colours."""
    bg, fg = colors.background, colors.foreground
    surface = colors.surface

    def on(
        color: Color,
        background: Color = bg,
        *,
        bold: bool | None = None,
        italic: bool | None = None,
        underline: bool | None = None,
    ) -> Style:
        """A colour on a background (the page's, unless said otherwise)."""
        return Style(color=color, bgcolor=background, bold=bold, italic=italic, underline=underline)

    text = on(fg)
    return Palette(
        name=name,
        dark=colors.dark,
        background=bg,
        code_background=surface,
        text=text,
        title=on(fg, bold=True),
        meta=on(colors.muted),
        headings=(
            on(colors.primary, bold=True, underline=True),
            on(colors.primary, bold=True),
            on(colors.secondary, bold=True),
            on(fg, bold=True),
            on(fg, bold=True, italic=True),
            on(colors.muted, italic=True),
        ),
        link=on(colors.primary, underline=True),
        link_number=on(colors.muted),
        link_url=on(colors.primary),
        code_inline=on(colors.accent if colors.dark else colors.secondary, background=surface),
        code_block=on(fg, background=surface),
        quote=on(colors.muted, italic=True),
        quote_bar=on(colors.secondary),
        rule=on(colors.muted),
        table_border=on(colors.muted),
        table_header=on(fg, bold=True),
        note=on(colors.muted, italic=True),
        footnote_marker=on(colors.accent if colors.dark else colors.primary),
        image=on(colors.secondary, italic=True),
        bullet=on(colors.secondary),
        checkbox=on(colors.primary, bold=True),
        kbd=on(fg, background=surface, bold=True),
    )


def _rgb(hex_code: str) -> Color:
    return Color.parse(hex_code)


DARK_COLORS = Colors(
    foreground=_rgb("#e0e0e0"),
    background=_rgb("#121212"),
    primary=_rgb("#4fa3e8"),
    secondary=_rgb("#7fb4ff"),
    accent=_rgb("#fea62b"),
    surface=_rgb("#1e1e1e"),
    muted=_rgb("#8c8c8c"),
    warning=_rgb("#fea62b"),
    dark=True,
)
LIGHT_COLORS = Colors(
    foreground=_rgb("#1f1f1f"),
    background=_rgb("#e0e0e0"),
    primary=_rgb("#004578"),
    secondary=_rgb("#0163a8"),
    accent=_rgb("#a35f00"),
    surface=_rgb("#d0d0d0"),
    muted=_rgb("#5a5a5a"),
    warning=_rgb("#a35f00"),
    dark=False,
)


def default_palette(dark: bool = True) -> Palette:
    """A palette for when there is no Textual theme (tests, tools)."""
    return (
        make_palette("default-dark", DARK_COLORS)
        if dark
        else make_palette("default-light", LIGHT_COLORS)
    )
