"""Hybrid logical clocks: stamps that order every mark change (UI-free).

A stamp is (milliseconds, counter, writer). The milliseconds follow the wall clock but never
go back, and a clock that sees a stamp from another writer moves past it, so a change made
after seeing another is always ordered after it, whatever the two wall clocks say. The
writer id breaks ties, so any two stamps compare the same way everywhere.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

Stamp = tuple[int, int, str]

ZERO: Stamp = (0, 0, "")
# Bounds of a stored stamp: far beyond any real time (2**52 ms is 142,000 years), and with
# room above them, so a clock that took in the largest stamp can still make later ones.
MAX_MS = 2**52
MAX_COUNTER = 2**31


def new_writer_id() -> str:
    """A random id for one writer (a process using a state file)."""
    return uuid.uuid4().hex[:12]


def is_stamp(value: object) -> bool:
    """True for a well-formed stamp as stored: [ms, counter, writer]."""
    if not isinstance(value, list | tuple) or len(value) != 3:
        return False
    ms, counter, writer = value
    return (
        isinstance(ms, int)
        and not isinstance(ms, bool)
        and 0 <= ms < MAX_MS
        and isinstance(counter, int)
        and not isinstance(counter, bool)
        and 0 <= counter < MAX_COUNTER
        and isinstance(writer, str)
    )


def as_stamp(value: list[object] | tuple[object, ...]) -> Stamp:
    """A checked stored stamp as a tuple (check with `is_stamp` first)."""
    ms, counter, writer = value
    assert isinstance(ms, int) and isinstance(counter, int) and isinstance(writer, str)
    return (ms, counter, writer)


def seconds(stamp: Stamp) -> float:
    """The wall time of a stamp, in seconds since the epoch."""
    return stamp[0] / 1000.0


class Clock:
    """A hybrid logical clock for one writer; thread-safe."""

    def __init__(self, writer: str, wall: Callable[[], float] = time.time) -> None:
        """`wall` gives the time in seconds (a parameter so that tests can skew it)."""
        self.writer = writer
        self._wall = wall
        self._ms = 0
        self._counter = 0
        self._lock = threading.Lock()

    def now(self) -> Stamp:
        """A stamp later than every stamp this clock made or saw."""
        with self._lock:
            wall = int(self._wall() * 1000)
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            elif self._counter + 1 < MAX_COUNTER:
                self._counter += 1
            else:  # the counter is used up (a crafted stamp): the next millisecond
                self._ms, self._counter = self._ms + 1, 0
            return (self._ms, self._counter, self.writer)

    def observe(self, stamp: Stamp) -> None:
        """Move past a stamp made elsewhere, so that later changes here come after it."""
        with self._lock:
            ms, counter = stamp[0], stamp[1]
            if ms > self._ms or (ms == self._ms and counter > self._counter):
                self._ms, self._counter = ms, counter
