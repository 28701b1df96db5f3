"""End to end in a real terminal: keys that must arrive as xterm and tmux send them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import FIRST, NEVER, SECOND
from tests.e2e.terminal import Terminal
from tests.e2e.test_reading import (
    CRISIS,
    ENTER,
    ESCAPE,
    FOURTH,
    WIDE,
    header,
    named,
    open_search,
    quit_cleanly,
    search_box,
    showing,
    sidebar_titles,
    type_query,
)

WORD = "the"  # found several times in the first bundled post
_COUNT_RE = re.compile(rf"\b{WORD}\s+(\d+)/(\d+)\s*$")


def find_count(text: str) -> tuple[int, int] | None:
    """The find bar's `current/total`, if the bar shows one."""
    match = _COUNT_RE.search(text.splitlines()[-2])
    return (int(match[1]), int(match[2])) if match else None


def test_n_and_shift_n_step_through_find_matches_after_enter(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    # shift+F3 reaches the reader as a cursor-position report in xterm and tmux, so
    # previous-match must have a key that arrives: N, as in less and vim.
    terminal = term([reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"])
    terminal.wait_for(showing(FIRST))
    terminal.send(f"\x06{WORD}")
    text = terminal.wait_for(
        named(f"{WORD!r} found", lambda t: (find_count(t) or (0, 0))[0] == 1)
    )
    total = find_count(text)
    assert total is not None and total[1] >= 3, terminal.text()
    steps = [(ENTER, 2), ("n", 3), ("N", 2), ("N", 1), ("N", total[1])]
    for key, expected in steps:
        terminal.send(key)
        terminal.wait_for(
            named(
                f"{key!r} made match {expected} current",
                lambda t, e=expected: find_count(t) == (e, total[1]),
            )
        )
    terminal.send(ESCAPE)
    terminal.wait_for(named("the find bar closed", lambda t: find_count(t) is None))
    terminal.send("n")  # with the bar closed, n is the next unread post again
    terminal.wait_for(showing(SECOND))
    quit_cleanly(terminal)


def searching(term: TerminalFactory, reader_cmd: Path, tmp_path: Path, query: str) -> Terminal:
    """The reader on the bundled posts with `query` typed into the search box."""
    terminal = term(
        [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"], columns=WIDE
    )
    terminal.wait_for(showing(FIRST))
    open_search(terminal)
    type_query(terminal, query)
    return terminal


def test_escape_after_enter_ends_the_search_and_keeps_the_opened_post(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    terminal = searching(term, reader_cmd, tmp_path, "procurement")
    terminal.send(ENTER)
    terminal.wait_for(showing(FOURTH))
    assert "— Search" in header(terminal.text())
    terminal.send(ESCAPE)
    text = terminal.wait_for(
        named("the search ended", lambda t: "— All 20/20" in header(t) and showing(FOURTH)(t))
    )
    assert len(sidebar_titles(text)) > 5, text
    quit_cleanly(terminal)


def test_down_and_a_key_typed_in_the_same_instant_go_to_the_hits(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    # Over ssh, or typed fast, "down j" arrives in one read: the j belongs to the hits.
    terminal = searching(term, reader_cmd, tmp_path, "crisis")
    terminal.wait_for(named("three hits", lambda t: "— Search 3/20 ·" in header(t)))
    terminal.send("\x1b[Bj")  # down, then j, in one write
    text = terminal.wait_for(showing(CRISIS[1]))
    assert search_box(text) == "crisis", "the j did not go into the query"
    quit_cleanly(terminal)
