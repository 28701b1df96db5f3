"""Helpers for Pilot tests: start the app on a library with a fresh state file."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.screens.main import MainScreen
from reader.store import Store
from reader.widgets.article import ArticleView
from reader.widgets.post_list import PostList

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "articles"
CORPUS = ROOT / "tests" / "data" / "corpus"

Starter = Callable[..., "asynccontextmanager[Pilot[int]]"]


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and its messages are handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_of(pilot: Pilot[int]) -> MainScreen:
    """The main screen of a running app."""
    for screen in pilot.app.screen_stack:
        if isinstance(screen, MainScreen):
            return screen
    raise AssertionError("main screen is not on the stack")


def sidebar(pilot: Pilot[int]) -> PostList:
    """The sidebar widget."""
    return screen_of(pilot).query_one(PostList)


def article(pilot: Pilot[int]) -> ArticleView:
    """The article pane widget."""
    return screen_of(pilot).query_one(ArticleView)


def article_text(pilot: Pilot[int]) -> str:
    """All the text of the article pane."""
    return "\n".join(article(pilot).plain_lines())


def titles(pilot: Pilot[int]) -> list[str]:
    """The titles listed in the sidebar, in order."""
    return [row.title for row in sidebar(pilot).rows]


def current_title(pilot: Pilot[int]) -> str:
    """The title of the highlighted post."""
    row = sidebar(pilot).highlighted
    assert row is not None
    return row.title


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A writable copy of the bundled posts."""
    target = tmp_path / "posts"
    shutil.copytree(ARTICLES, target)
    return target


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where this test's state file lives."""
    return tmp_path / "state" / "state.json"


@pytest.fixture
def start(state_path: Path) -> Callable[..., object]:
    """Start the app on a library: `async with start(path) as pilot:`.

    `notifications=True` draws notices as toasts on the screen, as the terminal shows them.
    """

    @asynccontextmanager
    async def run(
        path: Path = ARTICLES,
        *,
        mark_read_after: float = 60.0,
        size: tuple[int, int] = (120, 40),
        notifications: bool = False,
    ) -> AsyncIterator[Pilot[int]]:
        store = Store(state_path, debounce=0.01)
        store.open()
        app = ReaderApp(path, store, mark_read_after=mark_read_after)
        try:
            async with app.run_test(size=size, notifications=notifications) as pilot:
                await settle(pilot)
                yield pilot
        finally:
            store.close()

    return run
