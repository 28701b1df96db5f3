"""Tests for reader.sanitize: control characters never reach the terminal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import FORMAT_RANGES, UNSAFE_RE, clean_line, clean_text, for_terminal

C0_REPLACED = [code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)]


BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
BIDI += [0x200E, 0x200F, 0x061C]
INVISIBLE = [0x2060, 0xFEFF, 0x2061, 0x180E, 0xFFF9, 0xE0001, 0xE0041, 0x2028, 0x2029]


def _is_unsafe(char: str) -> bool:
    """Return True for a character clean_text must never let through."""
    code = ord(char)
    if (code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F:
        return True
    if 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029):
        return True
    return unicodedata.category(char) == "Cf" and code not in (0x200B, 0x200C, 0x200D)


def _surrounded(text: str, index: int) -> bool:
    """Whether text[index] has a non-ASCII letter or mark on both sides."""
    if index == 0 or index == len(text) - 1:
        return False
    return all(
        not char.isascii() and unicodedata.category(char)[0] in "LM"
        for char in (text[index - 1], text[index + 1])
    )


@pytest.mark.parametrize("code", C0_REPLACED)
@pytest.mark.parametrize("context", ["plain {} text", "ünïcode {} text"])
def test_c0_controls_become_control_pictures(code: int, context: str) -> None:
    """ESC, NUL, BEL... show as their Control Pictures symbol, in ASCII and non-ASCII text."""
    text = context.format(chr(code))
    assert clean_text(text) == context.format(chr(0x2400 + code))


def test_well_known_controls() -> None:
    """The symbols a user would see for the usual suspects."""
    assert clean_text("\x1b[31mred\x07") == "␛[31mred␇"
    assert clean_text("a\x00b\x08c") == "a␀b␈c"


@pytest.mark.parametrize("context", ["del {}", "dél {}"])
def test_del_becomes_symbol(context: str) -> None:
    """DEL (0x7f) shows as '␡'."""
    assert clean_text(context.format("\x7f")) == context.format("␡")


@pytest.mark.parametrize("code", range(0x80, 0xA0))
def test_c1_controls_become_replacement_char(code: int) -> None:
    """C1 controls (0x80-0x9f, e.g. the 8-bit CSI 0x9b) show as U+FFFD."""
    assert clean_text(f"x{chr(code)}[2Jé") == "x\ufffd[2Jé"


def test_newline_and_tab_are_kept() -> None:
    """Newlines and tabs are layout, not controls to hide."""
    assert clean_text("a\tb\nc\n") == "a\tb\nc\n"


def test_crlf_and_lone_cr_become_lf() -> None:
    """Windows and old-Mac line endings read as ordinary lines, never as a carriage return."""
    assert clean_text("one\r\ntwo\rthree\r\n") == "one\ntwo\nthree\n"
    assert clean_text("é\r\n\r\n") == "é\n\n"


def test_printable_text_is_unchanged() -> None:
    """Ordinary text, including CJK, emoji and no-break spaces, passes through untouched."""
    text = "Jekyll — 日本語 한국어 🎉 a\u00a0b […]"
    assert clean_text(text) == text


@given(st.text())
def test_no_unsafe_character_survives(text: str) -> None:
    """Whatever the input, the output holds no C0 (but tab/LF), DEL, C1, CR, format character
    or lone surrogate, and a zero-width space or (non-)joiner only inside a non-ASCII word."""
    cleaned = clean_text(text)
    assert not any(_is_unsafe(char) for char in cleaned)
    for index, char in enumerate(cleaned):
        if char in "\u200b\u200c\u200d":
            assert _surrounded(cleaned, index), repr(cleaned)


@pytest.mark.parametrize("code", BIDI)
@pytest.mark.parametrize("context", ["Invoice {}fdp.exe", "日本{}語"])
def test_bidi_controls_become_visible(code: int, context: str) -> None:
    """Bidi overrides, embeddings, isolates and marks cannot reorder a title: they show as �."""
    assert clean_text(context.format(chr(code))) == context.format("\ufffd")
    assert clean_line(context.format(chr(code))) == context.format("\ufffd")


@pytest.mark.parametrize("code", INVISIBLE)
def test_invisible_characters_become_visible(code: int) -> None:
    """Word joiners, zero-width no-break spaces, tag characters, line separators... show as �."""
    assert clean_text(f"pay{chr(code)}pal é") == "pay\ufffdpal é"


def test_format_ranges_cover_every_format_character() -> None:
    """FORMAT_RANGES holds every character of category Cf this Python knows, and no other
    assigned character."""
    known = {code for first, last in FORMAT_RANGES for code in range(first, last + 1)}
    for code in range(0x110000):
        category = unicodedata.category(chr(code))
        assert (category == "Cf") <= (code in known), hex(code)
        assert (code in known) <= (category in ("Cf", "Cn")), hex(code)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("zero\u200bwidth", "zero\ufffdwidth"),  # between ASCII letters: a spoof
        ("\u200dé", "\ufffdé"),  # at the start
        ("é\u200c", "é\ufffd"),  # at the end
        ("é \u200c é", "é \ufffd é"),  # next to a space
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", None),  # Persian: kept
        ("\u0e20\u0e32\u0e29\u0e32\u200b\u0e44\u0e17\u0e22", None),  # Thai word break: kept
        ("\u0915\u094d\u200d\u0937", None),  # Devanagari half form: kept
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f468\U0001f469\U0001f467"),
        ("\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f3f3\ufe0f\U0001f308"),
        ("\U0001f469\U0001f3fd\u200d\U0001f4bb", "\U0001f469\U0001f3fd\U0001f4bb"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_zero_width_characters_by_context(text: str, shown: str | None) -> None:
    """Zero-width (non-)joiners and spaces stay inside words of scripts that need them; a
    joiner between emoji is dropped (each emoji shows, as wide as the reader counts it);
    elsewhere they show as �. Soft hyphens are dropped."""
    assert clean_text(text) == (text if shown is None else shown)


@pytest.mark.parametrize("surrogate", ["\udcff", "\udc80", "\ud800", "\udfff"])
def test_lone_surrogates_become_replacement_char(surrogate: str) -> None:
    """An undecodable file name byte (a lone surrogate) shows as �, never as '\\udcff'."""
    assert clean_line(f"bad-{surrogate}") == "bad-\ufffd"
    assert clean_text(f"é{surrogate}") == "é\ufffd"


def test_unsafe_re_finds_what_clean_text_changes() -> None:
    """UNSAFE_RE (used to escape such characters in JSON and YAML) finds each of them."""
    for code in [*BIDI, *INVISIBLE, 0x1B, 0x9B, 0xAD, 0x200B, 0xDCFF]:
        assert UNSAFE_RE.search(f"a{chr(code)}b"), hex(code)
    assert UNSAFE_RE.search("Jekyll — 日本語 🎉 a\u00a0b\t\n") is None


def test_for_terminal_keeps_lines() -> None:
    """The output helper cleans text and keeps its lines and tabs."""
    assert for_terminal("a\x1b]0;title\x07\n\tb\u202ec\n") == "a␛]0;title␇\n\tb\ufffdc\n"


def test_clean_line_collapses_whitespace() -> None:
    """Titles/authors/tags become one line: whitespace runs are one space, ends stripped."""
    assert clean_line("  A\ttitle\r\n over\n\n lines  ") == "A title over lines"
    assert clean_line("bad\x1b[2Jtitle") == "bad␛[2Jtitle"
    assert clean_line(" \n\t ") == ""


@given(st.text())
def test_clean_line_is_one_safe_line(text: str) -> None:
    """clean_line never returns newlines, tabs, controls or surrounding spaces."""
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line
    assert not any(_is_unsafe(char) for char in line)
    assert line == line.strip()
