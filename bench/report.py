"""Turn measurements into figures, a Markdown table with targets, and bench/RESULTS.md."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench.generate import GENERATOR_VERSION, Manifest
from bench.measure import BigResult, Results, RunResult
from bench.saves import SAVE_LIMIT, SaveResult
from bench.throughput import Throughput

INF = math.inf


@dataclass(frozen=True)
class Target:
    """A goal: `on` is "ratio" (median / floor), "median" or "max", at most `limit`; or
    "min", a rate whose median must be above `limit`."""

    text: str
    limit: float
    on: str = "median"


@dataclass
class Figure:
    """One row of the table: samples (seconds or MB), timeouts, the floor, the target."""

    name: str
    kind: str  # "time", "memory", "rate" or "share" (of one core)
    samples: list[float] = field(default_factory=list)
    timeouts: int = 0
    floor: float | None = None
    target: Target | None = None
    status: str | None = None  # e.g. "not built": shown instead of numbers

    @property
    def everything(self) -> list[float]:
        """Samples with each timeout counted as infinitely slow."""
        return sorted(self.samples) + [INF] * self.timeouts

    @property
    def median(self) -> float | None:
        """The median, timeouts included (inf when they are half or more); None if empty."""
        values = self.everything
        return statistics.median(values) if values else None

    @property
    def ratio(self) -> float | None:
        """Median over the floor's median, when both are known and finite."""
        median = self.median
        if median is None or self.floor is None or not self.floor or math.isinf(median):
            return None
        return median / self.floor

    def verdict(self) -> str:
        """Return met, missed (with why, if not measured) or — without a target."""
        if self.target is None:
            return "—"
        if self.status is not None:
            return f"missed ({self.status})"
        values = self.everything
        if not values:
            return "— (no data)"
        target = self.target
        if target.on == "min":  # a rate: the median must reach the limit
            median = self.median
            return "met" if median is not None and median > target.limit else "missed"
        if target.on == "ratio":
            ratio = self.ratio
            value = INF if ratio is None else ratio
        elif target.on == "max":
            value = values[-1]
        else:
            median = self.median
            value = INF if median is None else median
        return "met" if value <= target.limit else "missed"


# Formatting ---------------------------------------------------------------------------


def format_value(value: float | None, kind: str) -> str:
    """A time (given in seconds) as ms or s, or a memory size in MB."""
    if value is None:
        return "—"
    if math.isinf(value):
        return "timeout"
    if kind == "memory":
        return f"{value:.0f} MB"
    if kind == "rate":
        return f"{value:.2f} MB/s"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def format_row(figure: Figure) -> list[str]:
    """The table cells of one figure."""
    if figure.status is not None:
        numbers = [figure.status, "—", "—", "—"]
    else:
        values = figure.everything
        spread = (
            f"{format_value(values[0], figure.kind)} – {format_value(values[-1], figure.kind)}"
            if values
            else "—"
        )
        count = f"{len(figure.samples)}"
        if figure.timeouts:
            count += f" + {figure.timeouts} timeout"
        ratio = figure.ratio
        numbers = [
            format_value(figure.median, figure.kind),
            spread,
            count,
            f"{ratio:.2f}×" if ratio is not None else "—",
        ]
    target = figure.target.text if figure.target else "—"
    return [figure.name, *numbers, target, figure.verdict()]


HEADER = ["Figure", "Median", "Spread (min – max)", "Samples", "× floor", "Target", "Result"]


def format_table(figures: list[Figure]) -> str:
    """All figures as one Markdown table."""
    rows = [HEADER, *(format_row(figure) for figure in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


# From runs to figures -----------------------------------------------------------------

# Issue 16's targets: first paint cold and warm, the whole library on a cold start,
# next post, memory at 100,000 posts, no CPU when idle.
STARTUP_TARGETS = {20: 1.3, 10_000: 1.5, 100_000: 1.5}
READY_LIMITS = {10_000: 1.0, 100_000: 5.0}
SEARCH_TARGETS = {10_000: 0.05, 100_000: 0.25}
NEXT_POST_LIMIT = 0.02
BIG_FIRST_LINE_LIMIT = 0.3
KEY_WAIT_LIMIT = 0.1
MEMORY_LIMITS = {100_000: 200.0}
IDLE_LIMIT = 0.01


def _mb(runs: list[RunResult] | list[BigResult]) -> list[float]:
    """Peak memory samples in MB."""
    return [run.peak_kb / 1024 for run in runs if run.peak_kb is not None]


def _startups(runs: list[RunResult]) -> tuple[list[float], int]:
    """Start-up samples and how many runs never started."""
    samples = [run.startup for run in runs if run.startup is not None]
    return samples, len(runs) - len(samples)


def _steps(runs: list[RunResult]) -> tuple[list[float], int]:
    """Every next-post (or update) sample and the timeouts among them."""
    return [s for run in runs for s in run.steps], sum(run.step_timeouts for run in runs)


def _median(values: list[float]) -> float | None:
    """The median of plain samples, None if there are none."""
    return statistics.median(values) if values else None


def build_figures(results: Results) -> list[Figure]:
    """Every row of the table, in order: floor, sizes, the 1 MB post, search, memory."""
    floor_start, floor_fail = _startups(results.floor)
    floor_steps, floor_step_timeouts = _steps(results.floor)
    floor_mb = _mb(results.floor)
    f_start, f_step, f_mb = _median(floor_start), _median(floor_steps), _median(floor_mb)
    figures = [
        Figure("Floor: start-up (launch → line painted)", "time", floor_start, floor_fail, f_start),
        Figure("Floor: update (`j` → new line painted)", "time", floor_steps,
               floor_step_timeouts, f_step),
        Figure("Floor: peak memory (VmHWM)", "memory", floor_mb, 0, f_mb),
    ]  # fmt: skip
    sizes = sorted({size for size, _ in results.reader})
    for size in sizes:
        for mode in ("cold", "warm"):
            runs = results.reader.get((size, mode), [])
            if not runs:
                continue
            limit = STARTUP_TARGETS.get(size)
            target = Target(f"≤ {limit}× floor", limit, "ratio") if limit else None
            samples, failed = _startups(runs)
            figures.append(
                Figure(f"Start-up, {size:,} posts, {mode}", "time", samples, failed, f_start,
                       target)
            )  # fmt: skip
    for size in sizes:
        runs = results.reader.get((size, "cold"), [])
        if runs:
            ready = [run.ready for run in runs if run.ready is not None]
            seconds = READY_LIMITS.get(size)
            figures.append(
                Figure(f"Cold start, whole library listed, {size:,} posts", "time", ready,
                       sum(1 for run in runs if run.startup is not None and run.ready is None),
                       None, Target(f"≤ {seconds:g} s", seconds) if seconds else None)
            )  # fmt: skip
    for size in sizes:
        runs = results.reader.get((size, "cold"), []) + results.reader.get((size, "warm"), [])
        samples, timeouts = _steps(runs)
        target = Target(f"≤ {NEXT_POST_LIMIT * 1000:.0f} ms", NEXT_POST_LIMIT)
        figures.append(
            Figure(f"Next post (`j` → title in article), {size:,} posts", "time", samples,
                   timeouts, f_step, target)
        )  # fmt: skip
    big = results.big
    if big:
        firsts = [run.first_line for run in big if run.first_line is not None]
        figures.append(
            Figure("1 MB post: `j` → its first line painted", "time", firsts,
                   len(big) - len(firsts), None,
                   Target(f"≤ {BIG_FIRST_LINE_LIMIT * 1000:.0f} ms", BIG_FIRST_LINE_LIMIT))
        )  # fmt: skip
        waits = [max(run.key_waits) for run in big if run.key_waits and not run.key_timeouts]
        figures.append(
            Figure("1 MB post: longest key wait (`b` every 50 ms, 2 s)", "time", waits,
                   len(big) - len(waits), None,
                   Target(f"every key ≤ {KEY_WAIT_LIMIT * 1000:.0f} ms", KEY_WAIT_LIMIT, "max"))
        )  # fmt: skip
    for size in results.search_sizes:
        every = results.reader.get((size, "cold"), []) + results.reader.get((size, "warm"), [])
        runs = [run for run in every if run.search_built is not None]
        limit = SEARCH_TARGETS.get(size)
        target = Target(f"≤ {limit * 1000:.0f} ms/char", limit) if limit else None
        figure = Figure(f"Search, per character, {size:,} posts", "time", target=target)
        if not runs:
            figure.status = "not measured"
        elif not any(run.search_built for run in runs):
            figure.status = "not built"
        else:
            figure.samples = [s for run in runs for s in run.search]
            figure.timeouts = sum(run.search_timeouts for run in runs)
        figures.append(figure)
    for size in sizes:
        for mode in ("cold", "warm"):
            runs = results.reader.get((size, mode), [])
            if not runs:
                continue
            mb_limit = MEMORY_LIMITS.get(size)
            target = Target(f"≤ {mb_limit:.0f} MB", mb_limit) if mb_limit else None
            figures.append(
                Figure(f"Peak memory, {size:,} posts, {mode}", "memory", _mb(runs), 0, f_mb,
                       target)
            )  # fmt: skip
    if big:
        figures.append(Figure("Peak memory, 1 MB post", "memory", _mb(big), 0, f_mb))
    for size in sizes:
        shares = [run.idle_cpu for run in results.reader.get((size, "warm"), [])]
        if any(share is not None for share in shares):
            figures.append(
                Figure(f"Idle CPU (10 s alone after the keys), {size:,} posts", "share",
                       [share for share in shares if share is not None], 0, None,
                       Target(f"< {IDLE_LIMIT * 100:.0f}% of a core", IDLE_LIMIT))
            )  # fmt: skip
    figures += state_figures(results.saves)
    figures += throughput_figures(results.throughput)
    return figures


def throughput_figures(found: Throughput | None) -> list[Figure]:
    """Our page renderer's throughput beside Rich's Markdown (the renderer it replaced)."""
    if found is None:
        return []
    rich = _median(found.rich)
    size = f"{found.megabytes:.1f} MB"
    faster = Target("> Rich's MB/s", rich, "min") if rich else None
    return [
        Figure(f"Render throughput, reader.page ({size}, 80 cols)", "rate", found.page,
               target=faster),
        Figure(f"Render throughput, Rich Markdown ({size}, 80 cols)", "rate", found.rich),
    ]  # fmt: skip


def state_figures(saves: list[SaveResult]) -> list[Figure]:
    """One save (a change appended and fsynced), opening, and folding, per state size."""
    figures: list[Figure] = []
    for result in saves:
        size = f"{result.posts:,} posts"
        limit = Target(f"≤ {SAVE_LIMIT * 1000:.0f} ms", SAVE_LIMIT)
        rows = [
            Figure(f"State: one save, {size}", "time", result.saves, target=limit),
            Figure(f"State: open (start-up), {size}", "time", _one(result.open_seconds)),
            Figure(f"State: fold the journal (background), {size}", "time",
                   _one(result.fold_seconds)),
        ]  # fmt: skip
        for figure in rows:
            if result.error is not None:
                figure.status = "failed"
        figures += rows
    return figures


def _one(value: float | None) -> list[float]:
    """A single sample, if there is one."""
    return [] if value is None else [value]


def problems(results: Results) -> list[str]:
    """Errors and unclean exits seen in the runs, counted."""
    seen: Counter[str] = Counter()
    groups: list[tuple[str, list[RunResult] | list[BigResult]]] = [
        ("floor", results.floor),
        ("1 MB post", results.big),
    ]
    groups += [(f"{size:,} posts {mode}", runs) for (size, mode), runs in results.reader.items()]
    for label, runs in groups:
        for run in runs:
            if run.error:
                seen[f"{label}: {run.error}"] += 1
            if not run.clean_exit:
                seen[f"{label}: did not exit within 5 s of `q` (killed)"] += 1
    return [f"{text} (×{count})" for text, count in seen.items()]


# The machine and RESULTS.md ---------------------------------------------------------


def machine() -> list[str]:
    """Date, uname, CPU, cores, RAM, load, Python and library versions."""
    cpu = "unknown"
    ram = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    root = Path(__file__).resolve().parent.parent
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain", "--", "reader"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: `{uname}`",
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}; load average at the end {load}",
        f"- Python {platform.python_version()}, textual {version('textual')}, "
        f"rich {version('rich')}, pyte {version('pyte')}",
        f"- reader: commit {commit or 'unknown'}, with {len(changed)} uncommitted "
        "change(s) under reader/ when the results were written",
    ]


def generation(libraries: list[tuple[Manifest, float | None]]) -> list[str]:
    """What the libraries hold, and how long each took to generate."""
    lines = [
        f"Generator version {GENERATOR_VERSION}; bodies are headings, paragraphs (with inline "
        "links, code and emphasis), bullet and numbered lists and code fences drawn from "
        "pools of pre-generated blocks; YAML front matter with title, date (all distinct), "
        "author, tags and url; seeded, so the bytes are the same on every machine.",
        "",
        "| Library | Posts | Words per body | Mean words | Mean size | Total | Generated |",
        "|---|---|---|---|---|---|---|",
    ]
    for manifest, seconds in libraries:
        spec = manifest.spec
        words = f"{spec.min_words:,}–{spec.max_words:,} (mean target {spec.mean_words:,})"
        if spec.big_words:
            words = (
                f"second newest: one post of {spec.big_words:,} words "
                f"({manifest.big_bytes / 1e6:.2f} MB, a heading every ~50 blocks); others " + words
            )
        made = f"{seconds:.1f} s this run" if seconds is not None else "cached"
        lines.append(
            f"| {spec.name} | {spec.count:,} | {words} | {manifest.mean_words:,.0f} "
            f"| {manifest.mean_bytes / 1024:.1f} KB | {manifest.total_bytes / 1e6:.1f} MB "
            f"| {made} |"
        )
    return lines


def write_results(
    path: Path,
    table: str,
    notes: list[str],
    libraries: list[tuple[Manifest, float | None]],
    raw: list[Figure],
) -> None:
    """Write RESULTS.md: the table, how it was measured, the machine and the libraries."""
    text = [
        "# reader benchmark results",
        "",
        "Produced by `make bench` (`python -m bench`); do not edit by hand.",
        "",
        table,
        "",
        "## Notes",
        "",
        *(f"- {note}" for note in notes),
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Libraries",
        "",
        *generation(libraries),
        "",
        "## Raw samples (ms, or MB for memory)",
        "",
    ]
    for figure in raw:
        if figure.samples or figure.timeouts:
            scale = 1.0 if figure.kind == "memory" else 1000.0
            values = ", ".join(f"{v * scale:.1f}" for v in figure.samples)
            if figure.timeouts:
                values += f" (+{figure.timeouts} timeout)"
            text.append(f"- {figure.name}: {values}")
    path.write_text("\n".join(text) + "\n")
