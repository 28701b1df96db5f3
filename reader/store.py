"""Read marks, bookmarks, positions and UI meta for one state file (UI-free: never imports textual).

Each field of each post is its own mark with its own hybrid-logical-clock stamp (reader.marks,
reader.clock), and copies are merged field by field, the later stamp winning: two readers, or
a reader and `reader mark`, never undo each other's changes to different fields of a post.

This module is the state in memory: its questions, its changes and the merge of what other
writers saved. set_* change memory at once and queue an entry with the store's writer
(reader.store_writer), whose thread appends the queued entries to the journal a moment
later (reader.state_disk): a save costs the same at 20 posts as at 200,000. The journal is
folded into the TinyDB snapshot now and then, in the background. A bad snapshot is renamed
to `<name>.corrupt-<time>`, never overwritten; a file from a newer reader, or one that may
not be read, makes the store read-only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from itertools import chain
from pathlib import Path

from reader.clock import ZERO, Clock, Stamp, new_writer_id
from reader.mark_index import MarkIndex
from reader.marks import META_SCOPE, Entry, Fields, Mark, PostState, apply, newer
from reader.state_disk import DiskLimits
from reader.statefile import RESERVED_META, Loaded
from reader.store_writer import StoreWriter

__all__ = ["DiskLimits", "PostState", "Store"]

_NO_STATE = PostState()
_DEFAULTS: dict[str, object] = {"read": False, "bookmarked": False, "position": None}


class Store:
    """Marks and meta of one state file, in memory, saved by a writer thread.

    Problems found while writing go to `on_error`, one call per distinct failure, from the
    writer thread: it must not block on the UI thread (the UI thread may be waiting for the
    writer in close()), so post a message rather than use call_from_thread. Without
    on_error, problems are logged. The writer thread never stops on an error: it says so
    and tries again every `retry_interval` seconds.
    """

    def __init__(
        self,
        path: Path,
        *,
        on_error: Callable[[str], None] | None = None,
        debounce: float = 0.25,
        retry_interval: float = 3.0,
        clock: Clock | None = None,
        fold_on_close: bool = False,
        limits: DiskLimits | None = None,
    ) -> None:
        """Set up an empty, unopened store; does no IO. `clock` stamps this writer's changes.

        A short-lived store (a command) folds a large journal when it closes
        (`fold_on_close`); a long-lived one (the reader) folds in the background.
        `debounce` is how long the writer lets a burst of changes settle before it saves,
        `retry_interval` how long it waits after a failed save, `limits` when it waits for
        the lock and folds the journal. The writer thread saves through `self.flush`, so a
        subclass that extends flush() sees every save.
        """
        self._path = Path(path)
        self._writer = StoreWriter(
            self._path,
            on_error=on_error,
            debounce=debounce,
            retry_interval=retry_interval,
            fold_on_close=fold_on_close,
            limits=limits,
            save=self.flush,
        )
        self._clock = clock or Clock(new_writer_id())
        self._lock = threading.Lock()  # guards the in-memory state below
        self._posts: dict[str, Fields] = {}
        self._index = MarkIndex()  # read, bookmarked and begun posts, for the screen
        self._meta: dict[str, Mark] = {}
        self._opened = False
        self._touched: set[str] | None = None  # posts changed since take_touched (sync)
        self._outside = False  # changes made by another process were taken in

    @property
    def path(self) -> Path:
        """The state file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """True when the file must not be written (newer schema, unreadable, or bad and stuck)."""
        return self._writer.read_only

    # Opening ------------------------------------------------------------------------------

    def open(self) -> list[str]:
        """Load the file and start the writer thread; return one-line messages for the user."""
        if self._opened:
            raise RuntimeError(f"store for {self._path} is already open")
        self._opened = True
        loaded, message = self._writer.load()
        if loaded.broken is None and loaded.unreadable is None:
            self._posts, self._meta = loaded.posts, loaded.meta
            self._index.rebuild(self._posts)
            posts = (fields.values() for fields in self._posts.values())
            marks = chain(*posts, self._meta.values())
            self._clock.observe(max((mark.stamp for mark in marks), default=ZERO))
        if loaded.dropped and not self.read_only:  # write the valid rest to a fresh file
            self._writer.rewrite(self._posts, self._meta, loaded)
        self._writer.start()
        return [message] if message else []

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
            self._writer.queue(entry)

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
            for entry in winners:
                self._writer.queue(entry)
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
        found = self._writer.read_new()
        if isinstance(found, Loaded):
            self._take(found.posts, found.meta)
        elif found:
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
        return self._writer.flush()

    def compact(self) -> None:
        """Fold the journal into the snapshot now if it has grown large."""
        self._writer.compact()

    def close(self) -> bool:
        """Stop the writer thread and write what is pending; idempotent, never raises on IO.

        False when changes of this session could not be saved (they are reported).
        """
        return self._writer.close()
