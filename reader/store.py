"""Read marks, bookmarks and UI meta for one state file (UI-free: never imports textual).

The Store keeps the state in memory and a writer thread saves it, a moment after a change,
through reader.statefile. A flush takes `<file>.lock`, re-reads the file and merges: for a
changed post the greater `updated` wins; other posts and meta are taken from disk. A bad file
is renamed to `<name>.corrupt-<time>`, never overwritten; if only some post documents are bad,
those are dropped, the file is still renamed aside (keeping its bytes) and the valid posts are
written to a fresh file. A file from a newer reader makes the store read-only.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filelock import FileLock

from reader.statefile import (
    RESERVED_META,
    Json,
    Loaded,
    PostState,
    describe,
    load,
    move_aside,
    write_state,
)

__all__ = ["PostState", "Store"]

log = logging.getLogger(__name__)
_NO_STATE = PostState()


def _stamp(previous: float) -> float:
    """time.time(), but always later than previous so one post's changes stay in order."""
    now = time.time()
    return now if now > previous else previous + 1e-6


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
        self._seen: tuple[int, int, int] | None = None  # the file as this store last read it
        self._outside = False  # a merge took in changes made by another process
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
        self._seen = self._signature()
        loaded = load(self._path)
        if loaded.broken is not None or loaded.dropped:
            with self._lock_if_possible():
                loaded = load(self._path)  # another reader may have replaced it meanwhile
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

    def position(self, post_id: str) -> float | None:
        """How far a post was read (0.0 top to 1.0 end), or None if never scrolled."""
        return self.state(post_id).position

    def set_position(self, post_id: str, fraction: float) -> None:
        """Remember how far a post was read (in memory now, on disk soon)."""
        fraction = round(min(max(float(fraction), 0.0), 1.0), 4)
        with self._lock:
            old = self._posts.get(post_id, _NO_STATE)
            if old.position == fraction:
                return
            self._posts[post_id] = replace(old, position=fraction, updated=_stamp(old.updated))
            self._dirty.add(post_id)
        self._wake.set()

    def positions(self) -> dict[str, float]:
        """Every post's reading position that is set."""
        with self._lock:
            return {
                post_id: state.position
                for post_id, state in self._posts.items()
                if state.position is not None
            }

    def refresh(self) -> bool:
        """Take in what other readers (or `reader mark`) saved since this store last looked.

        One stat when nothing changed. True when a post's marks or position changed
        here, by this or by a save's merge since the last call. A broken or newer file
        is left to the next save, which deals with it.
        """
        signature = self._signature()
        if signature is not None and signature != self._seen:
            loaded = load(self._path)
            if loaded.broken is None and loaded.newer is None:
                with self._lock:
                    self._merge_posts(loaded, self._dirty)
                    self._seen = signature
        with self._lock:
            outside, self._outside = self._outside, False
        return outside

    def _signature(self) -> tuple[int, int, int] | None:
        """What tells one version of the file from another (None when it cannot be seen)."""
        try:
            info = os.stat(self._path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def _merge_posts(self, loaded: Loaded, dirty: set[str]) -> None:
        """Take the file's version of each post unless ours is pending and newer (lock held)."""
        for post_id, theirs in loaded.posts.items():
            mine = self._posts.get(post_id)
            if post_id in dirty and mine is not None and mine.updated >= theirs.updated:
                continue
            if mine != theirs:
                self._posts[post_id] = theirs
                self._outside = True

    def get_meta(self, key: str, default: object = None) -> object:
        """A stored UI value such as "selected" or "view"."""
        with self._lock:
            return self._meta.get(key, default)

    def set_meta(self, key: str, value: object) -> None:
        """Store a JSON-serialisable UI value; raises TypeError/ValueError for anything else."""
        if key in RESERVED_META:
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
            from filelock import Timeout  # deferred: importing filelock costs start-up time

            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                with self._get_file_lock():
                    if not self._merge_and_write():
                        return False
            except Timeout:
                self._failed(f"{self._path}.lock is held by another reader")
                return False
            except OSError as exc:
                self._failed(describe(exc))
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
        loaded = load(self._path)
        message = self._quarantine(loaded)
        if message:
            self._report(message)
        if self._read_only:
            return False
        if loaded.broken is not None:
            loaded = Loaded()  # moved aside: the new file is built from memory alone
        with self._lock:
            dirty, meta_dirty = self._dirty, self._meta_dirty
            self._dirty, self._meta_dirty = set(), False
            self._merge_posts(loaded, dirty)
            their_time = loaded.meta_updated
            if their_time is not None and (not meta_dirty or their_time > self._meta_updated):
                self._meta, self._meta_updated = dict(loaded.meta), their_time
            posts, meta, meta_updated = dict(self._posts), dict(self._meta), self._meta_updated
        try:
            write_state(self._path, posts, meta, meta_updated, loaded.extra)
        except OSError:
            with self._lock:
                self._dirty |= dirty
                self._meta_dirty = self._meta_dirty or meta_dirty
            raise
        self._seen = self._signature()  # still under the file lock: nobody wrote since
        return True

    def _quarantine(self, loaded: Loaded) -> str | None:
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
            moved_to = move_aside(self._path)
        except OSError as exc:
            self._read_only = True
            return (
                f"{where} {problem} and could not be moved aside ({describe(exc)}); "
                "changes will not be saved"
            )
        return f"{where} {problem}; moved aside to {moved_to} and {outcome}"

    def _get_file_lock(self) -> FileLock:
        """The inter-process lock beside the state file (created lazily)."""
        if self._file_lock is None:
            from filelock import FileLock

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
