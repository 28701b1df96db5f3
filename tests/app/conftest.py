"""Helpers for Pilot tests: start the app on a library with a fresh state file."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notification, Notify
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


async def wait_until(
    pilot: Pilot[int], predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until predicate() is true; fail after `timeout` seconds.

    For waits on the app's own clocks (a typing pause, the read-after delay): the test
    waits exactly as long as the app needs, however busy the machine is.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what or predicate}")
        await pilot.pause(0.02)


class Notices:
    """The notices an app posted (Textual's Notify messages), recorded by run_test's
    message_hook: what the user was told, without reading the app's private list."""

    def __init__(self) -> None:
        """Start with none."""
        self.shown: list[Notification] = []

    def hook(self, message: Message) -> None:
        """run_test's message_hook: keep every Notify."""
        if isinstance(message, Notify):
            self.shown.append(message.notification)

    @property
    def messages(self) -> list[str]:
        """The texts of the notices posted so far, in order."""
        return [notification.message for notification in self.shown]


_recorded: dict[int, Notices] = {}  # id of an app started by `start` -> its notices


def notices(pilot: Pilot[int]) -> list[str]:
    """The texts of the notices posted so far by an app started with the `start` fixture."""
    return _recorded[id(pilot.app)].messages


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

    `notifications=True` draws notices as toasts on the screen, as the terminal shows them;
    `message_hook` sees every message, as run_test's does.
    """

    @asynccontextmanager
    async def run(
        path: Path = ARTICLES,
        *,
        mark_read_after: float = 60.0,
        size: tuple[int, int] = (120, 40),
        notifications: bool = False,
        message_hook: Callable[[Message], None] | None = None,
    ) -> AsyncIterator[Pilot[int]]:
        store = Store(state_path, debounce=0.01)
        store.open()
        app = ReaderApp(path, store, mark_read_after=mark_read_after)
        recorder = _recorded[id(app)] = Notices()

        def hook(message: Message) -> None:
            """The notices, and the test's own hook if it has one."""
            recorder.hook(message)
            if message_hook is not None:
                message_hook(message)

        try:
            async with app.run_test(
                size=size, notifications=notifications, message_hook=hook
            ) as pilot:
                await settle(pilot)
                yield pilot
        finally:
            del _recorded[id(app)]
            store.close()

    return run
