"""reader.post_fields keeps clean one-line text as it is, and cleans the rest."""

from __future__ import annotations

import pytest

from reader.post_fields import scalar_text, url
from reader.sanitize import clean_line

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
