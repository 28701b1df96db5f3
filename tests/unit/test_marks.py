"""The merge of marks: per field, the later stamp wins, in any order, any number of times.

These are the properties that let readers on one file, and later machines that sync, end up
with the same marks whatever order they see each other's changes in.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.clock import Clock
from reader.marks import Entry, Fields, Mark, PostState, apply, merge, parse_line

stamps = st.tuples(
    st.integers(0, 2**40), st.integers(0, 5), st.sampled_from(["a", "b", "c"])
)
values = st.one_of(st.booleans(), st.none(), st.floats(0, 1), st.text(max_size=3))
marks = st.builds(Mark, values, stamps)
fields = st.dictionaries(st.sampled_from(["read", "bookmarked", "position", "x"]), marks)


@settings(deadline=None)  # a busy machine is not a failure
@given(fields, fields)
def test_merge_is_commutative(a: Fields, b: Fields) -> None:
    assert merge(a, b) == merge(b, a)


@settings(deadline=None)  # a busy machine is not a failure
@given(fields, fields, fields)
def test_merge_is_associative(a: Fields, b: Fields, c: Fields) -> None:
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@settings(deadline=None)  # a busy machine is not a failure
@given(fields, fields)
def test_merge_is_idempotent(a: Fields, b: Fields) -> None:
    assert merge(a, a) == a
    assert merge(merge(a, b), b) == merge(a, b)


@settings(deadline=None)  # a busy machine is not a failure
@given(fields, fields)
def test_each_field_keeps_its_latest_change(a: Fields, b: Fields) -> None:
    merged = merge(a, b)
    for name in set(a) | set(b):
        candidates = [m for m in (a.get(name), b.get(name)) if m is not None]
        assert merged[name].stamp == max(m.stamp for m in candidates)


entries = st.builds(
    Entry,
    st.sampled_from(["p1", "p2", ""]),
    st.sampled_from(["read", "bookmarked", "view"]),
    st.booleans(),
    stamps,
)


@settings(deadline=None)  # a busy machine is not a failure
@given(st.lists(entries, max_size=30), st.randoms())
def test_applying_entries_in_any_order_and_twice_gives_the_same_state(
    changes: list[Entry], rng: object
) -> None:
    posts: dict[str, Fields] = {}
    meta: dict[str, Mark] = {}
    apply(posts, meta, changes)
    shuffled = list(changes) * 2
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    again_posts: dict[str, Fields] = {}
    again_meta: dict[str, Mark] = {}
    apply(again_posts, again_meta, shuffled)
    assert (again_posts, again_meta) == (posts, meta)


@settings(deadline=None)  # a busy machine is not a failure
@given(entries)
def test_an_entry_survives_its_journal_line(entry: Entry) -> None:
    assert parse_line(entry.line()) == entry


def test_a_line_with_any_id_is_ascii_and_round_trips() -> None:
    entry = Entry("bad-\udcff-\u202e-名前.md", "read", True, (1, 0, "w"))
    line = entry.line()
    assert line.isascii() and line.endswith(b"\n")
    assert parse_line(line) == entry


def test_torn_and_foreign_lines_are_not_entries() -> None:
    good = Entry("p", "read", True, (5, 0, "w")).line()
    assert parse_line(good[:-8]) is None
    assert parse_line(b"[1, 2]") is None
    assert parse_line(b'{"p": "x", "f": "read", "v": "yes", "c": [1, 0, "w"]}') is None
    assert parse_line(b'{"p": "x", "f": "read", "v": true, "c": [1, 0]}') is None


def test_a_bookmark_then_a_read_mark_elsewhere_keeps_both() -> None:
    """Issue: A pressed b on X, B pressed m on X 1.5 s later; B's save undid A's bookmark."""
    a, b = Clock("A", wall=lambda: 100.0), Clock("B", wall=lambda: 101.5)
    posts: dict[str, Fields] = {}
    apply(posts, {}, [Entry("x", "read", True, b.now()), Entry("x", "bookmarked", True, a.now())])
    state = PostState.of(posts["x"])
    assert state.read and state.bookmarked


def test_a_clock_that_saw_a_fast_clock_orders_its_changes_after() -> None:
    fast = Clock("fast", wall=lambda: 10_000.0)  # an hour and more ahead
    slow = Clock("slow", wall=lambda: 100.0)
    ahead = fast.now()
    slow.observe(ahead)
    assert slow.now() > ahead
