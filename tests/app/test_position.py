"""Pilot tests: the reading position of every post is kept and restored."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.segment import Segment
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot

from reader.widgets.article import ArticleView
from tests.app.conftest import CORPUS, article, current_title, screen_of, settle, sidebar

LONG = ["Rust-1.89.0.md", "Project-Goals-Feb-Update__index.md"]


def long_library(tmp_path: Path) -> Path:
    """A library of two long real posts and a short one."""
    folder = tmp_path / "long"
    folder.mkdir()
    for name in LONG:
        (folder / name).write_bytes((CORPUS / "toml" / name).read_bytes())
    (folder / "short.md").write_text("---\ntitle: Short\ndate: 1999-01-01\n---\n\nTiny.\n")
    return folder


async def test_a_post_reopens_where_it_was_left_and_shows_its_progress(
    start: Any, tmp_path: Path
) -> None:
    library = long_library(tmp_path)
    async with start(library, size=(100, 30)) as pilot:
        first = current_title(pilot)
        pane = article(pilot)
        await pilot.press("l", *["pagedown"] * 5)
        await settle(pilot)
        left_at = pane.scroll_y
        assert 0 < left_at < pane.max_scroll_y
        row = sidebar(pilot).rows[0]
        assert row.progress is not None and 0 < row.progress < 1
        await pilot.press("h", "j")
        await settle(pilot)
        assert article(pilot).scroll_y == 0, "another post opens at its top"
        await pilot.press("k")
        await settle(pilot)
        assert current_title(pilot) == first
        assert abs(article(pilot).scroll_y - left_at) <= 1
        await pilot.press("v", "v", "v")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("In progress 1/3")
        assert [r.title for r in sidebar(pilot).rows] == [first]
    async with start(library, size=(100, 30)) as pilot:
        assert current_title(pilot) == first, "the post open at quit reopens"
        assert abs(article(pilot).scroll_y - left_at) <= 1, "at the same position"


async def test_reaching_the_end_of_a_post_marks_it_read(start: Any, tmp_path: Path) -> None:
    async with start(long_library(tmp_path), size=(100, 30)) as pilot:
        store = screen_of(pilot).store
        post_id = sidebar(pilot).rows[0].post_id
        assert not store.is_read(post_id)
        await pilot.press("l", "G")
        await settle(pilot)
        assert store.is_read(post_id)
        assert sidebar(pilot).rows[0].progress is None, "a finished post shows no percentage"


class ArticleOnly(App[None]):
    """Just the article view, to drive it before it has ever been laid out."""

    # The page keys are the main screen's (they page the article from either pane).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page(1)"),
        Binding("pageup", "page(-1)"),
    ]

    def compose(self) -> ComposeResult:
        """One article view."""
        yield ArticleView()

    def action_page(self, step: int) -> None:
        """Page the article as the main screen does."""
        view = self.query_one(ArticleView)
        if step > 0:
            view.action_page_down()
        else:
            view.action_page_up()


def numbered_lines(count: int) -> list[list[Segment]]:
    """Lines that say their number."""
    return [[Segment(f"line {number}")] for number in range(count)]


async def test_a_position_asked_for_before_the_post_is_laid_out_is_applied() -> None:
    # At start-up the saved position arrives in the same moment as the post's lines,
    # before the view has a scrollbar (it cannot scroll yet): it must not be dropped.
    async with ArticleOnly().run_test(size=(60, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        view.show("a", numbered_lines(300), 50, keep_scroll=False)
        view.restore_position(0.5)
        await pilot.pause()
        await pilot.pause()
        assert view.max_scroll_y > 0
        assert view.scroll_y == round(0.5 * view.max_scroll_y)
        assert view.settled


async def test_a_saved_position_does_not_override_the_readers_own_scrolling() -> None:
    async with ArticleOnly().run_test(size=(60, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        view.show("a", numbered_lines(300), 50, keep_scroll=False)
        await pilot.pause()
        view.focus()
        await pilot.press("end")
        await pilot.pause(0.5)
        view.restore_position(0.25)
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y, "the reader went to the end: it stays"


async def test_paging_a_long_post_while_it_renders_is_saved_once_it_is_complete(
    start: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rendering thread rests longer between chunks, so that the keys below surely
    # arrive while the post is still rendering, however busy the machine is.
    monkeypatch.setattr("reader.screens.article_loader.CHUNK_PAUSE", 0.1)
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "a-short.md").write_text("---\ntitle: Short\ndate: 2001-01-01\n---\n\nTiny.\n")
    paragraph = "Words that go on and on about reading far into a long post. " * 8
    body = "\n\n".join(f"## Part {n}\n\n{paragraph}" for n in range(400))
    (folder / "b-big.md").write_text(f"---\ntitle: Big\ndate: 2000-01-01\n---\n\n{body}\n")
    async with start(folder, size=(100, 30)) as pilot:
        screen = screen_of(pilot)
        # Keys are sent as a terminal would, without Pilot's wait for the app to go idle
        # (which would wait for the whole post to render).
        send_key(pilot, "j")
        view = article(pilot)
        deadline = time.monotonic() + 30
        while view.post_id != "b-big.md" or not view.show_vertical_scrollbar:
            assert time.monotonic() < deadline, "the big post's first screenful never showed"
            await asyncio.sleep(0.005)  # until its first screenful is laid out
        assert not screen.complete, "the big post is shown while it is still rendering"
        for key in ("l", "pagedown", "pagedown", "pagedown"):
            send_key(pilot, key)
        await settle(pilot)
        assert screen.complete
        assert view.scroll_y > 0, "the pages read are not undone when rendering completes"
        saved = screen.store.position("b-big.md")
        assert saved is not None and abs(saved - view.scroll_y / view.max_scroll_y) < 0.001


def send_key(pilot: Pilot[int], key: str) -> None:
    """Post a key to the app and go on at once."""
    pilot.app.post_message(events.Key(key, None))


async def test_pages_pressed_quickly_add_up_while_the_scroll_is_animated() -> None:
    # Paging is animated; a second page-down pressed before the first has finished must
    # go a whole page further than the first one ends, not from where the animation is.
    async with ArticleOnly().run_test(size=(60, 20)) as pilot:
        pilot.app.animation_level = "full"
        view = pilot.app.query_one(ArticleView)
        view.show("a", numbered_lines(300), 50, keep_scroll=False)
        await pilot.pause()
        view.focus()
        await pilot.pause()
        page = view.scrollable_content_region.height
        for _ in range(3):
            send_key(pilot, "pagedown")
        await pilot.pause(0.05)
        await pilot.app.animator.wait_until_complete()
        await pilot.pause()
        assert view.scroll_y == 3 * page
        for _ in range(2):
            send_key(pilot, "pageup")
        await pilot.pause(0.05)
        await pilot.app.animator.wait_until_complete()
        await pilot.pause()
        assert view.scroll_y == page


async def test_the_place_is_kept_when_the_post_is_wrapped_to_a_new_width(
    start: Any, tmp_path: Path
) -> None:
    # Opening the contents narrows the article, which is wrapped again: the reader must
    # stay at the same place in the text (not at the same line number), and so must
    # the saved position.
    async with start(long_library(tmp_path), size=(100, 30)) as pilot:
        screen = screen_of(pilot)
        post_id = sidebar(pilot).rows[0].post_id
        await pilot.press("l", *["pagedown"] * 6)
        await settle(pilot)
        view = article(pilot)
        width, before = view.rendered_width, view.fraction
        saved = screen.store.position(post_id)
        assert before is not None and 0.1 < before < 0.9 and saved is not None
        await pilot.press("t")
        await settle(pilot)
        assert view.rendered_width < width, "the contents panel took some of the width"
        assert view.fraction is not None and abs(view.fraction - before) < 0.01
        now = screen.store.position(post_id)
        assert now is not None and abs(now - saved) < 0.01
        await pilot.press("escape")
        await settle(pilot)
        assert view.rendered_width == width
        assert view.fraction is not None and abs(view.fraction - before) < 0.01


async def test_a_post_begun_by_less_than_one_percent_shows_1_not_0(start: Any) -> None:
    async with start() as pilot:
        screen = screen_of(pilot)
        second = sidebar(pilot).rows[1].post_id
        screen.store.set_position(second, 0.003)
        screen.marks_changed()
        await pilot.pause()
        strip = sidebar(pilot).render_line(1)
        assert "".join(segment.text for segment in strip).rstrip().endswith(" 1%")
