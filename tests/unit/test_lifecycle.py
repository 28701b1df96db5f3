"""ExitGuard (reader.lifecycle): SIGTERM, SIGHUP and a lost terminal always end the process.

Each test runs tests/unit/helpers/exit_guard_child.py, a stand-in for the reader whose
"save" writes a file, in its own process (signals, os._exit), some in a real pty.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.lifecycle import RESTORE_SEQUENCE
from tests.e2e.terminal import Terminal

HELPER = Path(__file__).resolve().parent / "helpers" / "exit_guard_child.py"
# Only a guard against a process that never ends; the guard itself acts within a second or two.
DEADLINE = 15.0


def start(mode: str, saved: Path, grace: float) -> subprocess.Popen[bytes]:
    """Start the child without a terminal; return once its guard is installed."""
    process = subprocess.Popen(
        [sys.executable, str(HELPER), mode, str(saved), str(grace)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], DEADLINE)
    assert ready and process.stdout.readline() == b"ready\n"
    return process


def wait(process: subprocess.Popen[bytes]) -> int:
    """The child's exit status, waiting at most DEADLINE."""
    try:
        return process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"the child was still running after {DEADLINE} s") from None


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    """Terminals to close at the end of the test."""
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


def in_terminal(terminals: list[Terminal], mode: str, saved: Path, grace: float) -> Terminal:
    """Start the child in a pty (not its controlling terminal); return once it is ready."""
    argv = [sys.executable, str(HELPER), mode, str(saved), str(grace)]
    terminal = Terminal(argv, env=os.environ.copy(), timeout=DEADLINE)
    terminals.append(terminal)
    terminal.wait_for(lambda _: b"ready" in terminal.raw)  # may have scrolled off already
    return terminal


def test_sigterm_asks_the_app_to_exit(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    process = start("obey", saved, grace=30)
    process.send_signal(signal.SIGTERM)
    assert wait(process) == 0
    assert Path(f"{saved}.asked").exists()
    assert not saved.exists(), "an app that exits saves by itself; the guard need not"


def test_an_app_that_does_not_exit_is_ended_after_the_grace_with_its_state_saved(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "saved"
    process = start("stuck", saved, grace=0.3)
    process.send_signal(signal.SIGTERM)
    assert wait(process) == 128 + signal.SIGTERM
    assert saved.read_text() == "saved"


def test_a_second_sigterm_ends_it_at_once(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    process = start("stuck", saved, grace=600)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    assert process.poll() is None, "the first SIGTERM leaves the app its grace"
    process.send_signal(signal.SIGTERM)
    assert wait(process) == 128 + signal.SIGTERM
    assert saved.read_text() == "saved"


def test_a_save_that_hangs_does_not_keep_the_process(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    process = start("slow-save", saved, grace=0.1)
    process.send_signal(signal.SIGTERM)
    assert wait(process) == 128 + signal.SIGTERM
    assert not saved.exists()


def test_a_terminal_that_hangs_up_is_noticed_without_a_signal_and_replaced_by_dev_null(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    """Not the controlling terminal: no SIGHUP comes, only the hang-up itself."""
    saved = tmp_path / "saved"
    terminal = in_terminal(terminals, "write", saved, grace=600)
    pid = terminal.process.pid
    terminal.hang_up()
    deadline = time.monotonic() + DEADLINE
    while {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)} != {os.devnull}:
        assert time.monotonic() < deadline, "stdin, stdout and stderr never became /dev/null"
        time.sleep(0.02)
    assert terminal.process.poll() is None, "the child still writes, now to /dev/null"
    os.kill(pid, signal.SIGTERM)  # ending already: no second grace
    assert terminal.wait_exit(timeout=DEADLINE) == 128 + signal.SIGHUP
    assert saved.read_text() == "saved"


def test_a_lost_terminal_ends_the_process_after_its_grace(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    saved = tmp_path / "saved"
    terminal = in_terminal(terminals, "write", saved, grace=0.3)
    terminal.hang_up()
    assert terminal.wait_exit(timeout=DEADLINE) == 128 + signal.SIGHUP
    assert saved.read_text() == "saved"


def test_sighup_with_the_terminal_still_there_ends_like_sigterm_and_puts_the_terminal_back(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    saved = tmp_path / "saved"
    terminal = in_terminal(terminals, "stuck", saved, grace=0.3)
    os.kill(terminal.process.pid, signal.SIGHUP)
    assert terminal.wait_exit(timeout=DEADLINE) == 128 + signal.SIGHUP
    assert saved.read_text() == "saved"
    assert RESTORE_SEQUENCE in bytes(terminal.raw)
