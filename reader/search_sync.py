"""Bringing a search index in line with the library: its rows, and one sync run (UI-free).

`docs` holds one row per post: its FTS rowid, a stamp (a digest of the file's name, size
and mtime and the post's metadata) and the title, author and tags as indexed. A sync
writes the metadata of new and changed posts first (so that titles are searchable at
once), then their bodies, in batches; it may be cancelled between batches and picks up
where it stopped. The live rowids and their post ids are kept in DocIds, which searches
read while a sync writes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import NamedTuple

from reader.gcpause import collection_paused
from reader.library import Post, PostError, full_text_file
from reader.query import normalise

_TAG_GAP = " \ue000 "  # a private-use token between tags, so a phrase cannot span two tags
_SLICE = 32_768
_INSERT = "INSERT INTO fts(rowid, title, author, tags, body) VALUES (?, ?, ?, ?, ?)"
_DELETE = "INSERT INTO fts(fts, rowid, title, author, tags, body) VALUES ('delete', ?, ?, ?, ?, ?)"
_UPSERT = "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, 0)"
_KNOWN = "SELECT post_id, doc, stamp, has_body FROM docs"
_INDEXED = "SELECT title, author, tags FROM docs WHERE post_id = ?"
_UNFILLED = "SELECT doc, title, author, tags FROM docs WHERE post_id = ? AND has_body = 0"
_FILLED = "UPDATE docs SET has_body = 1 WHERE post_id = ?"


class Indexed(NamedTuple):
    """The title, author and tags of a post, normalised, as indexed."""

    title: str
    author: str
    tags: str


class Known(NamedTuple):
    """What a sync needs to know of a docs row up front (the rest is read when needed)."""

    doc: int  # the FTS rowid
    stamp: int  # digest of the file, its size and mtime and the metadata (see _stamp)
    has_body: int


class Change(NamedTuple):
    """A post to (re)index, with its old row if it had one."""

    key: bytes
    post: Post
    row: Known | None
    stamp: int


class DocIds:
    """FTS rowid -> post id for the live rows, and how many have their body indexed.

    A sync writes it while searches read it: `copy()` is atomic under the GIL, and
    `generation` changes with every change, so a cache built from a copy knows it is stale.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._ids: dict[int, str] = {}
        self.generation = 0
        self.with_body = 0

    def load(self, rows: Iterable[tuple[int, bytes, int]]) -> None:
        """Replace everything with (rowid, post id, has body) rows of the docs table."""
        ids, with_body = {}, 0
        for doc, post_id, has_body in rows:
            ids[doc] = post_id.decode("utf-8", "surrogatepass")
            with_body += bool(has_body)
        self._ids, self.with_body = ids, with_body
        self.generation += 1

    def clear(self) -> None:
        """Forget every row."""
        self._ids, self.with_body = {}, 0
        self.generation += 1

    def add(self, pairs: Iterable[tuple[int, str]]) -> None:
        """Rows (rowid, post id) were written."""
        self._ids.update(pairs)
        self.generation += 1

    def drop(self, doc: int, *, had_body: bool) -> None:
        """A row was deleted or left as a tombstone."""
        self._ids.pop(doc, None)
        self.with_body -= had_body
        self.generation += 1

    def bodies_added(self, count: int) -> None:
        """The bodies of `count` rows were indexed."""
        self.with_body += count

    def get(self, doc: int) -> str | None:
        """The post id of a live row."""
        return self._ids.get(doc)

    def copy(self) -> dict[int, str]:
        """A private copy of the map."""
        return self._ids.copy()


def blob(text: str) -> bytes:
    """text as UTF-8 bytes that round-trip even lone surrogates (from odd file names)."""
    return text.encode("utf-8", "surrogatepass")


def clean(text: str) -> str:
    """Normalised text that SQLite can store (lone surrogates replaced).

    A long text is folded a slice at a time (cut at spaces), yielding the interpreter
    between slices so that the UI thread keeps answering keys while a big post is indexed.
    """
    if len(text) > _SLICE:
        parts, start = [], 0
        while start < len(text):
            cut = text.find(" ", start + _SLICE)
            end = len(text) if cut == -1 else cut
            parts.append(normalise(text[start:end]))
            start = end
            time.sleep(0)
        text = "".join(parts)
    else:
        text = normalise(text)
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _indexed(post: Post) -> Indexed:
    """The indexed (title, author, tags) of a post."""
    return Indexed(clean(post.title), clean(post.author or ""), clean(_TAG_GAP.join(post.tags)))


def _stat(file: str) -> tuple[int, int]:
    """(size, mtime_ns) of a post file, (-1, -1) if it cannot be read; with the full text
    fetched for it (its body is what read_body gives), so fetching one re-indexes the post."""
    try:
        info = os.stat(file)
    except OSError:
        return -1, -1
    try:
        full = os.stat(full_text_file(file))
    except OSError:
        return info.st_size, info.st_mtime_ns
    return info.st_size + full.st_size, max(info.st_mtime_ns, full.st_mtime_ns)


def _stamp(post: Post, size: int, mtime_ns: int) -> int:
    """A 63-bit digest of what a post's row is indexed from: the file, its size and mtime
    and the metadata as listed (a changed stamp re-indexes the post)."""
    fields = (post.file, size, mtime_ns, post.title, post.author, post.tags)
    digest = hashlib.blake2b(blob(repr(fields)), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # an SQLite INTEGER is signed


Writing = Callable[[], AbstractContextManager[sqlite3.Connection]]


@dataclass
class Sync:
    """One sync run: plan the changes, write the metadata, then fill in the bodies.

    `writing` opens a transaction on the index's writer connection; `ids` is the index's
    map of live rows, kept in step with every write. Only a small summary of each row
    (Known) is held while planning; the indexed metadata of a row is read back when needed.
    """

    writing: Writing
    ids: DocIds
    posts: Sequence[Post]
    read_body: Callable[[Post], str]
    progress: Callable[[int, int], None]
    cancelled: Callable[[], bool]
    batch: int
    max_tombstones: int
    written: int = 0  # posts (re)indexed so far
    total: int = 0

    def run(self) -> int:
        """Sync and return how many posts were (re)indexed."""
        with self.writing() as conn:
            known = {key: Known(*rest) for key, *rest in conn.execute(_KNOWN)}
            dead = conn.execute("SELECT value FROM meta WHERE key = 'dead'").fetchone()[0]
            if dead > max(self.max_tombstones, len(known) // 4):  # too many: start afresh
                conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
                conn.execute("DELETE FROM docs")
                conn.execute("UPDATE meta SET value = 0 WHERE key = 'dead'")
                known = {}
                self.ids.clear()
        listed: dict[bytes, Post] = {}
        changes: list[Change] = []
        unfilled: list[bytes] = []  # unchanged posts whose body is still to be indexed
        with collection_paused():  # 100,000 new tuples: collections would walk them all
            for post in self.posts:
                key = blob(post.id)
                if key in listed:
                    continue
                listed[key] = post
                row, stamp = known.get(key), _stamp(post, *_stat(post.file))
                if row is None or row.stamp != stamp:
                    changes.append(Change(key, post, row, stamp))
                elif not row.has_body:
                    unfilled.append(key)
        todo = [change.key for change in changes] + unfilled  # the bodies to index
        self.total = len(changes) + len(todo)
        with self.writing() as conn:
            gone = [(key, row) for key, row in known.items() if key not in listed]
            for key, row in gone:
                self._drop(conn, key, row)
            conn.executemany("DELETE FROM docs WHERE post_id = ?", [(key,) for key, _ in gone])
        del known, gone
        step = self.batch
        for start in range(0, len(changes), step):
            if not self._write_metadata(changes[start : start + step]):
                return self.written
            self.progress(min(start + step, len(changes)), self.total)
        first_unfilled = len(changes)
        del changes
        for start in range(0, len(todo), step):
            batch = todo[start : start + step]
            filled = self._write_bodies([(key, listed[key]) for key in batch])
            self.written += max(0, start + filled - max(start, first_unfilled))  # not counted yet
            if filled < len(batch):
                return self.written
            self.progress(min(first_unfilled + start + step, self.total), self.total)
        while self.written >= step and not self.cancelled():
            with self.writing() as conn:  # merge the many small segments, a step at a time
                before = conn.total_changes
                conn.execute("INSERT INTO fts(fts, rank) VALUES ('merge', -2000)")
                if conn.total_changes - before < 2:  # nothing left to merge
                    break
        return self.written

    def _drop(self, conn: sqlite3.Connection, key: bytes, row: Known) -> int | None:
        """Remove a post's FTS row; its rowid if that can be reused, else None (a tombstone)."""
        self.ids.drop(row.doc, had_body=bool(row.has_body))
        if not row.has_body:  # no body yet: the exact values indexed are known, so delete them
            conn.execute(_DELETE, (row.doc, *_indexed_row(conn, key), ""))
            return row.doc
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'dead'")
        return None

    def _write_metadata(self, batch: list[Change]) -> bool:
        """Index the titles, authors and tags of a batch of posts; False if cancelled."""
        added: list[tuple[int, str]] = []
        with self.writing() as conn:
            next_doc = conn.execute("SELECT value FROM meta WHERE key = 'next_doc'").fetchone()[0]
            for key, post, row, stamp in batch:
                if self.cancelled():
                    break
                doc = None if row is None else self._drop(conn, key, row)
                if doc is None:
                    doc, next_doc = next_doc, next_doc + 1
                indexed = _indexed(post)
                conn.execute(_INSERT, (doc, *indexed, ""))
                conn.execute(_UPSERT, (key, doc, stamp, *indexed))
                added.append((doc, post.id))
                self.written += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'next_doc'", (next_doc,))
            self.ids.add(added)
        return len(added) == len(batch)

    def _write_bodies(self, batch: list[tuple[bytes, Post]]) -> int:
        """Read and index the bodies of a batch of posts; how many (fewer if cancelled)."""
        bodies: list[tuple[bytes, str]] = []
        for key, post in batch:
            if self.cancelled():
                break
            try:
                bodies.append((key, clean(self.read_body(post))))
            except PostError:
                bodies.append((key, ""))
        with self.writing() as conn:
            for key, body in bodies:
                row = conn.execute(_UNFILLED, (key,)).fetchone()
                if row is None:  # filled meanwhile (a duplicate): nothing to do
                    continue
                doc, *indexed = row
                conn.execute(_DELETE, (doc, *indexed, ""))
                conn.execute(_INSERT, (doc, *indexed, body))
            conn.executemany(_FILLED, [(key,) for key, _ in bodies])
        self.ids.bodies_added(len(bodies))
        return len(bodies)


def _indexed_row(conn: sqlite3.Connection, key: bytes) -> Indexed:
    """The metadata a post's FTS row was indexed with, as the docs table keeps it."""
    return Indexed(*conn.execute(_INDEXED, (key,)).fetchone())
