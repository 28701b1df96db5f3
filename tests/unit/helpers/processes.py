"""Running a command (the reader, or Python on it) as a separate process in unit tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence


def run_captured(
    command: Sequence[str], args: Sequence[str | os.PathLike[str]]
) -> subprocess.CompletedProcess[str]:
    """Run `command ARGS` to completion with no stdin; capture its text output (60 s limit)."""
    return subprocess.run(
        [*command, *(os.fspath(arg) for arg in args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )
