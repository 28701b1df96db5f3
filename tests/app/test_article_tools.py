"""Pilot tests: find in the post, the contents panel, heading jumps, space to go on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.widgets.article_pane import ArticlePane
from reader.widgets.contents import Contents
from reader.widgets.find_bar import FindBar
from tests.app.conftest import CORPUS, article, current_title, screen_of, settle, sidebar

HEADINGS_POST = CORPUS / "toml" / "Rust-1.89.0.md"


def one_post_library(tmp_path: Path, source: Path = HEADINGS_POST) -> Path:
    """A library holding a copy of one real post."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / source.name).write_bytes(source.read_bytes())
    return folder


async def test_ctrl_f_finds_highlights_counts_and_steps_through_matches(
    start: Any, tmp_path: Path
) -> None:
    async with start(one_post_library(tmp_path), size=(100, 30)) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        bar = screen_of(pilot).query_one(FindBar)
        assert bar.is_open
        await pilot.press(*"rustup")
        await pilot.pause()
        pane = screen_of(pilot).query_one(ArticlePane)
        total = sum("rustup" in line.lower() for line in article(pilot).plain_lines())
        assert total >= 2
        assert len(pane.matches) >= total
        count = str(bar.query_one("#find-count").render())
        assert count == f"1/{len(pane.matches)}"
        first_line = pane.matches[0].line
        await pilot.press("enter")
        await pilot.pause()
        assert str(bar.query_one("#find-count").render()) == f"2/{len(pane.matches)}"
        await pilot.press("shift+f3")
        await pilot.pause()
        assert pane.current == 0
        await pilot.press("f3", "f3")
        await pilot.pause()
        assert pane.current == 2 % len(pane.matches)
        line = pane.matches[pane.current].line
        top = article(pilot).scroll_y
        assert top <= line < top + article(pilot).size.height, "the match is scrolled into view"
        assert first_line <= line
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.is_open
        assert pane.matches == []
        assert pilot.app.focused is article(pilot)


async def test_find_says_when_nothing_matches(start: Any, tmp_path: Path) -> None:
    async with start(one_post_library(tmp_path)) as pilot:
        await pilot.press("ctrl+f", *"zzqqxx")
        await pilot.pause()
        bar = screen_of(pilot).query_one(FindBar)
        assert str(bar.query_one("#find-count").render()) == "no match"


async def test_t_lists_the_headings_and_choosing_one_scrolls_there(
    start: Any, tmp_path: Path
) -> None:
    async with start(one_post_library(tmp_path), size=(120, 30)) as pilot:
        headings = article(pilot).headings
        assert len(headings) >= 4
        assert any("1.89.0" in heading.text for heading in headings)
        await pilot.press("t")
        await pilot.pause()
        contents = screen_of(pilot).query_one(Contents)
        assert contents.is_open and pilot.app.focused is contents
        assert contents.option_count == len(article(pilot).headings)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        target = article(pilot).headings[2]
        assert article(pilot).scroll_y == min(target.line, article(pilot).max_scroll_y)
        assert pilot.app.focused is article(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not contents.is_open


async def test_square_brackets_jump_between_headings(start: Any, tmp_path: Path) -> None:
    async with start(one_post_library(tmp_path), size=(120, 30)) as pilot:
        pane = article(pilot)
        lines = [heading.line for heading in pane.headings]
        await pilot.press("l", "right_square_bracket")
        await pilot.pause()
        assert pane.scroll_y == lines[0]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert pane.scroll_y == lines[1]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert pane.scroll_y == lines[0]


async def test_space_at_the_end_of_a_post_goes_on_to_the_next_unread(start: Any) -> None:
    async with start(size=(120, 40)) as pilot:
        store = screen_of(pilot).store
        rows = sidebar(pilot).rows
        store.set_read(rows[1].post_id, True)
        assert article(pilot).at_end, "the bundled excerpts fit on one screen"
        await pilot.press("space")
        await settle(pilot)
        assert store.is_read(rows[0].post_id), "finishing a post marks it read"
        assert current_title(pilot) == rows[2].title, "the read post in between is skipped"


async def test_up_and_down_in_the_find_box_step_through_the_matches(
    start: Any, tmp_path: Path
) -> None:
    async with start(one_post_library(tmp_path), size=(100, 30)) as pilot:
        await pilot.press("ctrl+f", *"rustup")
        await pilot.pause()
        pane = screen_of(pilot).query_one(ArticlePane)
        bar = screen_of(pilot).query_one(FindBar)
        assert pane.current == 0 and len(pane.matches) >= 2
        await pilot.press("down")
        assert pane.current == 1
        await pilot.press("up", "up")
        assert pane.current == len(pane.matches) - 1, "wraps around"
        assert bar.query_one("#find-input").has_focus, "still typing in the box"
        await pilot.press("enter")  # to the next match, and back to the article
        assert pane.current == 0
        assert pilot.app.focused is article(pilot) and bar.is_open
        await pilot.press("escape")
        assert not bar.is_open and pane.matches == []


async def test_contents_show_headings_as_text_without_markdown_syntax(
    start: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "syntax"
    folder.mkdir()
    (folder / "post.md").write_text(
        "---\ntitle: Syntax\n---\n\n# The `code` heading\n\nText.\n\n"
        "## A [linked](https://example.org) *emphasised* one\n\nMore.\n\n"
        "### Notes[^1]\n\n[^1]: A note.\n"
    )
    async with start(folder) as pilot:
        texts = [heading.text for heading in article(pilot).headings]
        assert texts == ["The code heading", "A linked emphasised one", "Notes"]
        assert [heading.level for heading in article(pilot).headings] == [1, 2, 3]
        await pilot.press("t")
        await pilot.pause()
        contents = screen_of(pilot).query_one(Contents)
        shown = [str(contents.get_option_at_index(i).prompt) for i in range(3)]
        assert [" ".join(line.split()) for line in shown] == texts  # wrapped to the panel
