"""The state snapshot on disk: atomic TinyDB storage, loading, checking and migrating (UI-free).

Tables: "posts" (one document per post ever touched: its id, and each field as
[value, milliseconds, counter, writer], the value with the stamp of its last change) and
"meta" (one document: the schema number, and each UI key in the same form).
Changes since the snapshot are in the journal beside it (reader.journal). Writes are atomic
(temp file, fsync, rename, fsync dir), and go through a symlinked state file to its target.
`load()` never raises: a file that cannot be used comes back described in `Loaded.broken`
(or `Loaded.unreadable` when it may not be read), single bad post documents in
`Loaded.dropped`, a file from a newer reader in `Loaded.newer`. `move_aside()` renames a bad
file to `<name>.corrupt-<time>` so that it is never overwritten.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from reader.atomic import atomic_write as write_atomically
from reader.atomic import fsync_dir as fsync_dir  # re-exported: reader.state_disk uses it
from reader.clock import MAX_COUNTER, MAX_MS
from reader.marks import Fields, Mark, merge, valid_value

SCHEMA_VERSION = 3
POSTS = "posts"
META = "meta"
RESERVED_META = frozenset({"schema", "updated_meta", "id"})

Json = dict[str, Any]


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads the state snapshot and replaces it atomically."""

    def __init__(self, path: str | os.PathLike[str], **_options: object) -> None:
        """Remember the path; does no IO."""
        super().__init__()
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The file as parsed JSON (None when missing or empty)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            return None
        data: dict[str, dict[str, Any]] = json.loads(raw.decode("utf-8"), parse_constant=_no_nan)
        return data  # not checked here: load() checks the shape

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file with data, atomically."""
        # ASCII: ids made from any file name (even undecodable bytes) can be written.
        payload = json.dumps(data, ensure_ascii=True, allow_nan=False).encode("ascii")
        atomic_write(self.path, payload)


def _no_nan(name: str) -> float:
    """Refuse NaN and Infinity while parsing: they could never be written back."""
    raise ValueError(f"{name} is not valid JSON")


def real_path(path: Path) -> Path:
    """Where a (maybe symlinked) state file really is: writes replace the link's target."""
    return Path(os.path.realpath(path))


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace the state file atomically and durably (reader.atomic), creating its folder.

    A symlink is written through: its target is replaced, the link stays.
    """
    write_atomically(real_path(path), payload, make_parents=True)


def state_bytes(posts: Mapping[str, Fields], meta: Mapping[str, Mark], extra: Json) -> bytes:
    """The snapshot file's bytes for these posts and meta (plus the `extra` tables).

    The layout is TinyDB's (a table is an object of documents keyed by their ids), built
    directly: going through TinyDB's inserts costs seconds at 200,000 posts.
    """
    docs = {
        str(number): _doc(post_id, fields)
        for number, (post_id, fields) in enumerate(posts.items(), start=1)
    }
    meta_doc = {**_doc(None, meta), "schema": SCHEMA_VERSION}
    data = {**extra, POSTS: docs, META: {"1": meta_doc}}
    # ASCII: ids made from any file name (even undecodable bytes) can be written.
    return json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode(
        "ascii"
    )


def write_state(
    path: Path, posts: Mapping[str, Fields], meta: Mapping[str, Mark], extra: Json
) -> None:
    """Replace the snapshot with these posts and meta, atomically (hold the file lock).

    Raises OSError when the file cannot be written; the old file is then unchanged.
    """
    atomic_write(path, state_bytes(posts, meta, extra))


def _doc(post_id: str | None, fields: Mapping[str, Mark]) -> Json:
    """A snapshot document: each field as [value, ms, counter, writer]."""
    doc: Json = {name: [mark.value, *mark.stamp] for name, mark in fields.items()}
    if post_id is not None:
        doc["id"] = post_id
    return doc


def _migrate_0_to_1(data: Json) -> Json:
    """Schema 0 (no schema number) already has the version 1 layout: only stamp the number."""
    meta = data.get(META) or {"1": {}}
    return {**data, META: {key: {**doc, "schema": 1} for key, doc in meta.items()}}


def _migrate_1_to_2(data: Json) -> Json:
    """Schema 2 adds an optional reading `position` to posts: stamp the number only."""
    meta = data.get(META) or {"1": {}}
    return {**data, META: {key: {**doc, "schema": 2} for key, doc in meta.items()}}


def _migrate_2_to_3(data: Json) -> Json:
    """Schema 3 gives every field its own stamp, made from the times schema 2 kept."""

    def packed(value: object, time: object) -> list[object]:
        valid = isinstance(time, int | float) and _is_time(time) and time > 0
        ms = int(float(time) * 1000) if valid else 0  # type: ignore[arg-type]
        return [value, ms, 0, "schema-2"]

    posts: Json = {}
    old_posts = data.get(POSTS) or {}
    old_meta = data.get(META) or {"1": {}}
    if not isinstance(old_posts, dict) or not isinstance(old_meta, dict):
        return data  # not tables: the checks report it
    for key, doc in old_posts.items():
        if not isinstance(doc, dict):
            posts[key] = doc  # left for the checks to report
            continue
        updated = doc.get("updated", 0.0)
        read, bookmarked = doc.get("read", False), doc.get("bookmarked", False)
        new = {
            "id": doc.get("id"),
            "read": packed(read, doc.get("read_at") if read is True else updated),
            "bookmarked": packed(
                bookmarked, doc.get("bookmarked_at") if bookmarked is True else updated
            ),
        }
        if doc.get("position") is not None:
            new["position"] = packed(doc["position"], updated)
        for name in ("read_at", "bookmarked_at", "updated"):
            if name in doc and not (_is_time(doc[name]) or doc[name] is None):
                new[name] = doc[name]  # a bad time: reported as a bad field
        posts[key] = new
    new_meta: Json = {}
    for key, doc in old_meta.items():
        updated = doc.get("updated_meta", 0.0) if isinstance(doc, dict) else None
        if not isinstance(doc, dict) or not _is_time(updated):
            new_meta[key] = doc  # left for the checks to report
            continue
        values = {k: packed(v, updated) for k, v in doc.items() if k not in RESERVED_META}
        new_meta[key] = {**values, "schema": 3}
    return {**data, POSTS: posts, META: new_meta}


# MIGRATIONS[n] turns a whole database dict of schema n into schema n + 1.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


class _Invalid(ValueError):
    """The file (or one document) does not have the expected shape."""


@dataclass
class Loaded:
    """What `load` found on disk."""

    posts: dict[str, Fields] = field(default_factory=dict)
    meta: dict[str, Mark] = field(default_factory=dict)
    extra: Json = field(default_factory=dict)  # other TinyDB tables, written back unchanged
    broken: str | None = None  # why the whole file cannot be used
    unreadable: str | None = None  # the file is there but may not be read (never moved)
    dropped: list[str] = field(default_factory=list)  # why single documents were dropped
    newer: int | None = None  # schema number of a file written by a newer reader


def load(path: Path) -> Loaded:
    """Read and check the state file; a bad or unreadable file is described, never raised."""
    from reader.gcpause import collection_paused

    with collection_paused():  # hundreds of thousands of objects that live on
        return _load(path)


def _load(path: Path) -> Loaded:
    """`load`, with collection held off."""
    try:
        raw: object = AtomicJSONStorage(path).read()
    except IsADirectoryError:
        return Loaded(broken="it is a directory")
    except PermissionError:
        return Loaded(unreadable="permission denied")
    except UnicodeDecodeError:
        return Loaded(broken="not UTF-8 text")
    except json.JSONDecodeError as exc:
        return Loaded(broken=f"invalid JSON at line {exc.lineno}: {exc.msg}")
    except RecursionError:
        return Loaded(broken="JSON nested too deeply")
    except ValueError as exc:
        return Loaded(broken=str(exc))
    except OSError as exc:
        return Loaded(unreadable=describe(exc))
    if raw is None:
        return Loaded()
    try:
        return _parse(raw)
    except _Invalid as exc:
        return Loaded(broken=str(exc))


def _parse(raw: object) -> Loaded:
    """Check the shape of a parsed file, migrate old schemas, build the in-memory state."""
    if not isinstance(raw, dict):
        raise _Invalid(f"the top level is {type(raw).__name__}, not an object")
    schema = _meta_of(raw).get("schema", 0)
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 0:
        raise _Invalid("'schema' is not a whole number")
    if schema > SCHEMA_VERSION:
        try:  # best effort, for display only: the file is never written
            loaded = _parse_current(raw)
        except _Invalid:
            loaded = Loaded()
        loaded.newer, loaded.dropped = schema, []
        return loaded
    data: Json = raw
    for version in range(schema, SCHEMA_VERSION):
        data = MIGRATIONS[version](data)
    return _parse_current(data)


def _parse_current(raw: Json) -> Loaded:
    """Build the state from a database dict of the current schema."""
    meta_doc = _meta_of(raw)
    meta_doc.pop("schema", None)
    loaded = Loaded()
    try:
        loaded.meta = _fields(meta_doc, meta=True)
    except _Invalid as exc:
        raise _Invalid(f"meta: {exc}") from None
    for doc in _table(raw, POSTS).values():
        try:
            post_id, fields = _post_from_doc(doc)
        except _Invalid as exc:
            loaded.dropped.append(str(exc))
            continue
        known = loaded.posts.get(post_id)
        loaded.posts[post_id] = fields if known is None else merge(known, fields)
    loaded.extra = {k: v for k, v in raw.items() if k not in (POSTS, META) and isinstance(v, dict)}
    return loaded


def _table(raw: Json, name: str) -> Json:
    """The documents of one TinyDB table (empty when absent); raises if it is not a table."""
    table = raw.get(name, {})
    if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
        raise _Invalid(f"{name!r} is not a table of documents")
    return table


def _meta_of(raw: Json) -> Json:
    """The meta document (several are merged in order)."""
    meta: Json = {}
    for doc in _table(raw, META).values():
        meta.update(doc)
    return meta


def _post_from_doc(doc: Json) -> tuple[str, Fields]:
    """One checked post document; raises _Invalid naming the bad field."""
    post_id = doc.get("id")
    if not isinstance(post_id, str) or not post_id:
        raise _Invalid("a post document has no text 'id'")
    try:
        return post_id, _fields(doc, meta=False)
    except _Invalid as exc:
        raise _Invalid(f"post {post_id!r}: {exc}") from None


def _fields(doc: Json, *, meta: bool) -> Fields:
    """The marks of a document: each field [value, ms, counter, writer].

    This runs once per post on every start (200,000 times for a big library): the common
    case is checked inline, values of other kinds by `valid_value`.
    """
    fields: Fields = {}
    for name, packed in doc.items():
        if name == "id" and not meta:
            continue
        if not (
            type(packed) is list
            and len(packed) == 4
            and type(packed[1]) is int
            and type(packed[2]) is int
            and type(packed[3]) is str
            and 0 <= packed[1] < MAX_MS
            and 0 <= packed[2] < MAX_COUNTER
        ):
            raise _Invalid(f"{name!r} is not a value with a stamp")
        value = packed[0]
        if not meta and not valid_value(name, value):
            raise _Invalid(f"{name!r} has an invalid value")
        fields[name] = Mark(value, (packed[1], packed[2], packed[3]))
    return fields


def _is_time(value: object) -> bool:
    """A finite number that is not a bool (huge ints count as not finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return -1e300 < value < 1e300


def describe(exc: OSError) -> str:
    """A short reason for an OSError, e.g. "No space left on device"."""
    return exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc) or repr(exc))


def move_aside(path: Path) -> Path:
    """Rename a bad file or directory to `<name>.corrupt-<timestamp>[-N]`; return the new path."""
    stem = f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"
    target, counter = path.with_name(stem), 1
    while os.path.lexists(target):
        target, counter = path.with_name(f"{stem}-{counter}"), counter + 1
    os.replace(path, target)
    return target
