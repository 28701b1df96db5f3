"""Pilot tests: moving through posts and between panes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events

from reader.widgets.article import ArticleView
from reader.widgets.post_list import PostList
from tests.app.conftest import (
    CORPUS,
    article,
    article_text,
    current_title,
    settle,
    sidebar,
    titles,
)

FIRST = "Product Centric Selling, It Really Is About Us!"
SECOND = "Do We Even Need Sales People Anymore"
LAST = "Sales People/Manager Churn Is Unacceptable"


async def test_start_lists_the_20_bundled_posts_and_shows_the_first(start: Any) -> None:
    async with start() as pilot:
        assert len(titles(pilot)) == 20
        assert titles(pilot)[0] == FIRST
        assert current_title(pilot) == FIRST
        text = article_text(pilot)
        assert FIRST in text
        assert "focusing on the customer" in " ".join(text.split())  # wherever lines wrap
        assert text.rstrip().endswith("[...]")
        assert pilot.app.focused is sidebar(pilot)
        assert "All 20/20" in pilot.app.screen.sub_title


async def test_j_and_down_move_to_the_next_post_k_and_up_back(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("j")
        await settle(pilot)
        assert current_title(pilot) == SECOND
        assert SECOND in article_text(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert sidebar(pilot).cursor == 2
        await pilot.press("k")
        await settle(pilot)
        assert current_title(pilot) == SECOND
        await pilot.press("up")
        await settle(pilot)
        assert current_title(pilot) == FIRST
        assert FIRST in article_text(pilot)


async def test_g_home_G_end_jump_to_first_and_last(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("G")
        await settle(pilot)
        assert current_title(pilot).startswith("Sales People")
        assert current_title(pilot) in article_text(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert current_title(pilot) == FIRST
        await pilot.press("end")
        await settle(pilot)
        assert sidebar(pilot).cursor == 19
        await pilot.press("home")
        await settle(pilot)
        assert sidebar(pilot).cursor == 0


async def test_focus_keys_move_between_sidebar_and_article(start: Any) -> None:
    async with start() as pilot:
        for key in ("l", "h", "right", "left", "tab", "shift+tab"):
            await pilot.press(key)
            await pilot.pause()
            expected = ArticleView if key in ("l", "right", "tab") else PostList
            assert isinstance(pilot.app.focused, expected), key


async def test_enter_opens_the_post_in_the_article_pane(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.focused, ArticleView)


async def long_library(tmp_path: Path) -> Path:
    """A library holding one long real post."""
    posts = tmp_path / "long"
    posts.mkdir()
    biggest = max(CORPUS.rglob("*.md"), key=lambda p: p.stat().st_size)
    (posts / biggest.name).write_bytes(biggest.read_bytes())
    return posts


async def test_article_keys_scroll_when_the_article_has_focus(start: Any, tmp_path: Path) -> None:
    async with start(await long_library(tmp_path), size=(100, 30)) as pilot:
        pane = article(pilot)
        assert pane.line_count > 200
        await pilot.press("l")
        for key, check in (
            ("j", lambda y: y == 1),
            ("down", lambda y: y == 2),
            ("k", lambda y: y == 1),
            ("up", lambda y: y == 0),
            ("G", lambda y: y == pane.max_scroll_y),
            ("g", lambda y: y == 0),
            ("end", lambda y: y == pane.max_scroll_y),
            ("home", lambda y: y == 0),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert check(pane.scroll_y), (key, pane.scroll_y)


async def test_space_and_page_keys_page_the_article_from_either_pane(
    start: Any, tmp_path: Path
) -> None:
    async with start(await long_library(tmp_path), size=(100, 30)) as pilot:
        pane = article(pilot)
        assert isinstance(pilot.app.focused, PostList)
        await pilot.press("space")
        await pilot.pause()
        one_page = pane.scroll_y
        assert one_page > 10
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > one_page
        await pilot.press("pageup")
        await pilot.pause()
        assert pane.scroll_y == one_page
        await pilot.press("shift+space")
        await pilot.pause()
        assert pane.scroll_y == 0
        assert sidebar(pilot).cursor == 0
        await pilot.press("l", "space")
        await pilot.pause()
        assert pane.scroll_y == one_page


async def test_q_quits(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app.return_code == 0


async def test_the_article_is_re_rendered_when_the_terminal_narrows(start: Any) -> None:
    async with start(size=(140, 40)) as pilot:
        wide = article(pilot).rendered_width
        await pilot.resize_terminal(80, 40)
        await settle(pilot)
        assert article(pilot).rendered_width < wide
        assert all(
            len(line) <= article(pilot).rendered_width for line in article(pilot).plain_lines()
        )


async def test_g_and_G_in_the_article_jump_at_once_without_animating(
    start: Any, tmp_path: Path
) -> None:
    async with start(await long_library(tmp_path), size=(100, 30)) as pilot:
        pane = article(pilot)
        await pilot.press("l")
        # Keys posted as the terminal sends them: Pilot's press waits for animations.
        pilot.app.post_message(events.Key("G", "G"))
        await pilot.pause(0.1)  # an animated scroll takes about a second
        assert pane.scroll_y == pane.max_scroll_y > 100
        pilot.app.post_message(events.Key("g", "g"))
        await pilot.pause(0.1)
        assert pane.scroll_y == 0


async def test_a_restored_selection_far_down_the_list_is_shown_in_the_middle(
    start: Any, tmp_path: Path, state_path: Path
) -> None:
    posts = tmp_path / "many"
    posts.mkdir()
    for number in range(100):
        (posts / f"{number:03}.md").write_text(f"# Post {number:03}\n\nText {number}.\n")
    async with start(posts, size=(100, 30)) as pilot:
        await pilot.press("G", *["k"] * 20)  # post 079
        await settle(pilot)
        assert current_title(pilot) == "Post 079"
    async with start(posts, size=(100, 30)) as pilot:
        assert current_title(pilot) == "Post 079"
        bar = sidebar(pilot)
        row_on_screen = bar.cursor - int(bar.scroll_offset.y)
        height = bar.scrollable_content_region.height
        assert abs(row_on_screen - height // 2) <= 1, (row_on_screen, height)


async def test_a_library_deleted_while_open_is_no_longer_shown_after_r(
    start: Any, tmp_path: Path
) -> None:
    posts = tmp_path / "gone"
    posts.mkdir()
    (posts / "one.md").write_text("# One\n\nText.\n")
    async with start(posts) as pilot:
        assert titles(pilot) == ["One"]
        (posts / "one.md").unlink()
        posts.rmdir()
        await pilot.press("r")
        await settle(pilot)
        assert titles(pilot) == []
        header = pilot.app.screen.sub_title
        assert header.startswith("All 0/0 · 0 unread"), header
        assert article(pilot).post_id is None and article_text(pilot) == ""
