"""The search box's query language (UI-free): folding, parsing, highlighting.

Text is folded by `normalise` before it is indexed and before it is searched, so both
sides agree on case, accents and ligatures. `parse_query` turns the box's text into a
`Query` and never fails; `highlight_spans` finds the query's words in a title or line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

STATES = frozenset({"unread", "read", "bookmarked"})
_WORD_RE = re.compile(r"[^\W_]+")
# One item of the search box: [-][tag:|author:|feed:|is:]("quoted, maybe unclosed" | word).
_ITEM_RE = re.compile(r'(?=\S)(-?)(?:(tag|author|feed|is):)?(?:"([^"]*)"?|(\S*))', re.IGNORECASE)


@functools.cache
def _combining_marks() -> dict[int, None]:
    """A str.translate table deleting every combining mark (all lie below U+20000; built once)."""
    return {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}


def normalise(text: str) -> str:
    """Casefold text and strip accents (NFKD, combining marks dropped): 'Ćafé ﬁ' -> 'cafe fi'."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return folded.translate(_combining_marks())  # one C call, even for a 1 MB body


_fold_char = functools.lru_cache(maxsize=8192)(normalise)


def tokens(text: str) -> list[str]:
    """The normalised words of text (letters and digits; everything else separates)."""
    return _WORD_RE.findall(normalise(text))


@dataclass(frozen=True)
class Query:
    """A parsed search: words, phrases and operators, all to be satisfied together."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    states: frozenset[str] = frozenset()
    feeds: tuple[str, ...] = ()  # feed:NAME, matched against the post's feed (front matter)

    @property
    def empty(self) -> bool:
        """True when there is nothing at all to filter on."""
        parts = (self.terms, self.phrases, self.excluded, self.tags, self.authors, self.states)
        return not any(parts) and not self.feeds

    def highlight_words(self) -> tuple[str, ...]:
        """The normalised words to highlight: those of the terms and phrases."""
        words = (word for text in self.terms + self.phrases for word in tokens(text))
        return tuple(dict.fromkeys(words))


def parse_query(text: str) -> Query:
    """Parse the search box text; never raises, and no user text is ever FTS5 syntax."""
    found: dict[str, list[str]] = {"": [], '"': [], "-": [], "tag": [], "author": [], "feed": []}
    states: set[str] = set()
    for item in _ITEM_RE.finditer(text):
        negated, key, quoted = item[1] == "-", (item[2] or "").lower(), item[3] is not None
        value = item[3].strip() if quoted else item[4]
        if key == "is":
            state = normalise(value).strip()
            if state in STATES:
                if not negated:
                    states.add(state)
                elif state != "bookmarked":  # -is:read = is:unread; -is:bookmarked is ignored
                    states.add("unread" if state == "read" else "read")
                continue
            key = ""  # an unknown is:xxx is the plain word xxx
        if not tokens(value):
            continue
        slot = "-" if negated else key or ('"' if quoted else "")
        found[slot].append(value)
    return Query(
        terms=tuple(found[""]),
        phrases=tuple(found['"']),
        excluded=tuple(found["-"]),
        tags=tuple(found["tag"]),
        authors=tuple(found["author"]),
        states=frozenset(states),
        feeds=tuple(found["feed"]),
    )


def feed_matches(feed: str | None, wanted: Sequence[str]) -> bool:
    """Whether a post's feed name matches every `feed:` value: each value's words found in
    a row among the name's words, the last as a prefix (as `tag:` matches, through FTS5)."""
    have = tokens(feed or "")
    for value in wanted:
        words = tokens(value)
        if not words:
            continue
        *exact, last = words
        if not any(
            have[start : start + len(exact)] == exact
            and start + len(exact) < len(have)
            and have[start + len(exact)].startswith(last)
            for start in range(len(have))
        ):
            return False
    return True


def highlight_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) offsets in text of each word found as the start of a word of text, merged."""
    wanted = sorted({token for word in words for token in tokens(word)})
    if not wanted or not text:
        return []
    parts: list[str] = []
    origin: list[int] = []  # origin[j]: the index in text of the character behind norm[j]
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else _fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    norm = "".join(parts)
    spans: list[tuple[int, int]] = []
    for match in _WORD_RE.finditer(norm):
        start, token = match.start(), match.group()
        if start and origin[start - 1] == origin[start]:
            continue  # the word starts inside one character's folding ("½" -> "1⁄2")
        for word in wanted:
            if token.startswith(word):
                stop = origin[start + len(word) - 1] + 1
                while stop < len(text) and not _fold_char(text[stop]):
                    stop += 1  # take the combining accents that follow along
                spans.append((origin[start], stop))
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged
