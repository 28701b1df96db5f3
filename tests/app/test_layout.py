"""Pilot tests: what an 80x24 terminal shows (footer, sidebar, search box, help, contents).

Each test reads the screen as text (tests/app/screen_text.py), the way a user sees it.
"""

from __future__ import annotations

from typing import Any

from tests.app.screen_text import screen_lines

SMALL = (80, 24)
FIRST = "Product Centric Selling, It Really Is About Us!"
PANE_BORDER = "▕"  # the sidebar's right border


async def test_the_footer_shows_search_help_and_quit_at_80_columns(start: Any) -> None:
    async with start(size=SMALL) as pilot:
        footer = screen_lines(pilot)[-1]
        for key in ("n Next unread", "b Bookmark", "m Read/unread", "v View"):
            assert key in footer, footer
        for key in ("/ Search", "? Help", "q Quit"):
            assert key in footer, footer
        assert len(footer) <= 80
