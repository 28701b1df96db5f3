"""Read marks, bookmarks and UI meta in a TinyDB file (UI-free: never imports textual).

Tables: "posts" (one document per post ever touched) and "meta" (one document: schema, UI keys,
"updated_meta"). Writes are atomic (temp file, fsync, rename, fsync dir). A flush takes
`<file>.lock`, re-reads the file and merges: for a changed post the greater `updated` wins;
other posts and meta are taken from disk. A bad file is renamed to `<name>.corrupt-<time>`,
never overwritten; if only some post documents are bad, those are dropped, the file is still
renamed aside (keeping its bytes) and the valid posts are written to a fresh file.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import glob
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

SCHEMA_VERSION = 1
POSTS = "posts"
META = "meta"
_RESERVED_META = frozenset({"schema", "updated_meta"})

Json = dict[str, Any]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PostState:
    """What the user did with one post."""

    read: bool = False
    read_at: float | None = None
    bookmarked: bool = False
    bookmarked_at: float | None = None
    updated: float = 0.0


_NO_STATE = PostState()


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
        return data  # not checked here: _load() checks the shape

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


def _migrate_0_to_1(data: Json) -> Json:
    """Schema 0 (no schema number) already has the version 1 layout: only stamp the number."""
    meta = data.get(META) or {"1": {}}
    return {**data, META: {key: {**doc, "schema": 1} for key, doc in meta.items()}}


# MIGRATIONS[n] turns a whole database dict of schema n into schema n + 1.
MIGRATIONS: dict[int, Callable[[Json], Json]] = {0: _migrate_0_to_1}


class _Invalid(ValueError):
    """The file (or one document) does not have the expected shape."""


@dataclass
class _Loaded:
    """What `_load` found on disk."""

    posts: dict[str, PostState] = field(default_factory=dict)
    meta: Json = field(default_factory=dict)
    meta_updated: float | None = None  # None: there is no meta document
    extra: Json = field(default_factory=dict)  # other TinyDB tables, written back unchanged
    broken: str | None = None  # why the whole file cannot be used
    dropped: list[str] = field(default_factory=list)  # why single documents were dropped
    newer: int | None = None  # schema number of a file written by a newer reader


def _load(path: Path) -> _Loaded:
    """Read and check the state file; a bad or unreadable file is described, never raised."""
    try:
        raw: object = AtomicJSONStorage(path).read()
    except IsADirectoryError:
        return _Loaded(broken="it is a directory")
    except PermissionError:
        return _Loaded(broken="permission denied")
    except UnicodeDecodeError:
        return _Loaded(broken="not UTF-8 text")
    except json.JSONDecodeError as exc:
        return _Loaded(broken=f"invalid JSON at line {exc.lineno}: {exc.msg}")
    except RecursionError:
        return _Loaded(broken="JSON nested too deeply")
    except ValueError as exc:
        return _Loaded(broken=str(exc))
    except OSError as exc:
        return _Loaded(broken=_describe(exc))
    if raw is None:
        return _Loaded()
    try:
        return _parse(raw)
    except _Invalid as exc:
        return _Loaded(broken=str(exc))


def _parse(raw: object) -> _Loaded:
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
            loaded = _Loaded()
        loaded.newer, loaded.dropped = schema, []
        return loaded
    data: Json = raw
    for version in range(schema, SCHEMA_VERSION):
        data = MIGRATIONS[version](data)
    return _parse_current(data)


def _parse_current(raw: Json) -> _Loaded:
    """Build the state from a database dict of the current schema."""
    meta = _meta_of(raw)
    updated_meta = meta.pop("updated_meta", 0.0)
    if not _is_time(updated_meta):
        raise _Invalid("'updated_meta' is not a time")
    meta.pop("schema", None)
    loaded = _Loaded(meta=meta, meta_updated=float(updated_meta) if raw.get(META) else None)
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
    return post_id, PostState(**values)


def _is_time(value: object) -> bool:
    """A finite number that is not a bool (huge ints count as not finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return -1e300 < value < 1e300


def _stamp(previous: float) -> float:
    """time.time(), but always later than previous so one post's changes stay in order."""
    now = time.time()
    return now if now > previous else previous + 1e-6


def _describe(exc: OSError) -> str:
    """A short reason for an OSError, e.g. "No space left on device"."""
    return exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc) or repr(exc))


def _move_aside(path: Path) -> Path:
    """Rename a bad file or directory to `<name>.corrupt-<timestamp>[-N]`; return the new path."""
    stem = f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"
    target, counter = path.with_name(stem), 1
    while os.path.lexists(target):
        target, counter = path.with_name(f"{stem}-{counter}"), counter + 1
    os.replace(path, target)
    return target


class Store:
    """Read marks, bookmarks and UI meta for one state file.

    set_* only change memory and wake a daemon writer thread, which waits `debounce` seconds
    and then calls flush(). Problems found while writing go to `on_error`, one call per distinct
    failure, from the writer thread: it must not block on the UI thread (the UI thread may be
    waiting for the writer in close()), so post a message rather than use call_from_thread.
    Without on_error, problems are logged.
    """

    LOCK_TIMEOUT = 5.0  # seconds to wait for another process's flush
    RETRY_INTERVAL = 3.0  # seconds between attempts after a failed write

    def __init__(
        self,
        path: Path,
        *,
        on_error: Callable[[str], None] | None = None,
        debounce: float = 0.25,
    ) -> None:
        """Set up an empty, unopened store; does no IO."""
        self._path = Path(path)
        self._on_error = on_error
        self._debounce = debounce
        self._lock = threading.Lock()  # guards the in-memory state below
        self._flush_lock = threading.Lock()  # one flush at a time
        self._posts: dict[str, PostState] = {}
        self._dirty: set[str] = set()
        self._meta: Json = {}
        self._meta_updated = 0.0
        self._meta_dirty = False
        self._read_only = False
        self._opened = self._closed = False
        self._failure: str | None = None  # reason of the last failed write, if still failing
        self._file_lock: FileLock | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> Path:
        """The state file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """True when the file must not be written (newer schema, or a bad file we cannot move)."""
        return self._read_only

    def open(self) -> list[str]:
        """Load the file and start the writer thread; return one-line messages for the user."""
        if self._opened:
            raise RuntimeError(f"store for {self._path} is already open")
        self._opened = True
        loaded = _load(self._path)
        if loaded.broken is not None or loaded.dropped:
            with self._lock_if_possible():
                loaded = _load(self._path)  # another reader may have replaced it meanwhile
                message = self._quarantine(loaded)
        else:
            message = self._quarantine(loaded)
        with self._lock:
            if loaded.broken is None:
                self._posts, self._meta = dict(loaded.posts), dict(loaded.meta)
                self._meta_updated = loaded.meta_updated or 0.0
            if loaded.dropped:  # write the valid rest to a fresh file
                self._dirty, self._meta_dirty = set(self._posts), True
        if not self._read_only:
            self._thread = threading.Thread(target=self._run, name="reader-store", daemon=True)
            self._thread.start()
            atexit.register(self.close)
            if self._dirty:
                self._wake.set()
        return [message] if message else []

    def state(self, post_id: str) -> PostState:
        """The state of one post (all defaults for a post never touched)."""
        with self._lock:
            return self._posts.get(post_id, _NO_STATE)

    def is_read(self, post_id: str) -> bool:
        """Whether the post is marked read."""
        return self.state(post_id).read

    def is_bookmarked(self, post_id: str) -> bool:
        """Whether the post is bookmarked."""
        return self.state(post_id).bookmarked

    def set_read(self, post_id: str, value: bool) -> None:
        """Mark a post read or unread (in memory now, on disk soon)."""
        self._change(post_id, "read", value)

    def set_bookmarked(self, post_id: str, value: bool) -> None:
        """Add or remove a bookmark (in memory now, on disk soon)."""
        self._change(post_id, "bookmarked", value)

    def _change(self, post_id: str, name: str, value: bool) -> None:
        """Set the flag `name` and its `<name>_at` time; no-op if it already has that value."""
        value = bool(value)
        with self._lock:
            old = self._posts.get(post_id, _NO_STATE)
            if getattr(old, name) == value:
                return
            now = _stamp(old.updated)
            changes: Json = {name: value, f"{name}_at": now if value else None, "updated": now}
            self._posts[post_id] = replace(old, **changes)
            self._dirty.add(post_id)
        self._wake.set()

    def get_meta(self, key: str, default: object = None) -> object:
        """A stored UI value such as "selected" or "view"."""
        with self._lock:
            return self._meta.get(key, default)

    def set_meta(self, key: str, value: object) -> None:
        """Store a JSON-serialisable UI value; raises TypeError/ValueError for anything else."""
        if key in _RESERVED_META:
            raise ValueError(f"meta key {key!r} is reserved")
        try:
            value = json.loads(json.dumps(value, allow_nan=False))  # also a private copy
        except (TypeError, ValueError) as exc:
            raise TypeError(f"meta value for {key!r} is not JSON-serialisable: {exc}") from exc
        with self._lock:
            if key in self._meta and self._meta[key] == value:
                return
            self._meta[key] = value
            self._meta_updated = _stamp(self._meta_updated)
            self._meta_dirty = True
        self._wake.set()

    def read_ids(self) -> set[str]:
        """Ids of all posts marked read."""
        with self._lock:
            return {post_id for post_id, state in self._posts.items() if state.read}

    def bookmarked_ids(self) -> set[str]:
        """Ids of all bookmarked posts."""
        with self._lock:
            return {post_id for post_id, state in self._posts.items() if state.bookmarked}

    def flush(self) -> bool:
        """Write every pending change now (merged with the file); True if the disk is up to date."""
        with self._flush_lock:
            with self._lock:
                if not self._dirty and not self._meta_dirty:
                    return True
            if self._read_only:
                return False
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                with self._get_file_lock():
                    if not self._merge_and_write():
                        return False
            except Timeout:
                self._failed(f"{self._path}.lock is held by another reader")
                return False
            except OSError as exc:
                self._failed(_describe(exc))
                return False
            if self._failure is not None:
                self._failure = None
                self._report(f"state saved again to {self._path}")
            return True

    def close(self) -> None:
        """Stop the writer thread and write what is pending; idempotent, never raises on IO."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.flush() or self._read_only:
            return
        with self._lock:
            lost = len(self._dirty) + self._meta_dirty
        self._report(
            f"could not save state to {self._path} ({self._failure or 'unknown error'}); "
            f"{lost} unsaved change(s) from this session are lost"
        )

    def _run(self) -> None:
        """Writer thread: wait for a change (or a retry), let the burst settle, flush."""
        retry = False
        while not self._stop.is_set():
            self._wake.wait(self.RETRY_INTERVAL if retry else None)
            self._wake.clear()
            if self._stop.wait(self._debounce):
                return
            retry = not self.flush() and not self._read_only

    def _merge_and_write(self) -> bool:
        """Under the file lock: re-read the file, merge it into memory, write the result once."""
        loaded = _load(self._path)
        message = self._quarantine(loaded)
        if message:
            self._report(message)
        if self._read_only:
            return False
        if loaded.broken is not None:
            loaded = _Loaded()  # moved aside: the new file is built from memory alone
        with self._lock:
            dirty, meta_dirty = self._dirty, self._meta_dirty
            self._dirty, self._meta_dirty = set(), False
            for post_id, theirs in loaded.posts.items():
                mine = self._posts.get(post_id)
                if post_id in dirty and mine is not None and mine.updated >= theirs.updated:
                    continue
                self._posts[post_id] = theirs
            their_time = loaded.meta_updated
            if their_time is not None and (not meta_dirty or their_time > self._meta_updated):
                self._meta, self._meta_updated = dict(loaded.meta), their_time
            posts = [{"id": post_id, **asdict(st)} for post_id, st in self._posts.items()]
            meta = {**self._meta, "schema": SCHEMA_VERSION, "updated_meta": self._meta_updated}
        try:
            for stale in self._path.parent.glob(f".{glob.escape(self._path.name)}.*.tmp"):
                stale.unlink(missing_ok=True)  # left by a writer that crashed; we hold the lock
            database = TinyDB(self._path, storage=AtomicJSONStorage)
            storage = database.storage
            assert isinstance(storage, AtomicJSONStorage)
            with storage.batch(loaded.extra):
                database.table(POSTS).insert_multiple(posts)
                database.table(META).insert(meta)
        except OSError:
            with self._lock:
                self._dirty |= dirty
                self._meta_dirty = self._meta_dirty or meta_dirty
            raise
        return True

    def _quarantine(self, loaded: _Loaded) -> str | None:
        """Handle a newer or bad file (move it aside or go read-only); return the message."""
        where = f"state file {self._path}"
        if loaded.newer is not None:
            self._read_only = True
            newer = f"a newer reader (schema {loaded.newer})"
            return f"{where} was written by {newer}; it will not be changed"
        if loaded.broken is not None:
            problem, outcome = f"was unreadable ({loaded.broken})", "started fresh"
        elif loaded.dropped:
            more = ", ..." if len(loaded.dropped) > 1 else ""
            problem = f"had {len(loaded.dropped)} invalid post(s) ({loaded.dropped[0]}{more})"
            outcome = "kept the valid posts"
        else:
            return None
        try:
            moved_to = _move_aside(self._path)
        except OSError as exc:
            self._read_only = True
            return (
                f"{where} {problem} and could not be moved aside ({_describe(exc)}); "
                "changes will not be saved"
            )
        return f"{where} {problem}; moved aside to {moved_to} and {outcome}"

    def _get_file_lock(self) -> FileLock:
        """The inter-process lock beside the state file (created lazily)."""
        if self._file_lock is None:
            lock_path = f"{self._path}.lock"
            self._file_lock = FileLock(lock_path, timeout=self.LOCK_TIMEOUT, thread_local=False)
        return self._file_lock

    @contextlib.contextmanager
    def _lock_if_possible(self) -> Iterator[None]:
        """Hold the file lock if it can be had; otherwise go on without it."""
        lock, acquired = self._get_file_lock(), False
        try:
            lock.acquire()
            acquired = True
        except OSError as exc:  # includes Timeout; moving a bad file matters more than the lock
            log.debug("proceeding without %s: %s", lock.lock_file, exc)
        try:
            yield
        finally:
            if acquired:
                lock.release()

    def _failed(self, reason: str) -> None:
        """Report a failed write, once per distinct reason."""
        if reason == self._failure:
            return
        self._failure = reason
        self._report(
            f"cannot save state to {self._path}: {reason}; "
            "changes are kept and will be saved when possible"
        )

    def _report(self, message: str) -> None:
        """Pass a message to on_error, or log it."""
        if self._on_error is None:
            log.warning("%s", message)
            return
        try:
            self._on_error(message)
        except Exception:  # a broken callback must not kill the writer thread
            log.exception("on_error callback failed for: %s", message)
