"""One measured process per run: the floor app, the reader on a library, the 1 MB post.

Each run starts its program in a fresh pseudo-terminal with a fresh state file and
fresh XDG directories (a warm run reuses the cache directory of an earlier run of
the same library), measures, reads the peak memory, types `q` and kills the program
if it has not exited 5 s later. A step that does not happen in time is recorded as
a timeout; nothing here raises because the program under test misbehaved.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.driver import Driver, Predicate
from bench.floor_app import floor_line
from bench.generate import SEARCH_QUERY, Manifest
from bench.saves import SaveResult
from bench.throughput import Throughput

FLOOR_SCRIPT = Path(__file__).resolve().parent / "floor_app.py"
_BOOKMARKED_RE = re.compile(r"· (\d+) bookmarked")
_SHOWN_RE = re.compile(r"(\d+)/(\d+) ·")
_NUMBER_RE = re.compile(r"\b\d{6}\b")


@dataclass
class Options:
    """How to run: programs, terminal size, presses per run and timeouts (seconds)."""

    python: str = sys.executable
    reader: str = str(Path(sys.executable).parent / "reader")
    columns: int = 120
    lines: int = 40
    presses: int = 5
    startup_timeout: float = 60.0
    settle_timeout: float = 30.0
    step_timeout: float = 10.0
    big_timeout: float = 60.0
    key_period: float = 0.05
    key_span: float = 2.0
    search_wait: float = 2.0
    idle_span: float = 10.0


@dataclass
class RunResult:
    """What one run of the floor or the reader measured (times in seconds)."""

    startup: float | None = None
    steps: list[float] = field(default_factory=list)
    step_timeouts: int = 0
    peak_kb: int | None = None
    error: str | None = None
    clean_exit: bool = True
    search_built: bool | None = None  # None: not probed
    search: list[float] = field(default_factory=list)
    search_timeouts: int = 0
    ready: float | None = None  # cold start: launch -> every title listed (header count)
    idle_cpu: float | None = None  # CPU share used while left alone for IDLE_SPAN seconds
    screen: str = ""  # the last screen, for tests and error reports


@dataclass
class BigResult:
    """The 1 MB post: key to its first line, and every `b` press's wait for an answer."""

    first_line: float | None = None
    key_waits: list[float] = field(default_factory=list)
    key_timeouts: int = 0
    peak_kb: int | None = None
    error: str | None = None
    clean_exit: bool = True


@dataclass
class Results:
    """Every run of a benchmark: the floor, the reader per (size, "cold"/"warm"), 1 MB post."""

    floor: list[RunResult] = field(default_factory=list)
    reader: dict[tuple[int, str], list[RunResult]] = field(default_factory=dict)
    big: list[BigResult] = field(default_factory=list)
    search_sizes: list[int] = field(default_factory=list)
    saves: list[SaveResult] = field(default_factory=list)
    throughput: Throughput | None = None


# Where things are on the reader's screen ------------------------------------------


def sidebar_width(columns: int) -> int:
    """Columns the sidebar takes, its right border included (45%, 24 to 64: reader.tcss)."""
    return min(64, max(24, int(columns * 0.45)))


def in_sidebar(text: str, columns: int) -> Predicate:
    """True when `text` shows in the sidebar (left) column of some row."""
    cut = sidebar_width(columns)
    return lambda rows: any(text in row[:cut] for row in rows[1:-1])


def in_article(text: str, columns: int) -> Predicate:
    """True when `text` shows in the article (right) column of some row."""
    cut = sidebar_width(columns)
    return lambda rows: any(text in row[cut:] for row in rows[1:-1])


def library_ready(count: int) -> Predicate:
    """True when the header counts every post (`/N ·`) and no longer says `reading`."""
    needle = f"/{count} ·"
    return lambda rows: bool(rows) and needle in rows[0] and "reading" not in rows[0]


def measure_idle(driver: Driver, span: float) -> float | None:
    """The share of one core the program uses over `span` seconds of no input."""
    driver.wait_quiet(1.0, 10)
    before, start = driver.cpu_seconds(), time.perf_counter()
    time.sleep(span)
    after, end = driver.cpu_seconds(), time.perf_counter()
    if before is None or after is None:
        return None
    return (after - before) / (end - start)


def on_screen(text: str) -> Predicate:
    """True when `text` shows anywhere."""
    return lambda rows: any(text in row for row in rows)


def bookmarked_count(rows: list[str]) -> int | None:
    """The header's `· N bookmarked` count, if shown."""
    match = _BOOKMARKED_RE.search(rows[0]) if rows else None
    return int(match[1]) if match else None


def sidebar_listing(rows: list[str], columns: int) -> tuple[str, frozenset[str]]:
    """What the sidebar lists: the header's `shown/total` and the post numbers on screen."""
    cut = sidebar_width(columns)
    shown = _SHOWN_RE.search(rows[0]) if rows else None
    numbers = frozenset(n for row in rows[1:-1] for n in _NUMBER_RE.findall(row[:cut]))
    return (shown[0] if shown else "", numbers)


# Sandboxes -------------------------------------------------------------------------


class Sandbox:
    """A temporary root for state files and XDG directories, removed by `close`.

    With `pycache`, programs keep their bytecode there (PYTHONPYCACHEPREFIX, and
    PYTHONDONTWRITEBYTECODE unset), so start-up does not compile Textual, Rich and
    the reader from source every time, as it would in a venv without .pyc files.
    """

    def __init__(self, pycache: Path | None = None) -> None:
        """Create the root."""
        self.root = Path(tempfile.mkdtemp(prefix="reader-bench-"))
        self.pycache = pycache
        self._count = 0

    def fresh(self, name: str) -> Path:
        """A new empty directory."""
        self._count += 1
        path = self.root / f"{name}-{self._count}"
        path.mkdir()
        return path

    def env(self, cache_home: Path) -> dict[str, str]:
        """Fresh data, config and state homes; the given cache home; the bytecode cache."""
        base = self.fresh("home")
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = str(cache_home)
        for name in ("DATA", "CONFIG", "STATE"):
            env[f"XDG_{name}_HOME"] = str(base / name.lower())
        if self.pycache is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env

    def close(self) -> None:
        """Remove everything."""
        shutil.rmtree(self.root, ignore_errors=True)


# Runs ------------------------------------------------------------------------------


def run_floor(options: Options, sandbox: Sandbox) -> RunResult:
    """Start the floor app, time its line, then `presses` updates on `j`."""
    result = RunResult()
    env = sandbox.env(sandbox.fresh("cache"))
    driver = Driver(
        [options.python, str(FLOOR_SCRIPT)], env=env, columns=options.columns, lines=options.lines
    )
    try:
        shown = driver.wait_until(on_screen(floor_line(0)), options.startup_timeout)
        if shown is None:
            result.error = _why(driver, "start-up")
            return result
        result.startup = shown - driver.launched
        driver.wait_quiet(0.3, 5)
        _presses(driver, options, result, [on_screen(floor_line(i)) for i in range(1, 99)])
        result.peak_kb = driver.peak_rss_kb()
    finally:
        result.screen = driver.text()
        result.clean_exit = driver.quit()
    return result


def run_reader(
    folder: Path,
    manifest: Manifest,
    cache_home: Path,
    options: Options,
    sandbox: Sandbox,
    *,
    search: bool = False,
    cold: bool = False,
    idle: bool = False,
) -> RunResult:
    """Start the reader on a library: start-up, `presses` next posts, search probe, memory.

    `cold`: also the time until the whole library is listed; `idle`: also the CPU
    used while the reader is left alone for `options.idle_span` seconds.
    """
    result = RunResult()
    titles = manifest.titles
    driver = _start_reader(folder, cache_home, options, sandbox)
    try:
        shown = driver.wait_until(in_sidebar(titles[0], options.columns), options.startup_timeout)
        if shown is None:
            result.error = _why(driver, "start-up")
            return result
        result.startup = shown - driver.launched
        if cold:  # the first screenful is up: now the whole library, sorted
            done = driver.wait_until(library_ready(manifest.spec.count), options.startup_timeout)
            result.ready = None if done is None else done - driver.launched
        settled = driver.wait_until(in_article(titles[0], options.columns), options.settle_timeout)
        if settled is None:
            result.error = _why(driver, "first post in the article pane")
            return result
        driver.wait_quiet(0.3, 5)
        targets = [in_article(title, options.columns) for title in titles[1:]]
        _presses(driver, options, result, targets)
        if search:
            probe_search(driver, options, result)
        if idle:
            result.idle_cpu = measure_idle(driver, options.idle_span)
        result.peak_kb = driver.peak_rss_kb()
    finally:
        result.screen = driver.text()
        result.clean_exit = driver.quit()
    return result


def run_big(folder: Path, manifest: Manifest, options: Options, sandbox: Sandbox) -> BigResult:
    """`j` onto the 1 MB post: time to its title, and `b` answered every 50 ms meanwhile."""
    result = BigResult()
    big_title = manifest.big_title or manifest.titles[1]
    driver = _start_reader(folder, sandbox.fresh("cache"), options, sandbox)
    try:
        first = manifest.titles[0]
        if driver.wait_until(in_sidebar(first, options.columns), options.startup_timeout) is None:
            result.error = _why(driver, "start-up")
            return result
        if driver.wait_until(in_article(first, options.columns), options.settle_timeout) is None:
            result.error = _why(driver, "first post in the article pane")
            return result
        driver.wait_quiet(0.3, 5)
        title_seen = in_article(big_title, options.columns)
        seen_at: list[float] = []

        def watch(rows: list[str]) -> bool:
            """Note when the big post's title first shows; True once it has."""
            if not seen_at and title_seen(rows):
                seen_at.append(driver.last_chunk_at)
            return bool(seen_at)

        pressed = driver.send("j")
        _answer_keys(driver, options, result, pressed, watch)
        if not seen_at:
            left = options.big_timeout - (time.perf_counter() - pressed)
            if driver.wait_until(watch, left) is None:
                result.error = _why(driver, "the 1 MB post's title")
        if seen_at:
            result.first_line = seen_at[0] - pressed
        result.peak_kb = driver.peak_rss_kb()
    finally:
        result.clean_exit = driver.quit()
    return result


def _answer_keys(
    driver: Driver,
    options: Options,
    result: BigResult,
    start: float,
    watch: Predicate,
) -> None:
    """Press `b` on a 50 ms beat for ~2 s; time each press until the header's count flips.

    A press waits for the previous one to be answered (toggles would cancel out
    otherwise), so a stall shows up as one long wait, never as a lost press.
    """
    expected = 0
    slot = 1
    while True:
        due = start + slot * options.key_period
        if due - start > options.key_span:
            return
        now = time.perf_counter()
        if due > now:
            driver.wait_until(lambda rows: watch(rows) and False, due - now)
        expected ^= 1
        pressed = driver.send("b")

        def answered(rows: list[str], want: int = expected) -> bool:
            """Keep watching for the title; True once the count shows the press."""
            watch(rows)
            return bookmarked_count(rows) == want

        got = driver.wait_until(answered, options.step_timeout)
        if got is None:
            result.key_timeouts += 1
            return
        result.key_waits.append(got - pressed)
        slot = max(slot + 1, math.ceil((time.perf_counter() - start) / options.key_period))


def _presses(driver: Driver, options: Options, result: RunResult, targets: list[Predicate]) -> None:
    """Press `j` up to `presses` times; time each until its target shows."""
    for target in targets[: options.presses]:
        pressed = driver.send("j")
        got = driver.wait_until(target, options.step_timeout)
        if got is None:
            result.step_timeouts += 1
            return
        result.steps.append(got - pressed)
        driver.wait_quiet(0.15, 3)


def probe_search(driver: Driver, options: Options, result: RunResult) -> None:
    """Type `/` then SEARCH_QUERY; time each character until the sidebar's listing changes.

    No change within `search_wait` after the first character means search is not built;
    after a later one it is a timeout, and its late answer is awaited (`step_timeout`)
    before the next character, so that it is not timed as the next character's.
    """
    columns = options.columns
    driver.send("/")
    driver.wait_quiet(0.3, 2)
    for index, char in enumerate(SEARCH_QUERY):
        before = sidebar_listing(driver.rows, columns)
        pressed = driver.send(char)

        def changed(rows: list[str], before: tuple[str, frozenset[str]] = before) -> bool:
            """True once the listing differs from before the character."""
            return sidebar_listing(rows, columns) != before

        got = driver.wait_until(changed, options.search_wait)
        if got is None:
            if index == 0:
                result.search_built = False
                break
            result.search_timeouts += 1
            # Let a late answer arrive now, or it would be timed as the next character's.
            driver.wait_until(changed, options.step_timeout)
        else:
            result.search_built = True
            result.search.append(got - pressed)
        driver.wait_quiet(0.15, 3)
    driver.send("\x1b")
    driver.wait_quiet(0.3, 2)


def _start_reader(folder: Path, cache_home: Path, options: Options, sandbox: Sandbox) -> Driver:
    """The reader on `folder` with a fresh state file, fresh XDG dirs and `cache_home`."""
    state = sandbox.fresh("state") / "state.json"
    argv = [options.reader, str(folder), "--state", str(state), "--mark-read-after", "60"]
    return Driver(argv, env=sandbox.env(cache_home), columns=options.columns, lines=options.lines)


def _why(driver: Driver, what: str) -> str:
    """Timeout or early exit, in one line."""
    status = driver.process.poll()
    if status is not None:
        return f"exited with status {status} before {what}"
    return f"timeout waiting for {what}"
