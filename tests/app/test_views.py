"""Pilot tests: views, reload, help and the command palette."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.command import CommandPalette

from reader.screens.help import HelpScreen
from tests.app.conftest import article_text, current_title, screen_of, settle, sidebar, titles


async def test_v_cycles_the_four_views_and_keeps_the_current_post(start: Any) -> None:
    async with start() as pilot:
        store = screen_of(pilot).store
        rows = sidebar(pilot).rows
        store.set_read(rows[0].post_id, True)
        store.set_bookmarked(rows[3].post_id, True)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("Unread 19/20")
        assert len(titles(pilot)) == 19
        assert current_title(pilot) == rows[3].title
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("Bookmarked 1/20")
        assert titles(pilot) == [rows[3].title]
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("In progress 0/20")
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("All 20/20")
        assert current_title(pilot) == rows[3].title


async def test_a_post_read_in_the_unread_view_stays_listed_until_the_view_is_left(
    start: Any,
) -> None:
    async with start() as pilot:
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("j", "m")
        await settle(pilot)
        assert len(titles(pilot)) == 20, "the read post stays under the cursor"
        assert sidebar(pilot).cursor == 1
        assert not sidebar(pilot).rows[1].unread
        await pilot.press("v", "v", "v", "v")
        await settle(pilot)
        assert len(titles(pilot)) == 19


async def test_an_empty_view_says_so(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("v", "v")
        await settle(pilot)
        assert titles(pilot) == []
        assert "No bookmarked posts" in sidebar(pilot).empty_text
        assert article_text(pilot) == ""
        await pilot.press("j", "n", "b", "m")
        await settle(pilot)
        assert screen_of(pilot).store.bookmarked_ids() == set()


async def test_the_view_is_restored_at_the_next_start(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("v")
        await settle(pilot)
    async with start() as pilot:
        assert pilot.app.screen.sub_title.startswith("Unread")


async def test_r_reloads_new_and_removed_posts_and_keeps_the_selection(
    start: Any, library: Path
) -> None:
    async with start(library) as pilot:
        await pilot.press("j", "j")
        await settle(pilot)
        chosen = current_title(pilot)
        (library / "00-new.md").write_text(
            "---\ntitle: A brand new post\nposition: 0\n---\n\nNew!\n"
        )
        first = sorted(library.glob("01-*.md"))[0]
        first.unlink()
        await pilot.press("r")
        await settle(pilot)
        assert "A brand new post" in titles(pilot)
        assert len(titles(pilot)) == 20
        assert not any(t.startswith("Product Centric") for t in titles(pilot))
        assert current_title(pilot) == chosen


async def test_help_lists_every_key_and_closes(start: Any) -> None:
    async with start() as pilot:
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, HelpScreen)
            console = Console(width=120, record=True, file=io.StringIO())
            console.print(pilot.app.screen.table)
            text = console.export_text()
            for wanted in (
                "n  ",
                "Next unread",
                "p  ",
                "b  ",
                "Bookmark",
                "m  ",
                "Read/unread",
                "v  ",
                "View",
                "r  ",
                "Reload",
                "q  ",
                "Quit",
                "j / ↓",
                "Next post",
                "k / ↑",
                "g / home",
                "G / end",
                "⏎",
                "Open post",
                "l / →",
                "h / ←",
                "tab",
                "shift+tab",
                "space",
                "Page down, or next unread at the end",
                "pgdn",
                "pgup",
                "^f",
                "Find in post",
                "Contents",
                "Next heading",
                "Previous heading",
                "? / f1",
                "●",
                "★",
                "Scroll down",
            ):
                assert wanted in text, wanted
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(pilot.app.screen, HelpScreen)


async def test_the_command_palette_runs_reader_commands(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"bookmark")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_of(pilot).store.bookmarked_ids() == {sidebar(pilot).rows[0].post_id}
