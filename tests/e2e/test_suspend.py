"""End to end: ctrl+z suspends the reader and gives the terminal back; SIGCONT (what `fg`
sends) brings it back, drawn in full, with keys working."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from reader.store import Store
from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import BOOKMARK, FIRST, NEVER, SECOND, pane_lines
from tests.e2e.terminal import Terminal

CTRL_Z = "\x1a"
FIRST_ID = "01-product-centric-selling-it-really-is-about-us.md"
STATE_DEADLINE = 15.0


def proc_state(pid: int) -> str:
    """The process's state letter from /proc (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def wait_state(terminal: Terminal, wanted: Callable[[str], bool], what: str) -> None:
    """Read the terminal until the process's state is as wanted."""
    pid = terminal.process.pid
    deadline = time.monotonic() + STATE_DEADLINE
    while not wanted(proc_state(pid)):
        assert time.monotonic() < deadline, f"the reader never got {what}: {proc_state(pid)}"
        terminal.wait_for(lambda _: True, timeout=0.05)


def last_after(raw: bytes, on: bytes, off: bytes) -> bool:
    """`off` was sent after the last `on` (the mode is turned off again)."""
    return raw.rfind(off) > raw.rfind(on)


def drawn_in_full(text: str) -> bool:
    """Header, both panes and the footer are on the screen."""
    lines = text.splitlines()
    article = "\n".join(right for _, right in pane_lines(text))
    return (
        "All 20/20" in lines[0]
        and len(pane_lines(text)) >= 20
        and FIRST in article
        and "q Quit" in lines[-1]
    )


def test_ctrl_z_suspends_and_sigcont_brings_the_reader_back_redrawn(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    terminal = term(
        [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"],
        controlling=True,
    )
    terminal.wait_for(drawn_in_full)
    suspended_at = len(terminal.raw)
    terminal.send(CTRL_Z)
    wait_state(terminal, lambda state: state == "T", "stopped")
    terminal.wait_for(lambda _: b"\x1b[?1049l" in terminal.raw[suspended_at:])
    raw = bytes(terminal.raw)
    assert last_after(raw, b"\x1b[?1049h", b"\x1b[?1049l"), "still on the alternate screen"
    assert last_after(raw, b"\x1b[?25l", b"\x1b[?25h"), "the cursor is still hidden"
    assert last_after(raw, b"\x1b[?1000h", b"\x1b[?1000l"), "mouse reports are still on"

    terminal.screen.reset()  # what the shell drew meanwhile is gone from the reader's view
    os.kill(terminal.process.pid, signal.SIGCONT)
    wait_state(terminal, lambda state: state != "T", "running again")
    terminal.wait_for(drawn_in_full)
    terminal.send("j")
    terminal.wait_for(lambda text: SECOND in "\n".join(right for _, right in pane_lines(text)))
    terminal.send("q")
    assert terminal.wait_exit(timeout=terminal.timeout) == 0


def test_a_suspended_reader_whose_terminal_closes_ends_with_its_state_saved(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    """The kernel wakes a stopped session leader with SIGHUP and SIGCONT when its terminal
    hangs up; the reader must then neither start drawing on the dead tty nor stay."""
    state = tmp_path / "state.json"
    terminal = term(
        [reader_cmd, "--mark-read-after", NEVER, "--state", state], controlling=True
    )
    terminal.wait_for(drawn_in_full)
    terminal.send("b")
    terminal.wait_for(lambda text: any(line[1:2] == BOOKMARK for line in text.splitlines()))
    terminal.send(CTRL_Z)
    wait_state(terminal, lambda state: state == "T", "stopped")
    terminal.hang_up()
    terminal.wait_exit(timeout=STATE_DEADLINE)
    store = Store(state, debounce=3600)
    try:
        assert store.open() == []
        assert store.bookmarked_ids() == {FIRST_ID}
    finally:
        store.close()
