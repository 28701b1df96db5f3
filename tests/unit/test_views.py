"""Tests for reader.views: the All/Unread/Bookmarked views and finding unread posts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reader.views import View, find_unread, visible_ids

IDS = ["a", "b", "c", "d", "e"]


def member_of(ids: set[str]) -> Callable[[str], bool]:
    """A predicate true for the given ids (stands in for store.is_read / is_bookmarked)."""
    return lambda post_id: post_id in ids


# View ---------------------------------------------------------------------------


def test_views_cycle_all_unread_bookmarked_and_back() -> None:
    assert View.ALL.next() is View.UNREAD
    assert View.UNREAD.next() is View.BOOKMARKED
    assert View.BOOKMARKED.next() is View.IN_PROGRESS
    assert View.IN_PROGRESS.next() is View.ALL


def test_labels_are_shown_capitalised() -> None:
    assert [view.label for view in View] == ["All", "Unread", "Bookmarked", "In progress"]


@pytest.mark.parametrize("view", list(View))
def test_parse_reads_back_the_stored_value(view: View) -> None:
    assert View.parse(view.value) is view


@pytest.mark.parametrize("stored", [None, "", "Unread", "UNREAD", "starred", 1, ["unread"]])
def test_parse_falls_back_to_all_for_anything_else(stored: object) -> None:
    assert View.parse(stored) is View.ALL


# visible_ids ----------------------------------------------------------------------


def test_all_lists_every_post_in_order() -> None:
    assert visible_ids(IDS, View.ALL, member_of({"a", "b"}), member_of({"c"})) == IDS


def test_unread_lists_posts_not_read_in_library_order() -> None:
    read = member_of({"b", "d"})
    assert visible_ids(IDS, View.UNREAD, read, member_of(set())) == ["a", "c", "e"]


def test_bookmarked_lists_bookmarked_posts_in_library_order() -> None:
    bookmarked = member_of({"e", "b"})
    assert visible_ids(IDS, View.BOOKMARKED, member_of(set()), bookmarked) == ["b", "e"]


def test_views_can_be_empty() -> None:
    everything = member_of(set(IDS))
    nothing = member_of(set())
    assert visible_ids(IDS, View.UNREAD, everything, nothing) == []
    assert visible_ids(IDS, View.BOOKMARKED, nothing, nothing) == []
    assert visible_ids([], View.ALL, nothing, nothing) == []


def test_a_sticky_post_stays_listed_after_it_no_longer_matches() -> None:
    read = member_of({"b", "c"})
    unbookmarked = member_of({"a"})
    assert visible_ids(IDS, View.UNREAD, read, unbookmarked, {"c"}) == ["a", "c", "d", "e"]
    assert visible_ids(IDS, View.BOOKMARKED, read, unbookmarked, {"d"}) == ["a", "d"]


def test_sticky_ids_keep_library_order_and_add_no_unknown_posts() -> None:
    read = member_of(set(IDS))
    assert visible_ids(IDS, View.UNREAD, read, read, {"e", "a", "zz"}) == ["a", "e"]


def test_visible_ids_accepts_any_iterable_once() -> None:
    read = member_of({"a"})
    assert visible_ids(iter(IDS), View.UNREAD, read, read) == ["b", "c", "d", "e"]
    assert visible_ids(iter(IDS), View.ALL, read, read) == IDS


# find_unread ----------------------------------------------------------------------


def test_next_unread_is_after_the_start() -> None:
    read = member_of({"b", "c"})
    assert find_unread(IDS, 0, +1, read) == 3


def test_previous_unread_is_before_the_start() -> None:
    read = member_of({"b", "c"})
    assert find_unread(IDS, 3, -1, read) == 0


def test_next_unread_wraps_past_the_end() -> None:
    read = member_of({"b", "c", "d", "e"})
    assert find_unread(IDS, 2, +1, read) == 0


def test_previous_unread_wraps_past_the_start() -> None:
    read = member_of({"a", "b", "c"})
    assert find_unread(IDS, 1, -1, read) == 4


def test_the_start_post_is_skipped_when_others_are_unread() -> None:
    read = member_of({"b", "d"})
    assert find_unread(IDS, 2, +1, read) == 4
    assert find_unread(IDS, 2, -1, read) == 0


def test_none_left_gives_none() -> None:
    assert find_unread(IDS, 2, +1, member_of(set(IDS))) is None
    assert find_unread(IDS, 2, -1, member_of(set(IDS))) is None


def test_no_posts_gives_none() -> None:
    assert find_unread([], 0, +1, member_of(set())) is None


@pytest.mark.parametrize("step", [+1, -1])
def test_only_the_start_post_unread_finds_the_start(step: int) -> None:
    read = member_of(set(IDS) - {"c"})
    assert find_unread(IDS, 2, step, read) == 2


@pytest.mark.parametrize("step", [+1, -1])
def test_a_single_unread_post_is_found_from_anywhere(step: int) -> None:
    read = member_of(set(IDS) - {"d"})
    for start in range(len(IDS)):
        assert find_unread(IDS, start, step, read) == 3
