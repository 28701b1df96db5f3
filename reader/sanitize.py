"""Make untrusted post text safe to show in a terminal.

Post files come from anywhere; a stray ESC or C1 byte in a title or body
could otherwise drive the terminal (move the cursor, change colours, set the
window title). Every control character except newline and tab is replaced by
a visible stand-in so the reader can still see that something was there.
"""

from __future__ import annotations

import re

__all__ = ["clean_line", "clean_text"]


def _build_table() -> dict[int, str]:
    """Return the str.translate table that replaces control characters."""
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in (0x09, 0x0A):
            table[code] = chr(0x2400 + code)  # Unicode Control Pictures: ESC -> '␛'
    table[0x7F] = "\u2421"  # '␡'
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    return table


_TABLE = _build_table()
# Every character _TABLE changes (CR is handled before the table is applied).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Return text with line endings normalised and control characters made visible.

    CRLF and lone CR become LF; other C0 controls (except tab and LF) become
    their Control Pictures symbol, DEL becomes '␡' and C1 controls U+FFFD.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # translate() is very fast on ASCII text but slow on other text, where a
    # regex scan that usually finds nothing is an order of magnitude faster.
    if not text.isascii() and _CONTROL_RE.search(text) is None:
        return text
    return text.translate(_TABLE)


def clean_line(text: str) -> str:
    """Return clean_text(text) on one line: whitespace runs collapsed to a space, stripped."""
    return " ".join(clean_text(text).split())
