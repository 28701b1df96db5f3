"""Pilot tests: read marks, bookmarks, unread jumps, and the read-after rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Header, Static

from reader.store import Store
from tests.app.conftest import current_title, notices, screen_of, settle, sidebar, wait_until


async def test_running_through_the_list_does_not_mark_what_it_passes(start: Any) -> None:
    async with start(mark_read_after=2.0) as pilot:
        for _ in range(5):
            await pilot.press("j")
            await pilot.pause(0.1)
        await settle(pilot)
        store = screen_of(pilot).store
        assert store.read_ids() == set()
        await wait_until(pilot, store.read_ids, what="the post landed on to be read")
        assert store.read_ids() == {sidebar(pilot).rows[5].post_id}


async def test_enter_marks_the_post_read_at_once(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen_of(pilot).store.read_ids() == {sidebar(pilot).rows[1].post_id}
        assert not sidebar(pilot).rows[1].unread


async def test_m_toggles_read_and_overrides_the_timer(start: Any) -> None:
    async with start(mark_read_after=2.0) as pilot:
        store = screen_of(pilot).store
        first = sidebar(pilot).rows[0].post_id
        await pilot.press("m")
        assert store.is_read(first)
        await pilot.press("m")
        assert not store.is_read(first)
        timer = screen_of(pilot).reading.timer
        await wait_until(pilot, lambda: not timer.running, what="the read-after clock to end")
        assert not store.is_read(first), "the timer must not undo m"
        assert sidebar(pilot).rows[0].unread


async def test_b_toggles_the_bookmark(start: Any) -> None:
    async with start() as pilot:
        store = screen_of(pilot).store
        first = sidebar(pilot).rows[0].post_id
        await pilot.press("b")
        assert store.is_bookmarked(first)
        assert sidebar(pilot).rows[0].bookmarked
        assert "1 bookmarked" in pilot.app.screen.sub_title
        await pilot.press("b")
        assert not store.is_bookmarked(first)
        assert not sidebar(pilot).rows[0].bookmarked


async def test_b_repaints_the_header_title_and_the_sidebar_not_the_whole_screen(
    start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A whole-screen repaint (12 KB to the terminal) per mark kept keys waiting while a
    # 1 MB post rendered; the count is in the header's title all the same.
    async with start() as pilot:
        screen = screen_of(pilot)
        whole: list[object] = []
        refresh = screen.refresh

        def recording(*regions: Any, **options: Any) -> Any:
            if not regions and options.get("repaint", True):
                whole.append(options)
            return refresh(*regions, **options)

        monkeypatch.setattr(screen, "refresh", recording)
        await pilot.press("b")
        title = screen.query_one(Header).query_one("HeaderTitle", Static)
        assert "1 bookmarked" in str(title.render())
        assert whole == []


async def test_bookmarking_quickly_does_not_pile_up_toasts_over_the_screen(start: Any) -> None:
    # The star and the header's count answer `b`; a toast per press would stack up
    # over the header (ten presses covered the count) for seconds.
    async with start() as pilot:
        await pilot.press(*["b"] * 11)
        await pilot.pause()
        assert "1 bookmarked" in pilot.app.screen.sub_title
        assert notices(pilot) == [], "no notification is shown"


async def test_n_and_p_jump_between_unread_posts_and_wrap(start: Any) -> None:
    async with start() as pilot:
        rows = sidebar(pilot).rows
        store = screen_of(pilot).store
        for row in rows[1:5]:
            store.set_read(row.post_id, True)
        await pilot.press("n")
        await settle(pilot)
        assert sidebar(pilot).cursor == 5
        await pilot.press("p")
        await settle(pilot)
        assert sidebar(pilot).cursor == 0
        await pilot.press("p")
        await settle(pilot)
        assert sidebar(pilot).cursor == 19, "p wraps around to the end"
        await pilot.press("n")
        await settle(pilot)
        assert sidebar(pilot).cursor == 0, "n wraps around to the start"


async def test_n_says_so_when_no_unread_post_is_left(start: Any) -> None:
    async with start() as pilot:
        store = screen_of(pilot).store
        for row in sidebar(pilot).rows:
            store.set_read(row.post_id, True)
        await pilot.press("j", "n")
        await settle(pilot)
        assert sidebar(pilot).cursor == 1
        messages = notices(pilot)
        assert any("No unread posts" in m for m in messages)


async def test_marks_are_saved_and_restored_with_the_selection(
    start: Any, state_path: Path
) -> None:
    async with start() as pilot:
        await pilot.press("j", "j", "b", "m")
        await settle(pilot)
        chosen = current_title(pilot)
    store = Store(state_path)
    store.open()
    bookmarked = store.bookmarked_ids()
    store.close()
    assert len(bookmarked) == 1
    async with start() as pilot:
        assert current_title(pilot) == chosen
        row = sidebar(pilot).highlighted
        assert row is not None and row.bookmarked and not row.unread


async def test_keys_typed_quickly_act_on_the_post_under_the_cursor(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("j", "j", "b", "m")
        await settle(pilot)
        store = screen_of(pilot).store
        third = sidebar(pilot).rows[2].post_id
        assert store.bookmarked_ids() == {third}
        assert store.read_ids() == {third}


async def test_capital_m_marks_the_view_read_after_confirming_and_u_undoes_it(
    start: Any,
) -> None:
    from reader.screens.confirm import ConfirmScreen

    async with start() as pilot:
        store = screen_of(pilot).store
        first = sidebar(pilot).rows[0].post_id
        store.set_read(first, True)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "Mark 19 posts" in pilot.app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert len(store.read_ids()) == 1, "no answers no"
        await pilot.press("M", "y")
        await settle(pilot)
        assert len(store.read_ids()) == 20
        assert "0 unread" in pilot.app.screen.sub_title
        assert not any(row.unread for row in sidebar(pilot).rows)
        await pilot.press("u")
        await settle(pilot)
        assert store.read_ids() == {first}, "undo brings back exactly the earlier marks"
        messages = notices(pilot)
        assert any(m.startswith("Undone: marked 19 posts read") for m in messages)


async def test_u_undoes_the_last_single_change_and_says_so(start: Any) -> None:
    async with start() as pilot:
        store = screen_of(pilot).store
        await pilot.press("b", "j", "m")
        await settle(pilot)
        second = sidebar(pilot).rows[1].post_id
        assert store.is_read(second)
        await pilot.press("u")
        assert not store.is_read(second)
        await pilot.press("u")
        assert store.bookmarked_ids() == set()
        await pilot.press("u")
        await pilot.pause()
        messages = notices(pilot)
        assert "Nothing to undo" in messages


async def test_s_cycles_the_sort_and_keeps_it_for_the_next_start(start: Any) -> None:
    async with start() as pilot:
        before = [row.title for row in sidebar(pilot).rows]
        await pilot.press("j", "j")
        await settle(pilot)
        chosen = current_title(pilot)
        await pilot.press("s")  # oldest first: undated digest posts in reverse position order
        await settle(pilot)
        assert "oldest first" in pilot.app.screen.sub_title
        assert [row.title for row in sidebar(pilot).rows] == before[::-1]
        assert current_title(pilot) == chosen, "the selected post stays selected"
        await pilot.press("s")
        await settle(pilot)
        titles = [row.title for row in sidebar(pilot).rows]
        assert titles == sorted(before, key=str.casefold)
        assert current_title(pilot) == chosen, "the selected post stays selected"
    async with start() as pilot:
        assert "by title" in pilot.app.screen.sub_title
        assert [row.title for row in sidebar(pilot).rows] == titles


async def test_marks_saved_by_another_reader_show_without_a_key(
    start: Any, state_path: Path
) -> None:
    async with start() as pilot:
        third = sidebar(pilot).rows[2]
        assert not third.bookmarked
        other = Store(state_path)  # a second reader, or `reader mark`, on the same file
        other.open()
        other.set_bookmarked(third.post_id, True)
        other.set_read(third.post_id, True)
        other.close()
        for _ in range(100):  # the reader checks the file every few seconds
            await pilot.pause(0.1)
            if sidebar(pilot).rows[2].bookmarked:
                break
        row = sidebar(pilot).rows[2]
        assert row.bookmarked and not row.unread
        assert "1 bookmarked" in pilot.app.screen.sub_title


async def test_r_takes_in_marks_saved_by_another_reader_at_once(
    start: Any, state_path: Path
) -> None:
    async with start() as pilot:
        fourth = sidebar(pilot).rows[3].post_id
        other = Store(state_path)
        other.open()
        other.set_bookmarked(fourth, True)
        other.close()
        await pilot.press("r")
        await settle(pilot)
        assert sidebar(pilot).rows[3].bookmarked
