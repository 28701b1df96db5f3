"""Read marks, bookmarks, positions and UI meta for one state file (UI-free: never imports textual).

Each field of each post is its own mark with its own hybrid-logical-clock stamp (reader.marks,
reader.clock), and copies are merged field by field, the later stamp winning: two readers, or
a reader and `reader mark`, never undo each other's changes to different fields of a post.

set_* change memory at once and queue an entry; a writer thread appends the queued entries to
the journal a moment later (reader.state_disk): a save costs the same at 20 posts as at
200,000. The journal is folded into the TinyDB snapshot now and then, in the background. A
bad snapshot is renamed to `<name>.corrupt-<time>`, never overwritten; a file from a newer
reader, or one that may not be read, makes the store read-only.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from itertools import chain
from pathlib import Path

from reader.clock import ZERO, Clock, Stamp, new_writer_id
from reader.mark_index import MarkIndex
from reader.marks import META_SCOPE, Entry, Fields, Mark, PostState, apply, newer
from reader.state_disk import StateDisk
from reader.statefile import RESERVED_META, Loaded, describe

__all__ = ["PostState", "Store"]

log = logging.getLogger(__name__)
_NO_STATE = PostState()
_DEFAULTS: dict[str, object] = {"read": False, "bookmarked": False, "position": None}


class Store:
    """Marks and meta of one state file, in memory, saved by a writer thread.

    Problems found while writing go to `on_error`, one call per distinct failure, from the
    writer thread: it must not block on the UI thread (the UI thread may be waiting for the
    writer in close()), so post a message rather than use call_from_thread. Without
    on_error, problems are logged. The writer thread never stops on an error: it says so
    and tries again every RETRY_INTERVAL seconds.
    """

    RETRY_INTERVAL = 3.0  # seconds between attempts after a failed write

    def __init__(
        self,
        path: Path,
        *,
        on_error: Callable[[str], None] | None = None,
        debounce: float = 0.25,
        clock: Clock | None = None,
        fold_on_close: bool = False,
    ) -> None:
        """Set up an empty, unopened store; does no IO. `clock` stamps this writer's changes.

        A short-lived store (a command) folds a large journal when it closes
        (`fold_on_close`); a long-lived one (the reader) folds in the background.
        """
        self._path = Path(path)
        self._disk = StateDisk(self._path)
        self._on_error = on_error
        self._debounce = debounce
        self._clock = clock or Clock(new_writer_id())
        self._fold_on_close = fold_on_close
        self._lock = threading.Lock()  # guards the in-memory state below
        self._flush_lock = threading.Lock()  # one flush at a time
        self._posts: dict[str, Fields] = {}
        self._index = MarkIndex()  # read, bookmarked and begun posts, for the screen
        self._meta: dict[str, Mark] = {}
        self._pending: list[Entry] = []
        self._touched: set[str] | None = None  # posts changed since take_touched (sync)
        self._read_only = False
        self._opened = self._closed = False
        self._failure: str | None = None  # reason of the last failed write, if still failing
        self._outside = False  # changes made by another process were taken in
        self._cleaned = False  # temp files of crashed writers were removed
        self._compactor: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> Path:
        """The state file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """True when the file must not be written (newer schema, unreadable, or bad and stuck)."""
        return self._read_only

    # Opening ------------------------------------------------------------------------------

    def open(self) -> list[str]:
        """Load the file and start the writer thread; return one-line messages for the user."""
        if self._opened:
            raise RuntimeError(f"store for {self._path} is already open")
        self._opened = True
        loaded = self._disk.load_all()
        message = self._check(loaded)
        if message is None and (loaded.broken is not None or loaded.dropped):
            with self._disk.lock_if_possible():
                loaded = self._disk.load_all()  # another reader may have replaced it meanwhile
                message = self._quarantine(loaded)
                if loaded.broken is not None and not self._read_only:
                    loaded = self._disk.load_all()  # moved aside: the journal alone
        if loaded.broken is None and loaded.unreadable is None:
            self._posts, self._meta = loaded.posts, loaded.meta
            self._index.rebuild(self._posts)
            posts = (fields.values() for fields in self._posts.values())
            marks = chain(*posts, self._meta.values())
            self._clock.observe(max((mark.stamp for mark in marks), default=ZERO))
        if loaded.dropped and not self._read_only:  # write the valid rest to a fresh file
            self._rewrite(loaded)
        if not self._read_only:
            self._thread = threading.Thread(target=self._run, name="reader-store", daemon=True)
            self._thread.start()
            atexit.register(self.close)
            if not self._fold_on_close:
                self._compact_in_background()  # a journal left large by commands
        return [message] if message else []

    def _check(self, loaded: Loaded) -> str | None:
        """A newer or unreadable file makes the store read-only; return the message."""
        where = f"state file {self._path}"
        if loaded.newer is not None:
            self._read_only = True
            newer = f"a newer reader (schema {loaded.newer})"
            return f"{where} was written by {newer}; it will not be changed"
        if loaded.unreadable is not None:
            self._read_only = True
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
            return self._disk.quarantine(loaded)
        except OSError as exc:
            self._read_only = True
            return (
                f"state file {self._path} could not be moved aside ({describe(exc)}); "
                "changes will not be saved"
            )

    def _rewrite(self, loaded: Loaded) -> None:
        """Write the valid posts of a partly bad file to a fresh snapshot."""
        try:
            with self._disk.lock():
                self._disk.rewrite(self._posts, self._meta, loaded.extra)
        except (OSError, TimeoutError) as exc:
            self._failed(describe(exc) if isinstance(exc, OSError) else str(exc))

    # Reading ------------------------------------------------------------------------------

    def state(self, post_id: str) -> PostState:
        """The state of one post (all defaults for a post never touched)."""
        with self._lock:
            fields = self._posts.get(post_id)
            return _NO_STATE if fields is None else PostState.of(fields)

    def mark(self, post_id: str, field: str) -> Mark | None:
        """One field of a post with the stamp of its last change (None if never set)."""
        with self._lock:
            return self._posts.get(post_id, {}).get(field)

    def _value(self, post_id: str, field: str) -> object:
        """One field's value (its default when never set)."""
        with self._lock:
            mark = self._posts.get(post_id, {}).get(field)
        return _DEFAULTS.get(field) if mark is None else mark.value

    def is_read(self, post_id: str) -> bool:
        """Whether the post is marked read."""
        return self._value(post_id, "read") is True

    def is_bookmarked(self, post_id: str) -> bool:
        """Whether the post is bookmarked."""
        return self._value(post_id, "bookmarked") is True

    def position(self, post_id: str) -> float | None:
        """How far a post was read (0.0 top to 1.0 end), or None if never scrolled."""
        value = self._value(post_id, "position")
        return None if value is None else float(value)  # type: ignore[arg-type]

    def positions(self) -> Mapping[str, float]:
        """Every post's reading position that is set (read-only)."""
        with self._lock:
            return self._index.positions()

    def read_ids(self) -> AbstractSet[str]:
        """Ids of all posts marked read."""
        with self._lock:
            return self._index.ids("read")

    def bookmarked_ids(self) -> AbstractSet[str]:
        """Ids of all bookmarked posts."""
        with self._lock:
            return self._index.ids("bookmarked")

    def get_meta(self, key: str, default: object = None) -> object:
        """A stored UI value such as "selected" or "view"."""
        with self._lock:
            mark = self._meta.get(key)
        return default if mark is None else mark.value

    # Changing -----------------------------------------------------------------------------

    def set_read(self, post_id: str, value: bool) -> None:
        """Mark a post read or unread (in memory now, on disk soon)."""
        self._set(post_id, "read", bool(value))

    def set_bookmarked(self, post_id: str, value: bool) -> None:
        """Add or remove a bookmark (in memory now, on disk soon)."""
        self._set(post_id, "bookmarked", bool(value))

    def set_position(self, post_id: str, fraction: float) -> None:
        """Remember how far a post was read (in memory now, on disk soon)."""
        # Seven places: a line in a post of millions of lines (four lost the place in posts
        # of a few megabytes, by dozens of lines).
        self._set(post_id, "position", round(min(max(float(fraction), 0.0), 1.0), 7))

    def set_meta(self, key: str, value: object) -> None:
        """Store a JSON-serialisable UI value; raises TypeError/ValueError for anything else."""
        if key in RESERVED_META:
            raise ValueError(f"meta key {key!r} is reserved")
        try:
            value = json.loads(json.dumps(value, allow_nan=False))  # also a private copy
        except (TypeError, ValueError) as exc:
            raise TypeError(f"meta value for {key!r} is not JSON-serialisable: {exc}") from exc
        self._set(META_SCOPE, key, value)

    def _set(self, scope: str, field: str, value: object) -> None:
        """Set one field (of a post, or a meta key) with a new stamp; no-op if unchanged."""
        with self._lock:
            table = self._meta if scope == META_SCOPE else self._posts.get(scope, {})
            mark = table.get(field)
            if mark is not None and mark.value == value:
                return
            if mark is None and scope != META_SCOPE and value == _DEFAULTS.get(field):
                return
            entry = Entry(scope, field, value, self._clock.now())
            self._apply([entry])
            self._pending.append(entry)
        self._wake.set()

    def set_field(self, post_id: str, field: str, value: object) -> None:
        """Set a post field other than the marks above (sync bookkeeping; JSON values)."""
        if field in _DEFAULTS:
            raise ValueError(f"{field!r} has its own setter")
        self._set(post_id, field, value)

    # Sync ---------------------------------------------------------------------------------

    def merge_entries(self, entries: Iterable[Entry]) -> int:
        """Merge changes made elsewhere (another machine) and save those that win here.

        The same per-field merge as for other readers: an entry wins only over an older
        stamp, and this store's clock moves past every stamp it sees. Returns how many
        fields changed.
        """
        with self._lock:
            chosen: dict[tuple[str, str], Entry] = {}
            for entry in entries:
                if entry.post == META_SCOPE:
                    continue  # UI values stay on each machine
                key = (entry.post, entry.field)
                held = chosen.get(key)
                best = Mark(held.value, held.stamp) if held is not None else None
                best = newer(self._posts.get(entry.post, {}).get(entry.field), best)
                mark = Mark(entry.value, entry.stamp)
                if newer(best, mark) is mark and best != mark:
                    chosen[key] = entry
            winners = list(chosen.values())
            self._apply(winners, outside=True)
            self._pending.extend(winners)
        if winners:
            self._wake.set()
        return len(winners)

    def post_entries(self, post_ids: Iterable[str] | None = None) -> list[Entry]:
        """Every post field (or those of `post_ids`) as an entry with its value and stamp.

        The lock is held only to list the posts: each post's fields are copied after (one
        atomic copy each), so the screen never waits while 200,000 posts are copied.
        """
        with self._lock:
            if post_ids is None:
                posts = list(self._posts.items())
            else:
                posts = [(p, self._posts[p]) for p in post_ids if p in self._posts]
        return [
            Entry(post_id, name, mark.value, mark.stamp)
            for post_id, fields in posts
            for name, mark in tuple(fields.items())
        ]

    def take_touched(self) -> set[str]:
        """The posts whose fields changed (here or elsewhere) since the last call.

        The first call starts the tracking and returns nothing: read every post then.
        """
        with self._lock:
            touched, self._touched = self._touched or set(), set()
        return touched

    def observe(self, stamp: Stamp) -> None:
        """Move this store's clock past a stamp seen elsewhere."""
        self._clock.observe(stamp)

    # Other writers ------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Take in what other readers (or `reader mark`) saved since this store last looked.

        Reads only what was appended to the journal since (everything when the files were
        replaced). True when a post's marks changed here, by this or by a writer's merge
        since the last call. Never raises: a problem is left to the next save.
        """
        if self._read_only:
            return False
        try:
            found = self._disk.read_new()
        except OSError as exc:
            log.debug("cannot read %s: %s", self._path, exc)
            found = []
        if isinstance(found, Loaded):
            if found.broken or found.unreadable or found.newer:
                found = []
            else:
                self._take(found.posts, found.meta)
                found = []
        if found:
            with self._lock:
                self._apply(found, outside=True)
        with self._lock:
            outside, self._outside = self._outside, False
        return outside

    def _take(self, posts: dict[str, Fields], meta: dict[str, Mark]) -> None:
        """Merge a whole loaded state into memory (200,000 posts after a fold).

        The marks that win are found without the lock (reading is safe), so the screen's
        questions never wait for the whole comparison; only those are applied under it.
        """
        mine, my_meta = self._posts, self._meta
        entries = [
            Entry(post_id, name, mark.value, mark.stamp)
            for post_id, fields in posts.items()
            for name, mark in fields.items()
            if newer(mine.get(post_id, {}).get(name), mark) is mark
        ]
        entries += [
            Entry(META_SCOPE, name, mark.value, mark.stamp)
            for name, mark in meta.items()
            if newer(my_meta.get(name), mark) is mark
        ]
        with self._lock:
            self._apply(entries, outside=True)

    def _apply(self, entries: list[Entry], *, outside: bool = False) -> None:
        """Merge entries into memory and the index (hold the lock)."""
        changed, latest = apply(self._posts, self._meta, entries)
        if self._touched is not None:
            self._touched |= changed
        for post_id in changed:
            self._index.update(post_id, self._posts[post_id])
        if outside:
            self._clock.observe(latest)
            self._outside = self._outside or bool(changed)

    # Saving -------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Write every pending change now; True if the disk is up to date."""
        with self._flush_lock:
            with self._lock:
                # Only the last change of a field counts (a failing disk piles them up).
                latest = {(entry.post, entry.field): entry for entry in self._pending}
                pending, self._pending = list(latest.values()), []
            if not pending:
                return True
            if self._read_only:
                with self._lock:
                    self._pending[:0] = pending
                return False
            from filelock import Timeout  # deferred: importing filelock costs start-up time

            try:
                self._disk.append(pending, clean=not self._cleaned)
                self._cleaned = True
            except BaseException as exc:
                with self._lock:
                    self._pending[:0] = pending  # kept, in order, for the next attempt
                if not isinstance(exc, OSError):
                    raise  # a bug: the writer thread reports it and tries again
                if isinstance(exc, Timeout):
                    self._failed(f"{self._path}.lock is held by another reader")
                else:
                    self._failed(describe(exc))
                return False
            if self._failure is not None:
                self._failure = None
                self._report(f"state saved again to {self._path}")
            return True

    def compact(self) -> None:
        """Fold the journal into the snapshot now if it has grown large."""
        if self._read_only or not self._disk.needs_compaction():
            return
        from filelock import Timeout

        try:
            self._disk.compact()
        except (OSError, Timeout) as exc:  # the journal still holds everything
            log.debug("compaction of %s postponed: %s", self._path, exc)
        except Exception:  # never end the thread silently; the journal still holds everything
            log.exception("compaction of %s failed", self._path)

    def _compact_in_background(self) -> None:
        """Start folding the journal in a thread of its own, so saves never wait for it."""
        if self._compactor is not None and self._compactor.is_alive():
            return
        if self._read_only or not self._disk.needs_compaction():
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
        if self._read_only:  # the user was told at start; say what it cost (not the view)
            lost = marks
            if lost:
                self._report(
                    f"{lost} change(s) from this session were not saved: "
                    f"the state file {self._path} is not written by this reader"
                )
            return not lost
        self._report(
            f"could not save state to {self._path} ({self._failure or 'unknown error'}); "
            f"{lost} unsaved change(s) from this session are lost"
        )
        return False

    def _run(self) -> None:
        """Writer thread: wait for a change (or a retry), let the burst settle, save."""
        retry = False
        while not self._stop.is_set():
            self._wake.wait(self.RETRY_INTERVAL if retry else None)
            self._wake.clear()
            if self._stop.wait(self._debounce):
                return
            try:
                retry = not self.flush()
                if not retry:
                    self._compact_in_background()
            except Exception as exc:  # never end silently: say so, keep the changes, retry
                log.exception("saving %s failed", self._path)
                self._failed(f"unexpected error: {exc!r}")
                retry = True

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
