"""End to end in a real 80x24 terminal: what a new user sees on a small screen.

The installed `reader` runs in a pseudo-terminal of 80 columns and 24 lines; the test
types keys one at a time and waits for the expected screen before the next step.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import FIRST, NEVER, pane_lines

ESCAPE = "\x1b"


def footer(text: str) -> str:
    """The footer line with the keys."""
    return text.splitlines()[-1]


def sidebar(text: str) -> list[str]:
    """The sidebar's side of every line that shows both panes."""
    return [left for left, _ in pane_lines(text)]


def test_at_80x24_the_keys_titles_help_and_messages_are_whole(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"]
    terminal = term(argv, columns=80, lines=24)

    def started(text: str) -> bool:
        rows = sidebar(text)
        listed = bool(rows) and rows[0][3:].startswith(FIRST[:30]) and "About Us!" in text
        return listed and footer(text).strip() != ""  # the footer follows the first paint

    text = terminal.wait_for(started)
    for key in ("n Next unread", "b Bookmark", "m Read/unread", "v View"):
        assert key in footer(text), text
    for key in ("/ Search", "? Help", "q Quit"):
        assert key in footer(text), text

    # The help fits the terminal: its longest line whole, and it scrolls with G.
    terminal.send("?")
    text = terminal.wait_for("Keys — j/k/space scroll, escape closes")
    assert "Page down, or next unread at the end" in text
    terminal.send("G")
    text = terminal.wait_for("how far a begun post was read")
    for wanted in ('"a phrase"', "tag:rust", "author:ann", "is:read, is:bookmarked", "-word"):
        assert wanted in text, text
    terminal.send("q")
    terminal.wait_for(lambda screen: "Keys —" not in screen and "? Help" in footer(screen))

    # The bundled posts have no headings: `t` says so instead of opening a panel
    # (its notice, at the bottom right, leaves the sidebar's first lines alone).
    terminal.send("t")
    text = terminal.wait_for("This post has no headings")
    assert "Contents" not in text and "(no headings)" not in text

    # An empty view's message is whole in the sidebar.
    for view in ("Unread", "Bookmarked", "In progress"):
        terminal.send("v")
        terminal.wait_for(f"reader — {view} ")
    text = terminal.wait_for("No in progress posts — press v")

    # The search box's placeholder shows the operators that fit, not a cut sentence.
    terminal.send("/")
    placeholder = '"phrase" tag: author: is: -word'
    terminal.wait_for(lambda screen: sidebar(screen)[0].strip() == placeholder)
    terminal.send(ESCAPE)
    terminal.wait_for(lambda screen: "? Help" in footer(screen) and "-word" not in screen)
    terminal.send("q")
    assert terminal.wait_exit(timeout=terminal.timeout) == 0
