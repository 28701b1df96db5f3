"""A metadata cache so a warm start does not re-read every post file (UI-free).

One JSON file per library root in the user cache directory holds, for every post,
the file's size and modification time plus the fields the sidebar needs. At start
the cached list is shown at once; then the library is scanned and a file whose size
or mtime changed (or that is new) is read again, a deleted file drops out. A cache
that is missing, from another version, or broken in any way is ignored and rebuilt:
it is never trusted over the files. The first screenful of rows is also kept in a
small file of its own, read first, so that a start shows titles before it has read
100,000 rows.

The file is JSON Lines: a first line `{"version", "root", "rows"}`, then the rows in
lines of up to CHUNK_ROWS each (a JSON list of rows). It is written and read a line at
a time, so that 100,000 rows are never all in memory as JSON text or as parsed lists
(that took 90 MB more than the posts themselves, at every start).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path

from reader.atomic import atomic_write
from reader.library import Post

# 3: titles and other fields cleaned of format characters (bidi, zero-width...), ids
# made writable (reader.post_fields.writable_id); file names that are not UTF-8 kept.
# 4: dates as ISO 8601 text with the post's own UTC offset (a timestamp lost it, so a
# warm start showed `2014-03-27 22:43:48 -0400` as the 28th).
# 5: JSON Lines (a header, then lines of rows), written and read a line at a time.
CACHE_VERSION = 5
#: Rows per line of the cache file.
CHUNK_ROWS = 1000
# Bytes read at a time (each read lets the UI thread in: 8 KB reads made 300 of them for
# 10,000 rows, and the first screen waited for them).
_READ_BUFFER = 1 << 20

Entry = tuple[int, int, Post]
#: Rows in the head file (a first screenful, read before the rest; see load_head).
HEAD_ROWS = 120


class MetadataCache:
    """Cached post metadata of one library root, keyed on path, size and mtime."""

    def __init__(self, file: Path, root: Path) -> None:
        """Use `file` as the cache of the library at `root`; nothing is read yet."""
        self.file = file
        self.root = root
        self.entries: dict[str, Entry] = {}
        self.prefix = os.path.join(str(root), "")
        self.order: list[Post] = []
        self.dirty = False

    @classmethod
    def for_root(cls, cache_dir: Path, root: Path) -> MetadataCache:
        """The cache of a library root, named after a hash of its absolute path."""
        digest = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:20]
        return cls(cache_dir / f"library-{digest}.json", root)

    def load(self) -> list[Post] | None:
        """Read the cache; the cached posts in their saved order, or None if unusable."""
        parsed = self._read(self.file)
        if parsed is None:
            return None
        self.entries, self.order = parsed
        return self.order

    @property
    def head_file(self) -> Path:
        """The small file beside the cache holding its first screenful (HEAD_ROWS)."""
        return self.file.with_name(self.file.stem + ".head.json")

    def load_head(self) -> list[Post] | None:
        """The first screenful of the cached list, read from its own small file.

        A start shows it before the whole cache is read (100,000 rows take a second);
        it is only ever shown provisionally, so a stale one is replaced in a moment.
        """
        parsed = self._read(self.head_file)
        return None if parsed is None else parsed[1]

    def _read(self, path: Path) -> tuple[dict[str, Entry], list[Post]] | None:
        """Parse a cache file; (entries, order), or None if unusable."""
        entries: dict[str, Entry] = {}
        order: list[Post] = []
        try:
            with path.open("rb", buffering=_READ_BUFFER) as handle:
                # json.loads decodes bytes with surrogatepass, as save encodes them: file
                # names that are not UTF-8 come back as the same lone surrogates.
                header = json.loads(handle.readline())
                if (
                    type(header) is not dict
                    or header.get("version") != CACHE_VERSION
                    or header.get("root") != str(self.root)
                    or type(header.get("rows")) is not int
                ):
                    return None
                for line in handle:
                    rows = json.loads(line)
                    if type(rows) is not list:
                        return None
                    self._take(rows, entries, order)
        except (OSError, KeyError, TypeError, ValueError, OverflowError, RecursionError):
            # RecursionError: `[[[[...` nested deep
            return None
        if len(order) != header["rows"]:  # cut short
            return None
        return entries, order

    def _take(self, rows: list[object], entries: dict[str, Entry], order: list[Post]) -> None:
        """Add one line's rows; raise ValueError (or TypeError...) for one of the wrong shape."""
        prefix = self.prefix
        for row in rows:
            if type(row) is not list:
                raise ValueError("a cache entry of the wrong shape")
            rel, size, mtime, post_id, title, stamp, author, tags, url, position, feed = row
            # Check every field's type: a cache is never trusted over the files.
            if (
                type(rel) is not str
                or type(post_id) is not str
                or type(title) is not str
                or type(size) is not int
                or type(mtime) is not int
                or (stamp is not None and type(stamp) is not str)
                or (author is not None and type(author) is not str)
                or (url is not None and type(url) is not str)
                or (position is not None and type(position) is not int)
                or (feed is not None and type(feed) is not str)
                or type(tags) is not list
                or not all(type(tag) is str for tag in tags)
                or rel.startswith("/")
                or "/../" in f"/{rel}/"
            ):
                raise ValueError("a cache entry of the wrong shape")
            file = prefix + rel
            date = None if stamp is None else datetime.fromisoformat(stamp)
            if date is not None and date.tzinfo is None:
                raise ValueError("a cached date without its offset")
            post = Post(
                id=post_id,
                file=file,
                title=title,
                date=date,
                author=None if author is None else sys.intern(author),
                tags=tuple(map(sys.intern, tags)),
                url=url,
                position=position,
                feed=feed,
            )
            entries[file] = (size, mtime, post)
            order.append(post)

    def has(self, file: str) -> bool:
        """Whether a post read from this file is cached (changed since or not)."""
        return file in self.entries

    def get(self, file: str, size: int, mtime_ns: int) -> Post | None:
        """The cached post for a file, if the file has not changed since."""
        entry = self.entries.get(file)
        if entry is not None and entry[0] == size and entry[1] == mtime_ns:
            return entry[2]
        return None

    def put(self, file: str, size: int, mtime_ns: int, post: Post) -> None:
        """Remember a freshly read post."""
        self.entries[file] = (size, mtime_ns, post)
        self.dirty = True

    def retain(self, posts: list[Post]) -> None:
        """Keep entries only for these posts (in this order); deleted files drop out."""
        keep = {post.file for post in posts}
        if len(keep) != len(self.entries) or any(file not in keep for file in self.entries):
            self.dirty = True
        self.entries = {file: entry for file, entry in self.entries.items() if file in keep}
        if posts != self.order:
            self.dirty = True
        self.order = list(posts)

    def save(self) -> None:
        """Write the cache atomically if it changed; a failure just means no cache."""
        if not self.dirty:
            return
        listed = [entry for post in self.order if (entry := self.entries.get(post.file))]
        try:  # not fsynced: a cache lost in a crash only costs the next start some time
            atomic_write(self.file, self._lines(listed), durable=False, make_parents=True)
            if len(listed) > 2 * HEAD_ROWS:  # else the whole cache is as quick to read
                head = self._lines(listed[:HEAD_ROWS])
                atomic_write(self.head_file, head, durable=False, make_parents=True)
            else:
                self.head_file.unlink(missing_ok=True)
        except (OSError, ValueError, RecursionError):
            # A cache that cannot be written only costs the next start some time.
            return
        self.dirty = False

    def _lines(self, entries: list[Entry]) -> Iterator[bytes]:
        """A cache file's lines for these entries, made one at a time."""
        header = {"version": CACHE_VERSION, "root": str(self.root), "rows": len(entries)}
        yield _json_line(header)
        parts = iter(entries)
        while chunk := list(islice(parts, CHUNK_ROWS)):
            yield _json_line(self._rows(chunk))

    def _rows(self, entries: Iterable[Entry]) -> list[list[object]]:
        """Cache rows: the fields of posts as read from their files (before duplicate ids
        were renamed), with each file's size and mtime."""
        start = len(self.prefix)
        return [
            [
                post.file[start:],
                size,
                mtime,
                post.id,
                post.title,
                None if post.date is None else post.date.isoformat(),
                post.author,
                list(post.tags),
                post.url,
                post.position,
                post.feed,
            ]
            for size, mtime, post in entries
        ]


def _json_line(value: object) -> bytes:
    """One line of a cache file (file names that are not UTF-8 kept as they came)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass") + b"\n"
