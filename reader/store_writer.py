"""The saving side of a Store: its writer thread, the file lock, quarantine and folds (UI-free).

The in-memory state (reader.store) queues each change here; a writer thread appends the
queued entries to the journal a moment later (reader.state_disk) and folds a large journal
into the snapshot in a thread of its own. A bad snapshot is moved aside, never overwritten;
a file from a newer reader, or one that may not be read, makes the writer read-only.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from reader.marks import META_SCOPE, Entry, Fields, Mark
from reader.state_disk import DiskLimits, StateDisk
from reader.statefile import Loaded, describe

log = logging.getLogger(__name__)


class StoreWriter:
    """Saves the changes queued by one Store, from a writer thread, and loads its file.

    Problems found while writing go to `on_error`, one call per distinct failure, from the
    writer thread (see Store). The writer thread never stops on an error: it says so and
    tries again every `retry_interval` seconds.
    """

    def __init__(
        self,
        path: Path,
        *,
        on_error: Callable[[str], None] | None,
        debounce: float,
        retry_interval: float,
        fold_on_close: bool,
        limits: DiskLimits | None = None,
        save: Callable[[], bool] | None = None,
    ) -> None:
        """Set up an idle writer; does no IO.

        The writer thread saves by calling `save` (its own flush() by default).
        """
        self.path = path
        self.disk = StateDisk(path, limits)
        self._on_error = on_error
        self._debounce = debounce
        self._retry_interval = retry_interval
        self._fold_on_close = fold_on_close
        self._save = save or self.flush
        self._lock = threading.Lock()  # guards the queue
        self._flush_lock = threading.Lock()  # one flush at a time
        self._pending: list[Entry] = []
        self.read_only = False
        self._closed = False
        self._failure: str | None = None  # reason of the last failed write, if still failing
        self._cleaned = False  # temp files of crashed writers were removed
        self._compactor: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # Loading ------------------------------------------------------------------------------

    def load(self) -> tuple[Loaded, str | None]:
        """Read the file, moving a bad snapshot aside; the state and a message for the user.

        The state's posts and meta are usable unless `broken` or `unreadable` is set.
        """
        loaded = self.disk.load_all()
        message = self._check(loaded)
        if message is None and (loaded.broken is not None or loaded.dropped):
            with self.disk.lock_if_possible():
                loaded = self.disk.load_all()  # another reader may have replaced it meanwhile
                message = self._quarantine(loaded)
                if loaded.broken is not None and not self.read_only:
                    loaded = self.disk.load_all()  # moved aside: the journal alone
        return loaded, message

    def _check(self, loaded: Loaded) -> str | None:
        """A newer or unreadable file makes the writer read-only; return the message."""
        where = f"state file {self.path}"
        if loaded.newer is not None:
            self.read_only = True
            newer = f"a newer reader (schema {loaded.newer})"
            return f"{where} was written by {newer}; it will not be changed"
        if loaded.unreadable is not None:
            self.read_only = True
            return (
                f"cannot read {where} ({loaded.unreadable}); "
                "marks start empty and will not be saved"
            )
        return None

    def _quarantine(self, loaded: Loaded) -> str | None:
        """Move a bad snapshot aside, or go read-only if it cannot be moved."""
        message = self._check(loaded)
        if message is not None:
            return message
        try:
            return self.disk.quarantine(loaded)
        except OSError as exc:
            self.read_only = True
            return (
                f"state file {self.path} could not be moved aside ({describe(exc)}); "
                "changes will not be saved"
            )

    def rewrite(self, posts: dict[str, Fields], meta: dict[str, Mark], loaded: Loaded) -> None:
        """Write the valid posts of a partly bad file to a fresh snapshot."""
        try:
            with self.disk.lock():
                self.disk.rewrite(posts, meta, loaded.extra)
        except (OSError, TimeoutError) as exc:
            self._failed(describe(exc) if isinstance(exc, OSError) else str(exc))

    def start(self) -> None:
        """Start the writer thread (and a fold of a journal left large by commands)."""
        if self.read_only:
            return
        self._thread = threading.Thread(target=self._run, name="reader-store", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # a program that forgets close() still saves
        if not self._fold_on_close:
            self._compact_in_background()

    def read_new(self) -> list[Entry] | Loaded:
        """What other writers saved since the last read (never raises; [] on any problem)."""
        if self.read_only:
            return []
        try:
            found = self.disk.read_new()
        except OSError as exc:
            log.debug("cannot read %s: %s", self.path, exc)
            return []
        if isinstance(found, Loaded) and (found.broken or found.unreadable or found.newer):
            return []
        return found

    # Saving -------------------------------------------------------------------------------

    def queue(self, entry: Entry) -> None:
        """Save an entry soon (in stamp order: call it under the state's lock)."""
        with self._lock:
            self._pending.append(entry)
        self._wake.set()

    def flush(self) -> bool:
        """Write every pending change now; True if the disk is up to date."""
        with self._flush_lock:
            with self._lock:
                # Only the last change of a field counts (a failing disk piles them up).
                latest = {(entry.post, entry.field): entry for entry in self._pending}
                pending, self._pending = list(latest.values()), []
            if not pending:
                return True
            if self.read_only:
                self._put_back(pending)
                return False
            from filelock import Timeout  # deferred: importing filelock costs start-up time

            try:
                self.disk.append(pending, clean=not self._cleaned)
                self._cleaned = True
            except BaseException as exc:
                self._put_back(pending)  # kept, in order, for the next attempt
                if not isinstance(exc, OSError):
                    raise  # a bug: the writer thread reports it and tries again
                if isinstance(exc, Timeout):
                    self._failed(f"{self.path}.lock is held by another reader")
                else:
                    self._failed(describe(exc))
                return False
            if self._failure is not None:
                self._failure = None
                self._report(f"state saved again to {self.path}")
            return True

    def _put_back(self, entries: list[Entry]) -> None:
        """Queue entries again, before any queued since."""
        with self._lock:
            self._pending[:0] = entries

    def compact(self) -> None:
        """Fold the journal into the snapshot now if it has grown large."""
        if self.read_only or not self.disk.needs_compaction():
            return
        from filelock import Timeout

        try:
            self.disk.compact()
        except (OSError, Timeout) as exc:  # the journal still holds everything
            log.debug("compaction of %s postponed: %s", self.path, exc)
        except Exception:  # never end the thread silently; the journal still holds everything
            log.exception("compaction of %s failed", self.path)

    def _compact_in_background(self) -> None:
        """Start folding the journal in a thread of its own, so saves never wait for it."""
        if self._compactor is not None and self._compactor.is_alive():
            return
        if self.read_only or not self.disk.needs_compaction():
            return
        self._compactor = threading.Thread(
            target=self.compact, name="reader-store-compact", daemon=True
        )
        self._compactor.start()

    def close(self) -> bool:
        """Stop the writer thread and write what is pending; idempotent, never raises on IO.

        False when changes of this session could not be saved (they are reported).
        """
        if self._closed:
            return self._failure is None
        self._closed = True
        atexit.unregister(self.close)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.flush():
            if self._fold_on_close:
                self.compact()
            return True
        with self._lock:
            lost = len({(entry.post, entry.field) for entry in self._pending})
            marks = len({(e.post, e.field) for e in self._pending if e.post != META_SCOPE})
        if self.read_only:  # the user was told at start; say what it cost (not the view)
            lost = marks
            if lost:
                self._report(
                    f"{lost} change(s) from this session were not saved: "
                    f"the state file {self.path} is not written by this reader"
                )
            return not lost
        self._report(
            f"could not save state to {self.path} ({self._failure or 'unknown error'}); "
            f"{lost} unsaved change(s) from this session are lost"
        )
        return False

    def _run(self) -> None:
        """Writer thread: wait for a change (or a retry), let the burst settle, save."""
        retry = False
        while not self._stop.is_set():
            self._wake.wait(self._retry_interval if retry else None)
            self._wake.clear()
            if self._stop.wait(self._debounce):
                return
            try:
                retry = not self._save()
                if not retry:
                    self._compact_in_background()
            except Exception as exc:  # never end silently: say so, keep the changes, retry
                log.exception("saving %s failed", self.path)
                self._failed(f"unexpected error: {exc!r}")
                retry = True

    def _failed(self, reason: str) -> None:
        """Report a failed write, once per distinct reason."""
        if reason == self._failure:
            return
        self._failure = reason
        self._report(
            f"cannot save state to {self.path}: {reason}; "
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
