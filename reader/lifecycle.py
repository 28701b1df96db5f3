"""How the reader ends when it is told to or loses its terminal (UI-free: never imports textual).

Why this exists. When its terminal goes away, Textual 8.2.8's Linux driver does not notice:
its input thread reads end-of-file from the hung-up tty and reads again at once, for ever,
at 100% CPU; its writer thread dies on the first EIO, and once its bounded queue is full
every frame waits for room on the event loop, for ever; and the SIGCONT the kernel sends
with the SIGHUP makes the driver start application mode again on the dead tty. A signal
handler that runs on the event loop cannot help once the loop is blocked, which is why the
reader used to stay behind, ignoring SIGTERM. (reader/driver.py keeps the driver off a dead
tty; this module makes sure that the process ends, with its state saved.)

An ExitGuard runs one daemon thread, started before the app:

- SIGTERM and SIGHUP reach that thread through `signal.set_wakeup_fd`, so it hears them even
  while the main thread is stuck; the Python-level handlers themselves do nothing;
- it also polls the terminal for a hang-up, which catches a closed terminal that sent no
  signal (the reader is not the terminal's session leader);
- a lost terminal is replaced by /dev/null on stdin, stdout and stderr (those that were the
  terminal), so nothing blocks or fails writing to it any more;
- the first signal or hang-up asks the app to exit (the app saves the state on its way out)
  and sets a deadline; at the deadline, or at once on a second signal, the thread saves the
  state itself, puts a live terminal back as it found it and ends the process (os._exit).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))  # no SIGHUP on Windows
SIGNAL_GRACE = 2.0  # seconds a signalled reader has to exit on its own
LOST_GRACE = 0.5  # the same once its terminal is gone (there is nothing to put back)
SAVE_LIMIT = 1.0  # the longest a forced exit waits for the state to be saved
CHECK_INTERVAL = 0.5  # how often the terminal is checked where poll() cannot watch it

# What Textual's driver turns on, turned off again (mouse reports, bracketed paste, focus
# and resize reports, the kitty keyboard protocol, the alternate screen, the hidden cursor).
RESTORE_SEQUENCE = (
    b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"
    b"\x1b[?2004l\x1b[?1004l\x1b[?2048l\x1b[?7h"
    b"\x1b[<u\x1b[?1049l\x1b[?25h"
)



def terminal_gone(fd: int) -> bool:
    """True when `fd` is not a terminal (any more): a hung-up tty fails isatty on Linux."""
    return not os.isatty(fd)


def _ignore(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: the guard's thread does the work (see set_wakeup_fd)."""


class ExitGuard:
    """Ends the process on SIGTERM, SIGHUP or a lost terminal, saving the state first."""

    def __init__(
        self,
        *,
        tty_fd: int = 0,
        grace: float = SIGNAL_GRACE,
        lost_grace: float = LOST_GRACE,
        save_limit: float = SAVE_LIMIT,
    ) -> None:
        """Set up; nothing happens before install()."""
        self._tty_fd = tty_fd
        self._grace = grace
        self._lost_grace = lost_grace
        self._save_limit = save_limit
        self._save: Callable[[], object] | None = None
        self._request_exit: Callable[[], object] | None = None
        self._ttys: list[int] = []  # the standard fds that were the terminal at install
        self._tty_attrs: list[Any] | None = None
        self._ending = False
        self._lost = False
        self._status = 0
        self._deadline: float | None = None
        self._wake_read = -1

    def install(self) -> None:
        """Take over SIGTERM and SIGHUP and start watching; call on the main thread.

        POSIX only (there is no SIGHUP, tty hang-up or poll() on Windows): elsewhere a no-op.
        """
        if os.name != "posix":
            return
        import termios

        self._ttys = [fd for fd in (0, 1, 2) if os.isatty(fd)]
        if self._tty_fd in self._ttys:
            with contextlib.suppress(termios.error):
                self._tty_attrs = termios.tcgetattr(self._tty_fd)
        self._wake_read, wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(wake_write, False)
        for signum in SIGNALS:
            signal.signal(signum, _ignore)
        signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
        threading.Thread(target=self._run, name="reader-exit-guard", daemon=True).start()

    def set_save(self, save: Callable[[], object]) -> None:
        """How to save the state (called from the guard's thread; must be thread-safe)."""
        self._save = save

    def attach(self, request_exit: Callable[[], object] | None) -> None:
        """How to ask the running app to exit (thread-safe), or None once it has stopped.

        A signal that came before the app could be asked is passed on now.
        """
        self._request_exit = request_exit
        if request_exit is not None and self._ending:
            self._ask_to_exit()

    # The guard's thread --------------------------------------------------------------

    def _run(self) -> None:
        """Wait for signals, a hang-up or the deadline, for as long as the process runs."""
        poller = select.poll()
        poller.register(self._wake_read, select.POLLIN)
        watched = self._tty_fd in self._ttys  # poll() reports the hang-up (Linux)
        if watched:
            poller.register(self._tty_fd, 0)  # no events asked: only POLLHUP/POLLERR/POLLNVAL
        while True:
            events = poller.poll(self._timeout(checking=bool(self._ttys) and not watched))
            for fd, mask in events:
                if fd == self._wake_read:
                    self._read_signals()
                elif mask & (select.POLLHUP | select.POLLERR):
                    self._on_lost()
                if fd == self._tty_fd and (mask & select.POLLNVAL or self._lost):
                    poller.unregister(fd)  # poll cannot watch this tty (macOS): check it instead
                    watched = False
            if self._ttys and not self._lost and terminal_gone(self._tty_fd):
                self._on_lost()
            if self._deadline is not None and time.monotonic() >= self._deadline:
                self._force()

    def _timeout(self, *, checking: bool) -> int | None:
        """Milliseconds poll() may wait: until the deadline, or the next check of the tty."""
        waits = [CHECK_INTERVAL] if checking and not self._lost else []
        if self._deadline is not None:
            waits.append(max(0.0, self._deadline - time.monotonic()))
        return None if not waits else int(min(waits) * 1000) + 1

    def _read_signals(self) -> None:
        """Handle the signals noted in the wake-up pipe (every signal Python catches)."""
        try:
            data = os.read(self._wake_read, 512)
        except BlockingIOError:
            return
        for signum in data:
            if signum in SIGNALS:
                self._on_signal(signum)

    def _on_signal(self, signum: int) -> None:
        """SIGHUP from a closed terminal is a hang-up; a second signal ends the reader now."""
        if signum == signal.SIGHUP and self._ttys and terminal_gone(self._tty_fd):
            self._on_lost()
        elif self._ending:
            self._force()
        else:
            self._begin(self._grace, 128 + signum)

    def _on_lost(self) -> None:
        """The terminal is gone: stop using it and end soon."""
        if self._lost:
            return
        self._lost = True
        self._release_terminal()
        self._begin(self._lost_grace, 128 + signal.SIGHUP)

    def _begin(self, grace: float, status: int) -> None:
        """Ask the app to exit, and end the process ourselves if it has not in `grace` s."""
        deadline = time.monotonic() + grace
        if self._deadline is None or deadline < self._deadline:
            self._deadline = deadline
        if not self._ending:
            self._status = status
            self._ending = True
        self._ask_to_exit()

    def _ask_to_exit(self) -> None:
        """Ask the app to exit, if there is one to ask (it may have just stopped)."""
        request = self._request_exit
        if request is not None:
            with contextlib.suppress(Exception):  # e.g. the app's loop has just closed
                request()

    def _release_terminal(self) -> None:
        """Put /dev/null where the lost terminal was, so writes neither block nor fail."""
        try:
            null = os.open(os.devnull, os.O_RDWR)
        except OSError:
            return
        for fd in self._ttys:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
        os.close(null)

    def _force(self) -> None:
        """Save the state (waiting at most save_limit), put the terminal back, and end."""
        save = self._save
        if save is not None:
            saver = threading.Thread(target=_quietly, args=(save,), name="reader-save", daemon=True)
            saver.start()
            saver.join(self._save_limit)
        self._restore_terminal()
        os._exit(self._status or 128 + signal.SIGTERM)

    def _restore_terminal(self) -> None:
        """Leave application mode by hand, for a terminal that is still there."""
        import termios

        fd = self._tty_fd
        if self._lost or fd not in self._ttys or terminal_gone(fd):
            return
        try:
            if os.tcgetpgrp(fd) != os.getpgrp():
                return  # in the background: touching the terminal would stop the process
        except OSError:
            pass  # not our controlling terminal: no job control to fear
        with contextlib.suppress(OSError, termios.error):
            os.write(2 if 2 in self._ttys else fd, RESTORE_SEQUENCE)
            if self._tty_attrs is not None:
                termios.tcsetattr(fd, termios.TCSANOW, self._tty_attrs)


def _quietly(function: Callable[[], object]) -> None:
    """Call `function`, ignoring any error: the process is about to end either way."""
    with contextlib.suppress(Exception):
        function()
