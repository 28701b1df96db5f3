"""Fixtures for end-to-end tests: the installed `reader` command and real terminals."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal

TerminalFactory = Callable[..., Terminal]

# How long a test waits for the screen to change before it fails. Only a guard against
# a hung reader: generous, because starting Python and Textual on a busy CI machine
# running tests in parallel can take many seconds.
WAIT_TIMEOUT = 30.0
# pytest-timeout's limit for one pty test (the default in pyproject.toml is 120 s): a
# test makes several waits of up to WAIT_TIMEOUT, so it gets more before it counts as hung.
TEST_TIMEOUT = 300.0
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test in tests/e2e the longer TEST_TIMEOUT (unless it sets its own)."""
    for item in items:
        if E2E_DIR in item.path.parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture
def reader_cmd() -> Path:
    """The `reader` console script installed next to this Python."""
    path = Path(sys.executable).parent / "reader"
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"the `reader` console script is missing at {path}: "
            "install the project into this environment (pip install -e '.[test]')",
            pytrace=False,
        )
    return path


@pytest.fixture
def term() -> Iterator[TerminalFactory]:
    """Start commands in real pseudo-terminals; every one is closed at teardown.

    `term(argv, env=None, columns=100, lines=30, controlling=False, terminal_type=...)`
    runs `argv` with a copy of this process's environment (the isolated HOME, XDG_* and
    READER_STATE of the test) plus `env`, in a terminal of that size whose `wait_for`
    gives up after WAIT_TIMEOUT; with `controlling` the pty is its controlling terminal;
    `terminal_type` is its TERM (default xterm-256color).
    """
    started: list[Terminal] = []

    def start(
        argv: Sequence[str | os.PathLike[str]],
        env: Mapping[str, str] | None = None,
        *,
        columns: int = 100,
        lines: int = 30,
        controlling: bool = False,
        terminal_type: str = "xterm-256color",
    ) -> Terminal:
        child_env = os.environ.copy()
        child_env.update(env or {})
        command = [os.fspath(arg) for arg in argv]
        terminal = Terminal(
            command,
            env=child_env,
            columns=columns,
            lines=lines,
            timeout=WAIT_TIMEOUT,
            controlling=controlling,
            terminal_type=terminal_type,
        )
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()
