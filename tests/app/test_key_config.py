"""Pilot tests: a key remapped in the config works everywhere, the old key nowhere, and the
footer keeps its order (the search box's key too can be rebound)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.config import parse_config
from reader.store import Store
from reader.widgets.article import ArticleView
from reader.widgets.post_list import PostList
from reader.widgets.search_bar import SearchBar
from tests.app.conftest import ARTICLES, screen_of, settle
from tests.app.screen_text import screen_lines
from tests.app.test_navigation import long_library

MAIN = " n Next unread  b Bookmark  m Read/unread  v View  / Search  ? Help  q Quit"


@asynccontextmanager
async def start_with_keys(
    state_path: Path,
    keys: dict[str, str],
    size: tuple[int, int] = (120, 40),
    library: Path = ARTICLES,
) -> AsyncIterator[Pilot[int]]:
    """Start the reader with a config's `[keys]` table (checked as the config is)."""
    config, mistakes = parse_config({"keys": keys}, state_path.parent / "config.toml")
    assert mistakes == [], mistakes
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(library, store, mark_read_after=60, keymap=config.keys)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            yield pilot
    finally:
        store.close()


async def test_a_remapped_focus_key_works_and_the_old_one_nowhere(state_path: Path) -> None:
    async with start_with_keys(state_path, {"focus_article": "z"}) as pilot:
        screen = screen_of(pilot)
        assert isinstance(screen.focused, PostList)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(screen.focused, PostList), "l is no longer focus_article's key"
        await pilot.press("right")
        await settle(pilot)
        assert isinstance(screen.focused, PostList)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(screen.focused, ArticleView)
        await pilot.press("h", "l")  # back to the sidebar; l stays there
        await settle(pilot)
        assert isinstance(screen.focused, PostList)


async def test_space_and_the_page_keys_can_be_rebound_in_either_pane(
    state_path: Path, tmp_path: Path
) -> None:
    keys = {"page_down": "ctrl+d", "space": "z"}
    posts = await long_library(tmp_path)
    async with start_with_keys(state_path, keys, (100, 30), posts) as pilot:
        screen = screen_of(pilot)
        article = screen.article
        await pilot.press("pagedown", "space")
        await settle(pilot)
        assert article.scroll_y == 0, "pagedown and space are no longer page keys"
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert article.scroll_y > 0
        screen.set_focus(article)
        await pilot.press("home", "space", "pagedown")
        await settle(pilot)
        assert article.scroll_y == 0
        await pilot.press("z")
        await settle(pilot)
        assert article.scroll_y > 0


async def test_the_search_box_key_can_be_rebound(state_path: Path) -> None:
    async with start_with_keys(state_path, {"search_box.close": "ctrl+g"}) as pilot:
        screen = screen_of(pilot)
        await pilot.press("slash", *"rust")
        await settle(pilot)
        assert "^g Close" in screen_lines(pilot)[-1], screen_lines(pilot)[-1]
        await pilot.press("ctrl+g")
        await settle(pilot)
        bar = screen.query_one(SearchBar)
        assert not bar.is_open and bar.value == ""
        assert screen.session.search_ids is None


async def test_the_footer_keeps_its_order_with_a_remapped_key(state_path: Path) -> None:
    for width in (100, 80):
        async with start_with_keys(state_path, {"toggle_bookmark": "z"}, (width, 24)) as pilot:
            assert screen_lines(pilot)[-1] == MAIN.replace("b Bookmark", "z Bookmark")


def test_each_class_binds_the_keys_of_its_home_and_has_their_actions() -> None:
    from textual.binding import Binding
    from textual.screen import Screen

    from reader.keys import KEYS, keys_at
    from reader.screens.main import MainScreen
    from reader.widgets.article_pane import ArticlePane
    from reader.widgets.find_bar import FindBar, FindInput

    homes: dict[str, type] = {
        "app": ReaderApp,
        "screen": MainScreen,
        "sidebar": PostList,
        "article": ArticleView,
        "article_pane": ArticlePane,
        "search_box": SearchBar,
        "find_bar": FindBar,
        "find_box": FindInput,
    }
    namespaces: dict[str, type] = {"app": ReaderApp, "screen": Screen}
    for home, cls in homes.items():
        ids = [binding.id for binding in Binding.make_bindings(cls.BINDINGS)]
        assert ids == [key.id for key in keys_at(home) for _ in key.keys.split(",")], home
    for key in KEYS:
        namespace, _, action = key.action.partition("(")[0].rpartition(".")
        cls = namespaces[namespace] if namespace else homes[key.home]
        assert callable(getattr(cls, f"action_{action}", None)), key
