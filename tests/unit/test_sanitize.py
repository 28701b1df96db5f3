"""Tests for reader.sanitize: control characters never reach the terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import clean_line, clean_text

C0_REPLACED = [code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)]


def _is_unsafe(char: str) -> bool:
    """Return True for a character clean_text must never let through."""
    code = ord(char)
    return (code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F


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
    """Whatever the input, the output holds no C0 (but tab/LF), DEL, C1 or CR."""
    assert not any(_is_unsafe(char) for char in clean_text(text))


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
