"""A cold start of a large library lists a first screenful while the rest is read."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

import reader.library as library_module
from reader.app import ReaderApp
from reader.library import FIRST_SCREEN, Post, read_post
from reader.screens import library_loader
from reader.store import Store
from tests.app.conftest import current_title, screen_of, sidebar, wait_until

TOTAL = 3 * FIRST_SCREEN


def make_library(folder: Path) -> None:
    """TOTAL dated posts, one a day, and one undated file name whose post is the newest."""
    folder.mkdir()
    for day in range(TOTAL):
        stamp = f"{2000 + day // 300:04d}-{1 + day % 300 // 28:02d}-{1 + day % 28:02d}"
        text = f"---\ntitle: Post {day:04d}\ndate: {stamp}\n---\nBody {day}.\n"
        (folder / f"{stamp}-post-{day:04d}.md").write_text(text, encoding="utf-8")
    (folder / "about.md").write_text("---\ntitle: Newest of all\ndate: 2030-01-01\n---\nHi\n")


async def test_first_screenful_then_the_rest_without_moving_the_selection(
    tmp_path: Path, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "posts"
    make_library(folder)
    gate = threading.Event()
    calls = 0

    def slow_load(file: str, root: str) -> tuple[Post, int, int]:
        """Read a file; after the first screenful, wait until the test lets go."""
        nonlocal calls
        calls += 1
        if calls > FIRST_SCREEN + 30 and not gate.wait(20):
            raise AssertionError("the test never let the loading go on")
        return read_post(file, root)

    monkeypatch.setattr(library_module, "read_post", slow_load)
    monkeypatch.setattr(library_module, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(library_loader, "PROGRESS_PERIOD", 0.0)  # every 10 files, however soon
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(folder, store, mark_read_after=60.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            try:
                await wait_until(pilot, lambda: sidebar(pilot).ids, what="the first screenful")
                listed = sidebar(pilot).rows
                assert len(listed) == FIRST_SCREEN
                assert listed[0].title == f"Post {TOTAL - 1:04d}"  # the newest named file
                progress = f"reading {FIRST_SCREEN + 30:,}/{TOTAL + 1:,}"
                await wait_until(
                    pilot, lambda: progress in screen_of(pilot).sub_title, what="progress"
                )
                # First in the header: 80 columns cut its end off.
                assert screen_of(pilot).sub_title.startswith(progress)
                await pilot.press("j", "j")
                chosen = current_title(pilot)
                assert chosen == f"Post {TOTAL - 3:04d}"
            finally:
                gate.set()
            await wait_until(
                pilot, lambda: len(sidebar(pilot).ids) == TOTAL + 1, what="the whole library"
            )
            assert sidebar(pilot).rows[0].title == "Newest of all"  # sorted once all is read
            assert current_title(pilot) == chosen  # the list filled in around the selection
            assert "reading" not in screen_of(pilot).sub_title
            assert screen_of(pilot).sub_title.startswith(f"All {TOTAL + 1}/{TOTAL + 1}")
    finally:
        store.close()


async def test_the_saved_selection_comes_back_though_not_in_the_first_screenful(
    tmp_path: Path, state_path: Path
) -> None:
    folder = tmp_path / "posts"
    make_library(folder)
    oldest = next(path.name for path in sorted(folder.iterdir()) if "post-0000" in path.name)
    store = Store(state_path, debounce=0.01)
    store.open()
    store.set_meta("selected", oldest)  # the id of a post read last, far down the list
    app = ReaderApp(folder, store, mark_read_after=60.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(
                pilot, lambda: len(sidebar(pilot).ids) == TOTAL + 1, what="the whole library"
            )
            await wait_until(pilot, lambda: current_title(pilot) == "Post 0000", what="selected")
            assert sidebar(pilot).highlighted_id == oldest
    finally:
        store.close()


async def test_rows_read_while_the_app_started_are_listed_at_once(
    tmp_path: Path, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first frame lists the rows reader.first_screen read, before the loader's worker."""
    from reader import first_screen as first_screen_module
    from reader.first_screen import FirstScreen

    folder = tmp_path / "posts"
    folder.mkdir()
    for n in range(5):
        text = f"---\ntitle: Early {n}\ndate: 2024-01-0{n + 1}\n---\nBody {n}.\n"
        (folder / f"post-{n}.md").write_text(text, encoding="utf-8")
    early = FirstScreen(folder)
    early.start()
    while not early.done:
        await asyncio.sleep(0.01)
    gate = threading.Event()
    started: list[str] = []

    def stuck(*args: object, **kwargs: object) -> object:
        """The loader's own read of the library, held until the test lets go."""
        gate.wait(20)
        return first_screen_module.load_library(folder)

    monkeypatch.setattr(library_module, "load_library", stuck)
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(folder, store, first_screen=early, started=lambda: started.append("up"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            try:
                await pilot.pause()
                assert [row.title for row in sidebar(pilot).rows] == [
                    f"Early {n}" for n in reversed(range(5))
                ]
                assert current_title(pilot) == "Early 4"
                await wait_until(pilot, lambda: started, what="the started call")
            finally:
                gate.set()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert len(sidebar(pilot).rows) == 5
            assert started == ["up"]  # once
    finally:
        store.close()


class ChildStillReading:
    """Stands in for a FirstScreen whose child process has not sent its rows yet."""

    forked = True

    def __init__(self, rows: list[Post]) -> None:
        self.rows = rows
        self.gate = threading.Event()
        self.waited = False

    @property
    def done(self) -> bool:
        return self.gate.is_set()

    def take(self) -> list[Post] | None:
        return self.rows if self.gate.is_set() else None

    def wait(self, timeout: float) -> list[Post] | None:
        self.waited = True
        self.gate.wait(timeout)
        return self.take()


async def test_rows_still_coming_from_a_child_process_are_listed_when_they_come(
    tmp_path: Path, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader waits for the child's first screenful instead of walking the folder twice."""
    folder = tmp_path / "posts"
    make_library(folder)
    early_rows = library_module.load_library(folder).posts[:FIRST_SCREEN]
    child = ChildStillReading(early_rows)
    let_go = threading.Event()
    real_load = library_module.load_library

    def held(*args: object, **kwargs: object) -> object:
        """The loader's own full read, held until the test lets go."""
        let_go.wait(20)
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library_module, "load_library", held)
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(folder, store, first_screen=child)  # type: ignore[arg-type]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            try:
                await wait_until(pilot, lambda: child.waited, what="the loader to wait")
                assert sidebar(pilot).rows == []
                child.gate.set()
                await wait_until(pilot, lambda: sidebar(pilot).ids, what="the child's rows")
                assert [row.title for row in sidebar(pilot).rows] == [
                    post.title for post in early_rows
                ]
            finally:
                let_go.set()
            await wait_until(
                pilot, lambda: len(sidebar(pilot).ids) == TOTAL + 1, what="the whole library"
            )
    finally:
        store.close()


async def test_the_first_post_and_the_footer_come_even_without_the_apps_ready(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What waits for the first frame runs within a second even if the app's Ready event
    never reaches the screen (it came before the screen, say)."""
    from textual.widgets import Footer

    from tests.app.conftest import ARTICLES, article_text

    monkeypatch.setattr(ReaderApp, "on_ready", lambda self: None)
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(ARTICLES, store)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: sidebar(pilot).ids, what="the list")
            first = current_title(pilot)
            await wait_until(
                pilot, lambda: first in article_text(pilot), what="the first post's text"
            )
            await wait_until(pilot, lambda: screen_of(pilot).query(Footer), what="the footer")
    finally:
        store.close()


async def test_a_warm_start_lists_the_whole_cached_library_after_its_first_rows(
    tmp_path: Path, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first rows of a large cached library are its head file (a screenful); the rest
    of the cached list follows, though every file is unchanged."""
    from reader.cache import MetadataCache
    from reader.first_screen import FirstScreen
    from reader.paths import cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "posts"
    make_library(folder)
    cache = MetadataCache.for_root(cache_dir(), folder)
    warm = library_module.load_library(folder, cache)
    cache.retain(warm.posts)
    cache.save()
    early = FirstScreen(folder)
    early.start()
    while not early.done:
        await asyncio.sleep(0.01)
    store = Store(state_path, debounce=0.01)
    store.open()
    app = ReaderApp(folder, store, first_screen=early)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(
                pilot, lambda: len(sidebar(pilot).ids) == TOTAL + 1, what="the whole library"
            )
            assert [row.title for row in sidebar(pilot).rows] == [p.title for p in warm.posts]
    finally:
        store.close()
