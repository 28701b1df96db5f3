"""Make untrusted text safe to show in a terminal.

Post files, feeds, config files and file names come from anywhere. A stray ESC or
C1 byte could drive the terminal (move the cursor, change colours, set the window
title); a bidi override (U+202E) could make a title read backwards, and an
invisible format character could hide text or break the columns of a list. So:

* control characters except newline and tab become a visible stand-in: C0 ones
  their Control Pictures symbol (ESC -> '␛'), DEL '␡', C1 ones U+FFFD;
* format characters (Unicode category Cf: bidi overrides, isolates and marks,
  zero-width and invisible characters, tag characters...) and the line and
  paragraph separators U+2028/U+2029 become U+FFFD, as do lone surrogates (the
  undecodable bytes of a file name);
* the soft hyphen (U+00AD) is dropped: it is only a hint where a word may break;
* zero-width space, non-joiner and joiner (U+200B-U+200D) are kept inside a word
  of a script that needs them (Persian, Indic, Thai...: a letter or mark that is
  not ASCII on both sides); a joiner between two emoji is dropped, so an emoji
  sequence shows as its emoji side by side, as wide in every terminal as the
  reader counts it; anywhere else they become U+FFFD.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FORMAT_RANGES", "UNSAFE_RE", "clean_line", "clean_text", "for_terminal"]

REPLACEMENT = "\ufffd"
SOFT_HYPHEN = "\u00ad"
ZERO_WIDTH_JOINER = "\u200d"
_JOINERS = "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
# Unicode category Cf (format characters) as of Unicode 15.1 (a test checks this against
# the running Python's unicodedata).
FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)  # fmt: skip
_SEPARATORS = (0x2028, 0x2029)


def _build_table() -> dict[int, str | None]:
    """Return the str.translate table that replaces unsafe characters (not the joiners)."""
    table: dict[int, str | None] = {}
    for code in range(0x20):
        if code not in (0x09, 0x0A):
            table[code] = chr(0x2400 + code)  # Unicode Control Pictures: ESC -> '␛'
    table[0x7F] = "\u2421"  # '␡'
    for code in [*range(0x80, 0xA0), *range(0xD800, 0xE000), *_SEPARATORS]:
        table[code] = REPLACEMENT
    for first, last in FORMAT_RANGES:
        for code in range(first, last + 1):
            table[code] = REPLACEMENT
    table[ord(SOFT_HYPHEN)] = None
    for joiner in _JOINERS:
        del table[ord(joiner)]
    return table


def _char_class(astral: bool) -> str:
    """A regex character class of the characters clean_text changes (but CR), either those
    of the Basic Multilingual Plane or the others."""
    ranges = [(0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), *FORMAT_RANGES]
    ranges += [(code, code) for code in _SEPARATORS]
    body = "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges if (a > 0xFFFF) == astral)
    return f"[{body}]"


_TABLE = _build_table()
#: Finds every character clean_text may change (but CR).
UNSAFE_RE = re.compile(f"{_char_class(False)}|{_char_class(True)}")
# The same in steps, much faster on long text (a class of scattered ranges beyond the Basic
# Multilingual Plane is slow to scan): first any unsafe BMP character or any other plane's.
_SUSPECT_RE = re.compile(_char_class(False)[:-1] + "\U00010000-\U0010ffff]")
_UNSAFE_BMP_RE = re.compile(_char_class(False))
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_UNSAFE_ASTRAL = frozenset(
    code for first, last in FORMAT_RANGES if first > 0xFFFF for code in range(first, last + 1)
)
_JOINER_RE = re.compile(f"[{_JOINERS}]")


def _is_safe(text: str) -> bool:
    """Whether clean_text would leave this (non-ASCII) text as it is, but CR."""
    if _SUSPECT_RE.search(text) is None:
        return True
    if _UNSAFE_BMP_RE.search(text) is not None:
        return False
    return not any(ord(found[0]) in _UNSAFE_ASTRAL for found in _ASTRAL_RE.finditer(text))


def _in_word(char: str) -> bool:
    """A letter or mark of a script that is not ASCII (where joiners have a job)."""
    return not char.isascii() and unicodedata.category(char)[0] in "LM"


def _emoji_part(char: str) -> bool:
    """A symbol (emoji), a skin tone modifier or the emoji variation selector."""
    return char == "\ufe0f" or unicodedata.category(char) in ("So", "Sk")


def _joiner_shown(char: str, before: str, after: str) -> str:
    """What a zero-width space, non-joiner or joiner between before and after becomes."""
    if not before or not after:
        return REPLACEMENT
    if char == ZERO_WIDTH_JOINER and _emoji_part(before) and unicodedata.category(after) == "So":
        return ""
    if _in_word(before) and _in_word(after):
        return char
    return REPLACEMENT


def _place_joiners(text: str) -> str:
    """Keep, drop or replace each zero-width space, non-joiner and joiner (see the module)."""
    parts: list[str] = []
    last = 0
    for match in _JOINER_RE.finditer(text):
        at = match.start()
        parts.append(text[last:at])
        parts.append(_joiner_shown(text[at], text[at - 1 : at], text[at + 1 : at + 2]))
        last = at + 1
    parts.append(text[last:])
    return "".join(parts)


def clean_text(text: str) -> str:
    """Return text with line endings normalised and unsafe characters made visible.

    CRLF and lone CR become LF; other C0 controls (except tab and LF) become their
    Control Pictures symbol, DEL '␡'; C1 controls, format characters, line and
    paragraph separators and lone surrogates U+FFFD (soft hyphens and joiners: see
    the module).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # translate() is very fast on ASCII text but slow on other text, where a
    # regex scan that usually finds nothing is an order of magnitude faster.
    if text.isascii():
        return text.translate(_TABLE)
    if _is_safe(text):
        return text
    if _JOINER_RE.search(text) is not None:
        text = _place_joiners(text)
    return text.translate(_TABLE)


def clean_line(text: str) -> str:
    """Return clean_text(text) on one line: whitespace runs collapsed to a space, stripped."""
    return " ".join(clean_text(text).split())


def for_terminal(text: str) -> str:
    """Untrusted text about to be printed (stdout, stderr): clean_text, lines kept.

    The one helper the command line uses at its output boundary.
    """
    return clean_text(text)
