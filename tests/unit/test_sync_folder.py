"""Folder sync: two machines (two state dirs) share marks through one folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.clock import Clock
from reader.marks import Entry
from reader.store import Store
from reader.sync.folder import FolderSync, device_id, entry_line, latest

HOUR = 3600.0


class Machine:
    """One machine: its own state dir and device id, the shared folder."""

    def __init__(self, root: Path, folder: Path, skew: float = 0.0) -> None:
        self.state = root / "state.json"
        self.folder = folder
        self.skew = skew
        self.store: Store | None = None
        self.open()

    def open(self) -> None:
        clock = Clock(os.urandom(6).hex(), wall=lambda: time.time() + self.skew)
        self.store = Store(self.state, clock=clock, debounce=0.0)
        self.store.open()
        device = device_id(self.state)
        assert device is not None
        self.sync_with = FolderSync(self.store, self.folder, device)

    @property
    def s(self) -> Store:
        assert self.store is not None
        return self.store

    def sync(self) -> None:
        self.sync_with.sync()
        assert self.s.flush()

    def close(self) -> None:
        self.s.close()


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[Callable[..., Machine]]:
    made: list[Machine] = []

    def make(name: str, skew: float = 0.0) -> Machine:
        machine = Machine(tmp_path / name, tmp_path / "Sync", skew)
        made.append(machine)
        return machine

    yield make
    for machine in made:
        machine.close()


def test_a_mark_made_on_one_machine_reaches_the_other(machines: Callable[..., Machine]) -> None:
    a, b = machines("a"), machines("b")
    a.s.set_read("post-1", True)
    a.s.set_bookmarked("post-2", True)
    a.sync()
    b.sync()
    assert b.s.is_read("post-1") and b.s.is_bookmarked("post-2")
    b.close()
    b.open()  # saved on B's own disk, not only in memory
    assert b.s.is_read("post-1") and b.s.is_bookmarked("post-2")


def test_a_clock_an_hour_fast_does_not_win_later_changes(
    machines: Callable[..., Machine],
) -> None:
    fast, right = machines("fast", skew=HOUR), machines("right")
    fast.s.set_read("post", True)  # stamped an hour ahead
    fast.sync()
    right.sync()
    assert right.s.is_read("post")
    right.s.set_read("post", False)  # later, on a machine with the right time
    right.sync()
    fast.sync()
    assert not fast.s.is_read("post") and not right.s.is_read("post")


def test_changes_to_different_fields_on_both_machines_are_both_kept(
    machines: Callable[..., Machine],
) -> None:
    a, b = machines("a"), machines("b")
    a.s.set_read("post", True)
    b.s.set_bookmarked("post", True)
    a.sync()
    b.sync()
    a.sync()
    for machine in (a, b):
        assert machine.s.is_read("post") and machine.s.is_bookmarked("post")


def test_later_syncs_take_marks_from_other_readers_and_replaced_journals(
    machines: Callable[..., Machine],
) -> None:
    a, b = machines("a"), machines("b")
    a.s.set_read("one", True)
    a.sync()
    b.sync()
    other = Store(a.state)  # `reader mark` on machine A while its reader runs
    other.open()
    other.set_bookmarked("two", True)
    other.close()
    a.sync()
    b.sync()
    assert b.s.is_bookmarked("two")
    own = a.sync_with.own  # A's journal replaced by a compacted copy, with a new mark
    stamp = (int(time.time() * 1000) + 10, 0, "a")
    replacement = own.with_name("replacement")
    replacement.write_bytes(entry_line(Entry("three", "read", True, stamp), "a"))
    os.replace(replacement, own)  # a new file (inode) that is shorter than the old one
    b.sync()
    assert b.s.is_read("three") and b.s.is_read("one")


def test_the_device_id_is_stable(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = device_id(state)
    assert first is not None and device_id(state) == first
    assert device_id(tmp_path / "other" / "state.json") != first


def test_a_torn_last_line_is_skipped_and_the_next_append_is_read(
    machines: Callable[..., Machine],
) -> None:
    a, b = machines("a"), machines("b")
    a.s.set_read("one", True)
    a.sync()
    own = a.sync_with.own
    with open(own, "ab") as handle:  # a writer killed halfway through a line
        handle.write(entry_line(Entry("two", "read", True, (1, 0, "x")), "dead")[:20])
    a.s.set_read("three", True)
    a.sync()  # starts on a new line
    b.sync()
    assert b.s.is_read("one") and b.s.is_read("three") and not b.s.is_read("two")


def test_conflict_and_duplicate_copies_are_merged(
    machines: Callable[..., Machine],
) -> None:
    a, b = machines("a"), machines("b")
    a.s.set_read("one", True)
    a.sync()
    own = a.sync_with.own
    conflict = own.with_name(own.name.replace(".journal", ".sync-conflict-20260101-1-AB.journal"))
    stamp = (int(time.time() * 1000), 0, "elsewhere")
    conflict.write_bytes(entry_line(Entry("two", "bookmarked", True, stamp), "x"))
    (own.parent / "copy (1).journal").write_bytes(own.read_bytes())
    b.sync()
    assert b.s.is_read("one") and b.s.is_bookmarked("two")


def test_a_conflict_copy_of_the_state_file_is_merged(
    machines: Callable[..., Machine], tmp_path: Path
) -> None:
    other = machines("other")
    other.s.set_bookmarked("from-copy", True)
    other.close()
    # (compacts into the snapshot so the copy is complete without its journal)
    from reader.state_disk import StateDisk

    StateDisk(other.state).compact()
    a = machines("a")
    copy = a.state.with_name("state.sync-conflict-20260101-120000-ABCDEFG.json")
    copy.write_bytes(other.state.read_bytes())
    a.sync()
    assert a.s.is_bookmarked("from-copy")
    other.open()


def test_compaction_keeps_every_mark_and_folds_conflict_copies(
    machines: Callable[..., Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.sync.folder.COMPACT_AT_BYTES", 2000)
    a, b = machines("a"), machines("b")
    for round_ in range(30):
        a.s.set_read("same", round_ % 2 == 0)
        a.s.set_position("same", round_ / 100)
        a.sync()
    a.s.set_bookmarked("kept", True)
    a.sync()
    own = a.sync_with.own
    conflict = own.with_name(own.name.replace(".journal", ".sync-conflict-1-2-X.journal"))
    stamp = (int(time.time() * 1000) + 5, 0, "copy")
    conflict.write_bytes(entry_line(Entry("in-copy", "read", True, stamp), "x"))
    a.sync()
    assert not conflict.exists()
    assert len(own.read_bytes().splitlines()) == 4  # same: read, position; kept; in-copy
    b.sync()
    assert b.s.is_read("same") is a.s.is_read("same") is False
    assert b.s.position("same") == pytest.approx(0.29)
    assert b.s.is_bookmarked("kept") and b.s.is_read("in-copy")


WORKER = """
import sys, time
from pathlib import Path
from reader.store import Store
from reader.sync.folder import FolderSync, device_id
state, folder = Path(sys.argv[1]), Path(sys.argv[2])
store = Store(state, debounce=0.0)
store.open()
sync = FolderSync(store, folder, device_id(state))
for i in range(100000):
    store.set_read(f"p{i}", True)
    store.flush()
    sync.sync()
    print(i, flush=True)
"""


def test_sigkill_during_appends_loses_no_synced_mark(
    machines: Callable[..., Machine], tmp_path: Path
) -> None:
    folder = tmp_path / "Sync"
    state = tmp_path / "killed" / "state.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(state), str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    done = -1
    deadline = time.monotonic() + 60
    while done < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        done = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert done >= 40
    b = machines("b")
    b.sync()
    assert all(b.s.is_read(f"p{i}") for i in range(done + 1))
    again = machines("killed")  # the killed machine starts again and goes on
    again.s.set_bookmarked("after", True)
    again.sync()
    b.sync()
    assert b.s.is_bookmarked("after")
    assert all(again.s.is_read(f"p{i}") for i in range(done + 1))


# Properties of the merge ---------------------------------------------------------------

stamps = st.tuples(st.integers(0, 50), st.integers(0, 3), st.sampled_from(["w1", "w2", "w3"]))
entries = st.builds(
    Entry,
    post=st.sampled_from(["a", "b", "c"]),
    field=st.sampled_from(["read", "bookmarked"]),
    value=st.booleans(),
    stamp=stamps,
)
journals = st.lists(entries, max_size=12)


def merged(*parts: list[Entry]) -> dict[tuple[str, str], Entry]:
    """Journals merged in the order given."""
    result: list[Entry] = []
    for part in parts:
        result += part
    return latest(result)


@settings(max_examples=300, deadline=None)
@given(journals, journals, journals)
def test_merging_journals_is_commutative_associative_and_idempotent(
    a: list[Entry], b: list[Entry], c: list[Entry]
) -> None:
    assert merged(a, b) == merged(b, a)
    assert merged(list(merged(a, b).values()), c) == merged(a, list(merged(b, c).values()))
    assert merged(a, a) == merged(a)
    assert merged(list(merged(a).values())) == merged(a)


@settings(max_examples=60, deadline=None)
@given(journals, journals)
def test_a_store_agrees_whatever_order_journals_arrive_in(a: list[Entry], b: list[Entry]) -> None:
    seen = []
    for order in ((a, b), (b, a), (a, b, a)):
        store = Store(Path("never-opened.json"))  # merged in memory only: no IO
        for part in order:
            store.merge_entries(part)
        seen.append({(e.post, e.field): (e.value, e.stamp) for e in store.post_entries()})
    assert seen[0] == seen[1] == seen[2]
    assert seen[0] == {key: (e.value, e.stamp) for key, e in merged(a, b).items()}


def test_lines_carry_the_device_id() -> None:
    line = entry_line(Entry("p", "read", True, (1, 2, "w")), "abc123")
    assert json.loads(line)["d"] == "abc123"
