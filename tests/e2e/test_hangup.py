"""End to end: the reader never outlives its terminal, and SIGTERM always ends it.

A terminal window that closes hangs up the pty: the reader must be gone soon after, with
its state saved, whether the pty is its controlling terminal (SIGHUP and SIGCONT arrive) or
not (only the hang-up shows). The moments are drawn once from a fixed seed, so a failure
can be run again exactly.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from reader.state_disk import StateDisk
from reader.store import Store
from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import BOOKMARK, FIRST, NEVER
from tests.e2e.terminal import Terminal

# The reader ends within about a second of a hang-up (0.5 s grace, then a forced exit with
# the state saved); this leaves room for a machine busy running the suite in parallel.
GONE_DEADLINE = 10.0
FIRST_ID = "01-product-centric-selling-it-really-is-about-us.md"


@dataclass(frozen=True)
class Moment:
    """When to close the terminal, and whether it is the reader's controlling terminal."""

    name: str
    controlling: bool
    delay: float = 0.0  # start-up: after launch; idle and "after q": after the key

    def __str__(self) -> str:
        tty = "controlling" if self.controlling else "not-controlling"
        return f"{self.name}-{tty}-{self.delay:.2f}s"


def _moments(seed: int) -> list[Moment]:
    rng = random.Random(seed)
    return [
        Moment("start-up", True, rng.uniform(0.05, 0.8)),
        Moment("start-up", False, rng.uniform(0.05, 0.8)),
        Moment("first-paint", False),
        Moment("idle", True, rng.uniform(0.0, 1.0)),
        Moment("idle", False, rng.uniform(0.0, 1.0)),
        Moment("right-after-q", True),
        Moment("right-after-q", False),
        Moment("after-q", True, 0.4),
    ]


MOMENTS = _moments(seed=10)


def first_bookmarked(text: str) -> bool:
    """The first post's sidebar row shows the bookmark marker."""
    return any(line[1:2] == BOOKMARK and FIRST[:20] in line for line in text.splitlines())


def wait_gone(terminal: Terminal) -> int:
    """Wait until the reader's process has ended; its exit status (negative: killed)."""
    pid = terminal.process.pid
    try:
        return terminal.wait_exit(timeout=GONE_DEADLINE)
    except AssertionError as error:
        raise AssertionError(f"pid {pid} (/proc state {proc_state(pid)}): {error}") from None


def proc_state(pid: int) -> str:
    """The process's state letter from /proc (R running, S sleeping, T stopped, ...)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def saved_bookmarks(state: Path) -> set[str]:
    """The bookmarked post ids in the state file (which must load cleanly)."""
    store = Store(state, debounce=3600)
    try:
        assert store.open() == [], f"{state} does not load cleanly"
        return store.bookmarked_ids()
    finally:
        store.close()


def saved_bookmarks_unlocked(state: Path) -> set[str]:
    """The bookmarks saved (snapshot and journal), read without the lock the test holds."""
    loaded = StateDisk(state).load_all()
    return {
        post
        for post, fields in loaded.posts.items()
        if (mark := fields.get("bookmarked")) is not None and mark.value is True
    }


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_closing_the_terminal_ends_the_reader_with_its_state_saved(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path, moment: Moment
) -> None:
    state = tmp_path / "state.json"
    terminal = term(
        [reader_cmd, "--mark-read-after", NEVER, "--state", state],
        controlling=moment.controlling,
    )
    marked = False
    if moment.name == "start-up":
        time.sleep(moment.delay)
    else:
        terminal.wait_for(FIRST)
        if moment.name != "first-paint":
            terminal.send("b")
            terminal.wait_for(first_bookmarked)
            marked = True
        if moment.name == "idle":
            time.sleep(moment.delay)
        elif moment.name.endswith("after-q"):
            terminal.send("q")
            time.sleep(moment.delay)
    terminal.hang_up()
    status = wait_gone(terminal)
    assert status != -signal.SIGKILL
    if marked:
        assert saved_bookmarks(state) == {FIRST_ID}
    else:
        assert saved_bookmarks(state) == set()
    left = {p.name for p in tmp_path.iterdir() if p.name.lstrip(".").startswith("state.json.")}
    assert left <= {"state.json.journal", "state.json.lock"}, "a temporary file was left behind"


@pytest.mark.parametrize("controlling", [True, False], ids=["controlling", "not-controlling"])
def test_a_mark_made_just_before_a_hang_up_is_saved(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path, controlling: bool
) -> None:
    """The state file's lock is held from before `b` until the terminal has closed, so the
    bookmark cannot have been saved before: it is written on the way out or not at all."""
    state = tmp_path / "state.json"
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", state]
    terminal = term(argv, controlling=controlling)
    terminal.wait_for(FIRST)
    with FileLock(f"{state}.lock"):
        terminal.send("b")
        terminal.wait_for(first_bookmarked)
        terminal.hang_up()
        assert not state.exists() or saved_bookmarks_unlocked(state) == set()
    wait_gone(terminal)
    assert saved_bookmarks(state) == {FIRST_ID}


SLOW_BROWSER = "#!/bin/sh\ntouch \"$0.started\"\nsleep 60\n"  # says it started, never ends
LINKED_POST = "---\ntitle: Linked\nurl: https://example.org/linked\n---\n\nA post with a url.\n"


def test_sigterm_ends_an_exit_that_is_stuck(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    """`o` runs a browser command that does not return; `q` then waits for it (Textual waits
    for its worker threads); SIGTERM still ends the reader, saves the bookmark made before
    and puts the terminal back (main screen, cursor shown)."""
    library = tmp_path / "library"
    library.mkdir()
    (library / "linked.md").write_text(LINKED_POST)
    browser = tmp_path / "slow-browser"
    browser.write_text(SLOW_BROWSER)
    browser.chmod(0o755)
    state = tmp_path / "state.json"
    terminal = term(
        [reader_cmd, library, "--mark-read-after", NEVER, "--state", state],
        env={"BROWSER": str(browser), "DISPLAY": "", "WAYLAND_DISPLAY": ""},
    )
    terminal.wait_for("A post with a url.")
    terminal.send("b")
    terminal.wait_for(lambda text: any(line[1:2] == BOOKMARK for line in text.splitlines()))
    terminal.send("o")
    started = Path(f"{browser}.started")
    terminal.wait_for(lambda _: started.exists())  # the browser command runs
    terminal.send("q")
    terminal.wait_for(lambda _: b"\x1b[?1049l" in terminal.raw)  # application mode ended
    time.sleep(0.3)
    assert terminal.process.poll() is None, "the exit did not wait for the browser command"
    os.kill(terminal.process.pid, signal.SIGTERM)
    wait_gone(terminal)
    assert saved_bookmarks(state) == {"linked.md"}
    assert terminal.raw.rfind(b"\x1b[?1049l") > terminal.raw.rfind(b"\x1b[?1049h")
    assert terminal.raw.rfind(b"\x1b[?25h") > terminal.raw.rfind(b"\x1b[?25l")


_rng = random.Random(17)
STARTUP_SIGNAL_DELAYS = sorted(round(_rng.uniform(0.1, 0.6), 2) for _ in range(4))


@pytest.mark.parametrize("delay", STARTUP_SIGNAL_DELAYS)
def test_sigterm_during_start_up_exits_cleanly(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path, delay: float
) -> None:
    """However early SIGTERM comes, the reader exits 0, shows no traceback and leaves the
    terminal as it found it (a signal that comes while the first screen mounts is held
    until it is up: exiting in the middle makes Textual's own widgets fail)."""
    terminal = term([reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"])
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        terminal.wait_for(lambda _: time.monotonic() >= deadline)
    os.kill(terminal.process.pid, signal.SIGTERM)
    status = wait_gone(terminal)
    assert status in (0, -signal.SIGTERM), status  # -SIGTERM: before the reader set up its handler
    assert b"Traceback" not in terminal.raw and b"Error" not in terminal.raw
    if b"\x1b[?1049h" in terminal.raw:
        assert terminal.raw.rfind(b"\x1b[?1049l") > terminal.raw.rfind(b"\x1b[?1049h")
