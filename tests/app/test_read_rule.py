"""Pilot tests: what counts as reading a post (the read-after rule and its holds)."""

from __future__ import annotations

from typing import Any

from textual import events

from reader.widgets.search_bar import SearchBar
from tests.app.conftest import current_title, screen_of, settle, sidebar, wait_until

DELAY = 0.4  # the read-after delay in these tests
LONGER = DELAY * 2.5  # comfortably longer than the delay (to show nothing happens)


def unread(pilot: Any, index: int) -> bool:
    """Whether the row at `index` is unread in the store."""
    return not screen_of(pilot).store.is_read(sidebar(pilot).rows[index].post_id)


def previewed(pilot: Any) -> bool:
    """Whether typing has paused long enough for the highlighted hit to be shown."""
    shown = screen_of(pilot).article.post_id
    return "Talent" in current_title(pilot) and shown == sidebar(pilot).highlighted_id


async def test_the_post_shown_at_launch_counts_only_from_the_first_key(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.pause(LONGER)
        assert unread(pilot, 0), "nobody has touched a key: the post was only on screen"
        await pilot.press("l")  # any key: somebody is reading
        await wait_until(pilot, lambda: not unread(pilot, 0), what="read")
        assert "19 unread" in pilot.app.screen.sub_title


async def test_zero_delay_marks_the_launch_post_read_at_the_first_key(start: Any) -> None:
    async with start(mark_read_after=0) as pilot:
        assert screen_of(pilot).store.read_ids() == set()
        await pilot.press("l")
        await settle(pilot)
        assert screen_of(pilot).store.read_ids() == {sidebar(pilot).rows[0].post_id}


async def test_a_search_preview_does_not_count_as_read(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.press("m", "m")  # the launch post is read by hand, then unread again
        before = current_title(pilot)
        await pilot.press("slash", *"talent")
        await wait_until(pilot, lambda: previewed(pilot), what="the first hit as a preview")
        await settle(pilot)
        preview = current_title(pilot)
        assert preview != before and "Talent" in preview
        screen = screen_of(pilot)
        assert screen.article.post_id == sidebar(pilot).highlighted_id
        await pilot.pause(LONGER)
        preview_id = sidebar(pilot).highlighted_id
        assert preview_id is not None and not screen.store.is_read(preview_id)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause(LONGER)
        assert current_title(pilot) == before
        assert not screen.store.is_read(preview_id), "only previewed, never read"


async def test_down_into_the_hits_starts_the_clock_of_the_previewed_post(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.press("slash", *"talent")
        await wait_until(pilot, lambda: previewed(pilot), what="the first hit as a preview")
        await settle(pilot)
        preview_id = sidebar(pilot).highlighted_id
        assert preview_id is not None
        await pilot.press("down")
        store = screen_of(pilot).store
        await wait_until(pilot, lambda: store.is_read(preview_id), what="the hit to be read")


async def test_the_clock_holds_while_a_modal_screen_covers_the_post(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.press("j")
        await pilot.press("question_mark")  # the help screen covers the post
        await pilot.pause(LONGER)
        assert unread(pilot, 1), "the post was behind the help screen"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not unread(pilot, 1), what="read")


async def test_the_clock_holds_while_the_terminal_has_lost_the_focus(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.press("j")
        pilot.app.post_message(events.AppBlur())
        await pilot.pause(LONGER)
        assert unread(pilot, 1), "the terminal window was in the background"
        pilot.app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: not unread(pilot, 1), what="read")


async def test_escape_after_enter_ends_the_search_and_keeps_the_opened_post(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("j", "j")
        await pilot.press("slash", *"procurement", "enter")
        await settle(pilot)
        opened = current_title(pilot)
        assert "Procurement" in opened
        assert pilot.app.focused is screen_of(pilot).article
        assert pilot.app.screen.sub_title.startswith("Search")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen.sub_title.startswith("All 20/20"), pilot.app.screen.sub_title
        assert len(sidebar(pilot).rows) == 20
        assert current_title(pilot) == opened
        assert not screen_of(pilot).query_one(SearchBar).is_open
        await pilot.press("escape")  # a second escape changes nothing
        await settle(pilot)
        assert current_title(pilot) == opened


async def test_escape_in_the_hits_keeps_the_post_moved_to(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("slash", *"crisis", "down", "j")
        await settle(pilot)
        chosen = current_title(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert len(sidebar(pilot).rows) == 20
        assert current_title(pilot) == chosen


async def test_the_clock_holds_while_the_reader_is_suspended(start: Any) -> None:
    async with start(mark_read_after=DELAY) as pilot:
        await pilot.press("j")
        pilot.app.app_suspend_signal.publish(pilot.app)  # what ctrl+z publishes
        await pilot.pause(LONGER)
        assert unread(pilot, 1), "nobody reads a suspended reader"
        pilot.app.app_resume_signal.publish(pilot.app)  # fg
        await wait_until(pilot, lambda: not unread(pilot, 1), what="read")


async def test_enter_in_the_search_box_opens_the_first_hit_as_read(start: Any) -> None:
    async with start() as pilot:  # the read-after delay is a minute here
        await pilot.press("slash", *"procurement", "enter")
        await settle(pilot)
        assert "Procurement" in current_title(pilot)
        assert not unread(pilot, 0), "enter opens the post: read at once, as in the sidebar"
