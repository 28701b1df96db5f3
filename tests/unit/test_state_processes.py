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

from reader.store import Store
from tests.e2e.terminal import Terminal
from tests.unit.helpers.store_support import NEVER

HELPER = Path(__file__).resolve().parent / "helpers" / "state_child.py"
PYTHON = sys.executable


def stored_posts(path: Path) -> dict[str, tuple[bool, bool, float]]:
    """(read, bookmarked, updated) of every post in the state file, loaded by a fresh Store."""
    store = Store(path, debounce=NEVER)
    try:
        assert store.open() == [], f"{path} does not load cleanly"
        return {
            post: (state.read, state.bookmarked, state.updated)
            for post in json_posts(path)
            for state in [store.state(post)]
        }
    finally:
        store.close()


def json_posts(path: Path) -> list[str]:
    """The post ids in the file, read as plain JSON (so the file must be valid JSON)."""
    if not path.exists():
        return []
    content = path.read_bytes()
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise AssertionError(f"{path} is not valid JSON ({exc}): {content[:200]!r}") from None
    return [doc["id"] for doc in data.get("posts", {}).values()]


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

    last: dict[str, list[tuple[str, bool, float]]] = {}  # post -> the changes with max updated
    count = 0
    for log in (one, two):
        for line in log.read_text(encoding="utf-8").splitlines():
            post, field, value, updated = json.loads(line)
            count += 1
            best = last.setdefault(post, [])
            if not best or updated > best[0][2]:
                best[:] = [(field, value, updated)]
            elif updated == best[0][2]:
                best.append((field, value, updated))
    assert count == 2 * CHANGES
    final = stored_posts(state)
    assert set(final) == set(last), f"seed {seed}"
    for post, candidates in last.items():
        read, bookmarked, updated = final[post]
        flags = {"read": read, "bookmarked": bookmarked}
        assert any(
            updated == when and flags[field] == value for field, value, when in candidates
        ), f"seed {seed}: {post} is {final[post]}, its last change was one of {candidates}"


# --- SIGKILL at random moments ----------------------------------------------------------------

LANES = 2  # independent state files, killed in parallel (more would starve the writers on 2 cores)
KILLS_PER_LANE = 100
LONG_EVERY = 10  # every 10th writer runs 1-1.6 s, so the 1-second rule applies to its changes
SHORT_LIFE = (0.02, 0.15)  # seconds from "started" to SIGKILL
LONG_LIFE = (1.0, 1.6)
MARGIN = 1.0  # a change acknowledged this long before the kill must be on disk


@dataclass(frozen=True, slots=True)
class Change:
    """One logged change of a writer."""

    seq: int
    post: str
    field: str
    value: bool
    updated: float
    acked: float  # wall-clock time at which set_* had returned


def parse_log(path: Path) -> tuple[list[Change], int, list[str]]:
    """(changes, highest acknowledged flushed sequence number, errors) of a writer's log."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    changes: list[Change] = []
    flushed, errors = 0, []
    for line in text.split("\n")[:-1]:  # the part after the last newline may be cut off
        kind, _, rest = line.partition(" ")
        if kind == "change":
            seq, post, field, value, updated, acked = rest.split()
            changes.append(
                Change(int(seq), post, field, value == "1", float(updated), float(acked))
            )
        elif kind == "flushed":
            flushed = max(flushed, int(rest.split()[0]))
        else:
            errors.append(line)
    return changes, flushed, errors


class ForkServer:
    """state_child.py forkserver: starts writers in milliseconds and reaps them."""

    def __init__(self, stderr: IO[str]) -> None:
        """Start the server and wait until it is ready."""
        self.stderr = stderr
        self.process = subprocess.Popen(
            [PYTHON, str(HELPER), "forkserver"],
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
    killed_mid_write: int = 0  # a temp file was left behind: the kill hit a write


def check_after_kill(state: Path, required: dict[str, Change], where: str) -> None:
    """The file loads cleanly and holds every required change (or a later one of that post)."""
    posts = json_posts(state)  # raises if the file is not valid JSON
    assert len(posts) == len(set(posts)), f"{where}: duplicate post documents"
    final = stored_posts(state)
    for post, change in required.items():
        assert post in final, f"{where}: {post} is missing; its {change} was acknowledged"
        read, bookmarked, updated = final[post]
        assert updated >= change.updated, f"{where}: {post} lost {change}: file has {final[post]}"
        if updated == change.updated:
            value = read if change.field == "read" else bookmarked
            assert value == change.value, f"{where}: {post} is {final[post]}, not {change}"


def run_lane(lane: int, folder: Path, seed: int) -> LaneReport:
    """Start, kill and check KILLS_PER_LANE writers one after the other on one state file."""
    rng = random.Random(seed)
    state = folder / "state" / "state.json"
    logs = folder / "logs"
    logs.mkdir(parents=True)
    required: dict[str, Change] = {}  # post -> latest change that must be on disk
    report = LaneReport()
    with (folder / "server.err").open("w") as stderr:
        server = ForkServer(stderr)
        try:
            for kill in range(KILLS_PER_LANE):
                mode = "long" if kill % LONG_EVERY == LONG_EVERY - 1 else "short"
                log = logs / f"{kill}.log"
                where = f"lane {lane} seed {seed} kill {kill} ({mode})"
                pid = server.spawn(state, log, mode, rng.randrange(2**32))
                time.sleep(rng.uniform(*(LONG_LIFE if mode == "long" else SHORT_LIFE)))
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
                        known = required.get(change.post)
                        if known is None or change.updated > known.updated:
                            required[change.post] = change
                report.kills += 1
                report.changes += len(changes)
                report.flushes_acked += flushed > 0
                report.killed_mid_write += any(state.parent.glob(".state.json.*.tmp"))
                check_after_kill(state, required, where)
        finally:
            server.close()
    report.required = len(required)
    return report


def test_sigkill_at_random_moments_never_loses_acknowledged_changes(tmp_path: Path) -> None:
    """200 writers killed at random moments, in two lanes of 100 on their own state files.

    After every kill the file is valid JSON, loads without a message, and holds every change
    whose flush was acknowledged and every change acknowledged more than 1 s before the kill
    (or a later change of the same post). Afterwards the next save leaves no temp file.
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

    state = tmp_path / "lane0" / "state" / "state.json"
    store = Store(state, debounce=NEVER)
    assert store.open() == []
    store.set_read("after", True)
    assert store.flush()
    store.close()
    assert sorted(p.name for p in state.parent.iterdir()) == ["state.json", "state.json.lock"]


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
        saved = json.loads(state.read_bytes()) if state.exists() else {}  # from start-up
        assert not any(doc.get("bookmarked") for doc in saved.get("posts", {}).values())
        os.kill(term.process.pid, signum)
    status = term.wait_exit(timeout=10)
    assert status >= 0, f"the reader was killed by signal {-status} instead of exiting"
    store = Store(state, debounce=NEVER)
    assert store.open() == []
    assert store.bookmarked_ids() == {SECOND_ID}
    assert store.get_meta("selected") == SECOND_ID
    store.close()
