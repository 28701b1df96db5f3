"""Folder sync: machines share marks through a folder kept in step by Syncthing, Dropbox or git
(UI-free: never imports textual).

Each machine (device) appends the marks it changed to its own journal in the folder,
`<device>.journal`, so no file ever has two writers. A line is a journal entry (reader.marks)
plus the device id: a post field, its value, and the hybrid-logical-clock stamp of the
change. Every other file there ending in `.journal` is read too: other devices' journals,
copies (`x (1).journal`) and the conflict copies sync tools make
(`<device>.sync-conflict-<date>-<who>.journal`); all of them go through the same per-field
merge as two readers on one machine, so reading a file twice, or two copies of it, changes
nothing. A line torn by a writer killed mid-append is skipped; the writer's next append
starts on a new line. A machine's clock moves past every stamp it reads, so a machine whose
clock is an hour fast does not win the changes made elsewhere after its own were seen.

A device folds its journal (the latest entry of each field: older ones can never win a
merge) with the conflict copies of it once it has grown large; nothing is lost. A
Syncthing conflict copy of the state file itself (`state.sync-conflict-*.json`, beside it)
is merged in too.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader import journal
from reader.marks import POST_FIELDS, Entry, Mark, newer
from reader.statefile import atomic_write, load, real_path
from reader.store import Store

JOURNAL_SUFFIX = ".journal"
DEVICE_SUFFIX = ".device"  # beside the state file: this machine's device id
COMPACT_AT_BYTES = 256 * 1024  # a journal this large is folded when half of it is outdated
_DEVICE_RE = re.compile(r"^[0-9a-f]{12,32}$")
SYNCED = frozenset(POST_FIELDS)  # UI values and server bookkeeping stay on each machine

Key = tuple[str, str]


def device_path(state: Path) -> Path:
    """The file beside the (real) state file that holds this machine's device id."""
    real = real_path(state)
    return real.with_name(real.name + DEVICE_SUFFIX)


def device_id(state: Path, *, create: bool = True) -> str | None:
    """This machine's device id: made once, then the same at every start.

    The id lives beside the state file (a copy of a state dir on another machine is a new
    device only once its id file is removed). Two processes making it at once agree: the
    first to link its file wins. None when there is none and `create` is False.
    """
    path = device_path(state)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = path.read_text(encoding="ascii").strip()
        if _DEVICE_RE.match(text):
            return text
    if not create:
        return None
    new = os.urandom(8).hex()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(new + "\n", encoding="ascii")
    try:
        os.link(tmp, path)  # fails if another process made it first
    except FileExistsError:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = path.read_text(encoding="ascii").strip()
            if _DEVICE_RE.match(text):
                return text
        atomic_write(path, (new + "\n").encode("ascii"))  # a damaged file: replaced
    finally:
        tmp.unlink(missing_ok=True)
    return new


def entry_line(entry: Entry, device: str) -> bytes:
    """One folder journal line: the entry, plus the device that made it."""
    doc = {"p": entry.post, "f": entry.field, "v": entry.value, "c": list(entry.stamp)}
    doc["d"] = device
    return json.dumps(doc, ensure_ascii=True, allow_nan=False).encode("ascii") + b"\n"


def latest(entries: list[Entry]) -> dict[Key, Entry]:
    """The entry that wins for each field (the merge of all of them)."""
    best: dict[Key, Entry] = {}
    for entry in entries:
        if entry.field not in SYNCED:
            continue
        key = (entry.post, entry.field)
        held = best.get(key)
        mark = Mark(entry.value, entry.stamp)
        if held is None or newer(Mark(held.value, held.stamp), mark) is mark:
            best[key] = entry
    return best


@dataclass
class FolderResult:
    """What one folder sync did."""

    merged: int = 0  # fields changed here by other machines' marks
    exported: int = 0  # fields this machine wrote to its journal
    devices: int = 0  # other machines whose journals were read
    skipped: int = 0  # lines that were torn or damaged (left alone)
    compacted: bool = False

    def summary(self) -> str:
        """One line for the user."""
        text = f"folder: {self.merged} mark(s) in, {self.exported} out"
        text += f", {self.devices} other device(s)"
        if self.skipped:
            text += f", {self.skipped} damaged line(s) skipped"
        return text


def _signature(path: Path) -> tuple[int, int, int] | None:
    """(mtime, size, inode) of a file, or None when it is missing."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class FolderSync:
    """Syncs one store with one folder; one sync at a time per process (use from one thread)."""

    def __init__(self, store: Store, folder: Path, device: str) -> None:
        """Remember the store, the folder and this machine's device id; does no IO."""
        self.store = store
        self.folder = Path(folder)
        self.device = device
        self._seen: dict[str, tuple[int, int, int] | None] = {}
        self._tails: dict[str, journal.Tail] = {}  # where each file was read to
        self._best: dict[Key, Entry] = {}  # the merge of everything read from the folder
        self._full = False  # every post was compared once (later: the changed ones)
        self._own_lines = 0  # entries in this device's journal, and their distinct fields
        self._own_keys: set[Key] = set()

    @property
    def own(self) -> Path:
        """This device's journal in the folder."""
        return self.folder / f"{self.device}{JOURNAL_SUFFIX}"

    def _files(self) -> list[Path]:
        """Every journal file in the folder (copies and conflict copies included)."""
        try:
            names = sorted(
                entry.name
                for entry in os.scandir(self.folder)
                if entry.name.endswith(JOURNAL_SUFFIX)
                and not entry.name.startswith(".")
                and entry.is_file()
            )
        except FileNotFoundError:
            return []
        return [self.folder / name for name in names]

    def _state_copies(self) -> list[Path]:
        """Conflict copies of the state file beside it (Syncthing's naming)."""
        real = real_path(self.store.path)
        stem, suffix = os.path.splitext(real.name)
        pattern = f"{stem}.sync-conflict-*{suffix}"
        with contextlib.suppress(OSError):
            return sorted(real.parent.glob(pattern))
        return []

    def watched(self) -> dict[str, tuple[int, int, int] | None]:
        """The signature of every file a sync reads."""
        return {str(path): _signature(path) for path in [*self._files(), *self._state_copies()]}

    def changed(self) -> bool:
        """True when a file in the folder (or a state conflict copy) changed since the last sync."""
        return self.watched() != self._seen

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Keep this machine's processes (the reader, `reader sync`) from appending at once."""
        from filelock import FileLock

        real = real_path(self.store.path)
        real.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{real}.sync-lock", timeout=10.0):
            yield

    def sync(self) -> FolderResult:
        """Merge what is new in the folder into the store, then write this machine's news.

        Files are read from where the last sync got to (all of a file that was replaced),
        and only the posts changed since the last sync are compared (every post the first
        time). Raises OSError when the folder cannot be read or written (or the lock's
        Timeout).
        """
        result = FolderResult()
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock():
            self.store.refresh()  # marks other readers here saved (`reader mark`)
            touched = self.store.take_touched()  # before reading: later changes come next time
            seen = self.watched()
            arrived: list[Entry] = []
            devices: set[str] = set()
            for path in self._files():
                before = self._tails.get(path.name, journal.Tail())
                tail = journal.read_from(path, before)
                self._tails[path.name] = tail
                if path.name == self.own.name:
                    if tail.journal != before.journal:  # replaced (compacted): counted afresh
                        self._own_lines, self._own_keys = 0, set()
                    self._own_lines += len(tail.entries)
                    self._own_keys.update((e.post, e.field) for e in tail.entries)
                result.skipped += tail.skipped
                arrived += tail.entries
                if not path.name.startswith(self.device):
                    devices.add(path.name.split(".", 1)[0].split(" ", 1)[0])
            result.devices = len(devices)
            names = {path.name for path in self._files()}
            self._tails = {name: t for name, t in self._tails.items() if name in names}
            for copy in self._state_copies():
                if self._seen.get(str(copy)) != seen.get(str(copy)):
                    arrived += _state_entries(copy)
            news = latest(arrived)
            for key, entry in news.items():
                if _wins(entry, self._best.get(key)):
                    self._best[key] = entry
            result.merged = self.store.merge_entries(news.values())
            mine = self.store.post_entries(None if self._full is False else touched)
            self._full = True
            out = [
                entry
                for entry in mine
                if entry.field in SYNCED and _wins(entry, self._best.get((entry.post, entry.field)))
            ]
            if out:
                self._append(out)
                self._best.update(((e.post, e.field), e) for e in out)
            result.exported = len(out)
            result.compacted = self._compact_if_large()
            self._seen = self.watched() if (out or result.compacted) else seen
        return result

    def _append(self, entries: list[Entry]) -> None:
        """Append to this device's journal; what was read of it stays read (it is known)."""
        tail = self._tails.get(self.own.name, journal.Tail())
        size = (_signature(self.own) or (0, 0, 0))[1]
        journal.append_bytes(self.own, b"".join(entry_line(e, self.device) for e in entries))
        if tail.offset == size:  # nothing unread before: skip reading back our own lines
            after = journal.identity(self.own)
            end = (_signature(self.own) or (0, 0, 0))[1]
            self._tails[self.own.name] = journal.Tail(after, end)
            if after != tail.journal:
                self._own_lines, self._own_keys = 0, set()
            self._own_lines += len(entries)
            self._own_keys.update((e.post, e.field) for e in entries)

    def _compact_if_large(self) -> bool:
        """Fold this device's journal with its conflict copies, when there are copies or
        when it is large and more than half of it is outdated."""
        mine = [p for p in self._files() if p.name.startswith(self.device)]
        size = (_signature(self.own) or (0, 0, 0))[1]
        outdated = self._own_lines > 2 * len(self._own_keys)
        if len(mine) <= 1 and not (size >= COMPACT_AT_BYTES and outdated):
            return False
        entries: list[Entry] = []
        for path in mine:
            with contextlib.suppress(FileNotFoundError):
                entries += journal.parse(path.read_bytes())[0]
        best = latest(entries)
        atomic_write(self.own, b"".join(entry_line(e, self.device) for e in best.values()))
        for path in mine:  # everything of the copies is in the new journal
            if path != self.own:
                path.unlink(missing_ok=True)
        return True


def _wins(entry: Entry, best: Entry | None) -> bool:
    """Whether an entry is newer than the one the folder holds for its field."""
    if best is None:
        return True
    if entry.stamp != best.stamp:  # the common case, without the values' text
        return entry.stamp > best.stamp
    mark, held = Mark(entry.value, entry.stamp), Mark(best.value, best.stamp)
    return newer(held, mark) is mark and held != mark


def _state_entries(path: Path) -> list[Entry]:
    """The post marks of a state file (a conflict copy); nothing if it cannot be used."""
    loaded = load(path)
    if loaded.broken or loaded.unreadable or loaded.newer:
        return []
    return [
        Entry(post_id, name, mark.value, mark.stamp)
        for post_id, fields in loaded.posts.items()
        for name, mark in fields.items()
    ]
