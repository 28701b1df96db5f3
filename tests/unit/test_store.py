"""Tests for reader.store: read marks, bookmarks and meta that survive crashes and two readers."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from tinydb import TinyDB

from reader import store as store_mod
from reader.store import MIGRATIONS, SCHEMA_VERSION, AtomicJSONStorage, PostState, Store

NEVER = 3600.0  # a debounce so long that only flush()/close() write


class Errors(list[str]):
    """An on_error callback that remembers its messages."""

    def __call__(self, message: str) -> None:
        """Record one message."""
        self.append(message)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A state file in a directory that does not exist yet."""
    return tmp_path / "data" / "state.json"


@pytest.fixture
def errors() -> Errors:
    """Messages passed to on_error."""
    return Errors()


@pytest.fixture
def opened(path: Path, errors: Errors) -> Iterator[Callable[..., Store]]:
    """Open stores on `path` (or another path) and close them all after the test."""
    stores: list[Store] = []

    def make(at: Path | None = None, debounce: float = NEVER) -> Store:
        store = Store(at or path, on_error=errors, debounce=debounce)
        assert store.open() == []
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def raw(path: Path) -> Any:
    """The state file as plain JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def enospc(*_args: object, **_kwargs: object) -> Any:
    """Stand-in for a disk that is full."""
    raise OSError(errno.ENOSPC, "No space left on device")


def eacces(*_args: object, **_kwargs: object) -> Any:
    """Stand-in for a directory we may not write to (tests run as root)."""
    raise PermissionError(errno.EACCES, "Permission denied")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until condition holds (generous deadline: this is a wait, not a timing check)."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


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
    """Marks, bookmarks and meta survive close and reopen, in a plain TinyDB file."""
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

    with TinyDB(path) as db:
        assert db.tables() == {"posts", "meta"}
        docs = {doc["id"]: doc for doc in db.table("posts").all()}
        assert set(docs["a"]) == {"id", "read", "read_at", "bookmarked", "bookmarked_at", "updated"}
        assert docs["b"]["bookmarked"] is True and docs["b"]["read"] is False
        [meta] = db.table("meta").all()
        assert meta["schema"] == SCHEMA_VERSION
        assert meta["selected"] == "b" and meta["view"] == "bookmarked"
        assert isinstance(meta["updated_meta"], float)


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
    assert not path.exists()
    store.close()
    store.close()  # idempotent
    assert [doc["id"] for doc in raw(path)["posts"].values()] == ["a"]


def test_close_without_open_does_nothing(path: Path) -> None:
    """A store that was never opened closes quietly and writes nothing."""
    Store(path).close()
    assert not path.parent.exists()


def test_burst_of_changes_is_coalesced(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 quick changes through the writer thread end up in a handful of writes."""
    writes: list[str] = []
    real_replace = os.replace

    def counting_replace(src: Any, dst: Any) -> None:
        if Path(dst) == path:
            writes.append(str(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", counting_replace)
    store = opened(debounce=0.2)
    for i in range(1000):
        store.set_read(f"post-{i}", True)
    wait_for(lambda: path.exists() and len(raw(path)["posts"]) == 1000, "the burst to be saved")
    store.close()
    assert 1 <= len(writes) < 10
    assert len(opened().read_ids()) == 1000


def test_one_flush_is_one_write(
    opened: Callable[..., Store], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flushing 500 dirty posts replaces the file exactly once."""
    writes: list[str] = []
    real_replace = os.replace

    def counting_replace(src: Any, dst: Any) -> None:
        writes.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", counting_replace)
    store = opened()
    for i in range(500):
        store.set_bookmarked(f"p{i}", True)
    assert store.flush()
    assert writes == [str(path)]
    assert store.flush()  # nothing pending: no write at all
    assert writes == [str(path)]


def test_setting_the_same_value_is_not_a_change(opened: Callable[..., Store]) -> None:
    """Re-marking a read post keeps its read time (and does not schedule a write)."""
    store = opened()
    store.set_read("a", True)
    first = store.state("a")
    store.set_read("a", True)
    assert store.state("a") == first
    store.set_read("never", False)
    assert store.state("never") == PostState()


# --- write failures ----------------------------------------------------------------------


def saved_file(path: Path, make: Callable[..., Store]) -> bytes:
    """Create a state file holding post "old" as read; return its bytes."""
    first = make()
    first.set_read("old", True)
    first.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("target", "attribute", "fail", "reason"),
    [
        (os, "replace", enospc, "No space left on device"),
        (os, "fsync", enospc, "No space left on device"),
        (tempfile, "mkstemp", eacces, "Permission denied"),  # read-only directory
    ],
)
def test_failed_write_leaves_file_and_keeps_changes(
    opened: Callable[..., Store],
    path: Path,
    errors: Errors,
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    attribute: str,
    fail: Callable[..., Any],
    reason: str,
) -> None:
    """A write that fails half-way leaves the old file byte-identical and no temp files."""
    before = saved_file(path, opened)
    store = opened()
    store.set_read("new", True)
    with monkeypatch.context() as patch:
        patch.setattr(target, attribute, fail)
        assert store.flush() is False
        assert store.flush() is False
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json", "state.json.lock"]
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
    """After a failed write the writer thread tries again by itself and saves the change."""
    real_mkstemp = tempfile.mkstemp
    blocked = [True]

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if blocked[0]:
            eacces()
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    store = Store(path, on_error=errors, debounce=0.01)
    store.RETRY_INTERVAL = 0.05
    store.open()
    try:
        store.set_read("a", True)
        wait_for(lambda: len(errors) > 0, "the failure to be reported")
        assert "Permission denied" in errors[0]
        blocked[0] = False
        wait_for(path.exists, "the retry to save the file")
        assert [doc["id"] for doc in raw(path)["posts"].values()] == ["a"]
    finally:
        store.close()


def test_close_reports_changes_it_cannot_save(
    opened: Callable[..., Store], path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close() tries once more, reports the loss and does not raise."""
    before = saved_file(path, opened)
    store = opened()
    store.set_bookmarked("x", True)
    monkeypatch.setattr(os, "replace", enospc)
    store.close()
    assert path.read_bytes() == before
    assert "No space left on device" in errors[-1]
    assert "lost" in errors[-1]


def test_stale_temp_files_are_removed(opened: Callable[..., Store], path: Path) -> None:
    """A temp file left by a crashed writer is removed by the next save."""
    path.parent.mkdir(parents=True)
    (path.parent / ".state.json.abc123.tmp").write_text('{"half": ')
    (path.parent / "unrelated.tmp").write_text("mine")
    store = opened()
    store.set_read("a", True)
    assert store.flush()
    left = {p.name for p in path.parent.iterdir()}
    assert left == {"state.json", "state.json.lock", "unrelated.tmp"}


def test_lock_held_by_another_reader(
    opened: Callable[..., Store], path: Path, errors: Errors
) -> None:
    """While another process holds the lock, changes stay pending and are saved afterwards."""
    store = opened()
    store.LOCK_TIMEOUT = 0.05
    store.set_read("a", True)
    path.parent.mkdir(parents=True)
    with FileLock(f"{path}.lock"):
        assert store.flush() is False
    assert "lock" in errors[0] and not path.exists()
    assert store.flush() is True
    assert store.is_read("a") and path.exists()


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
    """State is empty and the next change writes a good new file."""
    assert store.read_ids() == set() and store.get_meta("selected") is None
    store.set_read("z", True)
    store.close()
    assert path.is_file() and errors == []
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


def test_unreadable_file(path: Path, errors: Errors, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file we may not read (simulated: tests run as root) is moved aside."""
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
    assert "permission denied" in message
    check_moved_aside(path, message, GOOD)
    monkeypatch.undo()
    check_fresh_start(store, path, errors)


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


def test_other_tables_are_kept(opened: Callable[..., Store], path: Path) -> None:
    """Tables this version does not know about survive a rewrite."""
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"notes": {"1": {"text": "hi"}}, "posts": {}}))
    store = opened()
    store.set_read("a", True)
    store.close()
    assert raw(path)["notes"] == {"1": {"text": "hi"}}


def test_empty_file_is_empty_state(opened: Callable[..., Store], path: Path) -> None:
    """A zero-byte file holds nothing to lose: it is used as an empty database, no message."""
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    store = opened()
    store.set_read("a", True)
    store.close()
    assert opened().read_ids() == {"a"}


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


# --- schema --------------------------------------------------------------------------------


def test_newer_schema_is_read_only(path: Path, errors: Errors) -> None:
    """A file from a newer reader is shown but never changed."""
    content = GOOD.replace(b'"schema": 1', b'"schema": 2')
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = Store(path, on_error=errors, debounce=NEVER)
    assert store.open() == [
        f"state file {path} was written by a newer reader (schema 2); it will not be changed"
    ]
    assert store.read_only and store.is_read("a")
    store.set_read("b", True)
    store.set_meta("view", "unread")
    assert store.flush() is False
    store.close()
    assert path.read_bytes() == content
    assert errors == []


def test_migration_from_schema_0(opened: Callable[..., Store], path: Path) -> None:
    """A file without a schema number (version 0) is read and rewritten as the current one."""
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "posts": {"1": {"id": "a", "read": True, "read_at": 3.0, "updated": 3.0}},
        "meta": {"1": {"selected": "a"}},
    }))
    store = opened()
    assert store.is_read("a") and store.get_meta("selected") == "a"
    store.set_bookmarked("b", True)
    store.close()
    [meta] = raw(path)["meta"].values()
    assert meta["schema"] == SCHEMA_VERSION and meta["selected"] == "a"


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

    def to_2(data: dict[str, Any]) -> dict[str, Any]:
        meta = {k: {**d, "schema": 2, "migrated": d["schema"]} for k, d in data["meta"].items()}
        return {**data, "meta": meta}

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 1, to_2)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"posts": {}}))
    store = opened()
    assert store.get_meta("migrated") == 1
    store.set_read("a", True)
    store.close()
    [meta] = raw(path)["meta"].values()
    assert meta["schema"] == 2


# --- two stores on one file ---------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make change times 1, 2, 3, ... so "newer" is unambiguous."""
    ticks = iter(range(1, 1_000_000))
    monkeypatch.setattr(store_mod, "_stamp", lambda previous: max(float(next(ticks)), previous + 1))


@pytest.mark.usefixtures("clock")
def test_two_stores_do_not_undo_each_other(opened: Callable[..., Store], path: Path) -> None:
    """A flush keeps the other store's newer changes and adopts the ones it did not touch."""
    one, two = opened(), opened()
    one.set_read("a", True)
    one.set_meta("view", "unread")
    assert one.flush()
    two.set_bookmarked("b", True)  # two still has "a" unread in memory, but did not touch it
    assert two.flush()
    assert two.is_read("a") and two.get_meta("view") == "unread"

    one.set_read("c", True)  # older ...
    two.set_bookmarked("c", True)  # ... newer, but flushed first
    two.set_read("d", True)  # older ...
    one.set_bookmarked("d", True)  # ... newer, flushed last
    assert two.flush() and one.flush()
    assert one.state("c") == two.state("c")  # one adopted two's newer "c"
    one.close()
    two.close()

    posts = {doc["id"]: doc for doc in raw(path)["posts"].values()}
    assert posts["a"]["read"] and posts["b"]["bookmarked"]
    assert posts["c"]["bookmarked"] and not posts["c"]["read"]
    assert posts["d"]["bookmarked"] and not posts["d"]["read"]
    assert opened().get_meta("view") == "unread"


@pytest.mark.usefixtures("clock")
def test_newer_meta_wins_as_a_whole(opened: Callable[..., Store]) -> None:
    """Meta is merged as one document: the later change wins, the earlier is adopted."""
    one, two = opened(), opened()
    one.set_meta("selected", "old")
    two.set_meta("selected", "new")
    assert two.flush() and one.flush()
    assert one.get_meta("selected") == "new"


WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from reader.store import Store

    path, log_path, tag = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[2]).stem
    debounce, pause, wait_for = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    log_path.with_suffix(".ready").touch()  # start together, so the runs overlap
    while len(list(log_path.parent.glob("*.ready"))) < 2:
        time.sleep(0.001)
    store = Store(path, debounce=debounce)
    assert store.open() == []
    with open(log_path, "w") as log:
        for i in range(200):
            time.sleep(pause)
            post = f"post-{i % 15}"
            if i % 3:
                store.set_read(post, not store.is_read(post))
            else:
                store.set_bookmarked(post, not store.is_bookmarked(post))
            store.set_meta("selected", f"{tag}-{i}")
            s = store.state(post)
            log.write(json.dumps([tag, post, s.read, s.bookmarked, s.updated]) + "\\n")
            if i % 25 == 0:
                store.flush()
    deadline = time.monotonic() + 60
    while wait_for != "-" and not Path(wait_for).exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # keep older changes pending while the other process writes newer ones
    store.close()
    log_path.with_suffix(".done").touch()
    """
)


def test_two_processes_keep_the_last_change_of_each_post(path: Path, tmp_path: Path) -> None:
    """Two real processes hammering one file: each post ends with its latest logged change.

    "one" changes quickly, saves rarely and closes only after the slower "two" is done, so its
    last flush carries changes older than what "two" wrote meanwhile: those must not win.
    """
    one, two = tmp_path / "one.log", tmp_path / "two.log"
    commands = [
        [str(path), str(one), "0.5", "0", str(two.with_suffix(".done"))],
        [str(path), str(two), "0.002", "0.002", "-"],
    ]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert "cannot save" not in err and "could not" not in err, err

    latest: dict[str, list[tuple[bool, bool, float]]] = {}
    for log in (one, two):
        for line in log.read_text().splitlines():
            _tag, post, read, bookmarked, updated = json.loads(line)
            best = latest.setdefault(post, [])
            if not best or updated > best[0][2]:
                best[:] = [(read, bookmarked, updated)]
            elif updated == best[0][2]:
                best.append((read, bookmarked, updated))
    with TinyDB(path) as db:
        final = {d["id"]: (d["read"], d["bookmarked"], d["updated"]) for d in db.table("posts")}
        [meta] = db.table("meta").all()
    assert set(final) == set(latest) and len(final) == 15
    for post, candidates in latest.items():
        assert final[post] in candidates, post
    assert meta["selected"] in {"one-199", "two-199"}


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


KILLED = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reader.store import Store

    store = Store(Path(sys.argv[1]), debounce=3600)
    store.open()
    i = 0
    while True:
        i += 1
        post = f"post-{i % 50}"
        store.set_read(post, not store.is_read(post))
        store.set_meta("selected", "x" * (i * 37 % 5000))  # vary the size of the file
        store.flush()
    """
)


def test_killed_writer_leaves_a_good_file(path: Path) -> None:
    """SIGKILL in the middle of saving leaves a loadable file; its temp file is cleaned later."""
    worker = subprocess.Popen([sys.executable, "-c", KILLED, str(path)])
    try:
        wait_for(lambda: path.exists() and len(raw(path)["posts"]) == 50, "a few saves")
    finally:
        worker.kill()
        worker.wait(timeout=60)
    store = Store(path)
    assert store.open() == []
    store.set_bookmarked("after", True)
    store.close()
    assert {p.name for p in path.parent.iterdir()} == {"state.json", "state.json.lock"}
    with TinyDB(path) as db:
        assert len(db.table("posts")) == 51


# --- no UI ------------------------------------------------------------------------------------


def test_store_does_not_import_textual() -> None:
    """The state store stays UI-free: importing it pulls in no textual module."""
    code = (
        "import sys, reader.store, reader.paths; "
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
