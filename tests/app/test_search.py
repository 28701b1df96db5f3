"""Pilot tests: search posts with `/`, open the first hit, escape restores the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.widgets.search_bar import SearchBar
from tests.app.conftest import (
    article,
    current_title,
    screen_of,
    settle,
    sidebar,
    titles,
    wait_until,
)

CRISIS = [
    "The Coming Sales Talent Crisis, Part 3",
    "The Coming Sales Talent Crisis, Part 2",
    "The Coming Sales Talent Crisis",
]


async def search(pilot: Any, text: str) -> None:
    """Type a query into the open search box and wait for the hits."""
    bar = screen_of(pilot).query_one(SearchBar)
    bar.value = ""
    await pilot.press(*text) if text else None
    await settle(pilot)
    await settle(pilot)


async def test_slash_searches_titles_and_bodies_and_escape_restores(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("j", "j")
        await settle(pilot)
        before = current_title(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert screen_of(pilot).query_one(SearchBar).has_focus
        await search(pilot, "crisis")
        assert titles(pilot)[:3] == CRISIS, "title matches first, in library order"
        assert pilot.app.screen.sub_title.startswith(f"Search {len(titles(pilot))}/20")
        assert sidebar(pilot).highlight_words == ("crisis",)
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(pilot)) == 20
        assert current_title(pilot) == before


async def test_search_is_case_and_accent_insensitive_with_operators(
    start: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Crème brûlée\ndate: 2024-01-03\ntags: [dessert]\n---\n\nSugar.\n"
    )
    (folder / "b.md").write_text(
        "---\ntitle: Bread\ndate: 2024-01-02\nauthor: Ann Baker\n---\n\nA creme filling.\n"
    )
    (folder / "c.md").write_text("---\ntitle: Soup\ndate: 2024-01-01\n---\n\nSalt.\n")
    async with start(folder) as pilot:
        await pilot.press("slash")
        await search(pilot, "CREME")
        assert titles(pilot) == ["Crème brûlée", "Bread"]
        await search(pilot, "creme -sugar")
        assert titles(pilot) == ["Bread"]
        await search(pilot, "tag:dessert")
        assert titles(pilot) == ["Crème brûlée"]
        await search(pilot, "author:ann")
        assert titles(pilot) == ["Bread"]
        await search(pilot, '"creme filling"')
        assert titles(pilot) == ["Bread"]
        screen_of(pilot).store.set_read(sidebar(pilot).rows[0].post_id, True)
        await search(pilot, "is:unread")
        assert titles(pilot) == ["Crème brûlée", "Soup"]
        await search(pilot, "nothingmatches")
        assert titles(pilot) == []
        assert sidebar(pilot).empty_text == "No posts match"


async def test_enter_opens_the_first_hit_with_the_match_highlighted(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("slash")
        await search(pilot, "procurement")
        await pilot.press("enter")
        await settle(pilot)
        assert current_title(pilot).startswith("Strategic Procurement")
        assert pilot.app.focused is article(pilot)
        pane = screen_of(pilot).pane
        assert pane.matches, "the words are highlighted in the article"
        lines = article(pilot).plain_lines()
        assert all("procurement" in lines[m.line].lower() for m in pane.matches)


async def test_the_first_hit_is_shown_once_typing_pauses(start: Any) -> None:
    # The list follows every key; the article shows the first hit when typing stops
    # (not one rendering per key), and Enter shows it at once.
    async with start() as pilot:
        await pilot.press("slash")
        await search(pilot, "crisis")
        assert titles(pilot)[:3] == CRISIS
        await wait_until(pilot, lambda: shown_title(pilot) == CRISIS[0], what="the first hit")
        await settle(pilot)
        assert shown_title(pilot) == CRISIS[0]
        assert screen_of(pilot).query_one(SearchBar).has_focus, "still typing the query"
        await search(pilot, "procurement")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(pilot) == titles(pilot)[0]
        assert "procurement" in shown_title(pilot).lower()


def shown_title(pilot: Any) -> str:
    """The title at the top of the article pane."""
    return article(pilot).plain_lines()[0].strip()


async def test_hits_matching_only_in_the_body_keep_their_unread_look(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("slash")
        await search(pilot, "colleague")  # in two posts' bodies, in no title
        rows = sidebar(pilot).rows
        assert len(rows) == 2 and all(row.unread for row in rows)
        strip = sidebar(pilot).render_line(1)  # the hit below the cursor
        text = "".join(segment.text for segment in strip)
        assert text.startswith("●"), text
        title = [s for s in strip if any(c.isalpha() for c in s.text)]
        assert title and all(s.style is not None and s.style.bold for s in title), title


async def test_a_warm_start_searches_the_bodies_too(start: Any, library: Path) -> None:
    # The second start shows the list from the metadata cache; once the files are found
    # unchanged the index must still be brought up, or search sees titles only.
    for _ in range(2):
        async with start(library) as pilot:
            await settle(pilot)
            assert screen_of(pilot).search.index is not None, "the index is open"
            await pilot.press("slash")
            await search(pilot, "colleague")  # in two posts' bodies, in no title
            assert len(titles(pilot)) == 2


async def test_the_query_run_again_when_the_index_is_ready_keeps_the_hit_moved_to(
    start: Any,
) -> None:
    async with start() as pilot:
        await pilot.press("slash")
        await search(pilot, "crisis")
        await pilot.press("down", "j")
        await settle(pilot)
        assert current_title(pilot) == CRISIS[1]
        screen = screen_of(pilot)
        screen.search.run_search(screen.search.search_text)  # what the index coming up does
        await settle(pilot)
        assert current_title(pilot) == CRISIS[1], "the cursor did not jump back to the first hit"
