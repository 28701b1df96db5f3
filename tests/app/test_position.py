"""Pilot tests: the reading position of every post is kept and restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
