"""A fast path for the plainest YAML front matter (UI-free).

Most posts' front matter is a handful of `key: value` lines: a quoted or plain
string, an ISO date, a flow list of words. Building PyYAML's loader for each of
100,000 files costs more than reading them, so `parse_simple` reads exactly that
subset, giving what PyYAML's safe loader (reader.frontmatter) gives for it, and
returns None for anything else (comments, block lists, numbers, booleans, escapes,
multi-line values, ...), which then goes to PyYAML. It never guesses: a value whose
YAML meaning is not a plain string, date or list of strings is not taken here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["parse_simple"]

# YAML 1.1 words that PyYAML resolves to booleans or null (in any of their spellings).
_SPECIAL_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"})
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
# The value ends at its last character that is not a space (greedy: a lazy `.*?` before
# `[ ]*` tried the rest of the line at every character).
_LINE_RE = re.compile(rf"({_KEY}):(?:[ ]+(.*[^ ]))?[ ]*")
# A plain scalar that can only be a string: starts with a letter, no indicator that
# could end it or start a comment, no `: `.
_PLAIN_RE = re.compile(r"[^\W\d_][\w .,/:@+()'&?=%-]*")
_FLOW_ITEM_RE = re.compile(r"[^\W\d_][\w .-]*")
_DOUBLE_RE = re.compile(r'"([^"\\]*)"')
_SINGLE_RE = re.compile(r"'([^']*)'")
# ASCII digits only, as PyYAML's resolver (\d would take ٢٠٢٤, which YAML keeps as text).
_DATE_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
# Characters YAML reads as line breaks or refuses, and tabs: left to PyYAML.
_AWKWARD_RE = re.compile("[\t\x85\u2028\u2029\ud800-\udfff\ufffe\uffff\ufeff]")


def _string(text: str) -> str | None:
    """A value that is a string in YAML: quoted without escapes, or a safe plain scalar."""
    if text.startswith('"'):
        match = _DOUBLE_RE.fullmatch(text)
        return None if match is None else match.group(1)
    if text.startswith("'"):
        match = _SINGLE_RE.fullmatch(text)
        return None if match is None else match.group(1)
    if (
        _PLAIN_RE.fullmatch(text) is None
        or ": " in text
        or text.endswith(":")
        or text.lower() in _SPECIAL_WORDS
    ):
        return None
    return text


def _timestamp(match: re.Match[str]) -> date | datetime | None:
    """PyYAML's value for an ISO date or date-time; None if it is not a real date."""
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        tzinfo: timezone | None = None
        if zone == "Z":
            tzinfo = UTC
        elif zone is not None:
            delta = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            tzinfo = timezone(-delta if zone[0] == "-" else delta)
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo
        )
    except (ValueError, OverflowError):
        return None  # PyYAML keeps such a value as text (reader.frontmatter): its call


def _flow_list(text: str) -> list[object] | None:
    """`[a, "b c", d]`: a list of strings, or None."""
    inner = text[1:-1].strip()
    if not inner:
        return []
    items: list[object] = []
    for part in inner.split(","):
        item = part.strip()
        if item.startswith(("'", '"')):
            value = _string(item)
        elif _FLOW_ITEM_RE.fullmatch(item) and item.lower() not in _SPECIAL_WORDS:
            value = item
        else:
            value = None
        if value is None:
            return None
        items.append(value)
    return items


def _value(text: str) -> tuple[bool, object]:
    """(understood, value) of one field's text, by its first character: a quoted string,
    a flow list, a date (a digit: nothing else that starts so is a plain string here) or
    a plain string."""
    if not text:
        return True, None
    first = text[0]
    if first == "[":
        items = _flow_list(text) if text.endswith("]") else None
        return items is not None, items
    if first in "0123456789":
        match = _DATE_RE.fullmatch(text)
        stamp = None if match is None else _timestamp(match)
        return stamp is not None, stamp
    value = _string(text)
    return value is not None, value


def parse_simple(raw: str) -> dict[str, object] | None:
    """The fields of front matter made only of simple `key: value` lines, else None.

    `raw` is the block between the delimiters, already cleaned of control characters.
    """
    if _AWKWARD_RE.search(raw):
        return None
    fields: dict[str, object] = {}
    line_re, special = _LINE_RE, _SPECIAL_WORDS
    for line in raw.split("\n"):
        match = line_re.fullmatch(line.removesuffix("\r"))
        if match is None:
            if not line.strip():  # a blank line (never a field: a key starts with a letter)
                continue
            return None
        key, text = match.groups()
        if key.lower() in special:
            return None
        understood, value = _value(text or "")
        if not understood:
            return None
        fields[key] = value
    return fields or None
