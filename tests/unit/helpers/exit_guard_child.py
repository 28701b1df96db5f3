"""A stand-in for the reader, for tests of reader.lifecycle.ExitGuard in a separate process.

usage: exit_guard_child.py MODE SAVED_FILE [GRACE]

It installs an ExitGuard whose save writes "saved" to SAVED_FILE, prints "ready" and then,
like an app, waits to be asked to exit. MODE:
  obey   - exits normally (status 0) once asked, writing "asked" to SAVED_FILE + ".asked";
  stuck  - never exits by itself (like an exit that hangs);
  slow-save - stuck, and saving hangs too;
  write  - stuck, and keeps writing to stdout and stderr (like a drawing app).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from reader.lifecycle import ExitGuard


def main() -> None:
    """Run the mode."""
    mode, saved = sys.argv[1], Path(sys.argv[2])
    grace = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    asked = threading.Event()

    def save() -> None:
        if mode == "slow-save":
            time.sleep(3600)
        saved.write_text("saved")

    guard = ExitGuard(grace=grace, lost_grace=grace, save_limit=1.0)
    guard.install()
    guard.set_save(save)
    guard.attach(asked.set)
    print("ready", flush=True)
    if mode == "obey":
        while not asked.wait(0.05):
            pass
        Path(f"{saved}.asked").write_text("asked")
        return
    while True:
        if mode == "write":
            try:
                print("frame", flush=True)
                print("frame", file=sys.stderr, flush=True)
            except OSError:
                pass  # written just as the terminal hung up (the driver drops those too)
        time.sleep(0.02)


if __name__ == "__main__":
    main()
