"""Full-text search of a library's posts (UI-free): an SQLite FTS5 index (queries: reader.query).

The index is a contentless SQLite FTS5 table (title, author, tags, body) in a cache file
that is rebuilt whenever in doubt. `docs` maps each post id to its FTS row and a stamp of
the file and metadata it was indexed from; a changed post whose body is indexed cannot be
deleted from a contentless table, so its old row is left as an unreachable tombstone, and
once tombstones pile up the whole index is rebuilt. Text is folded by `normalise` before
it is indexed and before it is searched, so both sides agree on case, accents and
ligatures. One-letter prefixes have a prefix index (`s` alone would otherwise merge every
word in s); longer ones are looked up in the terms themselves, which keeps the index and
its build about a third smaller.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.library import Post
from reader.query import Query, feed_matches, tokens
from reader.search_sync import DocIds, Sync

SCHEMA_VERSION = 2
BATCH = 500
MAX_TOMBSTONES = 1000  # dead rows tolerated (or a quarter of the live ones) before a rebuild
_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta VALUES ('next_doc', 1), ('dead', 0);
CREATE TABLE docs(post_id BLOB PRIMARY KEY, doc INTEGER NOT NULL UNIQUE, stamp INTEGER NOT NULL,
    title TEXT NOT NULL, author TEXT NOT NULL, tags TEXT NOT NULL, has_body INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(title, author, tags, body, content='', columnsize=0,
    prefix='1', tokenize='unicode61 remove_diacritics 2');
PRAGMA user_version = {SCHEMA_VERSION};
"""
_MATCH = "SELECT rowid FROM fts WHERE fts MATCH ?"


def index_path(cache_dir: Path, root: Path) -> Path:
    """The index file of a library root (hashed like MetadataCache.for_root)."""
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return cache_dir / f"search-{digest}.sqlite3"


@dataclass(frozen=True)
class SearchResult:
    """Matching post ids: title matches first, then the rest, each in library order."""

    ids: list[str]
    title_matches: frozenset[str]

    @property
    def count(self) -> int:
        """How many posts match."""
        return len(self.ids)


def _phrase(text: str) -> str:
    """text as an FTS5 string whose last word is a prefix ('' if it has no words)."""
    words = tokens(text)
    return '"' + " ".join(words).replace('"', '""') + '"*' if words else ""


def _expressions(query: Query) -> tuple[str, str, str]:
    """The FTS5 (must match, must not match, title match) expressions of a query."""
    words = [p for p in map(_phrase, query.terms + query.phrases) if p]
    tags = [f"{{tags}} : {p}" for p in map(_phrase, query.tags) if p]
    authors = [f"{{author}} : {p}" for p in map(_phrase, query.authors) if p]
    excluded = [p for p in map(_phrase, query.excluded) if p]
    title = f"{{title}} : ({' AND '.join(words)})" if words else ""
    return " AND ".join(words + tags + authors), " OR ".join(excluded), title


def _remove_files(db_path: Path) -> None:
    """Delete a database file and its WAL companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{db_path}{suffix}")


class SearchIndex:
    """A full-text index of a library's posts in SQLite FTS5, rebuilt whenever in doubt.

    sync() and search() may run at the same time in two threads: a file index has a
    writer and a reader connection (WAL), so a search sees every batch committed so far.
    """

    def __init__(
        self, db_path: Path | None, *, batch: int = BATCH, max_tombstones: int = MAX_TOMBSTONES
    ) -> None:
        """Index into db_path (None: in memory); nothing is opened until open().

        A sync writes `batch` posts per transaction, and rebuilds the index once more than
        `max_tombstones` dead rows (or a quarter of the live ones) have piled up.
        """
        self.db_path = db_path
        self.problem: str | None = None  # the last one-line problem, for a status line
        self._batch, self._max_tombstones = batch, max_tombstones
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None  # the writer itself when in memory
        self._docs = DocIds()  # FTS rowid -> post id, for live rows only
        self._ranks: tuple[Mapping[str, int], object, dict[int, int], list[str]] | None = None
        self._damaged = False  # a search hit a damaged file: the next sync rebuilds it
        self._sync_lock = threading.Lock()  # one sync at a time
        self._write_lock = threading.Lock()  # guards the writer connection
        self._read_lock = threading.Lock()  # guards the reader connection

    def open(self) -> str | None:
        """Open or create the index; a one-line message if it was rebuilt or kept in memory."""
        with self._write_lock, self._read_lock:
            self.problem = None
            try:
                self._attach(self.db_path)
            except (sqlite3.OperationalError, OSError) as exc:  # unwritable or locked: leave it
                self.problem = f"search index kept in memory ({exc})"
                self._attach(None)
            except sqlite3.Error as exc:  # not a database, damaged, or another schema version
                self._rebuild(f"search index rebuilt ({exc})")
            return self.problem

    def _rebuild(self, message: str) -> None:
        """Delete the index file and start afresh, in memory if even that fails (locked)."""
        self._close()
        self.problem = message
        try:
            if self.db_path is not None:
                _remove_files(self.db_path)
            self._attach(self.db_path)
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"{message}; kept in memory ({exc})"
            self._attach(None)

    def _attach(self, path: Path | None) -> None:
        """Connect to the index (creating it); a file gets WAL mode and a separate reader."""
        self._close()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        target = ":memory:" if path is None else str(path)
        self._writer = self._reader = conn = _connect(target)
        if path is not None:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA journal_size_limit=67108864")  # trim the WAL after checkpoints
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if version == 0 and not tables:
            conn.executescript(_SCHEMA)
        elif version != SCHEMA_VERSION or not {"meta", "docs", "fts"} <= tables:
            raise sqlite3.DatabaseError(f"schema version {version}, not {SCHEMA_VERSION}")
        self._docs.load(conn.execute("SELECT doc, post_id, has_body FROM docs"))
        if path is not None:
            self._reader = _connect(target)
            self._reader.execute("PRAGMA query_only=1")

    def _close(self) -> None:
        """Close the connections (the caller holds the locks)."""
        for conn in {self._reader, self._writer}:
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
        self._reader = self._writer = None
        self._docs.clear()

    def close(self) -> None:
        """Close the index; open() may be called again."""
        with self._sync_lock, self._write_lock, self._read_lock:
            self._close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """Hold the writer's lock (and the reader's, in memory) inside a transaction."""
        with self._write_lock:
            shared = self._reader is self._writer
            with self._read_lock if shared else contextlib.nullcontext():
                conn = self._writer
                if conn is None:
                    raise sqlite3.ProgrammingError("the search index is closed")
                conn.execute("BEGIN")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")

    @property
    def indexed_count(self) -> int:
        """How many posts have had their body indexed."""
        return self._docs.with_body

    def sync(
        self,
        posts: Sequence[Post],
        read_body: Callable[[Post], str],
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """Bring the index in line with posts (metadata first, then bodies); count reindexed."""
        with self._sync_lock:
            if self._writer is None:
                self.open()
            if self._damaged:
                with self._write_lock, self._read_lock:
                    self._rebuild(f"search index rebuilt ({self.problem})")
                self._damaged = False
            for attempt in range(2):
                try:
                    return self._sync_run(posts, read_body, progress, cancelled).run()
                except sqlite3.Error as exc:
                    if attempt:
                        self.problem = f"search index failed: {exc}"
                        break
                    with self._write_lock, self._read_lock:
                        self._rebuild(f"search index rebuilt ({exc})")
            return 0

    def _sync_run(
        self,
        posts: Sequence[Post],
        read_body: Callable[[Post], str],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool],
    ) -> Sync:
        """A sync run that writes through this index's writer and keeps its rows in step."""
        return Sync(
            writing=self._writing,
            ids=self._docs,
            posts=posts,
            read_body=read_body,
            progress=progress or (lambda done, total: None),
            cancelled=cancelled,
            batch=self._batch,
            max_tombstones=self._max_tombstones,
        )

    def search(
        self,
        query: Query,
        order: Mapping[str, int],
        *,
        is_read: Callable[[str], bool] | None = None,
        is_bookmarked: Callable[[str], bool] | None = None,
        feed_of: Callable[[str], str | None] | None = None,
    ) -> SearchResult:
        """The posts of `order` matching query: title matches first, each group in order.

        Pass a new `order` mapping when the library changes rather than editing it in place.
        """
        positive, negative, title = _expressions(query)
        try:
            with self._read_lock:
                if positive:
                    docs = self._match(f"({positive}) NOT ({negative})" if negative else positive)
                else:
                    docs = self._match(negative) if negative else []
                titles = self._match(title) if title else []
        except sqlite3.Error as exc:
            self.problem = f"search failed: {exc}"
            self._damaged = type(exc) is sqlite3.DatabaseError  # "malformed", not "closed"
            return SearchResult([], frozenset())
        if positive:  # in rank space: ints, sorted without a key function
            rank, by_rank = self._rank_of(order)
            get = rank.get
            ranks = sorted(r for r in map(get, docs) if r is not None)
            in_title = {r for r in map(get, titles) if r is not None}
            first = [r for r in ranks if r in in_title] if in_title else []
            rest = [r for r in ranks if r not in in_title] if first else ranks
            found = [by_rank[r] for r in first + rest]
            title_ids = frozenset(by_rank[r] for r in first)
        else:  # operators only: every listed post, indexed yet or not, is a candidate
            excluded = {self._docs.get(doc) for doc in docs}
            found = sorted((i for i in order if i not in excluded), key=order.__getitem__)
            title_ids = frozenset()
        if query.states:
            read, marked = is_read or _never, is_bookmarked or _never
            tests = {"unread": lambda i: not read(i), "read": read, "bookmarked": marked}
            for state in sorted(query.states):
                found = [post_id for post_id in found if tests[state](post_id)]
            title_ids = title_ids.intersection(found)
        if query.feeds:
            feed = feed_of or _no_feed
            found = [post_id for post_id in found if feed_matches(feed(post_id), query.feeds)]
            title_ids = title_ids.intersection(found)
        return SearchResult(found, title_ids)

    def _rank_of(self, order: Mapping[str, int]) -> tuple[dict[int, int], list[str]]:
        """FTS rowid -> dense library rank, and rank -> post id; cached per order and write."""
        generation, cached = (self._docs.generation, len(order)), self._ranks
        if cached is not None and cached[0] is order and cached[1] == generation:
            return cached[2], cached[3]
        ids = self._docs.copy()  # atomic under the GIL, while a sync may be changing it
        pairs = sorted((order[i], doc) for doc, i in ids.items() if i in order)
        rank = {doc: n for n, (_, doc) in enumerate(pairs)}
        by_rank = [ids[doc] for _, doc in pairs]
        self._ranks = (order, generation, rank, by_rank)
        return rank, by_rank

    def _match(self, expression: str) -> list[int]:
        """The FTS rowids matching an expression (the caller holds the read lock)."""
        if self._reader is None:
            raise sqlite3.ProgrammingError("the search index is closed")
        return [row for (row,) in self._reader.execute(_MATCH, (expression,))]


def _no_feed(post_id: str) -> str | None:
    """The feed lookup used when the caller gave none."""
    return None


def _never(post_id: str) -> bool:
    """The state test used when the caller gave none."""
    return False


def _connect(target: str) -> sqlite3.Connection:
    """A connection usable from any thread (our locks guard it), in autocommit mode."""
    return sqlite3.connect(target, timeout=5, check_same_thread=False, isolation_level=None)
