"""The page's look from the Textual theme: its colours as a reader.page Palette."""

from __future__ import annotations

from textual.app import App
from textual.color import Color
from textual.theme import Theme

from reader.page.look import Look, PageOptions
from reader.page.palette import Colors, make_palette


def look_for(app: App[object], options: PageOptions | None = None) -> Look:
    """The palette of the app's current theme (and the page options)."""
    theme = app.current_theme
    key = (theme.name, id(theme), options)
    if key not in _LOOKS:
        _LOOKS.clear()
        _LOOKS[key] = _make_look(theme, options)
    return _LOOKS[key]


_LOOKS: dict[tuple[str, int, PageOptions | None], Look] = {}


def _make_look(theme: Theme, options: PageOptions | None) -> Look:
    """Build the look of a theme."""
    variables = theme.to_color_system().generate()
    background = _color(
        variables.get("background"), Color(0, 0, 0) if theme.dark else Color(255, 255, 255)
    )
    foreground = _color(variables.get("foreground"), background.get_contrast_text(1.0))

    def pick(name: str, fallback: Color) -> Color:
        """A theme colour over the background (a translucent one blended into it)."""
        color = _color(variables.get(name), fallback)
        return (
            background.blend(color, color.a) if color.a < 1 and background.ansi is None else color
        )

    surface = pick("surface", background)
    if background.ansi is not None:  # the terminal's own colours: nothing to blend
        surface = background
    elif surface == background or surface.a == 0:
        surface = background.blend(foreground, 0.08)
    colors = Colors(
        foreground=foreground.rich_color,
        background=background.rich_color,
        primary=pick("primary", foreground).rich_color,
        secondary=pick("secondary", foreground).rich_color,
        accent=pick("accent", foreground).rich_color,
        surface=surface.rich_color,
        muted=(
            foreground
            if background.ansi is not None or foreground.ansi is not None
            else background.blend(foreground, 0.62)
        ).rich_color,
        warning=pick("warning", foreground).rich_color,
        dark=theme.dark,
    )
    return Look(make_palette(theme.name, colors), options or PageOptions())


def _color(value: str | None, fallback: Color) -> Color:
    """A theme variable's colour, or the fallback when it is missing or not a colour."""
    if not value:
        return fallback
    try:
        return Color.parse(value)
    except Exception:  # "transparent", "auto 60%"...
        return fallback
