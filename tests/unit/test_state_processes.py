"""The state file under real processes: two readers at once, SIGKILL at random moments, and the
real `reader` command stopped by SIGTERM or SIGHUP right after a change.

The child processes run tests/unit/helpers/state_child.py.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from filelock import FileLock

from reader.clock import Stamp
from reader.marks import Entry, Fields, Mark, apply
from reader.state_disk import StateDisk
from reader.statefile import Loaded, state_bytes
from reader.store import Store
from tests.e2e.terminal import Terminal
from tests.unit.helpers.store_support import NEVER

HELPER = Path(__file__).resolve().parent / "helpers" / "state_child.py"
PYTHON = sys.executable


Key = tuple[str, str]  # (post, field)


def stored_marks(path: Path) -> dict[Key, tuple[object, Stamp]]:
    """(value, stamp) of every field of every post saved, loaded by a fresh Store."""
    store = Store(path, debounce=NEVER)
    try:
        assert store.open() == [], f"{path} does not load cleanly"
        loaded = StateDisk(path).load_all()
        return {
            (post, field): (mark.value, mark.stamp)
            for post, fields in loaded.posts.items()
            for field, mark in fields.items()
        }
    finally:
        store.close()


# --- two processes at once ------------------------------------------------------------------

CHANGES = 500


@pytest.mark.parametrize("one_saves_late", [False, True], ids=["both-save-often", "one-late"])
def test_two_processes_keep_the_last_change_of_each_post(
    tmp_path: Path, one_saves_late: bool
) -> None:
    """Two processes make 500 changes each to 20 shared posts: every post ends up with the
    change made last, whichever process made it and whenever that process saved.

    In "one-late", process one saves nothing until process two has finished and closed, so
    its single write carries many changes older than what is on disk: those must not win.
    """
    state = tmp_path / "state" / "state.json"
    one, two = tmp_path / "one.log", tmp_path / "two.log"
    seed = random.randrange(2**32)
    commands = [
        [str(one), str(seed), "3600" if one_saves_late else "0.01", str(CHANGES)],
        [str(two), str(seed + 1), "0.01", str(CHANGES)],
    ]
    if one_saves_late:
        commands[0].append(f"{two}.done")
    workers = [
        subprocess.Popen(
            [PYTHON, str(HELPER), "race", str(state), log, str(tmp_path), *rest],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for log, *rest in commands
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and not err, f"seed {seed}: {err}"

    last: dict[Key, tuple[object, Stamp]] = {}  # (post, field) -> its latest change
    count = 0
    for log in (one, two):
        for line in log.read_text(encoding="utf-8").splitlines():
            post, field, value, stamp = json.loads(line)
            count += 1
            known = last.get((post, field))
            if known is None or tuple(stamp) > known[1]:
                last[(post, field)] = (value, tuple(stamp))
    assert count == 2 * CHANGES
    final = stored_marks(state)
    assert set(final) == set(last), f"seed {seed}"
    for key, change in last.items():
        assert final[key] == change, f"seed {seed}: {key} is {final[key]}, its last change {change}"


# --- SIGKILL at random moments ----------------------------------------------------------------

LANES = 2  # independent state files, killed in parallel (more would starve the writers on 2 cores)
KILLS_PER_LANE = 100
BIG = 100_000  # posts already in each lane's state file
# Lane 1 folds its journal into the 100,000-post snapshot whenever it reaches this size, so
# kills also hit folding (lane 0 never folds: the journal stays under half the snapshot).
COMPACT_BYTES = {0: None, 1: 32 * 1024}
LONG_EVERY = 10  # every 10th writer runs 1-1.6 s, so the 1-second rule applies to its changes
SHORT_LIFE = (0.02, 0.15)  # seconds from "started" to SIGKILL
LONG_LIFE = (1.0, 1.6)
FOLDING_LIFE = (3.0, 4.0)
MARGIN = 1.0  # a change acknowledged this long before the kill must be on disk


@dataclass(frozen=True, slots=True)
class Change:
    """One logged change of a writer."""

    seq: int
    post: str
    field: str
    value: bool
    stamp: Stamp
    acked: float  # wall-clock time at which set_* had returned


def parse_log(path: Path) -> tuple[list[Change], int, list[str]]:
    """(changes, highest acknowledged flushed sequence number, errors) of a writer's log."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    changes: list[Change] = []
    flushed, errors = 0, []
    for line in text.split("\n")[:-1]:  # the part after the last newline may be cut off
        kind, _, rest = line.partition(" ")
        if kind == "change":
            seq, post, field, value, stamp, acked = rest.split()
            ms, counter, writer = json.loads(stamp)
            changes.append(
                Change(int(seq), post, field, value == "1", (ms, counter, writer), float(acked))
            )
        elif kind == "flushed":
            flushed = max(flushed, int(rest.split()[0]))
        else:
            errors.append(line)
    return changes, flushed, errors


class ForkServer:
    """state_child.py forkserver: starts writers in milliseconds and reaps them."""

    def __init__(self, stderr: IO[str], compact_bytes: int | None) -> None:
        """Start the server and wait until it is ready."""
        self.stderr = stderr
        extra = [] if compact_bytes is None else [str(compact_bytes)]
        self.process = subprocess.Popen(
            [PYTHON, str(HELPER), "forkserver", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[list[str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.running: int | None = None
        assert self.next_line() == ["ready"]

    def _read(self) -> None:
        """Move the server's output lines into the queue."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.split())

    def next_line(self) -> list[str]:
        """The next line the server or a writer printed (a generous wait, not a timing check)."""
        try:
            return self.lines.get(timeout=60)
        except queue.Empty:
            self.stderr.flush()
            raise AssertionError(
                f"the fork server stopped answering:\n{Path(self.stderr.name).read_text()}"
            ) from None

    def send(self, command: str) -> None:
        """Send one command line."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def spawn(self, state: Path, log: Path, mode: str, seed: int) -> int:
        """Start a writer and wait until its store is open; return its pid."""
        self.send(f"spawn {state} {log} {mode} {seed}")
        pid: int | None = None
        started: set[int] = set()
        while pid is None or pid not in started:
            line = self.next_line()
            assert len(line) == 2, f"unexpected output from the fork server: {line}"
            kind, number = line
            if kind == "pid":
                pid = self.running = int(number)
            else:
                assert kind == "started", (kind, number)
                started.add(int(number))
        return pid

    def reap(self, pid: int) -> int:
        """Wait for a writer to be gone; return its wait status."""
        self.send(f"reap {pid}")
        line = self.next_line()
        assert line[:2] == ["reaped", str(pid)] and len(line) == 3, line
        status = line[2]
        self.running = None
        return int(status)

    def close(self) -> None:
        """Kill a writer still running and stop the server."""
        if self.running is not None:
            os.kill(self.running, signal.SIGKILL)
            self.reap(self.running)
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@dataclass
class LaneReport:
    """What one lane did, for the failure output."""

    kills: int = 0
    changes: int = 0
    flushes_acked: int = 0
    required: int = 0
    folds: int = 0  # times the snapshot was replaced by a fold of the journal


class SavedState:
    """What is on disk, read again after every kill: only the new journal lines, unless a
    fold replaced the files (then everything)."""

    def __init__(self, state: Path) -> None:
        """Read the whole state once."""
        self.disk = StateDisk(state)
        self.marks: dict[str, Fields] = {}
        self.meta: dict[str, Mark] = {}
        self.folds = 0
        self.take(self.disk.load_all())

    def take(self, found: list[Entry] | Loaded) -> None:
        """Merge what was read."""
        if isinstance(found, Loaded):
            assert not (found.broken or found.dropped or found.unreadable), found
            self.marks, self.meta = found.posts, found.meta
            self.folds += 1
        else:
            apply(self.marks, self.meta, found)

    def check(self, required: dict[Key, Change], where: str) -> None:
        """Every required change (or a later one of that field) is on disk."""
        self.take(self.disk.read_new())
        for (post, field), change in required.items():
            mark = self.marks.get(post, {}).get(field)
            assert mark is not None, f"{where}: {post} {field} is missing; {change} was acked"
            assert mark.stamp >= change.stamp, f"{where}: {post} lost {change}: disk has {mark}"
            if mark.stamp == change.stamp:
                assert mark.value == change.value, f"{where}: {post} {field} is {mark}"


def big_state(state: Path) -> None:
    """A state file that already holds BIG posts, each read and half-way through."""
    state.parent.mkdir(parents=True)
    stamp = (1_700_000_000_000, 0, "old")
    posts = {
        f"archive/{number:06}.md": {"read": Mark(True, stamp), "position": Mark(0.5, stamp)}
        for number in range(BIG)
    }
    state.write_bytes(state_bytes(posts, {}, {}))


def run_lane(lane: int, folder: Path, seed: int) -> LaneReport:
    """Start, kill and check KILLS_PER_LANE writers one after the other on one state file."""
    rng = random.Random(seed)
    state = folder / "state" / "state.json"
    big_state(state)
    saved = SavedState(state)
    logs = folder / "logs"
    logs.mkdir(parents=True)
    required: dict[Key, Change] = {}  # (post, field) -> latest change that must be on disk
    report = LaneReport()
    with (folder / "server.err").open("w") as stderr:
        server = ForkServer(stderr, COMPACT_BYTES[lane])
        try:
            for kill in range(KILLS_PER_LANE):
                mode = "long" if kill % LONG_EVERY == LONG_EVERY - 1 else "short"
                log = logs / f"{kill}.log"
                where = f"lane {lane} seed {seed} kill {kill} ({mode})"
                pid = server.spawn(state, log, mode, rng.randrange(2**32))
                life = LONG_LIFE if mode == "long" else SHORT_LIFE
                if mode == "long" and COMPACT_BYTES[lane] is not None:
                    life = FOLDING_LIFE  # long enough for a fold of the big snapshot to end
                time.sleep(rng.uniform(*life))
                killed_at = time.time()
                os.kill(pid, signal.SIGKILL)
                status = server.reap(pid)
                assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                    f"{where}: the writer ended by itself (status {status}):\n"
                    f"{(folder / 'server.err').read_text()}"
                )
                changes, flushed, errors = parse_log(log)
                assert errors == [], f"{where}: {errors}"
                for change in changes:
                    if change.seq <= flushed or change.acked < killed_at - MARGIN:
                        key = (change.post, change.field)
                        known = required.get(key)
                        if known is None or change.stamp > known.stamp:
                            required[key] = change
                report.kills += 1
                report.changes += len(changes)
                report.flushes_acked += flushed > 0
                saved.check(required, where)
        finally:
            server.close()
    report.required = len(required)
    report.folds = saved.folds - 1
    assert len(saved.marks) >= BIG, f"lane {lane}: posts of the big state were lost"
    return report


# 200 processes: minutes on a loaded 2-core machine, so more than the 120 s default.
@pytest.mark.timeout(900)
def test_sigkill_at_random_moments_never_loses_acknowledged_changes(tmp_path: Path) -> None:
    """200 writers on 100,000-post state files killed at random moments, in two lanes of 100.

    After every kill the state loads without a message and holds every change whose save
    was acknowledged and every change made more than 1 s before the kill (or a later change
    of the same field). One lane also folds the journal into the big snapshot over and over,
    so kills land in the middle of folds too. Afterwards no temp file is left.
    """
    seed = random.randrange(2**32)
    with ThreadPoolExecutor(LANES) as pool:
        futures = [
            pool.submit(run_lane, lane, tmp_path / f"lane{lane}", seed + lane)
            for lane in range(LANES)
        ]
        reports = [future.result() for future in futures]
    print(reports)  # shown when the test fails
    assert sum(report.kills for report in reports) >= 200
    assert all(report.required > 0 for report in reports), reports
    assert all(report.flushes_acked > 0 for report in reports), "saves were acknowledged"
    assert reports[1].folds > 0, "lane 1 never folded its journal"

    for lane in range(LANES):
        state = tmp_path / f"lane{lane}" / "state" / "state.json"
        store = Store(state, debounce=NEVER)
        assert store.open() == []
        store.set_read("after", True)
        assert store.flush()
        store.close()
        names = {p.name for p in state.parent.iterdir()}
        assert names == {"state.json", "state.json.journal", "state.json.lock"}, names


# --- SIGTERM and SIGHUP -----------------------------------------------------------------------

SECOND_ID = "02-do-we-even-need-sales-people-anymore.md"
SECOND_TITLE = "Do We Even Need Sales People"  # the sidebar cuts the rest


@pytest.fixture
def reader_command() -> Path:
    """The installed `reader` command."""
    path = Path(PYTHON).parent / "reader"
    assert path.is_file(), f"install the project first: {path} is missing"
    return path


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    """Terminals to close at the end of the test."""
    started: list[Terminal] = []
    yield started
    for term in started:
        term.close()


def bookmarked_on_screen(text: str) -> bool:
    """The second post's sidebar row shows the bookmark marker."""
    return any(line[1:2] == "★" and SECOND_TITLE in line for line in text.splitlines())


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_right_after_a_change_saves_it(
    tmp_path: Path, reader_command: Path, terminal: list[Terminal], signum: signal.Signals
) -> None:
    """`j`, `b`, then at once SIGTERM (or SIGHUP): the reader exits and the bookmark is saved.

    The test holds the state file's lock from before `j` until the signal is sent, so the
    reader cannot have saved the bookmark before it: it is written on the way out or not at
    all.
    """
    state = tmp_path / "state.json"
    argv = [str(reader_command), "--state", str(state), "--mark-read-after", "60"]
    term = Terminal(argv, env=os.environ.copy())
    terminal.append(term)
    term.wait_for(lambda text: SECOND_TITLE in text, timeout=30)
    lock = FileLock(f"{state}.lock")
    with lock:
        term.send("j")
        term.send("b")
        term.wait_for(bookmarked_on_screen)
        saved = StateDisk(state).load_all()  # what start-up saved
        assert not any("bookmarked" in fields for fields in saved.posts.values())
        os.kill(term.process.pid, signum)
    status = term.wait_exit(timeout=10)
    assert status >= 0, f"the reader was killed by signal {-status} instead of exiting"
    store = Store(state, debounce=NEVER)
    assert store.open() == []
    assert store.bookmarked_ids() == {SECOND_ID}
    assert store.get_meta("selected") == SECOND_ID
    store.close()
