"""Marks: each field of a post (read, bookmarked, position, ...) is its own value with its own
clock, merged last-writer-wins per field (UI-free).

`merge` is commutative, associative and idempotent, so copies of the state that saw the same
changes in any order, any number of times, agree. A change is an `Entry`: one field of one
post (or one meta key) set to a value at a stamp; the journal stores entries one per line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reader.clock import ZERO, Stamp, as_stamp, is_stamp, seconds

Json = dict[str, Any]

# The fields a post has, and a check of their values. Entries for other fields (written by
# a newer reader) are kept and written back, never interpreted.
POST_FIELDS = ("read", "bookmarked", "position")
META_SCOPE = ""  # the `post` of an entry that sets a meta key (UI values such as "view")


def valid_value(field: str, value: object) -> bool:
    """Whether `value` may be stored in the post field `field`."""
    if field in ("read", "bookmarked"):
        return isinstance(value, bool)
    if field == "position":
        return value is None or (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and 0.0 <= value <= 1.0
        )
    return True


@dataclass(frozen=True, slots=True)
class Mark:
    """One field's value and the stamp of the change that set it."""

    value: Any
    stamp: Stamp

    def key(self) -> tuple[Stamp, str]:
        """The order of marks: by stamp; equal stamps (never made twice) by the value's text."""
        return self.stamp, json.dumps(self.value, sort_keys=True)


def newer(a: Mark | None, b: Mark | None) -> Mark | None:
    """The mark that wins: the later one (either, when one is missing)."""
    if a is None:
        return b
    if b is None:
        return a
    if a.stamp != b.stamp:  # the same order as key(), without the values' text
        return b if b.stamp > a.stamp else a
    return b if b.key() > a.key() else a


Fields = dict[str, Mark]  # field name -> mark


def merge(a: Mapping[str, Mark], b: Mapping[str, Mark]) -> Fields:
    """Two versions of one post's fields merged, field by field."""
    merged = dict(a)
    for name, mark in b.items():
        winner = newer(merged.get(name), mark)
        assert winner is not None
        merged[name] = winner
    return merged


@dataclass(frozen=True, slots=True)
class Entry:
    """One change: `field` of `post` (META_SCOPE: the meta key `field`) set at `stamp`."""

    post: str
    field: str
    value: Any
    stamp: Stamp

    def line(self) -> bytes:
        """The entry as one journal line (ASCII JSON: any id can be written)."""
        doc = {"p": self.post, "f": self.field, "v": self.value, "c": list(self.stamp)}
        return json.dumps(doc, ensure_ascii=True, allow_nan=False).encode("ascii") + b"\n"


def parse_line(line: bytes) -> Entry | None:
    """An entry from a journal line; None for a line that is torn or not an entry."""
    try:
        doc = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    post, field, stamp = doc.get("p"), doc.get("f"), doc.get("c")
    if not (isinstance(post, str) and isinstance(field, str) and field and is_stamp(stamp)):
        return None
    value = doc.get("v")
    if post != META_SCOPE and not valid_value(field, value):
        return None
    assert isinstance(stamp, list)
    return Entry(post, field, value, as_stamp(stamp))


def apply(
    posts: dict[str, Fields], meta: dict[str, Mark], entries: Iterable[Entry]
) -> tuple[set[str], Stamp]:
    """Merge entries into the state; return the posts whose fields changed and the last stamp."""
    changed: set[str] = set()
    latest = ZERO
    for entry in entries:
        mark = Mark(entry.value, entry.stamp)
        latest = max(latest, entry.stamp)
        table = meta if entry.post == META_SCOPE else posts.setdefault(entry.post, {})
        old = table.get(entry.field)
        if newer(old, mark) is mark and old != mark:
            table[entry.field] = mark
            if entry.post != META_SCOPE:
                changed.add(entry.post)
    return changed, latest


@dataclass(frozen=True, slots=True)
class PostState:
    """What the user did with one post, as the rest of the reader sees it."""

    read: bool = False
    read_at: float | None = None  # when it was marked read (None: unread)
    bookmarked: bool = False
    bookmarked_at: float | None = None
    updated: float = 0.0  # the time of the latest change to any of its fields
    position: float | None = None  # how far the post was read, 0.0 (top) to 1.0 (end)

    @classmethod
    def of(cls, fields: Mapping[str, Mark]) -> PostState:
        """The view of one post's marks."""
        read, bookmarked = fields.get("read"), fields.get("bookmarked")
        position = fields.get("position")
        where = None if position is None or position.value is None else float(position.value)
        is_read = read is not None and read.value is True
        is_bookmarked = bookmarked is not None and bookmarked.value is True
        return cls(
            read=is_read,
            read_at=seconds(read.stamp) if read is not None and is_read else None,
            bookmarked=is_bookmarked,
            bookmarked_at=(
                seconds(bookmarked.stamp) if bookmarked is not None and is_bookmarked else None
            ),
            updated=max((seconds(mark.stamp) for mark in fields.values()), default=0.0),
            position=where,
        )
