"""Pilot tests: themes (remembered), key overrides from the config, config notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.app import ReaderApp
from reader.store import Store
from tests.app.conftest import ARTICLES, screen_of, settle, sidebar


async def test_ctrl_t_offers_the_themes_and_the_choice_is_remembered(
    start: Any, state_path: Path
) -> None:
    async with start() as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "CommandPalette" in type(pilot.app.screen).__name__
        await pilot.press("escape")
        pilot.app.theme = "textual-light"
        await settle(pilot)
    store = Store(state_path)
    store.open()
    assert store.get_meta("theme") == "textual-light"
    store.close()
    async with start() as pilot:
        assert pilot.app.theme == "textual-light"
        assert not pilot.app.current_theme.dark


async def test_keys_from_the_config_replace_the_defaults(state_path: Path) -> None:
    store = Store(state_path)
    store.open()
    app = ReaderApp(ARTICLES, store, mark_read_after=60, keymap={"toggle_bookmark": "x"})
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            first = sidebar(pilot).rows[0].post_id
            await pilot.press("b")
            assert screen_of(pilot).store.bookmarked_ids() == set()
            await pilot.press("x")
            assert screen_of(pilot).store.bookmarked_ids() == {first}
    finally:
        store.close()


async def test_a_config_theme_wins_and_an_unknown_one_is_reported(state_path: Path) -> None:
    store = Store(state_path)
    store.open()
    app = ReaderApp(ARTICLES, store, theme="no-such-theme")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            messages = [n.message for n in pilot.app._notifications]
            assert any("unknown theme 'no-such-theme'" in m for m in messages)
    finally:
        store.close()
    store = Store(state_path)
    store.open()
    app = ReaderApp(ARTICLES, store, theme="gruvbox")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert pilot.app.theme == "gruvbox"
    finally:
        store.close()
