"""The journal beside the state file: changes appended one line each (UI-free).

A save appends the new entries and fsyncs: its cost does not grow with the library. Now and
then the journal is folded into the snapshot (reader.statefile) and replaced by an empty one
(see reader.state_writer). Appends and the replacement happen under the state file's lock;
reading needs no lock. A line torn by a writer killed mid-append is skipped, and the next
append starts on a new line, so it never swallows a whole entry.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.marks import Entry, parse_line


def journal_path(state: Path) -> Path:
    """The journal of a state file."""
    return state.with_name(state.name + ".journal")


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the journal, which changes when it is replaced; None if missing."""
    try:
        info = os.stat(path)
    except OSError:  # missing, or its folder is not one: read_from says what is wrong
        return None
    return info.st_dev, info.st_ino


def append(path: Path, entries: Iterable[Entry]) -> int:
    """Append entries and fsync (hold the state lock); return the number of bytes written."""
    return append_bytes(path, b"".join(entry.line() for entry in entries))


def append_bytes(path: Path, payload: bytes) -> int:
    """Append whole lines and fsync; a torn last line is ended first. Returns bytes written."""
    if not payload:
        return 0
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload  # a torn last line: start a new one
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(payload)


@dataclass
class Tail:
    """Where a reader of the journal got to: which journal, and the offset of the next line."""

    journal: tuple[int, int] | None = None
    offset: int = 0
    skipped: int = 0  # lines that were not entries (torn or damaged), for messages
    entries: list[Entry] = field(default_factory=list)


def read_from(path: Path, tail: Tail) -> Tail:
    """The entries after `tail` (the whole journal if it was replaced meanwhile).

    Returns a new Tail whose `entries` are the complete lines read; a last line without its
    newline is left for the next read (its writer may still be writing it). Raises OSError
    when the journal is there but cannot be read.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            journal = (info.st_dev, info.st_ino)
            start = tail.offset if journal == tail.journal and info.st_size >= tail.offset else 0
            handle.seek(start)
            data = handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return Tail()  # no journal (yet): nothing was saved there
    entries, end, skipped = parse(data)
    return Tail(journal, start + end, skipped, entries)


def parse(data: bytes) -> tuple[list[Entry], int, int]:
    """The entries of the complete lines of `data`, where they end, and how many lines were
    not entries (torn or damaged). A last line without its newline is not read."""
    end = data.rfind(b"\n") + 1
    entries: list[Entry] = []
    skipped = 0
    for line in data[:end].splitlines():
        if not line.strip():
            continue
        entry = parse_line(line)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    return entries, end, skipped


def replace_with(path: Path, lines: bytes) -> None:
    """Replace the journal by one holding `lines` (hold the state lock), atomically."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
