"""A real pseudo-terminal for end-to-end tests: run a command, type keys, read the screen.

Everything the program writes is fed into a `pyte` screen, so tests see what a user
would see. Reads never block for long: a program that hangs fails the test with the
screen it was stuck on instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence

import pyte

from bench.driver import spawn_in_pty

Predicate = Callable[[str], bool]

# Makes the pty the controlling terminal of the program, then runs it (same process): as in
# a real terminal, closing the pty then sends SIGHUP (and SIGCONT) to the program.
CONTROLLING_TTY = (
    "import fcntl, os, sys, termios; "
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])"
)


def _as_predicate(expected: str | Predicate) -> Predicate:
    """A predicate on the screen text: the given one, or "contains this substring"."""
    if not isinstance(expected, str):
        return expected
    needle = expected

    def contains(text: str) -> bool:
        return needle in text

    return contains


class Terminal:
    """A command running in a pseudo-terminal of a fixed size, drawn on a pyte screen."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        columns: int = 100,
        lines: int = 30,
        timeout: float = 15.0,
        controlling: bool = False,
        terminal_type: str = "xterm-256color",
    ) -> None:
        """Start `argv` with the slave side of a new pty as stdin, stdout and stderr.

        `timeout` is how long `wait_for` waits unless told otherwise. With `controlling`
        the pty is the program's controlling terminal, so a hang-up sends it SIGHUP.
        `terminal_type` is the TERM the program sees (`xterm`: 16 colours).
        """
        self.columns = columns
        self.lines = lines
        self.timeout = timeout
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.status: int | None = None
        child_env = dict(os.environ if env is None else env)
        child_env["TERM"] = terminal_type
        for name in ("COLUMNS", "LINES", "NO_COLOR", "TEXTUAL_ALLOW_SIGNALS"):
            child_env.pop(name, None)
        if controlling:
            argv = [sys.executable, "-c", CONTROLLING_TTY, *argv]
        master, self.process = spawn_in_pty(argv, child_env, cwd, columns, lines)
        os.set_blocking(master, False)
        self.master: int | None = master

    # Reading ---------------------------------------------------------------------

    def _pump(self, timeout: float) -> bool:
        """Feed what the program wrote to the screen; wait up to `timeout` for the first byte.

        Returns False once the pty is closed (the program and its children are gone).
        """
        if self.master is None:
            return False
        wait = timeout
        while True:
            ready, _, _ = select.select([self.master], [], [], wait)
            if not ready:
                return True
            try:
                data = os.read(self.master, 65536)
            except BlockingIOError:
                return True
            except OSError:  # EIO on Linux: every slave fd is closed
                return False
            if not data:
                return False
            self.raw.extend(data)
            self.stream.feed(data)
            wait = 0.02  # drain the rest of a frame before anyone looks at the screen

    def text(self) -> str:
        """The screen as plain text, one line per row."""
        return "\n".join(self.screen.display)

    def wait_for(self, expected: str | Predicate, timeout: float | None = None) -> str:
        """Read until the screen contains `expected` (or the predicate holds); return the text.

        Raises AssertionError with the current screen when it does not happen within
        `timeout` seconds (default: the terminal's `timeout`).
        """
        if timeout is None:
            timeout = self.timeout
        check = _as_predicate(expected)
        what = repr(expected) if isinstance(expected, str) else getattr(check, "__name__", "?")
        deadline = time.monotonic() + timeout
        while True:
            alive = self._pump(0.05)
            text = self.text()
            if check(text):
                return text
            if not alive and self.process.poll() is not None:
                raise AssertionError(
                    f"the program exited with status {self.process.returncode} "
                    f"before the screen showed {what}; the screen:\n{text}"
                )
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"the screen did not show {what} within {timeout} s; the screen:\n{text}"
                )

    # Writing ---------------------------------------------------------------------

    def send(self, keys: str) -> None:
        """Type `keys` (raw: "j", "\\r" for enter, "\\x1b[B" for down...)."""
        if self.master is None:
            raise RuntimeError("the terminal is closed")
        data = keys.encode()
        while data:
            self._pump(0)
            try:
                written = os.write(self.master, data)
            except BlockingIOError:
                written = 0
            data = data[written:]

    # Ending ----------------------------------------------------------------------

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to exit, still reading its output; return its exit status.

        Raises AssertionError with the current screen if it is still running after `timeout`.
        """
        deadline = time.monotonic() + timeout
        while True:
            status = self.process.poll()
            if status is not None:
                self._pump(0)
                self.status = status
                return status
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"the program did not exit within {timeout} s; the screen:\n{self.text()}"
                )
            if not self._pump(0.05):
                time.sleep(0.01)  # pty closed but not reaped yet

    def hang_up(self) -> None:
        """Close the terminal as a terminal emulator's window closes: the pty's master side."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def close(self) -> None:
        """Kill the program's process group if it still runs, reap it, and close the pty."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def __enter__(self) -> Terminal:
        """Use as a context manager that closes the terminal."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the terminal."""
        self.close()
