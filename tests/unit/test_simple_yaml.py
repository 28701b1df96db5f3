"""The fast path for simple YAML front matter gives exactly what PyYAML gives."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.frontmatter import _safe_loader, split_front_matter
from reader.simple_yaml import parse_simple


def pyyaml(raw: str) -> object:
    """What the reader's PyYAML safe loader makes of raw."""
    loader = _safe_loader()(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def test_a_typical_post_is_read_without_pyyaml() -> None:
    raw = (
        'title: "Reviews lessons in practice 004149"\n'
        "date: 2021-12-29T15:00:00Z\n"
        "author: Edsger Dijkstra\n"
        "tags: [sales, machine learning]\n"
        "url: https://example.com/posts/post-004149/\n"
    )
    fields = parse_simple(raw)
    assert fields == {
        "title": "Reviews lessons in practice 004149",
        "date": datetime(2021, 12, 29, 15, 0, tzinfo=UTC),
        "author": "Edsger Dijkstra",
        "tags": ["sales", "machine learning"],
        "url": "https://example.com/posts/post-004149/",
    }
    assert fields == pyyaml(raw)


def test_anything_not_plainly_a_string_goes_to_pyyaml() -> None:
    for raw in (
        "draft: yes",  # a boolean in YAML 1.1
        "title: null",
        "on: x",  # the key is True
        "n: 3",
        "time: 12:30",  # sexagesimal 750
        "title: x # a comment",
        'title: "a \\" b"',
        "tags:\n  - a\n  - b",
        "title: a: b",
        "date: 2014-03-27 22:43:48 -0400",
        "date: 2020-13-45",
        "tags: [yes, no]",
        "title: *alias",
        "title:\tx",
        "date: ٢٠٢٤-٠١-٠٢",  # not ASCII digits: a string to PyYAML
    ):
        assert parse_simple(raw) is None, raw


def test_split_front_matter_uses_it_and_keeps_the_body() -> None:
    text = "---\ntitle: Hello\ndate: 2024-01-02\n---\nbody\n"
    fields, body = split_front_matter(text)
    assert fields == {"title": "Hello", "date": datetime(2024, 1, 2).date()}
    assert body == "body\n"


_word = st.text(
    alphabet=st.sampled_from("abcXYZ019 _-.,:/@+()'&?=%#\"[]日é!*{}"), min_size=0, max_size=12
)
_value = st.one_of(
    _word,
    _word.map(lambda w: f'"{w}"'),
    _word.map(lambda w: f"'{w}'"),
    st.lists(_word, max_size=3).map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.sampled_from(
        [
            "2024-02-29",
            "2023-02-29",
            "2021-12-29T15:00:00Z",
            "2021-12-29 15:00:00+05:30",
            "2021-12-29T15:00:00.1234567",
            "2021-12-29t01:02:03-01:00",
            "Yes",
            "NULL",
            "~",
        ]
    ),
)
_key = st.sampled_from(["title", "date", "tags", "a-b", "x_1", "On", "No", "Y", "author"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_key, _value), min_size=1, max_size=5))
def test_whatever_it_accepts_pyyaml_reads_the_same(fields: list[tuple[str, str]]) -> None:
    raw = "\n".join(f"{key}: {value}".rstrip() for key, value in fields) + "\n"
    simple = parse_simple(raw)
    if simple is not None:
        assert simple == pyyaml(raw)
        assert all(type(simple[k]) is type(v) for k, v in pyyaml(raw).items())  # type: ignore[union-attr]
