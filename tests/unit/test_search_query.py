"""The search module's text side: normalise, parse_query and highlight_spans."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.query import Query, highlight_spans, normalise, parse_query
from reader.search import SearchIndex

HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '" "',
    "*",
    "(",
    ")",
    "^",
    ":",
    "-",
    "--",
    "NEAR",
    "NEAR(a b)",
    "OR",
    "a OR b",
    "AND NOT",
    "title:",
    "title:x",
    "{title}:x",
    'tag:"',
    'author:"unclosed',
    "is:",
    "-is:",
    "🦀",
    "😀 rust 🦀",
    "a*b",
    "\\",
    "'",
    "\x00",
    "x\ny\tz",
    '"""a" b""',
    "-\"'",
    "\ud800",
]


def test_normalise_folds_case_accents_and_ligatures() -> None:
    assert normalise("Crème Brûlée") == "creme brulee"
    assert normalise("CAFÉ") == normalise("cafe\u0301") == "cafe"
    assert normalise("ﬁle") == "file"
    assert normalise("Straße") == "strasse"
    assert normalise("İstanbul") == "istanbul"
    assert normalise("Rust") == "rust"


def test_plain_words_are_terms() -> None:
    query = parse_query("  Rust  async ")
    assert query.terms == ("Rust", "async")
    assert not query.phrases and not query.excluded and not query.tags and not query.states
    assert not query.empty


def test_quoted_phrases() -> None:
    assert parse_query('sales "buying journey"') == Query(
        terms=("sales",), phrases=("buying journey",)
    )
    assert parse_query('"buying jour').phrases == ("buying jour",)  # an unclosed quote
    assert parse_query('""').empty
    assert parse_query('"  "').empty


def test_exclusions() -> None:
    assert parse_query("-sales").excluded == ("sales",)
    assert parse_query('buying -"sales process"') == Query(
        terms=("buying",), excluded=("sales process",)
    )
    assert parse_query("-").empty


def test_tag_and_author_operators() -> None:
    query = parse_query('tag:rust TAG:"two words" author:Ashmaroli Author:"Rémy R"')
    assert query.tags == ("rust", "two words")
    assert query.authors == ("Ashmaroli", "Rémy R")
    assert not query.terms
    assert parse_query("tag:").empty
    assert parse_query("author:").empty


def test_state_operators() -> None:
    assert parse_query("is:unread").states == {"unread"}
    assert parse_query("is:read IS:Bookmarked").states == {"read", "bookmarked"}
    assert parse_query("-is:read").states == {"unread"}
    assert parse_query("-is:unread").states == {"read"}
    query = parse_query("is:shiny")
    assert query.terms == ("shiny",)
    assert not query.states


def test_combined_query() -> None:
    query = parse_query('rust "release team" -beta tag:release author:parkr is:unread')
    assert query == Query(
        terms=("rust",),
        phrases=("release team",),
        excluded=("beta",),
        tags=("release",),
        authors=("parkr",),
        states=frozenset({"unread"}),
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(text: str) -> None:
    query = parse_query(text)
    assert isinstance(query, Query)


def test_fts_syntax_is_just_words() -> None:
    assert parse_query("NEAR OR AND").terms == ("NEAR", "OR", "AND")
    assert parse_query("title:x").terms == ("title:x",)
    assert parse_query("* ( ) ^ :").empty  # no word characters at all


def test_highlight_words_are_normalised_terms_and_phrase_words() -> None:
    query = parse_query('Café "Buying Journey" -sales tag:x author:y café')
    assert query.highlight_words() == ("cafe", "buying", "journey")
    assert parse_query("").highlight_words() == ()


@pytest.fixture(scope="module")
def empty_index() -> SearchIndex:
    """An empty in-memory index, to check every parsed query is valid FTS5."""
    index = SearchIndex(None)
    index.open()
    return index


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_searches_cleanly(empty_index: SearchIndex, text: str) -> None:
    result = empty_index.search(parse_query(text), {"a": 0})
    assert empty_index.problem is None
    assert result.ids in ([], ["a"])


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses_into_a_valid_search(text: str) -> None:
    index = SearchIndex(None)
    index.open()
    index.search(parse_query(text), {})
    assert index.problem is None


def test_highlight_accents_and_case() -> None:
    assert highlight_spans("Le Café noir", ["cafe"]) == [(3, 7)]
    assert highlight_spans("CAFÉ", ["café"]) == [(0, 4)]
    decomposed = "Cafe\u0301 noir"  # the accent is a separate character, highlighted too
    assert highlight_spans(decomposed, ["cafe"]) == [(0, 5)]
    assert highlight_spans(decomposed, ["caf"]) == [(0, 3)]


def test_highlight_ligatures_map_back_to_the_original_offsets() -> None:
    text = "a ﬁle of ﬁsh"
    assert highlight_spans(text, ["file"]) == [(2, 5)]
    assert highlight_spans(text, ["fi"]) == [(2, 3), (9, 10)]
    assert highlight_spans(text, ["of"]) == [(6, 8)]


def test_highlight_only_word_prefixes() -> None:
    assert highlight_spans("scafe cafeteria", ["cafe"]) == [(6, 10)]
    assert highlight_spans("rust, Rust; RUSTY", ["rust"]) == [(0, 4), (6, 10), (12, 16)]


def test_highlight_merges_overlapping_words() -> None:
    assert highlight_spans("sales salesforce", ["sal", "sales", "es"]) == [(0, 5), (6, 11)]
    assert highlight_spans("buying journey", ["buying", "journey"]) == [(0, 6), (7, 14)]


def test_highlight_nothing() -> None:
    assert highlight_spans("", ["a"]) == []
    assert highlight_spans("text", []) == []
    assert highlight_spans("text", ["", "!!"]) == []
    assert highlight_spans("½ 2", ["2"]) == [(2, 3)]  # not inside "½" ("1⁄2")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_highlight_spans_property(data: st.DataObject) -> None:
    alphabet = st.sampled_from("aAeÉé\u0301ﬁﬂß½İ  -.xyzÇç")
    text = data.draw(st.text(alphabet) | st.text(), label="text")
    slices = st.tuples(st.integers(0, len(text)), st.integers(1, 4)).map(
        lambda pair: text[pair[0] : pair[0] + pair[1]]
    )
    words = data.draw(st.lists(slices | st.text(alphabet, max_size=3), max_size=4), label="words")
    spans = highlight_spans(text, words)
    wanted = [token for word in words for token in re.findall(r"[^\W_]+", normalise(word))]
    previous_end = -1
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start > previous_end  # sorted, non-overlapping (touching spans are merged)
        previous_end = end
        folded = normalise(text[start:end])
        assert any(folded.startswith(word) for word in wanted), (folded, wanted)
