"""The state file under a big library: one save, opening it, and folding the journal.

Each size gets a snapshot of that many posts (read, half-way through), made the way the
reader writes it. Then, in a child process as the reader would run it: open the store
(the start-up cost of the state), save one change at a time (a set_* and a flush: the
append and fsync that a key press costs on disk), and fold the journal into the snapshot
once (done in the background by the reader).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SIZES = (1_000, 100_000, 200_000)
SAVES = 21
SAVE_LIMIT = 0.05  # one save, whatever the size: an append and an fsync


@dataclass
class SaveResult:
    """One size: seconds to open, each save, one fold; or why it failed."""

    posts: int
    open_seconds: float | None = None
    saves: list[float] = field(default_factory=list)
    fold_seconds: float | None = None
    error: str | None = None

    @property
    def median_save(self) -> float | None:
        """The median save."""
        return statistics.median(self.saves) if self.saves else None


def make_state(path: Path, posts: int) -> None:
    """A state snapshot of `posts` posts, each read and half-way through."""
    from reader.marks import Mark
    from reader.statefile import state_bytes

    stamp = (1_700_000_000_000, 0, "bench")
    marks = {
        f"archive/{number:06}-a-post-with-a-title-of-some-length.md": {
            "read": Mark(True, stamp),
            "position": Mark(0.5, stamp),
        }
        for number in range(posts)
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(state_bytes(marks, {}, {}))


def child(path: Path, saves: int) -> dict[str, object]:
    """In the child: open, save `saves` times, fold once; seconds of each."""
    from reader.state_disk import StateDisk
    from reader.store import Store

    started = time.perf_counter()
    store = Store(path, debounce=3600)
    problems = store.open()
    opened = time.perf_counter() - started
    times = []
    for number in range(saves):
        started = time.perf_counter()
        store.set_bookmarked(f"new-{number}", True)
        if not store.flush():
            return {"error": "a save failed"}
        times.append(time.perf_counter() - started)
    store.close()
    started = time.perf_counter()
    StateDisk(path).compact()
    fold = time.perf_counter() - started
    return {"open": opened, "saves": times, "fold": fold, "problems": problems}


def measure(posts: int, work: Path) -> SaveResult:
    """The figures for one size, measured in a fresh process."""
    result = SaveResult(posts)
    path = work / f"state-{posts}" / "state.json"
    make_state(path, posts)
    command = [sys.executable, "-m", "bench.saves", "--child", str(path), str(SAVES)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
        found = json.loads(done.stdout)
    except (subprocess.SubprocessError, ValueError) as exc:
        result.error = str(exc)
        return result
    if found.get("error") or found.get("problems"):
        result.error = str(found.get("error") or found.get("problems"))
        return result
    result.open_seconds = float(found["open"])
    result.saves = [float(value) for value in found["saves"]]
    result.fold_seconds = float(found["fold"])
    return result


def measure_all(sizes: tuple[int, ...] = SIZES) -> list[SaveResult]:
    """Every size, in a temporary folder on the same disk as the user's files would be."""
    with tempfile.TemporaryDirectory(prefix="reader-bench-state-", dir=Path.home()) as folder:
        return [measure(posts, Path(folder)) for posts in sizes]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        for found in measure_all():
            print(found)
