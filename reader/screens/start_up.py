"""The main screen's start-up sequence: what waits for the first frame, and the footer.

The first frame lists what reader.first_screen read while the app started (or, on a
cold start of a large library, an empty list the loader fills). Work the first frame
need not wait for — the article's first rendering, the rest of a warm library, the
footer (its keys are restyled one by one) — is asked for with `when_painted` and runs
once that frame is on the terminal. The app says when it is (its Ready event); then the
footer is added and the app is told the screen is up (`StartedUp`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.messages import StartedUp

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

#: Seconds after which the footer is added even if the library has not arrived yet.
FOOTER_AT_LATEST = 1.0


class StartUp:
    """Callbacks held until the app's first frame is up, and the footer added after it."""

    def __init__(self, host: MainScreen) -> None:
        """`host` is the main screen (its refresh callbacks and its children)."""
        self.host = host
        self.frame_up = False  # the app's first frame is on the terminal (see painted)
        self.waiting: list[Callable[[], object]] = []

    def start(self) -> None:
        """The screen is mounted: within a second whatever happens, what waits for the
        first frame runs (should the app's Ready have come before this screen) and the
        footer is added (should the library be slow)."""
        self.host.set_timer(FOOTER_AT_LATEST, self.at_the_latest)

    def at_the_latest(self) -> None:
        """A second after mounting: nothing waits any longer."""
        if not self.frame_up:
            self.painted()
        self.mount_footer()

    def painted(self) -> None:
        """The app's first frame is up (its Ready event): run what waited for it."""
        self.frame_up = True
        waiting, self.waiting = self.waiting, []
        for callback in waiting:
            self.host.call_after_refresh(callback)

    def when_painted(self, callback: Callable[[], object]) -> None:
        """Call back once what is on screen now is painted (not before the first frame)."""
        if self.frame_up:
            self.host.call_after_refresh(callback)
        else:
            self.waiting.append(callback)

    def mount_footer(self) -> None:
        """Add the footer (once), after the first list is on screen (not while quitting)."""
        from textual.widgets import Footer  # imported here: the first paint has no footer

        host = self.host
        if host.is_attached and not host.query(Footer):
            host.mount(Footer(show_command_palette=False))  # ctrl+p is in the help
            host.call_after_refresh(host.refresh_bindings)  # a footer lists keys once told
            host.post_message(StartedUp())
