"""Nothing lost: every CommonMark spec example's text shows on the page, in order.

For each of the 655 examples of the CommonMark spec (tests/data/corpus/commonmark-spec,
copied from the shared corpus), every word of the expected HTML's text content appears
in the rendered lines' text, in order, at widths 40 and 100. Words are matched with
the spaces taken out of the page's text, so a word cut by the line's end or followed
by a link number (`word[3]`) still counts. Text inside <script> and <style> is dropped
on purpose (the page never shows it), so it is not expected.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.render import render_article
from reader.sanitize import clean_text

SPEC = Path(__file__).resolve().parents[1] / "data" / "corpus" / "commonmark-spec"
EXAMPLES = json.loads((SPEC / "examples.json").read_text(encoding="utf-8"))


class _Text(HTMLParser):
    """The text content of an HTML fragment (without scripts and styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def expected_words(html: str) -> list[str]:
    """The words of an example's expected HTML, as the page would clean them."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.findall(r"\S+", clean_text(" ".join(parser.parts)).replace("\u00ad", ""))


def missing_words(markdown: str, html: str, width: int) -> list[str]:
    """The expected words not found, in order, in the rendered text."""
    lines = render_article("", "", markdown, width)
    shown = re.sub(r"\s+", "", "".join("".join(seg.text for seg in line) for line in lines))
    missing: list[str] = []
    position = 0
    for word in expected_words(html):
        found = shown.find(word, position)
        if found == -1:
            missing.append(word)
        else:
            position = found + len(word)
    return missing


def test_the_spec_has_655_examples() -> None:
    assert len(EXAMPLES) == 655


@pytest.mark.parametrize("width", [40, 100])
def test_every_word_of_every_example_is_shown_in_order(width: int) -> None:
    failures = []
    for example in EXAMPLES:
        missing = missing_words(example["markdown"], example["html"], width)
        if missing:
            failures.append((example["example"], example["section"], missing[:5]))
    assert failures == [], f"{len(failures)} examples lose text: {failures[:20]}"
