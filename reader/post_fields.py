"""What a post's front matter fields mean (UI-free): its id, title, date, author, tags, url
and position, each cleaned of terminal control characters (reader.sanitize)."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from reader.sanitize import clean_line

__all__ = [
    "FILE_DATE_RE",
    "author",
    "heading_title",
    "position",
    "post_date",
    "post_id",
    "scalar_text",
    "tags",
    "url",
    "writable_id",
]

_SCALARS = (str, int, float, date)
# Jekyll's "2020-05-27 15:20:30 +0530" and kin (datetime.fromisoformat handles the rest).
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S.%f %z")
FILE_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")
_PATH_DATE_RE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)")
_TAG_SPLIT_RE = re.compile(r"[,\s]+")
# A level-1 ATX heading or a code fence, at the start of a line.
_HEADING_OR_FENCE_RE = re.compile(
    r"^ {0,3}(?:(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)|#(?:[ \t]+(?P<title>[^\n]*))?$)",
    re.MULTILINE,
)
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def scalar_text(value: object) -> str:
    """Return a scalar field as one clean line ('' for lists, tables and missing values)."""
    if isinstance(value, bool) or not isinstance(value, _SCALARS):
        return ""
    return _one_line(str(value))


def _one_line(text: str) -> str:
    """clean_line(text); the text itself (no copy) when it is already one clean line."""
    if (
        text.isascii()
        and text.isprintable()  # ASCII: no control character, no tab, no line break
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    ):
        return text
    return clean_line(text)


def heading_title(body: str) -> str:
    """Return the text of the first level-1 ATX heading outside code fences, or ''."""
    if "#" not in body:
        return ""
    fence = ""
    for match in _HEADING_OR_FENCE_RE.finditer(body):
        marker = match.group("fence")
        if marker is not None:
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not match["info"].strip():
                fence = ""
            continue
        if fence:
            continue
        title = clean_line(_CLOSING_HASHES_RE.sub("", match.group("title") or ""))
        if title:
            return title
    return ""


def post_id(value: object, file: str, root: str) -> str:
    """Return the front matter id as text, else the file's path relative to the folder
    root (both absolute), see writable_id."""
    if not isinstance(value, bool) and isinstance(value, _SCALARS) and str(value).strip():
        return writable_id(str(value))
    root_text = root.rstrip(os.sep)
    if file.startswith(root_text + os.sep):  # cheaper than Path.relative_to
        relative = file[len(root_text) + 1 :]
        return writable_id(relative.replace(os.sep, "/") if os.sep != "/" else relative)
    return writable_id(Path(file).as_posix())


def _escape_surrogate(match: re.Match[str]) -> str:
    """A lone surrogate as text: an undecodable file name byte as \\xNN, others \\uNNNN."""
    code = ord(match[0])
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def writable_id(text: str) -> str:
    """Text made writable as UTF-8 (the state file, the terminal, `reader mark ID`).

    A file name with bytes that are not UTF-8 reaches Python with a lone surrogate for
    each such byte; each becomes `\\xNN` (the byte in hex, as Python writes it), so
    `bad-\\xff.md` names the file `bad-<byte ff>.md`: the same id at every start, and
    typed as shown, `reader mark 'bad-\\xff.md'` finds it. (A file really named with a
    backslash, x, f, f would get the same id; the later one in path order gets a `#2`
    suffix like any duplicate id.) Other lone surrogates (a YAML `"\\ud800"`) become
    `\\uNNNN`. Any other text is returned as it is.
    """
    if text.isascii() or _SURROGATE_RE.search(text) is None:
        return text
    return _SURROGATE_RE.sub(_escape_surrogate, text)


def _aware(value: datetime) -> datetime | None:
    """Return value with its own UTC offset kept; a naive datetime is taken to be UTC.

    The offset is the author's zone: `2014-03-27 22:43:48 -0400` stays 2014-03-27 when
    shown (in UTC it is the 28th), while sorting uses the real instant (timestamp()).
    A value whose instant is out of datetime's range (year 1 at +05:00) is dropped.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return value


def _parse_date(value: object) -> datetime | None:
    """Return a front matter date value as an aware datetime in its own offset, or None."""
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text[:4].isdigit():
        return None
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def _ymd(match: re.Match[str] | None) -> datetime | None:
    """Return midnight UTC of a (year, month, day) regex match, or None if invalid."""
    if match is None:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        return None


def post_date(fields: dict[str, object], name: str) -> datetime | None:
    """Return the post date: `date` field, else Jekyll file name, else Zola `path` field."""
    zola_path = fields.get("path")
    return (
        _parse_date(fields.get("date"))
        or _ymd(FILE_DATE_RE.match(name))
        or (_ymd(_PATH_DATE_RE.search(zola_path)) if isinstance(zola_path, str) else None)
    )


def author(fields: dict[str, object]) -> str | None:
    """Return `author` or `authors` (a list is joined with ', '), cleaned, or None (a
    shared string)."""
    for key in ("author", "authors"):
        value = fields.get(key)
        names = [name for name in map(scalar_text, _as_list(value)) if name]
        if names:  # shared: a library has few authors and 100,000 posts
            return sys.intern(", ".join(names))
    return None


def _as_list(value: object) -> list[object]:
    """Return value if it is a list, else a list of just value."""
    return value if isinstance(value, list) else [value]


def tags(fields: dict[str, object]) -> tuple[str, ...]:
    """Return tags then categories: cleaned, de-duplicated, in order (shared strings)."""
    found: dict[str, None] = {}
    for key in ("tags", "categories", "category"):
        value = fields.get(key)
        items = _TAG_SPLIT_RE.split(value) if isinstance(value, str) else _as_list(value)
        for tag in map(scalar_text, items):
            if tag:
                found.setdefault(tag, None)
    return tuple(map(sys.intern, found))  # shared, as authors


def url(fields: dict[str, object]) -> str | None:
    """Return the `url` or `link` field if it is a non-empty string, cleaned."""
    for key in ("url", "link"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return _one_line(value)
    return None


def position(value: object) -> int | None:
    """Return an int `position` field (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
