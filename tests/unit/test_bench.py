"""Tests for the benchmark's own code (bench/): generator, driver, figures, one real run each."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

import bench.__main__ as bench_main
from bench import generate
from bench.driver import Driver
from bench.floor_app import floor_line
from bench.generate import LibrarySpec, Manifest, ensure
from bench.measure import (
    Options,
    Results,
    RunResult,
    Sandbox,
    bookmarked_count,
    in_article,
    in_sidebar,
    run_floor,
    run_reader,
    sidebar_listing,
    sidebar_width,
)
from bench.report import Figure, Target, build_figures, format_table, format_value
from reader.library import load_library, read_body

SMALL = LibrarySpec(name="small", count=12, min_words=300, max_words=600, mean_words=400, seed=3)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """Temporary state and XDG directories, removed afterwards."""
    box = Sandbox()
    yield box
    box.close()


# The generator -------------------------------------------------------------------


def test_generated_library_loads_with_the_expected_titles_and_order(tmp_path: Path) -> None:
    folder, manifest, made = ensure(SMALL, tmp_path)
    assert made
    library = load_library(folder)
    assert not library.problems
    assert [post.title for post in library.posts] == manifest.titles
    assert len(manifest.titles) == len(set(manifest.titles)) == 12
    dates = [post.date for post in library.posts]
    assert all(date is not None for date in dates)
    assert len(set(dates)) == 12  # distinct, so newest-first order is fully known
    for post in library.posts:
        assert post.author and post.tags and post.url
        words = len(read_body(post).split())
        assert 300 <= words <= 900  # whole blocks may overshoot the drawn count a little
    assert manifest.total_words >= 12 * 300


def test_generation_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = generate.generate(SMALL, tmp_path / "a")
    again = generate.generate(SMALL, tmp_path / "b")
    other = generate.generate(
        LibrarySpec(name="small", count=12, min_words=300, max_words=600, mean_words=400, seed=4),
        tmp_path / "c",
    )
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.titles == again.titles
    assert other.titles != first.titles


def test_cache_is_reused_until_a_file_goes_missing_or_the_version_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, made = ensure(SMALL, tmp_path)
    assert made
    assert ensure(SMALL, tmp_path)[2] is False
    next(folder.iterdir()).unlink()
    assert ensure(SMALL, tmp_path)[2] is True
    assert ensure(SMALL, tmp_path)[2] is False
    monkeypatch.setattr(generate, "GENERATOR_VERSION", generate.GENERATOR_VERSION + 1)
    assert ensure(SMALL, tmp_path)[2] is True


def test_big_post_is_second_newest(tmp_path: Path) -> None:
    spec = LibrarySpec(name="big", count=4, min_words=300, max_words=400, big_words=20_000)
    folder, manifest, _ = ensure(spec, tmp_path)
    library = load_library(folder)
    assert [post.title for post in library.posts] == manifest.titles
    assert manifest.big_title == manifest.titles[1]
    body = read_body(library.posts[1])
    assert len(body.split()) >= 20_000
    assert body.count("\n## ") + body.count("\n### ") >= 3
    assert "```" in body and "\n- " in body


# Reading the screen ---------------------------------------------------------------


def test_screen_helpers_split_sidebar_and_article() -> None:
    columns = 120
    header = " reader — All 20/20 · 20 unread · 3 bookmarked".ljust(columns)
    assert sidebar_width(columns) == 54  # 45% of the width, as reader.tcss says
    row = ("●  First title 000001".ljust(54) + "  Second title 000002").ljust(columns)
    rows = [header, row, " " * columns]
    assert in_sidebar("First title 000001", columns)(rows)
    assert not in_sidebar("Second title 000002", columns)(rows)
    assert in_article("Second title 000002", columns)(rows)
    assert not in_article("First title 000001", columns)(rows)
    assert bookmarked_count(rows) == 3
    assert sidebar_listing(rows, columns) == ("20/20 ·", frozenset({"000001"}))


def test_driver_times_text_and_gives_up_on_timeout() -> None:
    with Driver(["sh", "-c", "sleep 0.2; echo hello there; sleep 5"], columns=40, lines=5) as d:
        seen = d.wait_until(lambda rows: "hello there" in rows[0], 5)
        assert seen is not None and seen - d.launched > 0.1
        assert d.wait_until(lambda rows: "never" in d.text(), 0.3) is None
        assert d.peak_rss_kb() is not None
        assert not d.quit(keys="", timeout=0.2)  # killed: it would not exit by itself
    with Driver(["sh", "-c", "exit 3"], columns=40, lines=5) as d:
        assert d.wait_until(lambda rows: False, 5) is None  # the pty closed: no waiting


# Figures and the table ------------------------------------------------------------


def test_figure_ratio_and_verdicts() -> None:
    ratio = Figure("a", "time", [1.0, 1.5, 2.0], floor=1.0, target=Target("≤ 1.3×", 1.3, "ratio"))
    assert ratio.median == 1.5 and ratio.ratio == 1.5 and ratio.verdict() == "missed"
    fast = Figure("b", "time", [0.02, 0.03, 0.09], target=Target("≤ 50 ms", 0.05))
    assert fast.verdict() == "met"
    worst = Figure("c", "time", [0.02, 0.03, 0.11], target=Target("≤ 100 ms", 0.1, "max"))
    assert worst.verdict() == "missed"
    timeouts = Figure("d", "time", [0.2], timeouts=2, target=Target("≤ 1 s", 1.0))
    assert timeouts.median is not None and math.isinf(timeouts.median)
    assert timeouts.verdict() == "missed"
    assert Figure("e", "time", status="not built", target=Target("x", 1)).verdict() == (
        "missed (not built)"
    )
    assert Figure("f", "time", [0.5]).verdict() == "—"
    assert format_value(0.0021, "time") == "2.1 ms"
    assert format_value(0.25, "time") == "250 ms"
    assert format_value(12.5, "time") == "12.50 s"
    assert format_value(math.inf, "time") == "timeout"
    assert format_value(120.4, "memory") == "120 MB"


def test_table_from_fixed_runs() -> None:
    results = Results(
        floor=[RunResult(startup=0.4, steps=[0.002, 0.004], peak_kb=32 * 1024)] * 3,
        reader={
            (20, "cold"): [RunResult(startup=0.5, steps=[0.04, 0.06], peak_kb=48 * 1024)] * 3,
            (20, "warm"): [RunResult(startup=0.6, steps=[0.05], peak_kb=48 * 1024)] * 3,
            (100_000, "warm"): [
                RunResult(startup=1.0, peak_kb=300 * 1024),
                RunResult(error="timeout waiting for start-up"),
                RunResult(startup=1.4, peak_kb=500 * 1024, search_built=False),
            ],
        },
        search_sizes=[100_000],
    )
    figures = {figure.name: figure for figure in build_figures(results)}
    cold = figures["Start-up, 20 posts, cold"]
    assert cold.ratio == pytest.approx(1.25) and cold.verdict() == "met"
    warm = figures["Start-up, 20 posts, warm"]
    assert warm.ratio == pytest.approx(1.5) and warm.verdict() == "missed"
    big = figures["Start-up, 100,000 posts, warm"]
    assert big.timeouts == 1 and big.median == pytest.approx(1.4)
    assert big.ratio == pytest.approx(3.5) and big.verdict() == "missed"
    step = figures["Next post (`j` → title in article), 20 posts"]
    assert step.median == pytest.approx(0.05) and step.verdict() == "missed"  # ≤ 20 ms
    search = figures["Search, per character, 100,000 posts"]
    assert search.status == "not built" and search.verdict() == "missed (not built)"
    memory = figures["Peak memory, 100,000 posts, warm"]
    assert memory.median == pytest.approx(400) and memory.verdict() == "missed"  # ≤ 200 MB
    table = format_table(list(figures.values()))
    lines = table.splitlines()
    assert lines[0].startswith("| Figure") and set(lines[1]) <= {"|", "-"}
    assert len({len(line) for line in lines}) == 1  # aligned columns
    row = next(line for line in lines if "Start-up, 20 posts, warm" in line)
    assert "600 ms" in row and "1.50×" in row and "≤ 1.3× floor" in row and "missed" in row
    row = next(line for line in lines if "Start-up, 100,000 posts, warm" in line)
    assert "2 + 1 timeout" in row and "1.00 s – timeout" in row


# The schedule --------------------------------------------------------------------


def test_schedule_primes_a_warm_cache_and_skips_after_two_timeouts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: set[Path] = set()
    calls: list[tuple[str, Path, bool]] = []

    def fake_reader(
        folder: Path,
        manifest: Manifest,
        cache: Path,
        options: Options,
        sandbox: Sandbox,
        *,
        search: bool = False,
        cold: bool = False,
        idle: bool = False,
    ) -> RunResult:
        kind = "prime" if options.presses == 0 else "cold" if cache not in seen else "warm"
        seen.add(cache)
        calls.append((kind, cache, search))
        if kind == "cold":
            return RunResult(error="timeout waiting for start-up")
        return RunResult(startup=0.5, search_built=False if search else None)

    monkeypatch.setattr(bench_main, "run_reader", fake_reader)
    monkeypatch.setattr(bench_main, "run_floor", lambda options, sandbox: RunResult(startup=0.1))
    manifest = Manifest(1, LibrarySpec("x", 2), ["a", "b"], 0, 0)
    results = bench_main.run_all([(2, tmp_path, manifest)], None, 3, Options(), lambda _: None)
    kinds = [kind for kind, _, _ in calls]
    # warm-up, then cold (timeout) + priming + warm, cold (timeout) + warm, warm only
    assert kinds == ["cold", "cold", "prime", "warm", "cold", "warm", "warm"]
    primed = calls[2][1]
    assert all(cache == primed for kind, cache, _ in calls if kind == "warm")
    assert len(results.reader[2, "cold"]) == 2 and len(results.reader[2, "warm"]) == 3
    # the probe runs until a run that started says search is not built, then stops
    probes = [search for kind, _, search in calls[1:] if kind != "prime"]
    assert probes == [True, True, False, False, False]


# One real measurement each ----------------------------------------------------------


def test_floor_start_up_through_the_driver(sandbox: Sandbox) -> None:
    result = run_floor(Options(presses=1), sandbox)
    assert result.error is None, result.screen
    assert result.startup is not None and result.startup > 0
    assert len(result.steps) == 1 and result.steps[0] > 0
    assert floor_line(1) in result.screen
    assert result.peak_kb and result.peak_kb > 0
    assert result.clean_exit


def test_reader_start_up_through_the_driver(tmp_path: Path, sandbox: Sandbox) -> None:
    spec = LibrarySpec(name="twenty", count=20, min_words=300, max_words=500, mean_words=350)
    folder, manifest, _ = ensure(spec, tmp_path)
    result = run_reader(folder, manifest, sandbox.fresh("cache"), Options(presses=1), sandbox)
    assert result.error is None, result.screen
    assert result.startup is not None and result.startup > 0
    assert len(result.steps) == 1 and result.steps[0] > 0
    assert manifest.titles[0] in result.screen and manifest.titles[1] in result.screen
    assert "20/20" in result.screen
    assert result.peak_kb and result.peak_kb > 0
    assert result.clean_exit


def test_throughput_rows_compare_the_page_renderer_with_rich() -> None:
    """Two rows in MB/s; the page's row is met only when its median beats Rich's."""
    from bench.report import format_row, throughput_figures
    from bench.throughput import Throughput, measure

    found = measure(["# Title\n\nSome *text* with a [link](https://example.org).\n"] * 3, 1)
    assert len(found.page) == len(found.rich) == 1 and found.page[0] > 0
    page, rich = throughput_figures(Throughput(1.0, [2.0, 2.2, 2.1], [1.0, 1.1, 0.9]))
    assert format_row(page)[1] == "2.10 MB/s" and format_row(page)[-1] == "met"
    assert format_row(rich)[1] == "1.00 MB/s" and format_row(rich)[-1] == "—"
    slower, _ = throughput_figures(Throughput(1.0, [0.5], [1.0]))
    assert format_row(slower)[-1] == "missed"


def test_cold_ready_and_idle_cpu_rows() -> None:
    results = Results(
        floor=[RunResult(startup=0.2, steps=[0.002], peak_kb=32 * 1024)],
        reader={
            (10_000, "cold"): [RunResult(startup=0.25, ready=0.8), RunResult(startup=0.3)],
            (10_000, "warm"): [RunResult(startup=0.25, idle_cpu=0.004)],
        },
    )
    figures = {figure.name: figure for figure in build_figures(results)}
    ready = figures["Cold start, whole library listed, 10,000 posts"]
    assert ready.samples == [0.8] and ready.timeouts == 1 and ready.verdict() == "missed"
    idle = figures["Idle CPU (10 s alone after the keys), 10,000 posts"]
    assert idle.verdict() == "met"
    row = next(line for line in format_table([idle]).splitlines() if "Idle" in line)
    assert "0.4%" in row and "< 1% of a core" in row
