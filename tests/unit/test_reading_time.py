"""reader.reading_time: the estimate the header and `reader list --json` show."""

from __future__ import annotations

from reader.reading_time import minutes, word_count


def test_minutes_round_up_at_230_words_a_minute_and_are_at_least_one() -> None:
    assert [minutes(n) for n in (0, 1, 230, 231, 1380)] == [1, 1, 1, 2, 6]
    assert minutes("") == 1 and minutes("word " * 461) == 3


def test_link_addresses_are_not_words() -> None:
    assert word_count("See [the docs](https://example.org/a/long/path) and <https://x.org/y>.") == 4
    assert word_count("It's well-known — 3 items") == 4


def test_a_long_post_is_counted_whole_across_its_pieces() -> None:
    # Counted a piece of lines at a time: nothing is lost or counted twice at the cuts.
    line = "one two [link](https://example.org/a-b) three\n"
    assert word_count(line * 5_000) == 4 * 5_000
