"""The state file on disk: atomic TinyDB storage, loading, checking and migrating (UI-free).

Tables: "posts" (one document per post ever touched) and "meta" (one document: schema, UI keys,
"updated_meta"). Writes are atomic (temp file, fsync, rename, fsync dir). `load()` never
raises: a file that cannot be used comes back described in `Loaded.broken`, single bad post
documents in `Loaded.dropped`, a file from a newer reader in `Loaded.newer`. `move_aside()`
renames a bad file to `<name>.corrupt-<time>` so that it is never overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

SCHEMA_VERSION = 2
POSTS = "posts"
META = "meta"
RESERVED_META = frozenset({"schema", "updated_meta"})

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PostState:
    """What the user did with one post."""

    read: bool = False
    read_at: float | None = None
    bookmarked: bool = False
    bookmarked_at: float | None = None
    updated: float = 0.0
    position: float | None = None  # how far the post was read, 0.0 (top) to 1.0 (end)


class AtomicJSONStorage(Storage):
    """TinyDB storage that replaces its JSON file atomically; `batch()` turns writes into one."""

    def __init__(self, path: str | os.PathLike[str], **_options: object) -> None:
        """Remember the path; does no IO."""
        super().__init__()
        self.path = Path(path)
        self._batch: Json | None = None
        self._batching = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The pending batch, or the file as parsed JSON (None when missing or empty)."""
        if self._batching:
            return self._batch
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            return None
        data: dict[str, dict[str, Any]] = json.loads(raw.decode("utf-8"), parse_constant=_no_nan)
        return data  # not checked here: load() checks the shape

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file with data, or keep it for the batch's single write."""
        if self._batching:
            self._batch = data
            return
        payload = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=1).encode("utf-8")
        _atomic_write(self.path, payload)

    @contextlib.contextmanager
    def batch(self, base: Json | None = None) -> Iterator[None]:
        """Start from base instead of the file, collect every write, write once at the end."""
        self._batch, self._batching = dict(base or {}), True
        try:
            yield
            data = self._batch
        finally:
            self._batch, self._batching = None, False
        self.write(data)


def _no_nan(name: str) -> float:
    """Refuse NaN and Infinity while parsing: they could never be written back."""
    raise ValueError(f"{name} is not valid JSON")


def _atomic_write(path: Path, payload: bytes) -> None:
    """Write payload to a temp file beside path, fsync it, rename it over path, fsync the dir."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the write error is the one to report
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable, where the platform and filesystem allow it."""
    if os.name != "nt":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError as exc:  # some filesystems cannot fsync a directory; the rename is done
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
        finally:
            os.close(fd)


def write_state(
    path: Path, posts: Mapping[str, PostState], meta: Json, meta_updated: float, extra: Json
) -> None:
    """Replace the state file with these posts and meta (plus the `extra` tables), in one write.

    Call it holding the file lock: it also removes temp files left by a writer that crashed.
    Raises OSError when the file cannot be written; the old file is then unchanged.
    """
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    docs = [{"id": post_id, **asdict(state)} for post_id, state in posts.items()]
    meta_doc = {**meta, "schema": SCHEMA_VERSION, "updated_meta": meta_updated}
    database = TinyDB(path, storage=AtomicJSONStorage)
    storage = database.storage
    assert isinstance(storage, AtomicJSONStorage)
    with storage.batch(extra):
        database.table(POSTS).insert_multiple(docs)
        database.table(META).insert(meta_doc)


def _migrate_0_to_1(data: Json) -> Json:
    """Schema 0 (no schema number) already has the version 1 layout: only stamp the number."""
    meta = data.get(META) or {"1": {}}
    return {**data, META: {key: {**doc, "schema": 1} for key, doc in meta.items()}}


def _migrate_1_to_2(data: Json) -> Json:
    """Schema 2 adds an optional reading `position` to posts: stamp the number only."""
    meta = data.get(META) or {"1": {}}
    return {**data, META: {key: {**doc, "schema": 2} for key, doc in meta.items()}}


# MIGRATIONS[n] turns a whole database dict of schema n into schema n + 1.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


class _Invalid(ValueError):
    """The file (or one document) does not have the expected shape."""


@dataclass
class Loaded:
    """What `load` found on disk."""

    posts: dict[str, PostState] = field(default_factory=dict)
    meta: Json = field(default_factory=dict)
    meta_updated: float | None = None  # None: there is no meta document
    extra: Json = field(default_factory=dict)  # other TinyDB tables, written back unchanged
    broken: str | None = None  # why the whole file cannot be used
    dropped: list[str] = field(default_factory=list)  # why single documents were dropped
    newer: int | None = None  # schema number of a file written by a newer reader


def load(path: Path) -> Loaded:
    """Read and check the state file; a bad or unreadable file is described, never raised."""
    try:
        raw: object = AtomicJSONStorage(path).read()
    except IsADirectoryError:
        return Loaded(broken="it is a directory")
    except PermissionError:
        return Loaded(broken="permission denied")
    except UnicodeDecodeError:
        return Loaded(broken="not UTF-8 text")
    except json.JSONDecodeError as exc:
        return Loaded(broken=f"invalid JSON at line {exc.lineno}: {exc.msg}")
    except RecursionError:
        return Loaded(broken="JSON nested too deeply")
    except ValueError as exc:
        return Loaded(broken=str(exc))
    except OSError as exc:
        return Loaded(broken=describe(exc))
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
    meta = _meta_of(raw)
    updated_meta = meta.pop("updated_meta", 0.0)
    if not _is_time(updated_meta):
        raise _Invalid("'updated_meta' is not a time")
    meta.pop("schema", None)
    loaded = Loaded(meta=meta, meta_updated=float(updated_meta) if raw.get(META) else None)
    for doc in _table(raw, POSTS).values():
        try:
            post_id, state = _post_from_doc(doc)
        except _Invalid as exc:
            loaded.dropped.append(str(exc))
            continue
        known = loaded.posts.get(post_id)
        if known is None or state.updated > known.updated:
            loaded.posts[post_id] = state
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


def _post_from_doc(doc: Json) -> tuple[str, PostState]:
    """One checked post document; raises _Invalid naming the bad field."""
    post_id = doc.get("id")
    if not isinstance(post_id, str) or not post_id:
        raise _Invalid("a post document has no text 'id'")
    values: Json = {}
    for name in ("read", "bookmarked"):
        values[name] = doc.get(name, False)
        if not isinstance(values[name], bool):
            raise _Invalid(f"post {post_id!r}: {name!r} is not true/false")
    for name in ("read_at", "bookmarked_at", "updated"):
        value = doc.get(name, 0.0 if name == "updated" else None)
        if not (_is_time(value) or (value is None and name != "updated")):
            raise _Invalid(f"post {post_id!r}: {name!r} is not a time")
        values[name] = None if value is None else float(value)
    position = doc.get("position")
    if position is not None and not (_is_time(position) and 0.0 <= position <= 1.0):
        raise _Invalid(f"post {post_id!r}: 'position' is not a number from 0 to 1")
    values["position"] = None if position is None else float(position)
    return post_id, PostState(**values)


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
