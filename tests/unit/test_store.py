"""Tests for reader.store: read marks, bookmarks and meta that survive restarts and two readers.

Faults (failed writes, broken or newer files) are in test_store_recovery.py, real processes
that race and get killed in test_state_processes.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from reader import statefile
from reader import store as store_mod
from reader.statefile import MIGRATIONS, SCHEMA_VERSION, PostState
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
        assert set(docs["a"]) == {
            "id",
            "read",
            "read_at",
            "bookmarked",
            "bookmarked_at",
            "updated",
            "position",
        }
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


# --- schema --------------------------------------------------------------------------------


def test_migration_from_schema_0(opened: Callable[..., Store], path: Path) -> None:
    """A file without a schema number (version 0) is read and rewritten as the current one."""
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

    monkeypatch.setattr(statefile, "SCHEMA_VERSION", 2)
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


# --- no UI ------------------------------------------------------------------------------------


def test_store_does_not_import_textual() -> None:
    """The state store and its file layer stay UI-free: importing them pulls in no textual."""
    code = (
        "import sys, reader.store, reader.statefile, reader.paths; "
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
    assert '"schema": 2' in path.read_text()
