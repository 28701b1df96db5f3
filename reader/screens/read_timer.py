"""The read-after rule: a post counts as read once it was shown long enough to be read.

Only time in which the reader could be reading counts. The clock holds while:
- "launch": the post shown at start-up, before the first key or click (a reader left
  open in a terminal nobody looks at reads nothing);
- "preview": the post is only a search preview, shown while the query is typed;
- "modal": another screen (help, a question, the command palette) covers the post;
- "blur": the terminal says it lost the focus (where it reports focus at all);
- "suspend": the reader is suspended (ctrl+z) until `fg`.
When the last reason goes, the clock goes on with the time that was left.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer


class ReadTimer:
    """One post's read-after clock, held while any reason in `holds` stands."""

    def __init__(
        self,
        delay: float,
        set_timer: Callable[[float, Callable[[], None]], Timer],
        on_read: Callable[[str], None],
    ) -> None:
        """`set_timer` is the owner's; `on_read(post_id)` is called once the time is up."""
        self.delay = delay
        self._set_timer = set_timer
        self._on_read = on_read
        self.post_id: str | None = None
        self.holds: set[str] = {"launch"}
        self._left = 0.0
        self._since = 0.0  # when the running clock was (re)started
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        """True while the clock for a post is counting down."""
        return self._timer is not None

    def start(self, post_id: str, *, preview: bool = False) -> None:
        """Count from zero for a newly shown post (held at once if it is a preview)."""
        self.cancel()
        self.post_id = post_id
        self._left = self.delay
        if preview:
            self.holds.add("preview")
        else:
            self.holds.discard("preview")
        self._go()

    def cancel(self) -> None:
        """Forget the post: it does not become read by this clock."""
        self._stop()
        self.post_id = None

    def hold(self, reason: str) -> None:
        """Stop the clock for `reason`, keeping the time left."""
        if reason in self.holds:
            return
        self.holds.add(reason)
        if self._timer is not None:
            self._left = max(self._left - (time.monotonic() - self._since), 0.0)
            self._stop()

    def release(self, reason: str) -> None:
        """`reason` no longer stands: go on counting if nothing else holds the clock."""
        if reason not in self.holds:
            return
        self.holds.discard(reason)
        self._go()

    def _go(self) -> None:
        """Count down what is left, unless held or already counting."""
        if self.post_id is None or self.holds or self._timer is not None:
            return
        if self._left <= 0:
            self._fire()
            return
        self._since = time.monotonic()
        self._timer = self._set_timer(self._left, self._fire)

    def _stop(self) -> None:
        """Stop the Textual timer, if one runs."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _fire(self) -> None:
        """The time is up: the post is read."""
        self._timer = None
        post_id, self.post_id = self.post_id, None
        if post_id is not None:
            self._on_read(post_id)
