"""The key table (reader/keys.py): the config's checks, and the README's table made from it."""

from __future__ import annotations

from pathlib import Path

from textual.keys import key_to_character

from reader.keys import (
    BY_ID,
    HOMES,
    KEYS,
    NAME_REPLACEMENTS,
    README_END,
    README_START,
    check_keymap,
    is_valid_key,
    key_name,
    readme_table,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_key_table_is_the_one_the_key_table_makes() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == readme_table(), "run `python -m reader.keys` and paste its output"


def test_every_key_has_one_id_a_home_and_a_sentence_case_description() -> None:
    assert len(BY_ID) == len(KEYS)
    for key in KEYS:
        assert key.home in HOMES, key
        assert key.description[0].isupper(), key
        assert all(is_valid_key(k.strip()) for k in key.keys.split(",")), key


def test_the_config_keeps_good_keys_and_names_each_refused_one() -> None:
    accepted, problems = check_keymap(
        {
            "focus_article": "z",
            "help": "?, f2",
            "nxt": "a",
            "quit": "ctlr+q",
            "undo": "n",  # next unread's
            "copy_url": "",
        }
    )
    assert accepted == {"focus_article": "z", "help": "?, f2"}
    assert problems == [
        "unknown key binding id 'nxt'",
        "key binding 'quit' has an unknown key 'ctlr+q'",
        "key binding 'copy_url' has an unknown key ''",
        "key 'n' of 'undo' already does 'next_unread'",
    ]


def test_keys_can_swap_and_the_later_of_two_clashing_overrides_is_refused() -> None:
    swap = {"toggle_bookmark": "m", "toggle_read": "b"}
    assert check_keymap(swap) == (swap, [])
    accepted, problems = check_keymap({"toggle_bookmark": "z", "undo": "z"})
    assert accepted == {"toggle_bookmark": "z"}
    assert problems == ["key 'z' of 'undo' already does 'toggle_bookmark'"]
    # Keys of different places do not clash: j in the sidebar and in the article.
    assert check_keymap({"sidebar.first": "w", "article.scroll_home": "w"})[1] == []


def test_characters_are_named_as_textual_names_them() -> None:
    for code in range(0x21, 0x7F):
        character = chr(code)
        name = key_name(character)
        # Textual names `+` `plus` (and so on) but maps some of those names to no character.
        assert key_to_character(name) in (character, None), character
        if name not in NAME_REPLACEMENTS.values():
            assert key_to_character(name) == character, character
        assert is_valid_key(character) and is_valid_key(key_name(character)), character
    for bad in ("ctrl+", "foo", "hyperspace+x", "ctrl+pagedwn", " "):
        assert not is_valid_key(bad), bad
