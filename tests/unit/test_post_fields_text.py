"""Clean text is kept as it is (no copy), the rest is cleaned as before: post fields,
front matter blocks, decoded bytes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.frontmatter import _clean_block
from reader.library import _decode
from reader.post_fields import scalar_text, url
from reader.sanitize import clean_line, clean_text

SAMPLES = [
    "Plain title",
    "",
    " ",
    "  leading",
    "trailing  ",
    "two  spaces",
    "tab\there",
    "line\nbreak",
    "cr\rhere",
    "esc \x1b[31m red",
    "del \x7f",
    "nbsp\u00a0here",
    "zero\u200bwidth",
    "bidi \u202e evil",
    "caf\u00e9 cr\u00e8me",
    "emoji \U0001f600",
    "a\x0bvertical tab",
    "form\x0cfeed",
    "unit\x1fsep",
    "https://example.com/posts/a b/?q=1&x=%20",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_scalar_text_is_clean_line(text: str) -> None:
    """The shortcut for clean text gives exactly what clean_line gives."""
    assert scalar_text(text) == clean_line(text)


@pytest.mark.parametrize("text", [sample for sample in SAMPLES if sample.strip()])
def test_url_is_clean_line(text: str) -> None:
    """A url field is cleaned as before."""
    assert url({"url": text}) == clean_line(text)


def test_clean_text_is_not_copied() -> None:
    """A field that is already one clean line is the same string, not a copy."""
    title = "".join(["A clean ", "title"])
    assert scalar_text(title) is title


@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
def test_a_front_matter_block_is_cleaned_as_clean_text_cleans_it(text: str) -> None:
    """The block's shortcut (no copy of plain ASCII) gives exactly what clean_text gives."""
    assert _clean_block(text) == clean_text(text)
    assert _clean_block("title: x\r\n" + text) == clean_text("title: x\r\n" + text)


def test_bom_and_bad_bytes_decode_as_before() -> None:
    """A leading BOM is dropped (once), bad bytes become U+FFFD, as utf-8-sig did."""
    for data in [b"\xef\xbb\xbftitle", b"\xef\xbb\xbf\xef\xbb\xbfx", b"a\xffb", b"", b"\xef\xbb"]:
        assert _decode(data, True) == data.decode("utf-8-sig", errors="replace")
