"""reader.escape: one table for YAML and TOML quoted strings; what is written reads back."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.escape import json_text, toml_string, yaml_json
from reader.frontmatter import split_front_matter
from reader.importers.feed import render_entry
from reader.library import load_library

# A lone surrogate (an undecodable byte of a file name, a broken feed), controls, bidi and
# format characters, separators, and the noncharacters YAML refuses raw.
HOSTILE = ["\ud800", "\udcff", "\x1b", "\x85", "\u202e", "\u2028", "\ufeff", "\ufffe", "\U000e0001"]


@pytest.mark.parametrize("char", HOSTILE, ids=[f"U+{ord(c):04X}" for c in HOSTILE])
def test_yaml_and_toml_write_the_same_value(char: str) -> None:
    """Front matter (YAML) and `reader config --show` (TOML) read back the same text: a
    lone surrogate, which neither can hold, as U+FFFD in both (YAML wrote `\\ud800`,
    which PyYAML refuses: the whole post's front matter was lost)."""
    text = f"a{char}b"
    from_yaml = split_front_matter(f"---\ntitle: {yaml_json(text)}\n---\n")[0]["title"]
    from_toml = tomllib.loads(f"title = {toml_string(text)}\n")["title"]
    assert from_yaml == from_toml
    assert from_yaml == (text if not 0xD800 <= ord(char) <= 0xDFFF else "a\ufffdb")


def test_an_imported_entry_with_a_lone_surrogate_in_its_title_keeps_its_front_matter(
    tmp_path: Path,
) -> None:
    """The post is listed with its title, feed and date, not as a broken file."""
    fields = {"id": "x", "title": "caf\udce9", "date": "2024-01-02T00:00:00Z", "feed": "F"}
    (tmp_path / "post.md").write_text(render_entry(fields, "Body"), encoding="utf-8")
    library = load_library(tmp_path)
    assert library.problems == []
    [post] = library.posts
    assert (post.id, post.title, post.feed) == ("x", "caf\ufffd", "F")


@given(st.text())
def test_any_text_survives_yaml_toml_and_json(text: str) -> None:
    """Every string comes back from each format (lone surrogates as U+FFFD from YAML/TOML)."""
    safe = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert split_front_matter(f"---\nv: {yaml_json(text)}\n---\n")[0]["v"] == safe
    assert tomllib.loads(f"v = {toml_string(text)}\n")["v"] == safe
    assert json.loads(json_text(text)) == text
