"""The feeds bench helper runs its four refreshes against loopback hosts."""

from __future__ import annotations

from bench.feeds import feed_refresh_figures


def test_feed_refresh_figures_small() -> None:
    figures = feed_refresh_figures(feeds=6, hosts=2, entries=3, changed=2)
    assert [(figure.fetched, figure.summary) for figure in figures] == [
        (6, "6 feeds: 18 new posts"),
        (0, "no feeds are due"),
        (6, "6 feeds: 2 new posts, 4 not modified"),
        (6, "6 feeds: 6 new posts"),
    ]
    assert all(figure.seconds >= 0 for figure in figures)


def test_the_refreshes_are_rows_of_the_bench_report() -> None:
    from bench.feeds import RefreshFigure, report_figures
    from bench.report import format_table

    rows = report_figures([RefreshFigure("none due", 0.004, 0, "no feeds are due")])
    assert rows[0].name == "Refresh: none due (0 requests)" and rows[0].samples == [0.004]
    assert "Refresh: none due (0 requests)" in format_table(rows)
