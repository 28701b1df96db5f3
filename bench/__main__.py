"""`python -m bench`: generate the libraries, measure the reader beside the floor, report.

    python -m bench [--quick] [--runs N] [--sizes 20,1000,10000,100000] [--out FILE]

Prints one Markdown table and writes it, with the machine and the libraries, to
bench/RESULTS.md (with --quick only when --out is given, so a quick check never
replaces the real results).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import feeds, generate, saves, throughput
from bench.generate import (
    CACHE_DIR,
    LibrarySpec,
    Manifest,
    big_spec,
    ensure,
    read_all,
    size_spec,
)
from bench.measure import (
    BigResult,
    Options,
    Results,
    RunResult,
    Sandbox,
    run_big,
    run_floor,
    run_reader,
    sidebar_width,
)
from bench.report import build_figures, format_table, problems, write_results

DEFAULT_SIZES = (20, 1_000, 10_000, 100_000)
QUICK_SIZES = (20, 1_000)
DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"

Log = Callable[[str], None]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 runs, sizes 20 and 1000 only")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; --quick: 2)")
    parser.add_argument(
        "--sizes", help="library sizes, comma-separated (default 20,1000,10000,100000)"
    )
    parser.add_argument("--presses", type=int, default=5, help="`j` presses per run (default 5)")
    parser.add_argument("--out", type=Path, help=f"the results file (default {DEFAULT_OUT})")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="where libraries are kept")
    parser.add_argument("--no-big", action="store_true", help="skip the 1 MB post")
    parser.add_argument(
        "--no-state", action="store_true", help="skip the state file's saves (1,000-200,000)"
    )
    parser.add_argument(
        "--no-feeds", action="store_true", help="skip the refresh of 200 loopback feeds"
    )
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 2 if args.quick else 5
    if args.sizes:
        args.size_list = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s})
    else:
        args.size_list = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.out is None and not args.quick:
        args.out = DEFAULT_OUT
    if args.runs < 1 or args.presses < 1 or not args.size_list or min(args.size_list) < 2:
        parser.error("--runs and --presses must be 1 or more, sizes 2 or more")
    return args


def prepare(
    specs: list[LibrarySpec], cache: Path, log: Log
) -> list[tuple[Path, Manifest, float | None]]:
    """Make sure every library is in the cache, generating the missing ones at low priority.

    Returns (folder, manifest, seconds it took to generate now, or None if cached).
    """
    missing = [spec for spec in specs if generate.load_manifest(cache, spec) is None]
    times: dict[str, float] = {}
    if missing:
        log(f"generating {', '.join(spec.name for spec in missing)} in {cache} (nice 10)")
        sizes = ",".join(str(spec.count) for spec in missing if not spec.big_words)
        command = [sys.executable, "-m", "bench.generate", "--cache", str(cache), "--sizes", sizes]
        if any(spec.big_words for spec in missing):
            command.append("--big")
        root = Path(__file__).resolve().parent.parent
        out = subprocess.run(
            ["nice", "-n", "10", *command], cwd=root, check=True, capture_output=True, text=True
        ).stdout
        for line in out.splitlines():
            item = json.loads(line)
            if item["generated"]:
                times[item["name"]] = item["seconds"]
    prepared = []
    for spec in specs:
        folder, manifest, made = ensure(spec, cache)  # made: only if the child failed silently
        prepared.append((folder, manifest, times.get(spec.name, 0.0 if made else None)))
        read_all(folder)  # into the OS page cache, so that round 1 is like the others
    return prepared


def search_sizes(sizes: list[int]) -> list[int]:
    """Where the search probe runs: 10,000 and 100,000 posts, else the largest size."""
    chosen = [size for size in sizes if size in (10_000, 100_000)]
    return chosen or [max(sizes)]


def describe(run: RunResult | BigResult) -> str:
    """One run in one line, for the progress log."""
    parts: list[str] = []
    if isinstance(run, RunResult):
        if run.startup is not None:
            parts.append(f"start-up {run.startup * 1000:.0f} ms")
        if run.steps:
            parts.append("steps " + "/".join(f"{s * 1000:.0f}" for s in run.steps) + " ms")
        if run.search_built is not None:
            parts.append("search " + ("built" if run.search_built else "not built"))
    else:
        if run.first_line is not None:
            parts.append(f"first line {run.first_line * 1000:.0f} ms")
        if run.key_waits:
            parts.append(f"longest key wait {max(run.key_waits) * 1000:.0f} ms")
    if run.peak_kb is not None:
        parts.append(f"peak {run.peak_kb / 1024:.0f} MB")
    if run.error:
        parts.append(f"ERROR: {run.error}")
    return ", ".join(parts)


def run_all(
    libraries: list[tuple[int, Path, Manifest]],
    big: tuple[Path, Manifest] | None,
    runs: int,
    options: Options,
    log: Log,
    pycache: Path | None = None,
) -> Results:
    """A warm-up, then rounds of: the floor, each library cold then warm, the 1 MB post.

    The unmeasured warm-up runs of the floor and the reader write their bytecode to
    `pycache`. Interleaving spreads any change in the machine's load over every figure.
    A warm run reuses the cache directory of the last run of its library that got
    through start-up (primed once, unmeasured and with more patience, if there is
    none). After two start-up timeouts, later runs of that library and mode are skipped.
    """
    results = Results(search_sizes=search_sizes([size for size, _, _ in libraries]))
    sandbox = Sandbox(pycache)
    timeouts: Counter[tuple[int, str]] = Counter()
    no_search: set[int] = set()
    caches: dict[int, Path] = {}
    priming_failed: set[int] = set()

    def warm_cache(size: int, folder: Path, manifest: Manifest) -> Path | None:
        """The cache dir of an earlier run that started, priming one if need be."""
        if size not in caches and size not in priming_failed:
            cache = sandbox.fresh("cache")
            patient = replace(options, presses=0, startup_timeout=options.startup_timeout * 2)
            run = run_reader(folder, manifest, cache, patient, sandbox)
            log(f"priming the cache of {size:,} posts (not measured): {describe(run)}")
            if run.startup is None:
                priming_failed.add(size)
            else:
                caches[size] = cache
        return caches.get(size)

    sizes = sorted(size for size, _, _ in libraries)
    try:
        _, folder, manifest = libraries[0]
        log(f"warm-up floor: {describe(run_floor(options, sandbox))}")
        warm_up = run_reader(folder, manifest, sandbox.fresh("cache"), options, sandbox)
        log(f"warm-up reader: {describe(warm_up)}")
        for round_ in range(1, runs + 1):
            floor = run_floor(options, sandbox)
            results.floor.append(floor)
            log(f"round {round_}/{runs} floor: {describe(floor)}")
            for size, folder, manifest in libraries:
                for mode in ("cold", "warm"):
                    if timeouts[size, mode] >= 2:
                        continue
                    cache = sandbox.fresh("cache") if mode == "cold" else None
                    cache = cache or warm_cache(size, folder, manifest)
                    if cache is None:
                        run = RunResult(error="no warm cache: no run of this library started")
                    else:
                        probe = size in results.search_sizes and size not in no_search
                        idle = mode == "warm" and size in (sizes[0], sizes[-1])
                        run = run_reader(folder, manifest, cache, options, sandbox,
                                         search=probe, cold=mode == "cold", idle=idle)  # fmt: skip
                    results.reader.setdefault((size, mode), []).append(run)
                    log(f"round {round_}/{runs} {size:,} posts {mode}: {describe(run)}")
                    if run.startup is None:
                        timeouts[size, mode] += 1
                    elif cache is not None and cache != caches.get(size):
                        if size in caches:
                            shutil.rmtree(caches[size], ignore_errors=True)
                        caches[size] = cache
                    if run.search_built is False:
                        no_search.add(size)
            if big is not None:
                big_run = run_big(big[0], big[1], options, sandbox)
                results.big.append(big_run)
                log(f"round {round_}/{runs} 1 MB post: {describe(big_run)}")
    finally:
        sandbox.close()
    return results


def notes(options: Options, runs: int, total: float, load_start: str) -> list[str]:
    """How the figures were measured, for RESULTS.md."""
    return [
        f"Total run time {total / 60:.1f} min ({runs} runs per figure); load average at the "
        f"start {load_start} (other work on the machine shows up as spread).",
        f"Each program runs in a real pseudo-terminal of {options.columns}×{options.lines} "
        "(TERM=xterm-256color) read by a thread that stamps every chunk with "
        "`time.perf_counter()`; a figure ends at the arrival of the chunk after which the "
        "pyte screen first shows the expected text. Keys are stamped just before writing.",
        "Floor: a bare Textual App of the same version (bench/floor_app.py), one Static; "
        "`j` changes its text. Ratios are to the floor's medians from the same rounds.",
        "Start-up: launch → the newest post's title painted in the sidebar. Cold: fresh "
        "state file and fresh XDG_CACHE/DATA/CONFIG homes. Warm: the XDG_CACHE_HOME of the "
        "last run of the same library that got through start-up (usually the cold run just "
        "before it; if none did, one unmeasured priming run with a 120 s limit). The "
        "libraries' files are read once before the rounds, so they are in the OS page "
        "cache either way. Every run uses `--mark-read-after 60`.",
        "Bytecode: programs run with PYTHONPYCACHEPREFIX=.bench-cache/pycache (and without "
        "PYTHONDONTWRITEBYTECODE), after one unmeasured warm-up run of the floor and of the "
        "reader, as an installed app would; otherwise, in a venv without .pyc files, every "
        "start compiles Textual, Rich and the reader from source (about 1 s more here).",
        f"Next post: once the first post is in the article pane and output has been quiet "
        f"for 0.3 s, `j` → the next title painted in the article pane (right of column "
        f"{sidebar_width(options.columns)}), {options.presses} presses per run, "
        "cold and warm runs together.",
        "1 MB post: the big post is second newest; `j` → its title painted in the article "
        "pane. Meanwhile `b` on a 50 ms beat for 2 s; each press is timed until the header's "
        "`N bookmarked` count flips, and waits for the previous one's answer (toggles would "
        "cancel out otherwise). The figure is each run's longest wait.",
        "Search (probed in cold and warm runs): `/` then `z`, `e`, `n`, each timed until "
        "the sidebar's listing (header `shown/total` or the titles on screen) changes; no "
        "change within 2 s after the first character is reported as not built (then not "
        "probed again). Titles hold rare z-words so that each character narrows the list.",
        "Peak memory: VmHWM of the reader's process from /proc, just before `q`.",
        "State (bench/saves.py): a state file of N posts (each read and half-way through) "
        "in a folder under the home directory; a fresh process opens it, then saves 21 "
        "changes one by one (set_* and flush: one journal append and fsync each), then "
        "folds the journal into the snapshot once (the reader does that in the background).",
        "A step that does not happen in time (start-up 60 s, next post 10 s, 1 MB post "
        "60 s) counts as a timeout: the median includes it as infinitely slow. After two "
        "start-up timeouts of one library and mode, its later runs are skipped.",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (targets missed or not), 2 on bad usage."""
    args = parse_args(argv)
    started = time.perf_counter()
    load_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {text}", file=sys.stderr, flush=True)

    specs = [size_spec(size) for size in args.size_list]
    if not args.no_big:
        specs.append(big_spec())
    prepared = prepare(specs, args.cache, log)
    libraries = [
        (manifest.spec.count, folder, manifest)
        for folder, manifest, _ in prepared
        if not manifest.spec.big_words
    ]
    big = next(((f, m) for f, m, _ in prepared if m.spec.big_words), None)
    options = Options(presses=args.presses)
    results = run_all(libraries, big, args.runs, options, log, args.cache / "pycache")
    if not args.no_state:
        sizes = saves.SIZES[:2] if args.quick else saves.SIZES
        for state in saves.measure_all(sizes):
            results.saves.append(state)
            save = state.median_save
            log(f"state of {state.posts:,} posts: median save "
                f"{'—' if save is None else f'{save * 1000:.1f} ms'}"
                + (f", ERROR: {state.error}" if state.error else ""))  # fmt: skip
    folders = [folder for size, folder, _ in libraries if size == min(args.size_list)]
    folders += [big[0]] if big is not None else []
    log("render throughput: reader.page and Rich's Markdown on the same posts")
    results.throughput = throughput.measure(throughput.documents(folders))
    figures = build_figures(results)
    if not args.no_feeds:
        log("feeds: a refresh of 200 feeds from loopback servers (none due, some, all changed)")
        figures += feeds.report_figures(feeds.feed_refresh_figures())
    table = format_table(figures)
    total = time.perf_counter() - started
    print(table)
    found = problems(results)
    if found:
        print("\nProblems seen:\n" + "\n".join(f"- {p}" for p in found))
    print(f"\nTotal run time {total / 60:.1f} min")
    if args.out is not None:
        run_notes = notes(options, args.runs, total, load_start)
        run_notes += [f"Problem seen: {p}" for p in found]
        generated = [(manifest, seconds) for _, manifest, seconds in prepared]
        write_results(args.out, table, run_notes, generated, figures)
        print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
