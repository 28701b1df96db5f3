"""Tests for reader.frontmatter: YAML/TOML front matter, safely."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reader.frontmatter import FrontMatterError, split_front_matter


def test_yaml_front_matter() -> None:
    """Fields come from the YAML block; the body is what follows the closing line."""
    text = "---\ntitle: 'Hello'\ntags: [a, b]\n---\n\n# Body\n"
    fields, body = split_front_matter(text)
    assert fields == {"title": "Hello", "tags": ["a", "b"]}
    assert body == "\n# Body\n"


def test_yaml_types_are_plain_data() -> None:
    """Dates, numbers and nested tables load as plain Python values."""
    text = "---\ndate: 2020-01-02 03:04:05+02:00\nday: 2021-03-04\nn: 3\nx: {a: 1}\n---\n"
    fields, body = split_front_matter(text)
    assert fields["date"] == datetime(2020, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert fields["day"] == date(2021, 3, 4)
    assert fields["n"] == 3
    assert fields["x"] == {"a": 1}
    assert body == ""


def test_yaml_closed_by_dots_and_trailing_spaces() -> None:
    """'...' closes YAML too, and trailing blanks on the delimiter lines are allowed."""
    fields, body = split_front_matter("---  \ntitle: x\n...\t\nbody")
    assert fields == {"title": "x"}
    assert body == "body"


def test_toml_front_matter() -> None:
    """+++ opens TOML (Zola), including ''' strings and [extra] tables."""
    text = (
        "+++\npath = \"2019/10/11/x\"\ntitle = '''The \"Send\" diagnostic'''\n"
        'authors = ["A", "B"]\n\n[extra]\nrelease = true\n+++\n\nBody text'
    )
    fields, body = split_front_matter(text)
    assert fields["title"] == 'The "Send" diagnostic'
    assert fields["authors"] == ["A", "B"]
    assert fields["extra"] == {"release": True}
    assert body == "\nBody text"


def test_toml_datetime() -> None:
    """TOML dates load as datetimes."""
    fields, _ = split_front_matter("+++\ndate = 2020-01-02T03:04:05+01:00\n+++\n")
    value = fields["date"]
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=1)


def test_no_front_matter() -> None:
    """Text without a delimiter on the first line comes back whole."""
    text = "# Title\n\nSome text\n---\nmore\n"
    assert split_front_matter(text) == ({}, text)


@pytest.mark.parametrize("text", ["----\na: 1\n----\n", "--- a\nb\n---\n", " ---\na: 1\n---\n"])
def test_lookalike_first_lines_are_not_front_matter(text: str) -> None:
    """Only a line that is exactly --- (plus trailing blanks) opens front matter."""
    assert split_front_matter(text) == ({}, text)


def test_thematic_break_later_in_body_is_kept() -> None:
    """A --- line in the body (a thematic break) is body text, not a second block."""
    text = "---\ntitle: T\n---\nIntro\n\n---\n\nnot: front matter\n---\n"
    fields, body = split_front_matter(text)
    assert fields == {"title": "T"}
    assert body == "Intro\n\n---\n\nnot: front matter\n---\n"


def test_empty_front_matter() -> None:
    """'---' directly followed by '---' gives no fields."""
    assert split_front_matter("---\n---\nbody") == ({}, "body")
    assert split_front_matter("---\n---") == ({}, "")
    assert split_front_matter("+++\n+++\nbody") == ({}, "body")
    assert split_front_matter("---\n# only a comment\n---\nbody") == ({}, "body")


def test_bom_is_tolerated() -> None:
    """A UTF-8 byte order mark before the opening line does not hide the front matter."""
    fields, body = split_front_matter("\ufeff---\ntitle: B\n---\nbody\n")
    assert fields == {"title": "B"}
    assert body == "body\n"


def test_crlf_front_matter() -> None:
    """Windows line endings work for the delimiters and fields."""
    fields, body = split_front_matter("---\r\ntitle: W\r\n---\r\nbody\r\n")
    assert fields == {"title": "W"}
    assert body == "body\r\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: x\n\nbody without end\n", "front matter opened with --- is never closed"),
        ("+++\ntitle = 'x'\nbody\n", "front matter opened with +++ is never closed"),
        ("---\nauthor: me\n# a comment\n", "front matter opened with --- is never closed"),
        ("+++\n[extra]\n", "front matter opened with +++ is never closed"),
    ],
)
def test_unclosed_front_matter(text: str, message: str) -> None:
    """Fields after an opening delimiter with no closing line are an error saying so."""
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text",
    [
        "---\njust a string\n---\nbody",  # a thematic break, then a setext heading
        "---\n- a\n- b\n---\nbody",  # a list
        "---\n42\n---\nbody",
        "---\nFoo\n---\nBar\n---\nBaz\n",  # CommonMark example 96
        "+++\n",  # CommonMark example 44: a paragraph
        "---",  # a lone thematic break
        "---\n\nA paragraph after a rule. Then: a colon.\n",  # never closed, not fields
        "---\nNo fields here [unclosed\n---\nbody",  # not valid YAML, not fields either
        "+++\nsome words\n+++\nbody",  # not valid TOML, not fields either
        "\ufeff---\nFoo\n---\n",
    ],
)
def test_a_block_that_is_not_fields_is_markdown(text: str) -> None:
    """A file opening with --- or +++ whose block is not fields is all Markdown body."""
    assert split_front_matter(text) == ({}, text)


def test_a_block_not_closed_in_the_part_read_so_far_needs_the_rest() -> None:
    """Read in part, a block whose closing line may come later is not taken as Markdown."""
    with pytest.raises(FrontMatterError, match="never closed"):
        split_front_matter("---\nFoo\n", complete=False)
    assert split_front_matter("---\nFoo\n---\n", complete=False) == ({}, "---\nFoo\n---\n")


def test_invalid_yaml_is_one_line_error() -> None:
    """Broken YAML gives a one-line message naming the problem and the file line."""
    with pytest.raises(FrontMatterError) as info:
        split_front_matter("---\ntitle: ok\nbad: [unclosed\n---\nbody")
    message = str(info.value)
    assert message.startswith("front matter is not valid YAML: ")
    assert "\n" not in message
    assert "line " in message


def test_invalid_toml_is_one_line_error() -> None:
    """Broken TOML gives a one-line message too."""
    with pytest.raises(FrontMatterError) as info:
        split_front_matter("+++\ntitle = unquoted words\n+++\n")
    assert str(info.value).startswith("front matter is not valid TOML: ")
    assert "\n" not in str(info.value)


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    """!!python/object/apply must raise, not run a command."""
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"):
        text = f'---\nx: {tag} ["touch {marker}"]\n---\n'
        with pytest.raises(FrontMatterError, match="not valid YAML"):
            split_front_matter(text)
    # Not a field: not front matter, so it is shown as Markdown text; it never runs either.
    text = f'---\n!!python/object/apply:os.system ["touch {marker}"]\n---\n'
    assert split_front_matter(text) == ({}, text)
    assert not marker.exists()


def test_alias_bomb_is_refused() -> None:
    """A 'billion laughs' document is rejected (quickly, without building it)."""
    lines = ["---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines += ["---", "body"]
    with pytest.raises(FrontMatterError, match="alias"):
        split_front_matter("\n".join(lines))


def test_modest_aliases_still_work() -> None:
    """Ordinary anchor reuse is fine."""
    fields, _ = split_front_matter("---\nbase: &b [x, y]\ntags: *b\n---\n")
    assert fields["tags"] == ["x", "y"]


def test_impossible_yaml_date_stays_text() -> None:
    """A timestamp-shaped but impossible date does not make the post unreadable."""
    fields, _ = split_front_matter("---\ntitle: T\ndate: 2020-13-45\n---\n")
    assert fields == {"title": "T", "date": "2020-13-45"}


def test_raw_control_characters_do_not_break_parsing() -> None:
    """YAML and TOML refuse raw ESC; it is shown as a symbol and the fields still load."""
    fields, _ = split_front_matter("---\ntitle: a\x1b[2Jb\n---\n")
    assert fields == {"title": "a␛[2Jb"}
    fields, _ = split_front_matter('+++\ntitle = "a\x07b"\n+++\n')
    assert fields == {"title": "a␇b"}


def test_non_string_keys_become_strings() -> None:
    """Keys are always strings."""
    fields, _ = split_front_matter("---\n1: one\n2.5: yes\n---\n")
    assert fields == {"1": "one", "2.5": True}
