"""Pilot tests: themes (remembered), key overrides from the config, config notices."""

from __future__ import annotations

import shutil
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region

from reader.app import ReaderApp
from reader.cli import app_notices, check_app_settings, read_config
from reader.screens.confirm import ConfirmScreen
from reader.store import Store
from tests.app.conftest import ARTICLES, Notices, screen_of, settle, sidebar

FIVE_MISTAKES = """\
colour = "red"
sort = "random"
mark_read_after = -1
theme = "no-such-theme"

[keys]
nxt = "n"
"""


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
    app = ReaderApp(ARTICLES, store, mark_read_after=60, keymap={"toggle_bookmark": "z"})
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            first = sidebar(pilot).rows[0].post_id
            await pilot.press("b")
            assert screen_of(pilot).store.bookmarked_ids() == set()
            await pilot.press("z")
            assert screen_of(pilot).store.bookmarked_ids() == {first}
    finally:
        store.close()


async def test_a_config_theme_wins_and_an_unknown_one_is_reported(state_path: Path) -> None:
    store = Store(state_path)
    store.open()
    app = ReaderApp(ARTICLES, store, theme="no-such-theme")
    recorder = Notices()
    try:
        async with app.run_test(size=(120, 40), message_hook=recorder.hook) as pilot:
            await settle(pilot)
            messages = recorder.messages
            assert any("Unknown theme 'no-such-theme'" in m for m in messages)
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


async def test_five_config_mistakes_make_one_short_notice(
    state_path: Path, isolated_user_dirs: Path
) -> None:
    config_file = isolated_user_dirs / ".config" / "reader" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text(FIVE_MISTAKES, encoding="utf-8")
    config, mistakes = read_config(None)  # as `reader` does, from the default place
    keymap, theme = check_app_settings(config, mistakes)
    store = Store(state_path)
    store_notices = store.open()
    app = ReaderApp(
        ARTICLES, store, notices=app_notices(mistakes, store_notices), theme=theme, keymap=keymap
    )
    recorder = Notices()
    try:
        async with app.run_test(
            size=(80, 24), notifications=True, message_hook=recorder.hook
        ) as pilot:
            await settle(pilot)
            toasts = pilot.app.screen.query("Toast")
            assert len(toasts) == 1
            toast = toasts.first()
            size = toast.outer_size
            rows = [strip.text for strip in toast.render_lines(Region(0, 0, *size))]
            assert any("Config ~/.config/reader/config.toml:" in row for row in rows), rows
    finally:
        store.close()
    assert len(recorder.shown) == 1, recorder.messages
    text, timeout = recorder.shown[0].message, recorder.shown[0].timeout
    assert text.splitlines() == [
        "Config ~/.config/reader/config.toml: 5 mistakes, defaults used:",
        "• unknown setting 'colour'",
        "• 'sort' must be one of newest, oldest, title, unread, not 'random'",
        "• 'mark_read_after' must be a number of seconds, 0 or more, not -1",
        "• unknown key binding id 'nxt'",
        "• unknown theme 'no-such-theme' (ctrl+t lists them)",
    ]
    assert text.count("config.toml") == 1 and str(isolated_user_dirs) not in text
    assert 5 <= timeout <= 10


async def test_notices_from_the_store_and_the_library_start_with_a_capital(
    state_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "linked"
    library.mkdir()
    (library / "post.md").write_text("# Linked\n\nSee [this](https://example.org/one).\n")
    state_path.parent.mkdir(parents=True)
    state_path.write_text('{"meta": {"1": {"schema": 999, "updated_meta": 0.0}}}')
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: False)
    store = Store(state_path)
    app = ReaderApp(library, store, notices=store.open())
    recorder = Notices()
    try:
        async with app.run_test(size=(120, 40), message_hook=recorder.hook) as pilot:
            await settle(pilot)
            await pilot.press("f")
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ConfirmScreen), "no browser: copy instead?"
            await pilot.press("escape")
            shutil.rmtree(library)
            await pilot.press("r")
            await settle(pilot)
    finally:
        store.close()
    texts = recorder.messages
    assert texts[0] == (
        f"State file {state_path} was written by a newer reader (schema 999); "
        "it will not be changed"
    )
    assert f"No such file or directory: {library}" in texts
