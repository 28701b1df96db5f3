"""Tests for reader.store under faults: writes that fail, broken and newer state files.

A failed write (full disk, read-only directory, lock held) keeps the old file byte-identical
and the changes in memory until writing works again; a broken file is moved aside, never
overwritten; a file from a newer reader is shown but never changed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from tinydb import TinyDB

from reader import journal
from reader.journal import journal_path
from reader.marks import PostState, parse_line
from reader.state_disk import DiskLimits, StateDisk
from reader.statefile import AtomicJSONStorage
from reader.store import Store
from tests.unit.helpers.store_support import NEVER, Errors, eacces, enospc, raw, wait_for

# --- write failures ----------------------------------------------------------------------


def saved_state(path: Path, make: Callable[..., Store]) -> dict[str, bytes]:
    """Create a state holding post "old" as read (folded into the snapshot); return the files."""
    first = make()
    first.set_read("old", True)
    first.close()
    assert StateDisk(path).compact()
    return files(path)


def files(path: Path) -> dict[str, bytes]:
    """The state files (snapshot, journal) by name, with their bytes."""
    return {
        p.name: p.read_bytes()
        for p in sorted(path.parent.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


def fail_on_journal(fail: Callable[..., Any]) -> Callable[..., Any]:
    """os.open that fails for the journal only (the lock file opens as usual)."""
    real_open = os.open

    def opener(name: Any, *args: Any, **kwargs: Any) -> int:
        if str(name).endswith(".journal"):
            fail()
        return real_open(name, *args, **kwargs)

    return opener


@pytest.mark.parametrize(
    ("attribute", "fail", "reason"),
    [
        ("write", enospc, "No space left on device"),
        ("fsync", enospc, "No space left on device"),
        ("open", fail_on_journal(eacces), "Permission denied"),  # a read-only directory
    ],
)
def test_failed_write_leaves_the_files_whole_and_keeps_changes(
    opened: Callable[..., Store],
    path: Path,
    errors: Errors,
    monkeypatch: pytest.MonkeyPatch,
    attribute: str,
    fail: Callable[..., Any],
    reason: str,
) -> None:
    """A save that fails half-way leaves the snapshot as it was and no torn entry behind."""
    before = saved_state(path, opened)
    store = opened()
    store.set_read("new", True)
    with monkeypatch.context() as patch:
        patch.setattr(os, attribute, fail)
        assert store.flush() is False
        assert store.flush() is False
    after = files(path)
    assert after["state.json"] == before["state.json"]
    assert set(after) == {"state.json", "state.json.journal"}
    assert all(parse_line(line) for line in after["state.json.journal"].splitlines())
    assert store.is_read("new")
    assert len(errors) == 1, "one message per distinct failure"
    assert reason in errors[0] and str(path) in errors[0]

    assert store.flush() is True
    assert "saved again" in errors[-1]
    store.close()
    assert opened().read_ids() == {"old", "new"}


def test_writer_retries_until_writing_works(
    path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a failed save the writer thread tries again by itself and saves the change."""
    blocked = [True]
    real_open = os.open

    def opener(name: Any, *args: Any, **kwargs: Any) -> int:
        if blocked[0] and str(name).endswith(".journal"):
            eacces()
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", opener)
    store = Store(path, on_error=errors, debounce=0.01, retry_interval=0.05)
    store.open()
    try:
        store.set_read("a", True)
        wait_for(lambda: len(errors) > 0, "the failure to be reported")
        assert "Permission denied" in errors[0]
        blocked[0] = False
        wait_for(lambda: "saved again" in errors[-1], "the retry to save the change")
    finally:
        store.close()
    assert loaded_read_ids(path) == {"a"}


def test_the_writer_thread_survives_an_unexpected_error(
    path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in saving (not an OSError) is reported, the thread keeps running and retries."""
    real_append = journal.append
    calls = [0]

    def buggy(target: Path, entries: Any) -> int:
        calls[0] += 1
        if calls[0] == 1:
            raise UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed")
        return real_append(target, entries)

    monkeypatch.setattr(journal, "append", buggy)
    store = Store(path, on_error=errors, debounce=0.01, retry_interval=0.05)
    store.open()
    try:
        store.set_read("a", True)
        wait_for(lambda: len(errors) > 0, "the failure to be reported")
        assert "cannot save state" in errors[0]
        store.set_bookmarked("b", True)
        wait_for(lambda: calls[0] >= 2 and "saved again" in errors[-1], "the retry")
    finally:
        store.close()
    assert loaded_read_ids(path) == {"a"}


def loaded_read_ids(path: Path) -> set[str]:
    """The read marks a fresh store finds."""
    store = Store(path, debounce=NEVER)
    store.open()
    try:
        return store.read_ids()
    finally:
        store.close()


def test_close_reports_changes_it_cannot_save(
    opened: Callable[..., Store], path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close() tries once more, reports the loss and does not raise."""
    before = saved_state(path, opened)
    store = opened()
    store.set_bookmarked("x", True)
    monkeypatch.setattr(os, "open", fail_on_journal(enospc))
    store.close()
    monkeypatch.undo()
    assert files(path) == before
    assert "No space left on device" in errors[-1]
    assert "lost" in errors[-1]


def test_stale_temp_files_are_removed(opened: Callable[..., Store], path: Path) -> None:
    """A temp file left by a crashed writer is removed by the next save."""
    path.parent.mkdir(parents=True)
    (path.parent / ".state.json.abc123.tmp").write_text('{"half": ')
    (path.parent / ".state.json.compact-77.part").write_text('{"half": ')
    (path.parent / "unrelated.tmp").write_text("mine")
    store = opened()
    store.set_read("a", True)
    assert store.flush()
    left = {p.name for p in path.parent.iterdir()}
    assert left == {"state.json.journal", "state.json.lock", "unrelated.tmp"}


def test_lock_held_by_another_reader(
    opened: Callable[..., Store], path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the lock, changes stay pending and are saved afterwards."""
    store = opened(limits=DiskLimits(lock_timeout=0.05))
    store.set_read("a", True)
    path.parent.mkdir(parents=True)
    with FileLock(f"{path}.lock"):
        assert store.flush() is False
    assert "lock" in errors[0] and not journal_path(path).exists()
    assert store.flush() is True
    assert store.is_read("a") and loaded_read_ids(path) == {"a"}


# --- broken files ------------------------------------------------------------------------

GOOD = json.dumps(
    {
        "posts": {"1": {"id": "a", "read": True, "read_at": 1.0, "bookmarked": False,
                        "bookmarked_at": None, "updated": 1.0}},
        "meta": {"1": {"schema": 1, "selected": "a", "updated_meta": 1.0}},
    },
    indent=1,
).encode()

BROKEN = {
    "invalid JSON": b'{"posts": {"1": {"id": "a", "read": tru}}}',
    "truncated": GOOD[: len(GOOD) // 2],
    "trailing garbage": GOOD + b"\n}garbage",
    "not UTF-8": b"\xff\xfe\x00\x00garbage",
    "whitespace only": b"  \n",
    "top level is a list": b"[1, 2, 3]",
    "posts is a list": b'{"posts": [{"id": "a"}]}',
    "posts holds numbers": b'{"posts": {"1": 5}}',
    "meta is a string": b'{"meta": "x"}',
    "schema is text": b'{"meta": {"1": {"schema": "one"}}}',
    "updated_meta is text": b'{"meta": {"1": {"schema": 1, "updated_meta": "x"}}}',
    "NaN in meta": b'{"meta": {"1": {"schema": 1, "selected": NaN}}}',
}


def check_moved_aside(path: Path, message: str, original: bytes | None) -> Path:
    """The bad file is now at the corrupt- name the message names, with its original bytes."""
    [aside] = path.parent.glob("state.json.corrupt-*")
    assert f"moved aside to {aside}" in message and str(path) in message
    if original is None:
        assert aside.is_dir() and (aside / "inside.txt").read_text() == "keep me"
    else:
        assert aside.read_bytes() == original
    return aside


def check_fresh_start(store: Store, path: Path, errors: Errors) -> None:
    """State is empty and the next change is saved to a good new state."""
    assert store.read_ids() == set() and store.get_meta("selected") is None
    store.set_read("z", True)
    store.close()
    assert errors == []
    assert StateDisk(path).compact()
    with TinyDB(path) as db:
        assert [doc["id"] for doc in db.table("posts").all()] == ["z"]
    reopened = Store(path)
    assert reopened.open() == [] and reopened.read_ids() == {"z"}
    reopened.close()


@pytest.mark.parametrize("content", BROKEN.values(), ids=BROKEN.keys())
def test_broken_file_is_moved_aside(path: Path, errors: Errors, content: bytes) -> None:
    """Every kind of broken file is kept under a corrupt- name and the store starts empty."""
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "unreadable" in message and "started fresh" in message
    check_moved_aside(path, message, content)
    check_fresh_start(store, path, errors)


def test_directory_in_place_of_the_file(path: Path, errors: Errors) -> None:
    """A directory where the file should be is renamed aside like a bad file."""
    path.mkdir(parents=True)
    (path / "inside.txt").write_text("keep me")
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "directory" in message
    check_moved_aside(path, message, None)
    check_fresh_start(store, path, errors)


def test_a_file_that_may_not_be_read_is_left_where_it_is(
    path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied is not corruption: nothing is moved, and nothing is written over it."""
    path.parent.mkdir(parents=True)
    path.write_bytes(GOOD)
    real_read = AtomicJSONStorage.read

    def read(self: AtomicJSONStorage) -> Any:
        if self.path.exists():
            eacces()
        return real_read(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", read)
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "permission denied" in message and "will not be saved" in message
    assert "moved" not in message and store.read_only
    store.set_read("b", True)
    assert store.flush() is False
    store.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]
    assert path.read_bytes() == GOOD
    monkeypatch.undo()
    assert loaded_read_ids(path) == {"a"}


def test_corrupt_names_do_not_collide(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second bad file in the same second gets a counter suffix; nothing is overwritten."""
    monkeypatch.setattr(time, "strftime", lambda _fmt: "20261127T105012")
    path.parent.mkdir(parents=True)
    for content in (b"first", b"second"):
        path.write_bytes(content)
        store = Store(path)
        [message] = store.open()
        store.close()
    first = path.with_name("state.json.corrupt-20261127T105012")
    second = path.with_name("state.json.corrupt-20261127T105012-1")
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"
    assert str(second) in message


def test_invalid_documents_are_dropped(path: Path, errors: Errors) -> None:
    """Posts with wrong-typed fields are dropped; the valid ones are kept and rewritten."""
    content = json.dumps({"posts": {
        "1": {"id": "a", "read": True, "read_at": 5, "updated": 5},
        "2": {"id": "b", "read": "yes", "updated": 6},
        "3": {"id": "c", "bookmarked": True, "bookmarked_at": 7.5, "updated": "late"},
        "4": {"read": True},
    }}).encode()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "3 invalid post(s)" in message and "'read'" in message
    check_moved_aside(path, message, content)
    assert store.read_ids() == {"a"} and store.bookmarked_ids() == set()
    assert store.state("a") == PostState(read=True, read_at=5.0, updated=5.0)
    store.close()  # the valid rest is written even without new changes
    assert [doc["id"] for doc in raw(path)["posts"].values()] == ["a"]
    assert loaded_read_ids(path) == {"a"}


def test_out_of_range_times_are_invalid(path: Path, errors: Errors) -> None:
    """Infinite or absurdly large times are dropped like other wrong-typed fields."""
    path.parent.mkdir(parents=True)
    path.write_text(
        '{"posts": {"1": {"id": "a", "read": true, "updated": 1e999},'
        ' "2": {"id": "b", "read": true, "updated": 1' + "0" * 400 + "},"
        ' "3": {"id": "c", "read": true, "updated": 2}}}'
    )
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "2 invalid post(s)" in message
    assert store.read_ids() == {"c"}
    store.close()



def test_bad_file_that_cannot_be_moved(
    path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the bad file cannot be renamed, the store works in memory and never writes."""
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{broken")
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if ".corrupt-" in str(dst):
            eacces()
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    store = Store(path, on_error=errors, debounce=NEVER)
    [message] = store.open()
    assert "could not be moved aside (Permission denied)" in message
    assert store.read_only
    store.set_read("a", True)
    assert store.is_read("a")
    assert store.flush() is False
    store.close()
    assert path.read_bytes() == b"{broken"
    assert {p.name for p in path.parent.iterdir()} <= {"state.json", "state.json.lock"}



def test_newer_schema_is_read_only(path: Path, errors: Errors) -> None:
    """A file from a newer reader is shown but never changed."""
    content = GOOD.replace(b'"schema": 1', b'"schema": 99')
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = Store(path, on_error=errors, debounce=NEVER)
    assert store.open() == [
        f"state file {path} was written by a newer reader (schema 99); it will not be changed"
    ]
    assert store.read_only
    store.set_read("b", True)
    store.set_meta("view", "unread")
    assert store.flush() is False
    assert store.close() is False, "a change of this session was not saved"
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]
    assert errors == [
        f"1 change(s) from this session were not saved: "
        f"the state file {path} is not written by this reader"
    ]


def test_a_broken_snapshot_keeps_the_marks_in_the_journal(
    opened: Callable[..., Store], path: Path, errors: Errors
) -> None:
    """The snapshot is moved aside; the changes saved since it was written are not lost."""
    store = opened()
    store.set_read("a", True)
    store.close()
    path.write_bytes(b"{garbage")
    again = Store(path, on_error=errors, debounce=NEVER)
    [message] = again.open()
    assert "moved aside" in message
    assert again.read_ids() == {"a"}
    again.close()
