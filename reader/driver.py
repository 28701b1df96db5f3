"""Textual's Linux driver, kept off a terminal that has gone away.

Textual 8.2.8's LinuxDriver (textual/drivers/linux_driver.py) takes its tty to live as long
as the app does:

- `write` puts the output in a bounded queue that a writer thread empties into the tty. That
  thread dies on the first EIO from a hung-up tty; thirty frames later `write` waits for room
  in the queue, on the event loop, for ever (the app can no longer even exit);
- the kernel sends SIGCONT along with the SIGHUP of a hang-up, and the driver's SIGCONT
  handler (meant for `fg` after ctrl+z) calls `start_application_mode` again: a new writer
  thread and a new input thread on the dead tty.

ReaderDriver overrides those two public methods: once the terminal is gone, `write` drops
the output and `start_application_mode` does nothing. It uses no private Textual names.
Noticing the hang-up and ending the process is reader/lifecycle.py's job; `ReaderApp`
picks this driver through the public `App.get_driver_class`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver

from reader.lifecycle import terminal_gone

if TYPE_CHECKING:
    from textual.app import App


class ReaderDriver(LinuxDriver):
    """LinuxDriver that neither writes to nor restarts on a terminal that has hung up."""

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        """Note whether there is a terminal to lose."""
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.had_terminal = not terminal_gone(self.fileno)

    @property
    def terminal_lost(self) -> bool:
        """True once the terminal the app started on has gone away."""
        return self.had_terminal and terminal_gone(self.fileno)

    def write(self, data: str) -> None:
        """Write to the terminal, unless it is gone (then the writer thread may be dead)."""
        if not self.terminal_lost:
            super().write(data)

    def start_application_mode(self) -> None:
        """Start (or, after SIGCONT, restart) application mode, unless the terminal is gone."""
        if not self.terminal_lost:
            super().start_application_mode()  # type: ignore[no-untyped-call]
