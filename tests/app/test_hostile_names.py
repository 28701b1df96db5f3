"""Pilot tests: file names that are not UTF-8 and titles with bidi or invisible characters
are listed aligned, shown safely and can be marked; a big neighbour is not rendered ahead."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from reader import render
from reader.store import Store
from tests.app.conftest import article, screen_of, settle, sidebar, titles

UNSAFE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


@pytest.fixture
def names(tmp_path: Path) -> Path:
    """Posts whose file names or titles would spoof a title or break its row."""
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "a-good.md").write_text("# Good\n\nText.\n")
    with open(os.path.join(os.fsencode(folder), b"b-bad-\xff.md"), "wb") as handle:
        handle.write(b"x\n")
    (folder / "c-spoof.md").write_text("# Invoice \u202efdp.exe \u2066x\u2069 zero\u200bwidth\n")
    (folder / "d-rlo-\u202egnp.md").write_text("no title\n")
    return folder


async def test_hostile_names_are_listed_aligned_and_shown_safely(start: Any, names: Path) -> None:
    """No lone surrogate (drawn as \\udcff), bidi control or zero-width character reaches a
    row or the article; every row is as wide as the sidebar."""
    async with start(names) as pilot:
        assert titles(pilot) == [
            "Good",
            "b bad \ufffd",
            "Invoice \ufffdfdp.exe \ufffdx\ufffd zero\ufffdwidth",
            "d rlo \ufffdgnp",
        ]
        post_list = sidebar(pilot)
        rows = [post_list.render_line(y).text for y in range(len(post_list.ids))]
        assert all(UNSAFE.search(row) is None for row in rows), rows
        assert len({cell_len(row) for row in rows}) == 1, rows
        for _ in rows[1:]:
            await pilot.press("j")
            await settle(pilot)
            lines = article(pilot).plain_lines()
            assert all(UNSAFE.search(line) is None for line in lines), lines[:3]


async def test_a_mark_on_a_post_named_with_bad_bytes_reaches_the_state_file(
    start: Any, names: Path, state_path: Path
) -> None:
    """The post's id is writable (bad-\\xff.md), so its bookmark is saved, with the others."""
    async with start(names) as pilot:
        await pilot.press("j")  # onto b-bad-<ff>.md
        await settle(pilot)
        await pilot.press("b")
        await pilot.press("j", "b")
        await settle(pilot)
        assert screen_of(pilot).store.flush()
    store = Store(state_path)
    store.open()
    try:
        assert store.bookmarked_ids() == {"b-bad-\\xff.md", "c-spoof.md"}
    finally:
        store.close()


async def test_a_big_neighbour_is_not_rendered_ahead_of_time(
    start: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Next to the shown post, a 300 KB post is rendered only when it is shown (pre-rendering
    a 100,000-row table as a neighbour cost 20 s of CPU and 850 MB); a small one ahead."""
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a-small.md").write_text("# Small\n\nText.\n")
    (folder / "b-big.md").write_text("# Big\n\n" + "A paragraph of words. " * 14_000)
    (folder / "c-small.md").write_text("# Other\n\nText.\n")
    rendered: list[str] = []
    original = render.rendered_chunks

    def spy(post: Any, width: int, dark: bool) -> Any:
        rendered.append(post.title)
        return original(post, width, dark)

    monkeypatch.setattr(render, "rendered_chunks", spy)
    async with start(folder) as pilot:
        await settle(pilot)
        assert rendered == ["Small"]  # its neighbour, b-big.md, was left alone
        await pilot.press("j")
        await settle(pilot)
        assert rendered[:2] == ["Small", "Big"]  # shown: rendered now
        assert "Other" in rendered[2:]  # and its small neighbour ahead of time
        assert article(pilot).plain_lines()[0] == "Big"
