"""An estimated reading time for a post (UI-free): the header's "6 min", list --json's minutes."""

from __future__ import annotations

import math
import re

from reader.pieces import line_pieces

__all__ = ["WORDS_PER_MINUTE", "minutes", "word_count"]

WORDS_PER_MINUTE = 230
_WORD_RE = re.compile(r"\w[\w'’-]*")
_URL_RE = re.compile(r"\]\([^)\s]*\)|<https?://[^>\s]*>|https?://\S+")  # link targets


def word_count(text: str) -> int:
    """The words of a Markdown text (link addresses and markup are not words).

    Counted a piece of lines at a time (no word or address spans a line break), so a
    1 MB post never holds the interpreter lock for long: keys are answered meanwhile.
    """
    return sum(len(_WORD_RE.findall(_URL_RE.sub("]", piece))) for piece in line_pieces(text))


def minutes(text_or_words: str | int) -> int:
    """Minutes to read: words / WORDS_PER_MINUTE rounded up, at least 1."""
    words = text_or_words if isinstance(text_or_words, int) else word_count(text_or_words)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
