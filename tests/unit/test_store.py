"""Tests for reader.store: read marks, bookmarks and meta that survive restarts and two readers.

Faults (failed writes, broken or newer files) are in test_store_recovery.py, real processes
that race and get killed in test_state_processes.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from reader import journal, state_disk, statefile
from reader.clock import Clock
from reader.journal import journal_path
from reader.marks import PostState
from reader.state_disk import DiskLimits, StateDisk
from reader.statefile import MIGRATIONS, SCHEMA_VERSION
from reader.store import Store
from tests.unit.helpers.store_support import raw, wait_for

# --- basics -----------------------------------------------------------------------------


def test_unknown_posts_have_default_state(opened: Callable[..., Store], path: Path) -> None:
    """A fresh store knows nothing and open() creates no file or directory."""
    store = opened()
    assert store.state("nope") == PostState()
    assert not store.is_read("nope") and not store.is_bookmarked("nope")
    assert store.read_ids() == set() and store.bookmarked_ids() == set()
    assert store.get_meta("selected") is None
    assert store.get_meta("view", "all") == "all"
    assert not path.parent.exists()
    assert store.path == path and not store.read_only


def test_round_trip(opened: Callable[..., Store], path: Path) -> None:
    """Marks, bookmarks and meta survive close and reopen; folded, they are a plain TinyDB file."""
    store = opened()
    store.set_read("a", True)
    store.set_bookmarked("b", True)
    store.set_read("c", True)
    store.set_read("c", False)
    store.set_meta("selected", "b")
    store.set_meta("view", "bookmarked")
    store.close()

    again = opened()
    assert again.read_ids() == {"a"}
    assert again.bookmarked_ids() == {"b"}
    a, c = again.state("a"), again.state("c")
    assert a.read and a.read_at is not None and a.updated >= a.read_at
    assert not c.read and c.read_at is None and c.updated > 0
    assert again.get_meta("selected") == "b"
    assert again.get_meta("view") == "bookmarked"

    assert StateDisk(path).compact()
    assert journal_path(path).read_bytes() == b""
    with TinyDB(path) as db:
        assert db.tables() == {"posts", "meta"}
        docs = {doc["id"]: doc for doc in db.table("posts").all()}
        assert set(docs["a"]) == {"id", "read"}
        value, ms, counter, writer = docs["a"]["read"]  # the value with its stamp
        assert value is True and ms > 0 and counter >= 0 and writer
        assert docs["b"]["bookmarked"][0] is True and "read" not in docs["b"]
        [meta] = db.table("meta").all()
        assert meta["schema"] == SCHEMA_VERSION
        assert meta["selected"][0] == "b" and meta["view"][0] == "bookmarked"
    assert opened().read_ids() == {"a"}


def test_meta_values_must_be_json(opened: Callable[..., Store]) -> None:
    """Non-JSON values and reserved keys are refused at once, not in the writer thread."""
    store = opened()
    with pytest.raises(TypeError):
        store.set_meta("selected", object())
    with pytest.raises(ValueError):
        store.set_meta("schema", 7)
    value = ["x"]
    store.set_meta("list", value)
    value.append("y")
    assert store.get_meta("list") == ["x"]


def test_close_writes_pending_changes(opened: Callable[..., Store], path: Path) -> None:
    """Changes the writer has not saved yet are written by close(), creating the directory."""
    store = opened()
    store.set_read("a", True)
    assert not path.parent.exists()
    store.close()
    store.close()  # idempotent
    assert opened().read_ids() == {"a"}


def test_close_without_open_does_nothing(path: Path) -> None:
    """A store that was never opened closes quietly and writes nothing."""
    Store(path).close()
    assert not path.parent.exists()


def test_burst_of_changes_is_coalesced(
    opened: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 quick changes through the writer thread end up in a handful of appends."""
    appends = count_appends(monkeypatch)
    store = opened(debounce=0.2)
    for i in range(1000):
        store.set_read(f"post-{i}", True)
    wait_for(lambda: sum(appends) == 1000, "the burst to be saved")
    store.close()
    assert 1 <= len(appends) < 10
    assert len(opened().read_ids()) == 1000


def test_one_flush_is_one_append(
    opened: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flushing 500 changes appends once; with nothing pending a flush writes nothing."""
    appends = count_appends(monkeypatch)
    store = opened()
    for i in range(500):
        store.set_bookmarked(f"p{i}", True)
    assert store.flush()
    assert appends == [500]
    assert store.flush()
    assert appends == [500]


def count_appends(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many entries each journal append writes."""
    appends: list[int] = []
    real_append = journal.append

    def counting(path: Path, entries: Any) -> int:
        entries = list(entries)
        appends.append(len(entries))
        return real_append(path, entries)

    monkeypatch.setattr(journal, "append", counting)
    return appends


def test_a_save_costs_the_same_whatever_the_size_of_the_state(
    opened: Callable[..., Store], path: Path
) -> None:
    """With 20,000 posts in the snapshot, a change appends one short line and leaves the
    snapshot alone: saving does not rewrite (or even read) the state of the other posts."""
    big = opened()
    for i in range(20_000):
        big.set_read(f"post-{i:05}", True)
    big.close()
    assert StateDisk(path).compact()
    before = path.stat()
    store = opened()
    store.set_bookmarked("post-00042", True)
    assert store.flush()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert 0 < journal_path(path).stat().st_size < 200
    assert opened().is_bookmarked("post-00042") and opened().is_read("post-19999")


def test_setting_the_same_value_is_not_a_change(opened: Callable[..., Store]) -> None:
    """Re-marking a read post keeps its read time (and does not schedule a write)."""
    store = opened()
    store.set_read("a", True)
    first = store.state("a")
    store.set_read("a", True)
    assert store.state("a") == first
    store.set_read("never", False)
    assert store.state("never") == PostState()


def test_other_tables_are_kept(opened: Callable[..., Store], path: Path) -> None:
    """Tables this version does not know about survive folding the journal in."""
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"notes": {"1": {"text": "hi"}}, "posts": {}}))
    store = opened()
    store.set_read("a", True)
    store.close()
    assert StateDisk(path).compact()
    assert raw(path)["notes"] == {"1": {"text": "hi"}}
    assert opened().read_ids() == {"a"}


def test_empty_file_is_empty_state(opened: Callable[..., Store], path: Path) -> None:
    """A zero-byte file holds nothing to lose: it is used as an empty database, no message."""
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    store = opened()
    store.set_read("a", True)
    store.close()
    assert opened().read_ids() == {"a"}


# --- schema --------------------------------------------------------------------------------


def test_migration_from_schema_0(opened: Callable[..., Store], path: Path) -> None:
    """A file without a schema number (version 0) is read and folded into the current one."""
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {
                "posts": {"1": {"id": "a", "read": True, "read_at": 3.0, "updated": 3.0}},
                "meta": {"1": {"selected": "a"}},
            }
        )
    )
    store = opened()
    assert store.is_read("a") and store.get_meta("selected") == "a"
    assert store.state("a").read_at == 3.0
    store.set_bookmarked("b", True)
    store.close()
    assert StateDisk(path).compact()
    [meta] = raw(path)["meta"].values()
    assert meta["schema"] == SCHEMA_VERSION and meta["selected"][0] == "a"
    again = opened()
    assert again.is_read("a") and again.is_bookmarked("b")


def test_migration_without_meta_table(opened: Callable[..., Store], path: Path) -> None:
    """Schema 0 files may lack the meta table entirely."""
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"posts": {"1": {"id": "a", "read": True, "updated": 3}}}))
    assert opened().is_read("a")


def test_migrations_cover_every_old_version() -> None:
    """There is one migration step for each schema before the current one."""
    assert set(MIGRATIONS) == set(range(SCHEMA_VERSION))


def test_migrations_are_chained(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later schema adds one step and old files go through every step in order."""
    current = SCHEMA_VERSION

    def step(data: dict[str, Any]) -> dict[str, Any]:
        meta = {
            k: {**d, "schema": current + 1, "migrated": [d["schema"], 1, 0, "test"]}
            for k, d in data["meta"].items()
        }
        return {**data, "meta": meta}

    monkeypatch.setattr(statefile, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(MIGRATIONS, current, step)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"posts": {}}))
    store = opened()
    assert store.get_meta("migrated") == current
    store.set_read("a", True)
    store.close()
    assert StateDisk(path).compact()
    [meta] = raw(path)["meta"].values()
    assert meta["schema"] == current + 1


# --- two stores on one file ---------------------------------------------------------------


def ticking(writer: str, ticks: Any) -> Clock:
    """A clock whose wall time comes from a shared counter (1 s, 2 s, 3 s, ...)."""
    return Clock(writer, wall=lambda: float(next(ticks)))


def test_two_stores_do_not_undo_each_other(opened: Callable[..., Store], path: Path) -> None:
    """Each store keeps the other's changes: per post and per field, the later change wins."""
    ticks = iter(range(1, 1_000_000))
    one = opened(clock=ticking("one", ticks))
    two = opened(clock=ticking("two", ticks))
    one.set_read("a", True)
    one.set_meta("view", "unread")
    assert one.flush()
    two.set_bookmarked("b", True)
    assert two.flush()
    two.refresh()
    assert two.is_read("a") and two.get_meta("view") == "unread"

    one.set_position("c", 0.2)  # older ...
    two.set_position("c", 0.7)  # ... newer, but saved first
    two.set_position("d", 0.1)  # older ...
    one.set_position("d", 0.9)  # ... newer, saved last
    assert two.flush() and one.flush()
    one.refresh()
    two.refresh()
    for store in (one, two):
        assert store.positions() == {"c": 0.7, "d": 0.9}
    one.close()
    two.close()
    again = opened()
    assert again.read_ids() == {"a"} and again.bookmarked_ids() == {"b"}
    assert again.positions() == {"c": 0.7, "d": 0.9}
    assert again.get_meta("view") == "unread"


def test_a_bookmark_and_a_read_mark_on_one_post_both_stay(
    opened: Callable[..., Store],
) -> None:
    """A presses b on X; 1.5 s later B presses m on X: X is read and bookmarked, for both.

    (Merged per post, B's change of X undid A's bookmark.)
    """
    ticks = iter(range(1, 1_000_000))
    a = opened(clock=ticking("A", ticks))
    b = opened(clock=ticking("B", ticks))
    a.set_bookmarked("x", True)
    b.set_read("x", True)
    b.set_position("x", 0.3)  # B also scrolls X
    assert a.flush() and b.flush()
    a.refresh()
    b.refresh()
    for store in (a, b):
        assert store.is_bookmarked("x") and store.is_read("x") and store.position("x") == 0.3


def test_newer_meta_wins_per_key(opened: Callable[..., Store]) -> None:
    """Meta keys merge one by one: the later change of each key wins."""
    ticks = iter(range(1, 1_000_000))
    one = opened(clock=ticking("one", ticks))
    two = opened(clock=ticking("two", ticks))
    one.set_meta("selected", "old")
    two.set_meta("selected", "new")
    two.set_meta("sort", "title")
    one.set_meta("view", "unread")
    assert two.flush() and one.flush()
    one.refresh()
    assert one.get_meta("selected") == "new"
    assert one.get_meta("sort") == "title" and one.get_meta("view") == "unread"


def test_changes_are_saved_at_exit_without_close(path: Path) -> None:
    """A program that forgets close() still saves its pending changes when it exits."""
    code = (
        "import sys; from pathlib import Path; from reader.store import Store; "
        "s = Store(Path(sys.argv[1]), debounce=3600); s.open(); s.set_read('a', True)"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)
    store = Store(path)
    assert store.open() == [] and store.read_ids() == {"a"}
    store.close()


def test_the_writer_thread_saves_through_flush(path: Path) -> None:
    """A subclass that extends flush() (as the SIGKILL test's writers do, to acknowledge
    saves) sees the saves of the writer thread too, not only its own calls."""
    saves: list[bool] = []

    class Counting(Store):
        def flush(self) -> bool:
            saved = super().flush()
            saves.append(saved)
            return saved

    store = Counting(path, debounce=0.01)
    store.open()
    try:
        store.set_read("a", True)
        wait_for(lambda: True in saves, "the writer thread's save")
        assert StateDisk(path).load_all().posts["a"]["read"].value is True
    finally:
        store.close()


# --- no UI ------------------------------------------------------------------------------------


def test_store_does_not_import_textual() -> None:
    """The state store and its file layer stay UI-free: importing them pulls in no textual."""
    code = (
        "import sys, reader.store, reader.store_writer, reader.statefile, reader.state_disk, "
        "reader.journal, reader.marks, reader.clock, reader.paths; "
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_reading_positions_round_trip(path: Path) -> None:
    store = Store(path, debounce=0.01)
    store.open()
    store.set_position("a", 0.4237)
    store.set_position("b", 7.0)  # clamped to the end
    store.close()
    again = Store(path)
    again.open()
    assert again.position("a") == 0.4237
    assert again.position("b") == 1.0
    assert again.position("c") is None
    assert again.positions() == {"a": 0.4237, "b": 1.0}
    again.close()


def test_a_schema_1_file_is_migrated_and_keeps_its_marks(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '{"posts": {"1": {"id": "a", "read": true, "read_at": 1.0, "bookmarked": false,'
        ' "bookmarked_at": null, "updated": 1.0}}, "meta": {"1": {"schema": 1,'
        ' "selected": "a", "updated_meta": 1.0}}}'
    )
    store = Store(path, debounce=0.01)
    assert store.open() == []
    assert store.is_read("a") and store.position("a") is None
    store.set_position("a", 0.5)
    store.close()
    assert StateDisk(path).compact()
    assert [meta["schema"] for meta in raw(path)["meta"].values()] == [SCHEMA_VERSION]
    again = Store(path)
    assert again.open() == []
    assert again.is_read("a") and again.position("a") == 0.5
    assert again.state("a").read_at == 1.0 and again.get_meta("selected") == "a"
    again.close()


# --- the journal ---------------------------------------------------------------------------


def test_a_torn_last_line_is_skipped_and_the_next_save_starts_a_new_line(
    opened: Callable[..., Store], path: Path
) -> None:
    """A writer killed mid-append leaves half a line: it is ignored, nothing else is lost."""
    store = opened()
    store.set_read("a", True)
    store.close()
    with journal_path(path).open("ab") as handle:
        handle.write(b'{"p": "b", "f": "read", "v": tr')  # killed here
    other = opened()
    assert other.read_ids() == {"a"}
    other.set_bookmarked("c", True)
    other.close()
    again = opened()
    assert again.read_ids() == {"a"} and again.bookmarked_ids() == {"c"}


def test_any_post_id_can_be_saved(opened: Callable[..., Store], path: Path) -> None:
    """An id made from a file name with undecodable bytes (lone surrogates) is saved."""
    odd = "bad-\udcff.md"
    store = opened()
    store.set_read(odd, True)
    assert store.flush()
    store.close()
    assert StateDisk(path).compact()
    assert opened().read_ids() == {odd}


def test_a_symlinked_state_file_is_written_through(
    opened: Callable[..., Store], path: Path, tmp_path: Path
) -> None:
    """The link stays a link; the file it points to gets the changes (and the journal)."""
    target = tmp_path / "synced" / "state.json"
    target.parent.mkdir()
    store = opened(at=target)
    store.set_read("a", True)
    store.close()
    assert StateDisk(target).compact()
    path.parent.mkdir(parents=True)
    path.symlink_to(target)
    linked = opened()
    assert linked.read_ids() == {"a"}
    linked.set_bookmarked("b", True)
    linked.close()
    assert StateDisk(path).compact()
    assert path.is_symlink() and path.resolve() == target
    direct = opened(at=target)
    assert direct.read_ids() == {"a"} and direct.bookmarked_ids() == {"b"}
    assert not (path.parent / "state.json.journal").exists()


def test_folding_keeps_the_changes_saved_while_it_runs(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fold reads the snapshot without the lock: saves made meanwhile stay in the journal."""
    store = opened()
    for number in range(3000):
        store.set_read(f"p{number}", True)
    store.close()
    other = opened()
    real_state_bytes = state_disk.state_bytes

    def slow_state_bytes(*args: Any) -> bytes:
        other.set_bookmarked("during", True)  # another save while the fold is under way
        assert other.flush()
        return real_state_bytes(*args)

    monkeypatch.setattr(state_disk, "state_bytes", slow_state_bytes)
    assert StateDisk(path).compact()
    monkeypatch.undo()
    assert b"during" in journal_path(path).read_bytes(), "carried over to the new journal"
    again = opened()
    assert len(again.read_ids()) == 3000 and again.bookmarked_ids() == {"during"}


def test_the_writer_folds_a_large_journal_in_the_background(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = opened(debounce=0.01, limits=DiskLimits(compact_at_bytes=4096))
    for number in range(200):
        store.set_read(f"p{number}", True)
    wait_for(path.exists, "the journal to be folded into a snapshot")
    store.close()
    assert len(opened().read_ids()) == 200


def test_a_position_keeps_its_line_in_a_post_of_a_million_lines(
    opened: Callable[..., Store],
) -> None:
    """Line 2,345 of 1,000,000: four decimal places put the reader 45 lines off."""
    store = opened()
    store.set_position("huge", 2345 / 1_000_000)
    store.close()
    position = opened().position("huge")
    assert position is not None and round(position * 1_000_000) == 2345


def test_a_save_while_the_same_process_folds_is_not_lost(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold's last step (carry the tail over, replace the journal) and a save in another
    thread of the same process must not overlap: the file lock alone let both in."""
    store = opened(limits=DiskLimits(compact_at_bytes=0))
    for number in range(50):
        store.set_read(f"p{number}", True)
    assert store.flush()
    real_replace_with = journal.replace_with
    replacing = threading.Event()

    def slow_replace_with(target: Path, lines: bytes) -> None:
        replacing.set()
        time.sleep(0.5)  # the window in which a save would be dropped
        real_replace_with(target, lines)

    monkeypatch.setattr(journal, "replace_with", slow_replace_with)
    fold = threading.Thread(target=store.compact)  # the store's own fold, as in the reader
    fold.start()
    assert replacing.wait(10)
    store.set_bookmarked("saved-meanwhile", True)
    assert store.flush()  # waits for the fold's step instead of writing into it
    fold.join()
    monkeypatch.undo()
    store.close()
    assert opened().bookmarked_ids() == {"saved-meanwhile"}


def test_a_stamp_at_the_limit_does_not_stop_later_changes_from_saving(
    opened: Callable[..., Store], path: Path
) -> None:
    """A crafted journal line with the largest stamp: later changes still save and win."""
    store = opened()
    store.set_read("z", True)
    store.close()
    with journal_path(path).open("ab") as handle:
        largest = [2**53 - 1, 2**53 - 1, "x"]  # the next counter could not be stored
        handle.write(json.dumps({"p": "z", "f": "read", "v": True, "c": largest}).encode() + b"\n")
    again = opened()
    again.set_read("z", False)
    again.set_bookmarked("other", True)
    again.close()
    third = opened()
    assert not third.is_read("z") and third.is_bookmarked("other")


def test_a_meta_value_stamped_in_the_future_can_still_be_changed(
    opened: Callable[..., Store], path: Path
) -> None:
    store = opened(clock=Clock("future", wall=lambda: 32_503_680_000.0))  # the year 3000
    store.set_meta("view", "bookmarked")
    store.close()
    again = opened()
    again.set_meta("view", "all")
    assert again.get_meta("view") == "all"
    again.close()
    assert opened().get_meta("view") == "all"
