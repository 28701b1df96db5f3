"""How posts are drawn (UI-free, light): the page options and the look of a rendering.

Kept apart from the renderer so that the screen can know the look of a post, and the
command line the page options, without importing markdown-it-py and Pygments on the UI
thread: the renderer is imported by the worker that renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.config import DEFAULT_LINK_URLS, DEFAULT_MEASURE
from reader.page.palette import Palette, default_palette


@dataclass(frozen=True)
class PageOptions:
    """How the page is laid out: the measure, and where link addresses go."""

    measure: int = DEFAULT_MEASURE
    link_urls: str = DEFAULT_LINK_URLS  # "end": numbered, listed under Links; "inline": text (url)


@dataclass(frozen=True)
class Look:
    """How posts are drawn: the theme's palette and the layout options."""

    palette: Palette = field(default_factory=default_palette)
    options: PageOptions = field(default_factory=PageOptions)

    @property
    def key(self) -> tuple[str, int, str]:
        """What a rendering depends on besides the post and the width (for caches)."""
        return (self.palette.name, self.options.measure, self.options.link_urls)
