"""A feed entry's enclosures (podcast episodes, attachments) as Markdown links (UI-free).

They end the post's body under "Attachments" (so the article shows them and `f` lists
them with the post's other links), and their addresses go in the front matter's
`enclosures`. Only http(s) addresses are kept; the link text is the file's name.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Mapping
from typing import Any

from reader.sanitize import clean_line

__all__ = ["MAX_ENCLOSURES", "enclosures", "enclosures_markdown"]

MAX_ENCLOSURES = 20
_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>"})
_URL_ESCAPES = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})


def enclosures(entry: Mapping[str, Any]) -> list[tuple[str, str, int | None]]:
    """(url, media type, bytes) of each http(s) enclosure of a feedparser entry, once each."""
    found: dict[str, tuple[str, str, int | None]] = {}
    for item in entry.get("enclosures") or []:
        if not isinstance(item, Mapping):
            continue
        url = item.get("href") or item.get("url")
        if not isinstance(url, str) or not url.strip():
            continue
        url = url.strip()
        try:
            scheme = urllib.parse.urlsplit(url).scheme.lower()
        except ValueError:
            continue
        if scheme not in ("http", "https") or not url.isprintable() or url in found:
            continue
        kind = item.get("type")
        length = str(item.get("length") or "")
        size = int(length) if length.isdigit() and len(length) < 16 else None
        found[url] = (url, clean_line(kind) if isinstance(kind, str) else "", size)
        if len(found) >= MAX_ENCLOSURES:
            break
    return list(found.values())


def _size(size: int | None) -> str:
    """ "12.3 MB", "450 KB"; "" when unknown or 0."""
    if not size:
        return ""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def enclosures_markdown(items: list[tuple[str, str, int | None]]) -> str:
    """The "Attachments" section listing each enclosure as a link ("" when none)."""
    if not items:
        return ""
    lines = ["## Attachments", ""]
    for url, kind, size in items:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        name = clean_line(posixpath.basename(path.rstrip("/"))) or clean_line(url)
        about = ", ".join(part for part in (kind, _size(size)) if part)
        text = name.translate(_MARKDOWN_SPECIAL)
        link = f"- [{text}]({url.translate(_URL_ESCAPES)})"
        lines.append(f"{link} ({about})" if about else link)
    return "\n".join(lines)
