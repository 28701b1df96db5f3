"""Pilot tests: the article is drawn in the theme's colours, on every cell, and follows
a change of theme (also for posts rendered ahead of time)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color as RichColor
from textual.color import Color

from tests.app.conftest import article, current_title, screen_of, settle

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference-post.md"


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """The reference post (every kind of block) and a short one after it."""
    folder = tmp_path / "posts"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "a-reference.md")
    (folder / "b-short.md").write_text(
        "---\ntitle: Short\ndate: 2000-01-01\n---\n\nShort text with `code`.\n"
    )
    return folder


def theme_background(app: Any) -> RichColor:
    """The current theme's background colour."""
    value = app.current_theme.to_color_system().generate()["background"]
    return Color.parse(value).rich_color


async def every_background(pilot: Any) -> set[RichColor | None]:
    """The background of every cell the article pane draws, top to bottom of the post."""
    view = article(pilot)
    found: set[RichColor | None] = set()
    height = view.scrollable_content_region.height
    top = 0
    while True:
        view.scroll_to(y=top, animate=False, immediate=True)
        await pilot.pause()
        for y in range(height):
            for segment in view.render_line(y):
                found.add(segment.style.bgcolor if segment.style else None)
        if top >= view.max_scroll_y:
            return found
        top = min(top + height, int(view.max_scroll_y))


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light", "catppuccin-latte"])
async def test_a_light_theme_gives_every_article_cell_the_theme_background(
    start: Any, posts: Path, theme: str
) -> None:
    async with start(posts) as pilot:
        pilot.app.theme = theme
        await settle(pilot)
        assert current_title(pilot) == "A reference post"
        look = screen_of(pilot).articles.look()
        assert look.palette.name == theme
        backgrounds = await every_background(pilot)
        background = theme_background(pilot.app)
        assert background in backgrounds
        # Only the theme's background, and the code block's (a deliberate block colour).
        assert backgrounds <= {background, look.palette.code_background}, backgrounds


async def test_a_new_theme_redraws_the_shown_post_and_the_one_rendered_ahead(
    start: Any, posts: Path
) -> None:
    """textual-dark, then nord (also dark): the neighbour rendered ahead in textual-dark
    is not reused (the cache is keyed on the theme, not on dark or light)."""
    async with start(posts) as pilot:
        await settle(pilot)  # b-short rendered ahead, in textual-dark
        dark = theme_background(pilot.app)
        code = screen_of(pilot).articles.look().palette.code_background
        assert await every_background(pilot) <= {dark, code}
        pilot.app.theme = "nord"
        await settle(pilot)
        nord = theme_background(pilot.app)
        assert nord != dark
        assert nord in await every_background(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert current_title(pilot) == "Short"
        backgrounds = await every_background(pilot)
        assert dark not in backgrounds
        assert nord in backgrounds


async def test_every_built_in_theme_colours_every_cell(start: Any, posts: Path) -> None:
    """All of Textual's themes, light and dark (ANSI ones included): only the theme's
    background and the code block's under the text, and text unlike its background."""
    from textual.theme import BUILTIN_THEMES

    async with start(posts) as pilot:
        for name in BUILTIN_THEMES:
            pilot.app.theme = name
            await settle(pilot)
            look = screen_of(pilot).articles.look()
            assert look.palette.name == name
            backgrounds = await every_background(pilot)
            assert backgrounds <= {theme_background(pilot.app), look.palette.code_background}, name
            palette = look.palette
            if not palette.background.is_default:
                assert palette.text.color != palette.background, name
                assert palette.link.color != palette.background, name
