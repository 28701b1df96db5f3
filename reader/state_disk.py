"""The state on disk: a TinyDB snapshot plus the journal of changes since (UI-free).

Saving appends entries to the journal under the file lock and fsyncs: O(changes), whatever
the size of the library. Reading others' changes reads the journal from where this reader
got to. Folding the journal into a new snapshot (`compact`) does the heavy part without the
lock and holds it only to carry over the lines appended meanwhile and rename two files.

Every path is resolved through symlinks first, so a linked state file is written through.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader import journal
from reader.marks import Entry, Fields, Mark, apply
from reader.statefile import (
    Json,
    Loaded,
    atomic_write,
    describe,
    fsync_dir,
    load,
    move_aside,
    real_path,
    state_bytes,
)

if TYPE_CHECKING:
    from filelock import FileLock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiskLimits:
    """How long to wait for the lock, and when to fold the journal into the snapshot."""

    lock_timeout: float = 5.0  # seconds to wait for another process's append or fold step
    # The journal is folded into the snapshot once it is this large, and at least this part
    # of the snapshot's size (so that folding stays rare for a big library).
    compact_at_bytes: int = 256 * 1024
    compact_share: float = 0.5


def signature(path: Path) -> tuple[int, int, int] | None:
    """(mtime, size, inode) of a file: changes whenever it is replaced; None if missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class StateDisk:
    """The snapshot, the journal and the lock of one state file."""

    def __init__(self, path: Path, limits: DiskLimits | None = None) -> None:
        """Remember the state file; does no IO."""
        self.path = path
        self.limits = limits or DiskLimits()
        self._lock: FileLock | None = None
        self._tail = journal.Tail()
        self._snapshot: tuple[int, int, int] | None = None  # the snapshot as last read

    # Paths and the lock ---------------------------------------------------------------

    @property
    def real(self) -> Path:
        """The state file, through any symlink."""
        return real_path(self.path)

    @property
    def journal(self) -> Path:
        """The journal, beside the real state file."""
        return journal.journal_path(self.real)

    def _file_lock(self) -> FileLock:
        """The inter-process lock beside the state file."""
        if self._lock is None:
            from filelock import FileLock  # deferred: importing filelock costs start-up time

            timeout = self.limits.lock_timeout
            self._lock = FileLock(f"{self.real}.lock", timeout=timeout, thread_local=False)
        return self._lock

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the state: against other processes (the lock file) and other threads.

        A FileLock shared by threads lets a second thread in while the first holds it, so
        a save could land in the journal between a fold's last read and its replacing the
        journal, and be lost: a lock per state file and process keeps threads apart too.
        """
        from filelock import Timeout

        file_lock = self._file_lock()
        threads = _thread_lock(file_lock.lock_file)
        if not threads.acquire(timeout=self.limits.lock_timeout):
            raise Timeout(file_lock.lock_file)
        try:
            with file_lock:
                yield
        finally:
            threads.release()

    @contextlib.contextmanager
    def lock_if_possible(self) -> Iterator[None]:
        """Hold the lock if it can be had; otherwise go on without it."""
        held = self.lock()
        try:
            held.__enter__()
        except OSError as exc:  # includes Timeout: moving a bad file matters more than the lock
            log.debug("proceeding without the lock of %s: %s", self.path, exc)
            yield
            return
        try:
            yield
        finally:
            held.__exit__(None, None, None)

    # Reading --------------------------------------------------------------------------

    def load_all(self) -> Loaded:
        """The snapshot with the whole journal applied, read consistently without the lock.

        A compaction replaces the snapshot first and the journal second: if the journal
        changed while the snapshot was read, read both again.
        """
        while True:
            before = journal.identity(self.journal)
            snapshot = signature(self.real)
            loaded = load(self.path)
            try:
                tail = journal.read_from(self.journal, journal.Tail())
            except OSError as exc:
                if loaded.unreadable is None and loaded.newer is None:
                    loaded = Loaded(unreadable=f"its journal: {describe(exc)}")
                tail = journal.Tail()
                break
            if tail.journal == before:
                break
        self._snapshot, self._tail = snapshot, tail
        if loaded.newer is None and loaded.unreadable is None:
            apply(loaded.posts, loaded.meta, tail.entries)
        return loaded

    def read_new(self) -> list[Entry] | Loaded:
        """Entries appended since the last read; everything when the files were replaced."""
        tail = journal.read_from(self.journal, self._tail)
        same_journal = tail.journal == self._tail.journal or self._tail.journal is None
        if same_journal and signature(self.real) == self._snapshot:
            self._tail = tail  # a journal made since was read from its start
            return tail.entries
        return self.load_all()

    # Writing --------------------------------------------------------------------------

    def append(self, entries: Sequence[Entry], *, clean: bool = False) -> None:
        """Save entries: append them to the journal under the lock and fsync (raises OSError).

        With `clean`, also remove the temp files of writers that crashed.
        """
        self.real.parent.mkdir(parents=True, exist_ok=True)
        with self.lock():
            if clean:
                self.remove_stale_temp_files()
            journal.append(self.journal, entries)

    def remove_stale_temp_files(self) -> None:
        """Remove temp files left by writers that crashed (hold the lock)."""
        real = self.real
        name = glob.escape(real.name)
        for pattern in (f".{name}.*.tmp", f".{name}.compact-*.part"):
            for stale in real.parent.glob(pattern):
                stale.unlink(missing_ok=True)

    def rewrite(self, posts: dict[str, Fields], meta: dict[str, Mark], extra: Json) -> None:
        """Replace snapshot and journal by a snapshot of this state (hold the lock)."""
        atomic_write(self.path, state_bytes(posts, meta, extra))
        journal.replace_with(self.journal, b"")

    def needs_compaction(self) -> bool:
        """True when the journal has grown large next to the snapshot."""
        try:
            size = os.stat(self.journal).st_size
        except OSError:
            return False
        snapshot = signature(self.real)
        share = self.limits.compact_share * (snapshot[1] if snapshot else 0)
        return size >= max(self.limits.compact_at_bytes, share)

    def compact(self) -> bool:
        """Fold the journal into a new snapshot; False when another process got there first.

        Raises OSError (or the lock's Timeout) when the files cannot be written; the old
        snapshot and journal then still hold everything.
        """
        with self.lock():
            start = journal.identity(self.journal)
            snapshot = signature(self.real)
            try:
                size = os.stat(self.journal).st_size
            except FileNotFoundError:
                return False
        loaded = load(self.path)
        if loaded.broken or loaded.unreadable or loaded.newer or loaded.dropped:
            return False  # left to the store's own handling of a bad file
        with open(self.journal, "rb") as handle:
            folded = handle.read(size)
        entries, cut, _ = journal.parse(folded)  # a torn last line stays in the journal
        apply(loaded.posts, loaded.meta, entries)
        payload = state_bytes(loaded.posts, loaded.meta, loaded.extra)
        real = self.real
        part = real.with_name(f".{real.name}.compact-{os.getpid()}.part")
        _write_synced(part, payload)
        try:
            with self.lock():
                if journal.identity(self.journal) != start or signature(real) != snapshot:
                    return False
                with open(self.journal, "rb") as handle:
                    handle.seek(cut)
                    rest = handle.read()
                os.replace(part, real)  # snapshot first: with the old journal, nothing is lost
                journal.replace_with(self.journal, rest)
                fsync_dir(real.parent)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(part)
        return True

    def quarantine(self, loaded: Loaded) -> str | None:
        """Move a broken snapshot aside (hold the lock if possible); return what to tell."""
        where = f"state file {self.path}"
        if loaded.broken is not None:
            problem, outcome = f"was unreadable ({loaded.broken})", "started fresh"
        elif loaded.dropped:
            more = ", ..." if len(loaded.dropped) > 1 else ""
            problem = f"had {len(loaded.dropped)} invalid post(s) ({loaded.dropped[0]}{more})"
            outcome = "kept the valid posts"
        else:
            return None
        moved_to = move_aside(self.real)
        return f"{where} {problem}; moved aside to {moved_to} and {outcome}"


_thread_locks: dict[str, threading.RLock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(lock_file: str) -> threading.RLock:
    """The lock that keeps this process's threads apart on one state file."""
    with _thread_locks_guard:
        return _thread_locks.setdefault(lock_file, threading.RLock())


def _write_synced(path: Path, payload: bytes) -> None:
    """Write a file and fsync it."""
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
