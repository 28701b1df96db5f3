"""Helpers shared by the state store tests."""

from __future__ import annotations

import errno
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NEVER = 3600.0  # a debounce so long that only flush()/close() write


class Errors(list[str]):
    """An on_error callback that remembers its messages."""

    def __call__(self, message: str) -> None:
        """Record one message."""
        self.append(message)


def raw(path: Path) -> Any:
    """The state file as plain JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def enospc(*_args: object, **_kwargs: object) -> Any:
    """Stand-in for a disk that is full."""
    raise OSError(errno.ENOSPC, "No space left on device")


def eacces(*_args: object, **_kwargs: object) -> Any:
    """Stand-in for a directory we may not write to (tests run as root)."""
    raise PermissionError(errno.EACCES, "Permission denied")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until condition holds (generous deadline: this is a wait, not a timing check)."""
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)
