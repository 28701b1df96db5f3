"""Pilot tests: what an 80x24 terminal shows (footer, sidebar, search box, help, contents).

Each test reads the screen as text (tests/app/screen_text.py), the way a user sees it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from bench.measure import sidebar_width
from reader.screens.help import HelpScreen
from reader.widgets.contents import Contents
from tests.app.conftest import article, screen_of, settle
from tests.app.screen_text import screen_lines, screen_text
from tests.app.test_article_tools import one_post_library

SMALL = (80, 24)
FIRST = "Product Centric Selling, It Really Is About Us!"
PANE_BORDER = "▕"  # the sidebar's right border


def sidebar_part(pilot: Pilot[int]) -> list[str]:
    """The sidebar's side of every screen line that shows both panes."""
    return [line.partition(PANE_BORDER)[0] for line in screen_lines(pilot) if PANE_BORDER in line]


async def shown_soon(pilot: Pilot[int], wanted: str) -> str:
    """The screen once it shows `wanted` (a notice is drawn a few refreshes later)."""
    for _ in range(20):
        text = screen_text(pilot)
        if wanted in text:
            break
        await pilot.pause()
    return text


def squeezed(text: str) -> str:
    """`text` without any white space, to compare text that may be wrapped differently."""
    return "".join(text.split())


async def test_the_footer_shows_search_help_and_quit_at_80_columns(start: Any) -> None:
    async with start(size=SMALL) as pilot:
        footer = screen_lines(pilot)[-1]
        for key in ("n Next unread", "b Bookmark", "m Read/unread", "v View"):
            assert key in footer, footer
        for key in ("/ Search", "? Help", "q Quit"):
            assert key in footer, footer
        assert len(footer) <= 80


async def test_the_sidebar_leaves_room_for_titles_and_the_article_at_80_columns(
    start: Any,
) -> None:
    async with start(size=SMALL) as pilot:
        first_row = sidebar_part(pilot)[0]
        shown = first_row[3:].rstrip().rstrip("…")
        assert FIRST.startswith(shown)
        assert len(shown) >= 30, f"only {shown!r} of the title is shown"
        assert "Win/Loss Reviews" in screen_text(pilot)
        assert article(pilot).text_width >= 40, "the article keeps room to read"


async def test_the_benchmark_knows_where_the_sidebar_ends(start: Any) -> None:
    for columns in (80, 120, 200):
        async with start(size=(columns, 24)) as pilot:
            row = screen_lines(pilot)[1]
            assert row.index(PANE_BORDER) == sidebar_width(columns) - 1, (columns, row)


async def test_an_empty_view_says_so_whole_at_80_columns(start: Any) -> None:
    async with start(size=SMALL) as pilot:
        await pilot.press("v", "v", "v")
        await settle(pilot)
        assert screen_of(pilot).sub_title.startswith("In progress 0/20")
        assert "No in progress posts — press v" in "\n".join(sidebar_part(pilot))


async def test_a_long_message_in_the_sidebar_is_wrapped_not_cut(
    start: Any, library: Path
) -> None:
    async with start(library, size=SMALL) as pilot:
        for post in library.glob("*.md"):
            post.unlink()
        await pilot.press("r")
        await settle(pilot)
        message = f"no posts (.md or .markdown files) in {library}"
        sidebar = sidebar_part(pilot)
        assert len(squeezed(message)) > 40, "longer than the sidebar is wide"
        assert squeezed(message) in squeezed("".join(sidebar)), "\n".join(sidebar)


async def test_the_search_box_shows_its_operators_whole(start: Any) -> None:
    for size, hint in ((SMALL, '"phrase" tag: author: is: -word'), ((120, 40), "is:unread")):
        async with start(size=size) as pilot:
            await pilot.press("slash")
            await pilot.pause()
            box = sidebar_part(pilot)[0].strip()
            assert hint in box, box
            assert box.endswith("-word"), f"the placeholder is cut: {box!r}"


async def test_help_lists_markers_and_search_operators_whole_at_80_columns(
    start: Any,
) -> None:
    async with start(size=SMALL) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        seen = set(screen_lines(pilot))
        for _ in range(10):  # page through it: every line it shows, whole
            await pilot.press("space")
            await pilot.pause()
            seen.update(screen_lines(pilot))
        text = "\n".join(seen)
        for wanted in (
            "Page down, or next unread at the end",
            '"a phrase"',
            "tag:rust",
            "author:ann",
            "is:unread",
            "is:read, is:bookmarked",
            "-word",
            "42%",
            "how far a begun post was read",
        ):
            assert wanted in text, wanted


def help_box(pilot: Pilot[int]) -> list[str]:
    """The lines inside the help box's border."""
    return [
        line[line.index("│") + 1 : line.rindex("│")]
        for line in screen_lines(pilot)
        if line.count("│") >= 2
    ]


async def test_help_wraps_long_lines_instead_of_cutting_them(start: Any) -> None:
    long_ones = (
        "Page down, or next unread at the end",
        "every word, each a prefix (rus finds Rust)",
        "how far a begun post was read",
    )
    for size in ((80, 100), (56, 100)):  # tall enough to show all of it at once
        async with start(size=size) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            box = help_box(pilot)
            assert box and all(len(line) < size[0] for line in box)
            for wanted in long_ones:
                assert squeezed(wanted) in squeezed("".join(box)), (size, wanted, box)


def help_top(pilot: Pilot[int]) -> str:
    """The first line of text in the help box."""
    return screen_lines(pilot)[2][4:].strip()


async def test_help_scrolls_with_the_article_keys_and_closes(start: Any) -> None:
    async with start(size=SMALL) as pilot:
        for close in ("escape", "q", "question_mark", "f1"):
            await pilot.press("question_mark")
            await pilot.pause()
            assert help_top(pilot).startswith("Everywhere")
            moves = [("j", "n"), ("k", "Everywhere"), ("G", "Markers"), ("g", "Everywhere")]
            moves += [("end", "Markers"), ("home", "Everywhere"), ("pagedown", "")]
            for key, top in moves:
                await pilot.press(key)
                await pilot.pause()
                if key in ("G", "end"):
                    assert "how far a begun post was read" in screen_text(pilot)
                else:
                    assert help_top(pilot).startswith(top), (key, help_top(pilot))
            paged = help_top(pilot)
            assert "Everywhere" not in screen_text(pilot), "pagedown scrolled a page"
            await pilot.press("pageup")
            await pilot.pause()
            assert help_top(pilot).startswith("Everywhere")
            await pilot.press("space")
            await pilot.pause()
            assert help_top(pilot) == paged
            await pilot.press(close)
            await pilot.pause()
            assert not isinstance(pilot.app.screen, HelpScreen), close


async def test_t_on_a_post_without_headings_says_so_instead_of_opening_contents(
    start: Any, tmp_path: Path
) -> None:
    async with start(size=SMALL, notifications=True) as pilot:
        assert article(pilot).post_id is not None and not article(pilot).headings
        focused = pilot.app.focused
        await pilot.press("t")
        await pilot.pause()
        assert not screen_of(pilot).query_one(Contents).is_open
        assert pilot.app.focused is focused
        text = await shown_soon(pilot, "This post has no headings")
        assert "This post has no headings" in text
        assert "(no headings)" not in text
    async with start(one_post_library(tmp_path), size=SMALL) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert screen_of(pilot).query_one(Contents).is_open, "a post with headings lists them"


async def test_t_with_no_post_shown_says_so(start: Any, tmp_path: Path) -> None:
    folder = tmp_path / "empty-view"
    shutil.copytree(one_post_library(tmp_path), folder)
    async with start(folder, size=SMALL, notifications=True) as pilot:
        await pilot.press("v", "v")  # Bookmarked: nothing listed, nothing shown
        await settle(pilot)
        assert article(pilot).post_id is None
        await pilot.press("t")
        await pilot.pause()
        assert not screen_of(pilot).query_one(Contents).is_open
        assert "No post is shown" in await shown_soon(pilot, "No post is shown")
