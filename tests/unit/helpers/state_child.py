"""Child processes for tests/unit/test_state_processes.py: real Stores changing one state file.

    state_child.py race STATE LOG BARRIER_DIR SEED DEBOUNCE CHANGES [CLOSE_AFTER]
        Wait until two racers have arrived in BARRIER_DIR, then make CHANGES toggles of
        read / bookmarked on 20 shared post ids with the store's writer thread running,
        logging one JSON line per change: [post, field, value, stamp] read back from
        store.mark() right after the change. With CLOSE_AFTER, close the store (its last
        write) only once that file exists. Touches LOG.done when closed; prints store
        problems to stderr.

    state_child.py forkserver [COMPACT_BYTES]
        Import the store once (folding the journal into the snapshot once it has
        COMPACT_BYTES, whatever the snapshot's size, when given), then serve commands on
        stdin, one per line, so that a test
        can start many short-lived writers cheaply and kill them:
          spawn STATE LOG MODE SEED -> forks a writer; prints "pid PID" (the writer prints
                                       "started PID" once its store is open)
          reap PID                  -> waits for it; prints "reaped PID STATUS"
        A writer toggles marks on 30 post ids forever, with the default debounce, and appends
        to LOG "change SEQ POST FIELD VALUE STAMP TIME" after each change returns (STAMP is
        the field's stamp, JSON without spaces) and "flushed SEQ TIME" after each successful
        flush (every change up to SEQ is then on
        disk). MODE "short" also calls flush() itself now and then; "long" leaves all writing
        to the store's writer thread.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from reader.store import DiskLimits, Store

FIELDS = ("read", "bookmarked")


def toggle(store: Store, post: str, field: str) -> None:
    """Flip one flag of one post."""
    if field == "read":
        store.set_read(post, not store.is_read(post))
    else:
        store.set_bookmarked(post, not store.is_bookmarked(post))


def race(argv: list[str]) -> int:
    """One of two processes making many changes to the same posts at the same time."""
    state, log_path, barrier = Path(argv[0]), Path(argv[1]), Path(argv[2])
    rng, debounce, changes = random.Random(int(argv[3])), float(argv[4]), int(argv[5])
    close_after = Path(argv[6]) if len(argv) > 6 else None
    (barrier / f"{log_path.name}.ready").touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.glob("*.ready"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)  # start together so that the two runs overlap
    problems: list[str] = []
    store = Store(state, on_error=problems.append, debounce=debounce)
    problems.extend(store.open())
    posts = [f"post-{number}" for number in range(20)]
    with log_path.open("w", encoding="utf-8") as log:
        for _ in range(changes):
            post, field = rng.choice(posts), rng.choice(FIELDS)
            toggle(store, post, field)
            mark = store.mark(post, field)
            assert mark is not None
            log.write(json.dumps([post, field, mark.value, list(mark.stamp)]) + "\n")
            time.sleep(rng.uniform(0, 0.002))
    while close_after is not None and not close_after.exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # keep older changes unsaved while the other process saves newer ones
    store.close()
    Path(f"{log_path}.done").touch()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


class AckingStore(Store):
    """A store that logs each save that succeeded, the writer thread's too."""

    def __init__(self, state: Path, log: Callable[[str], None], limits: DiskLimits | None) -> None:
        """A store on `state` whose problems and saves go to `log`."""
        super().__init__(state, on_error=lambda message: log(f"error {message}"), limits=limits)
        self.log = log
        self.done = 0  # changes whose set_* call has returned

    def flush(self) -> bool:
        """The store's flush, acknowledged when it succeeds."""
        before = self.done
        saved = super().flush()
        if saved:
            self.log(f"flushed {before} {time.time()!r}")
        return saved


def writer(
    state: Path, log_path: Path, mode: str, seed: int, limits: DiskLimits | None = None
) -> None:
    """Change marks forever, logging each change and each completed flush."""
    rng = random.Random(seed)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def log(line: str) -> None:
        os.write(fd, (line + "\n").encode())  # one write per line: whole lines or nothing

    store = AckingStore(state, log, limits)
    for message in store.open():
        log(f"error {message}")
    say(f"started {os.getpid()}")
    posts = [f"post-{number}" for number in range(30)]
    while True:
        post, field = rng.choice(posts), rng.choice(FIELDS)
        toggle(store, post, field)
        mark = store.mark(post, field)
        assert mark is not None
        store.done += 1
        stamp = json.dumps(list(mark.stamp), separators=(",", ":"))
        log(f"change {store.done} {post} {field} {int(mark.value)} {stamp} {time.time()!r}")
        if mode == "short" and rng.random() < 0.3:
            store.flush()
        time.sleep(rng.uniform(0, 0.004))


def say(line: str) -> None:
    """Print one line with a single write, so lines of the server and its writers never mix."""
    os.write(sys.stdout.fileno(), (line + "\n").encode())


def forkserver(argv: list[str]) -> int:
    """Fork writers on request, so that each costs milliseconds instead of a Python start-up."""
    limits = DiskLimits(compact_at_bytes=int(argv[0]), compact_share=0.0) if argv else None
    say("ready")
    for line in sys.stdin:
        command, *args = line.split()
        if command == "spawn":
            pid = os.fork()
            if pid == 0:
                try:
                    writer(Path(args[0]), Path(args[1]), args[2], int(args[3]), limits)
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(1)  # never return into the server loop
            say(f"pid {pid}")
        elif command == "reap":
            pid, status = os.waitpid(int(args[0]), 0)
            say(f"reaped {pid} {status}")
    return 0


def main(argv: list[str]) -> int:
    """Run the sub-command named first."""
    if argv[0] == "race":
        return race(argv[1:])
    if argv[0] == "forkserver":
        return forkserver(argv[1:])
    raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
