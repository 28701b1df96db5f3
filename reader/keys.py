"""Every key of the reader, in one table (UI-free data).

Each entry is one binding: its id (what the config's `[keys]` table names), its default
keys, the action it runs, where it works (its scope), what it does, and whether the
footer shows it. From this table come the Textual bindings of each class
(reader/widgets/bindings.py), the ids the config accepts (`check_keymap`), the help
screen, the command palette and the README's key table (`readme_table`; run
`python -m reader.keys` to print it, and a test checks the README holds it).

To add a key: add an entry here and an `action_<name>` method on the class named by
its `home`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum


class Scope(Enum):
    """Where a key works (for the help, the README and clashes between keys)."""

    EVERYWHERE = "Everywhere"
    SIDEBAR = "In the sidebar"
    ARTICLE = "In the article"
    SEARCH_BOX = "In the search box"
    FIND_BAR = "In the find box"


# Which class binds a key: the app, the main screen, or a widget of it.
HOMES = (
    "app", "screen", "sidebar", "article", "article_pane", "search_box", "find_bar", "find_box",
)  # fmt: skip


@dataclass(frozen=True)
class Key:
    """One binding of the reader."""

    id: str
    keys: str  # default keys, comma-separated Textual key names
    action: str
    description: str  # footer, help and command palette: short, sentence case
    scope: Scope
    home: str  # one of HOMES
    show: bool = False  # in the footer
    priority: bool = False
    group: str | None = None  # footer group: keys shown together under one description
    compact: bool = False  # the group's keys without spaces between them
    detail: str | None = None  # the README's longer text (else the description)
    palette: bool = True  # offered by the command palette
    # Works only for a while (find open) and then on purpose over the keys that work
    # everywhere (n steps through matches instead of going to the next unread post).
    for_a_while: bool = False


EVERYWHERE, SIDEBAR, ARTICLE = Scope.EVERYWHERE, Scope.SIDEBAR, Scope.ARTICLE
SEARCH_BOX, FIND_BAR = Scope.SEARCH_BOX, Scope.FIND_BAR

# Within one class, this order is the footer's order.
KEYS: tuple[Key, ...] = (
    Key("next_unread", "n", "next_unread", "Next unread", EVERYWHERE, "screen", show=True,
        detail="next unread post (wraps around; says so when none is left)"),
    Key("previous_unread", "p", "previous_unread", "Prev unread", EVERYWHERE, "screen",
        detail="previous unread post (wraps around)"),
    Key("toggle_bookmark", "b", "toggle_bookmark", "Bookmark", EVERYWHERE, "screen", show=True,
        detail="toggle the bookmark on the highlighted post"),
    Key("toggle_read", "m", "toggle_read", "Read/unread", EVERYWHERE, "screen", show=True,
        detail="toggle read / unread on the highlighted post"),
    Key("cycle_view", "v", "cycle_view", "View", EVERYWHERE, "screen", show=True,
        detail="cycle the view: All, Unread, Bookmarked, In progress"),
    Key("cycle_sort", "s", "cycle_sort", "Sort", EVERYWHERE, "screen",
        detail="cycle the sort: newest first, oldest first, by title, unread first (kept); "
        "undated posts come after dated ones, in their digest order (reversed for oldest "
        "first)"),
    Key("mark_all_read", "M", "mark_all_read", "Mark view read", EVERYWHERE, "screen",
        detail="mark every post of the current view read (asks first, says how many)"),
    Key("undo", "u", "undo", "Undo", EVERYWHERE, "screen",
        detail="undo the last `m`, `b` or `M`, with a notice saying what was undone"),
    Key("reload", "r", "reload", "Reload", EVERYWHERE, "screen",
        detail="reload the library from disk, keeping the selection, and take in marks "
        "saved elsewhere"),
    Key("sync", "S", "sync", "Sync now", EVERYWHERE, "screen",
        detail="sync marks now with the sync folder and the Fever server (see Sync); the "
        "header shows the last sync's time or that it failed"),
    # Priority: handled as the key is read, so that the keys typed (or pasted) right after
    # it already go to the box it opens (the screen's check_action lets it through to a box).
    Key("search", "slash", "search", "Search", EVERYWHERE, "screen", show=True, priority=True,
        detail="search posts (see Search below)"),
    # The screen's, in the search box only: the focus moves at once, so keys typed in the
    # same instant (down j, over ssh) go to the hits, not into the query.
    Key("search_box.results", "down", "to_results", "Results", SEARCH_BOX, "screen", show=True,
        priority=True, palette=False, detail="on to the hits"),
    Key("find", "ctrl+f", "find", "Find in post", EVERYWHERE, "screen", priority=True,
        detail="find in the post: type in the box under the article; `enter` goes to the next "
        "match and back to the article, where the find keys step on while the bar is open"),
    Key("open_url", "o", "open_url", "Open post's url", EVERYWHERE, "screen",
        detail="open the post's own `url` in the web browser"),
    Key("links", "f", "links", "Links", EVERYWHERE, "screen",
        detail="list the post's links and images, one a line, with the numbers the page "
        "gives them (`[3]`); the key of one of the first 35 (`1`-`9`, "
        "`a`-`z`) opens it, `down`/`up` move the highlight (marked `▸`, the list scrolls "
        "along; it stops at the ends) through all of them and `enter` opens the highlighted "
        "one; `escape` closes"),
    Key("copy_url", "y", "copy_url", "Copy post's url", EVERYWHERE, "screen",
        detail="copy the post's `url` to the clipboard; the notice says how (see below)"),
    Key("contents", "t", "contents", "Contents", EVERYWHERE, "screen",
        detail="the post's table of contents, indented by level; a heading too long for the "
        "panel wraps with a hanging indent (its next lines start one column further in, so it "
        "never looks like two); `enter` scrolls there, `t`/`escape` closes; a "
        "post without headings says so in a notice instead"),
    Key("space", "space", "space", "Page down, or next unread at the end", EVERYWHERE, "screen",
        detail="page the article down; at the end of a post, mark it read and go to the next "
        "unread"),
    Key("page_down", "pagedown", "page_down", "Page down", EVERYWHERE, "screen",
        detail="page the article down, whichever pane has focus"),
    Key("page_up", "shift+space,pageup", "page_up", "Page up", EVERYWHERE, "screen",
        detail="page the article up, whichever pane has focus"),
    Key("focus_article", "l,right", "focus_article", "Focus article", EVERYWHERE, "screen",
        detail="focus the article"),
    Key("focus_sidebar", "h,left", "focus_sidebar", "Focus sidebar", EVERYWHERE, "screen",
        detail="focus the sidebar"),
    Key("focus_next", "tab", "app.focus_next", "Focus next pane", EVERYWHERE, "screen"),
    Key("focus_previous", "shift+tab", "app.focus_previous", "Focus previous pane", EVERYWHERE,
        "screen"),
    Key("end_search", "escape", "end_search", "End the search", EVERYWHERE, "screen",
        detail="end a search, from the box or either pane; else clear the feed or tag filter "
        "(`F`)"),
    Key("copy_selection", "ctrl+c,super+c", "screen.copy_text", "Copy selected text",
        EVERYWHERE, "screen", palette=False,
        detail="copy text selected with the mouse (where a widget lets you select it)"),
    Key("refresh_feeds", "R", "refresh_feeds", "Refresh feeds", EVERYWHERE, "screen",
        detail="refresh every followed feed in the background: the header shows "
        "`Refreshing 12/40`, then the result; new posts join the sidebar in place (the "
        "selection and the article's scroll stay); a feed that fails gets a notice naming it"),
    Key("pick_feed", "F", "pick_feed", "Feeds and tags", EVERYWHERE, "screen",
        detail="pick a feed or a tag, with their unread counts: the sidebar lists only its "
        "posts and the header names it, for this session; `All posts` (or `escape` in the "
        "sidebar or article) lists every post again"),
    Key("full_text", "x", "full_text", "Full text", EVERYWHERE, "screen",
        detail="fetch the shown post's `url` and show the article's full text in place of "
        "the excerpt (kept beside the post); when that fails, a notice says why and the "
        "excerpt stays"),
    Key("help", "question_mark,f1", "app.help", "Help", EVERYWHERE, "screen", show=True,
        palette=False,
        detail="help: every key (yours, from this table), the search operators and the sidebar "
        "markers; `j`/`k` (one line per press, also when held), "
        "`space`/`pagedown`, `pageup`, `g`/`home` and `G`/`end` scroll it, `escape`, `q`, "
        "`?` or `F1` close it"),
    Key("quit", "q", "app.quit", "Quit", EVERYWHERE, "screen", show=True),
    Key("command_palette", "ctrl+p", "command_palette", "Commands", EVERYWHERE, "app",
        detail="command palette: every key's command by name"),
    Key("change_theme", "ctrl+t", "change_theme", "Theme", EVERYWHERE, "app",
        detail="choose a theme (remembered)"),
    # Textual turns the terminal's ctrl+z (SIGTSTP) off; this does the same by hand.
    Key("suspend", "ctrl+z", "suspend_process", "Suspend (fg resumes)", EVERYWHERE, "app",
        detail="suspend the reader and go back to the shell; `fg` brings it back, redrawn"),
    Key("sidebar.cursor_down", "j,down", "cursor_down", "Next post", SIDEBAR, "sidebar"),
    Key("sidebar.cursor_up", "k,up", "cursor_up", "Previous post", SIDEBAR, "sidebar"),
    Key("sidebar.first", "g,home", "first", "First post", SIDEBAR, "sidebar"),
    Key("sidebar.last", "G,end", "last", "Last post", SIDEBAR, "sidebar"),
    Key("sidebar.open", "enter", "open", "Open post", SIDEBAR, "sidebar",
        detail="open the post: mark it read and focus the article"),
    Key("article.scroll_down", "j,down", "scroll_down", "Scroll down", ARTICLE, "article",
        detail="scroll a line down"),
    Key("article.scroll_up", "k,up", "scroll_up", "Scroll up", ARTICLE, "article",
        detail="scroll a line up"),
    Key("article.scroll_home", "g,home", "scroll_home", "Scroll to top", ARTICLE, "article"),
    Key("article.scroll_end", "G,end", "scroll_end", "Scroll to end", ARTICLE, "article"),
    Key("article.previous_heading", "left_square_bracket", "previous_heading",
        "Previous heading", ARTICLE, "article"),
    Key("article.next_heading", "right_square_bracket", "next_heading", "Next heading",
        ARTICLE, "article"),
    # While the find bar is open (in its box or in the article). n / N as in less and vim:
    # xterm and tmux send shift+F3 as a cursor-position report, which never arrives. The
    # footer shows `n N Next/prev` in place of `n Next unread`; in the find box the box's
    # own keys shadow these, so the footer hints those instead.
    Key("find.next", "n,enter,f3", "find_step(1)", "Next match (find open)", ARTICLE,
        "article_pane", show=True, group="Next/prev", palette=False, for_a_while=True,
        detail="next match, while the find bar is open (`n` in place of next unread)"),
    Key("find.previous", "N,shift+f3", "find_step(-1)", "Previous match (find open)", ARTICLE,
        "article_pane", show=True, group="Next/prev", palette=False, for_a_while=True),
    Key("find.close", "escape", "close_find", "Close find", ARTICLE, "article_pane",
        palette=False, for_a_while=True),
    Key("search_box.close", "escape", "clear", "Close", SEARCH_BOX, "search_box", show=True,
        palette=False, detail="close the box and end the search"),
    # On the box itself, so that they win over the box's own up and down.
    # (up first: the footer shows `↑↓ Next/prev match`)
    Key("find_box.previous", "up,shift+f3", "step(-1)", "Previous match", FIND_BAR, "find_box",
        show=True, group="Next/prev match", compact=True, palette=False,
        detail="previous match (the box keeps the focus)"),
    Key("find_box.next", "down,f3", "step(1)", "Next match", FIND_BAR, "find_box", show=True,
        group="Next/prev match", compact=True, palette=False,
        detail="next match (the box keeps the focus; `enter` goes there and back to the "
        "article)"),
    Key("find_box.close", "escape", "close", "Close", FIND_BAR, "find_bar", show=True,
        palette=False, detail="close the find bar and clear the highlights"),
)  # fmt: skip

BY_ID: dict[str, Key] = {key.id: key for key in KEYS}
KEY_ORDER: dict[str, int] = {key.id: index for index, key in enumerate(KEYS)}


def binding_ids() -> set[str]:
    """Every binding id a config file may give keys to."""
    return set(BY_ID)


def keys_at(home: str) -> list[Key]:
    """The keys one class binds, in footer order."""
    if home not in HOMES:
        raise ValueError(f"unknown home {home!r}")
    return [key for key in KEYS if key.home == home]


def key_list(spec: str) -> list[str]:
    """The keys of a comma-separated spec, stripped (`"n, ctrl+n"` -> `["n", "ctrl+n"]`)."""
    return [part.strip() for part in spec.split(",") if part.strip()]


# Names Textual gives to characters that are not letters or digits (as it does in keymaps).
NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
SPECIAL_KEYS = frozenset(
    {
        "escape", "enter", "tab", "space", "backspace", "delete", "insert",
        "home", "end", "pageup", "pagedown", "up", "down", "left", "right",
        *(f"f{number}" for number in range(1, 25)),
    }
)  # fmt: skip
PRINTABLE_NAMES = frozenset(
    NAME_REPLACEMENTS.get(name, name)
    for name in (
        unicodedata.name(chr(code)).lower().replace("-", "_").replace(" ", "_")
        for code in range(0x21, 0x7F)
        if not chr(code).isalnum()
    )
)
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


def key_name(key: str) -> str:
    """A key as Textual names it: `?` is `question_mark`, `ctrl+x` and `n` stay."""
    if len(key) == 1 and not key.isalnum():
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return key
        return NAME_REPLACEMENTS.get(name, name)
    return key


def is_valid_key(key: str) -> bool:
    """True for a key Textual can bind: `x`, `?`, `ctrl+x`, `shift+f3`, `pagedown`."""
    *modifiers, name = key.rsplit("+", 1) if len(key) > 1 else [key]
    if any(part not in MODIFIERS for modifier in modifiers for part in modifier.split("+")):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in SPECIAL_KEYS or name in PRINTABLE_NAMES:
        return True
    if NAME_RE.fullmatch(name) is None:
        return False
    try:  # a character named as Textual names it (`pound_sign`)
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True


def effective_keys(keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Every binding id with its keys (Textual's names), the config's overrides applied."""
    return {key.id: [key_name(k) for k in key_list(keymap.get(key.id, key.keys))] for key in KEYS}


def share_keys(first: Key, second: Key) -> bool:
    """True when one key given to both would reach either in the same place."""
    if first.scope is second.scope:
        return True
    everywhere = Scope.EVERYWHERE in (first.scope, second.scope)
    return everywhere and not (first.for_a_while or second.for_a_while)


def clashes(keymap: Mapping[str, str]) -> set[tuple[str, str, str]]:
    """(key, id, other id) for two bindings that one key would reach in one place."""
    keys = effective_keys(keymap)
    found: set[tuple[str, str, str]] = set()
    for index, first in enumerate(KEYS):
        for second in KEYS[index + 1 :]:
            if first.action == second.action or not share_keys(first, second):
                continue
            for key in set(keys[first.id]) & set(keys[second.id]):
                found.add((key, first.id, second.id))
    return found


DEFAULT_CLASHES = clashes({})  # on purpose: escape ends a search and closes find, n steps find


def check_keymap(overrides: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The overrides the reader can use, and one line for each it cannot (ignored).

    An override is refused when its id is unknown, a key is not one Textual knows, or a
    key would do two things in one place (a clash the defaults do not have; of two
    overrides that clash, the later one in the file is refused).
    """
    accepted: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, spec in overrides.items():
        keys = key_list(spec)
        bad = [key for key in keys if not is_valid_key(key)]
        if binding_id not in BY_ID:
            problems.append(f"unknown key binding id {_quoted(binding_id)}")
        elif bad or not keys:
            shown = _quoted(bad[0] if bad else spec)
            problems.append(f"key binding {_quoted(binding_id)} has an unknown key {shown}")
        else:
            accepted[binding_id] = spec
    order = list(accepted)
    while new := sorted(clashes(accepted) - DEFAULT_CLASHES):
        key, first, second = new[0]
        # Refuse an override, the later one when both are.
        dropped = max(
            (binding_id for binding_id in (first, second) if binding_id in accepted),
            key=order.index,
        )
        other = second if dropped == first else first
        problems.append(f"key {_quoted(key)} of {_quoted(dropped)} already does {_quoted(other)}")
        del accepted[dropped]
    return accepted, problems


def _quoted(text: str) -> str:
    """A name as the config's messages quote it (short; the config cleans it first)."""
    return f"'{text[:40]}'"


# The README's key table ------------------------------------------------------------

README_START = "<!-- keys: generated from reader/keys.py by `python -m reader.keys` -->"
README_END = "<!-- end of keys -->"
README_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def shown_keys(spec: str) -> str:
    """Keys as the README writes them: `` `?` / `f1` ``."""
    return " / ".join(f"`{README_NAMES.get(key, key)}`" for key in key_list(spec))


def sections() -> Iterator[tuple[Scope, list[Key]]]:
    """The keys grouped by scope, in the table's order."""
    for scope in Scope:
        yield scope, [key for key in KEYS if key.scope is scope]


def readme_table(keys: Iterable[tuple[Scope, list[Key]]] | None = None) -> str:
    """The README's key table, between its two marker lines."""
    lines = [README_START, "", "| Key | Binding id | What it does |", "| --- | --- | --- |"]
    for scope, scoped in keys if keys is not None else sections():
        lines.append(f"| **{scope.value}** | | |")
        for key in scoped:
            what = key.detail or key.description[0].lower() + key.description[1:]
            lines.append(f"| {shown_keys(key.keys)} | `{key.id}` | {what} |")
    lines += ["", README_END]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())
