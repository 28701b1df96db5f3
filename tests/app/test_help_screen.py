"""Pilot tests: the help screen scrolls one line per key however fast keys come, and
describes every key in the same style (sentence case), Textual's tab and shift+tab too."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual import events
from textual.containers import VerticalScroll

from reader.screens.help import HelpScreen
from tests.app.conftest import settle


async def test_keys_that_arrive_together_scroll_the_help_one_line_each(start: Any) -> None:
    async with start(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        scroll = pilot.app.screen.query_one(VerticalScroll)
        page = scroll.scrollable_content_region.height
        assert scroll.max_scroll_y >= 2 * page > 20
        # A held key: the terminal sends the presses faster than the screen refreshes.
        steps = [("pagedown", 2, 2 * page), ("home", 1, 0), ("j", 20, 20), ("k", 5, 15)]
        for key, count, expected in steps:
            for _ in range(count):
                pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
            await settle(pilot)
            assert scroll.scroll_y == expected, (key, count, scroll.scroll_y)


async def test_help_describes_every_key_in_sentence_case(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        descriptions = [description for _, rows in screen.sections for _, description in rows]
        assert "Focus next pane" in descriptions and "Focus previous pane" in descriptions
        for description in descriptions:
            assert description[0].isupper() and description[1:] == description[1:].lower(), (
                description
            )
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(screen.table)
        text = console.export_text()
        assert "Focus next pane" in text and "Focus previous pane" in text
        assert "Focus Next" not in text and "Focus Previous" not in text
