"""Pilot tests: the footer at 80 columns names the keys that work where you are: in the
search box, in the find box, and in the article while find is open."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from reader.widgets.article_pane import ArticlePane
from reader.widgets.find_bar import FindBar
from reader.widgets.search_bar import SearchBar
from tests.app.conftest import screen_of, settle
from tests.app.screen_text import screen_lines

MAIN = " n Next unread  b Bookmark  m Read/unread  v View  / Search  ? Help  q Quit"


def footer(pilot: Any) -> str:
    """The footer line."""
    return screen_lines(pilot)[-1]


async def test_the_search_and_find_boxes_hint_their_keys_and_find_hints_n_and_shift_n(
    start: Any,
) -> None:
    async with start(size=(80, 24)) as pilot:
        assert footer(pilot) == MAIN

        await pilot.press("slash")
        await settle(pilot)
        line = footer(pilot)
        assert "esc Close" in line and "↓ Results" in line and "f1 Help" in line, line
        assert "/ Search" not in line, "/ is typed into the query here"
        await pilot.press("slash", "ctrl+f", "slash")
        await settle(pilot)
        assert screen_of(pilot).query_one(SearchBar).value == "//"
        assert not screen_of(pilot).query_one(FindBar).is_open
        await pilot.press("escape")
        await settle(pilot)
        assert footer(pilot) == MAIN

        await pilot.press("ctrl+f")
        await settle(pilot)
        line = footer(pilot)
        assert "↑↓ Next/prev match" in line and "esc Close" in line and "f1 Help" in line, line
        assert "/ Search" not in line and "Next unread" not in line, line
        await pilot.press("slash")
        await settle(pilot)
        assert screen_of(pilot).query_one("#find-input", Input).value == "/"
        await pilot.press("backspace", *"the")
        await settle(pilot)
        pane = screen_of(pilot).query_one(ArticlePane)
        assert pane.current == 0 and len(pane.matches) >= 3
        await pilot.press("f3", "down", "up")  # still in the box: each steps a match
        await settle(pilot)
        assert pane.current == 1

        await pilot.press("enter")  # to the article; n / N step on
        await settle(pilot)
        line = footer(pilot)
        assert line.startswith(" n N Next/prev  b Bookmark"), line
        assert line.endswith("? Help  q Quit") and len(line) <= 80, line
        await pilot.press("N")
        await settle(pilot)
        assert pane.current == 1

        await pilot.press("escape")
        await settle(pilot)
        assert not screen_of(pilot).query_one(FindBar).is_open
        assert footer(pilot) == MAIN
