"""SVG snapshots of the main views at 120x40 and 80x24 (see conftest.py; `make snapshots`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from reader.app import ReaderApp
from tests.app.conftest import article_text, current_title, sidebar
from tests.snapshots.conftest import NARROW, WIDE, SnapCompare, steps

Make = Callable[..., ReaderApp]


def test_start_wide(snap_compare: SnapCompare, reader_app: Make) -> None:
    """The sidebar and the newest post, dark default theme, 120x40."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=steps())


def test_start_narrow(snap_compare: SnapCompare, reader_app: Make) -> None:
    """The sidebar and the newest post, dark default theme, 80x24."""
    assert snap_compare(reader_app(), terminal_size=NARROW, run_before=steps())


def test_light_theme(snap_compare: SnapCompare, reader_app: Make) -> None:
    """The start screen in textual-light."""
    app = reader_app(theme="textual-light")
    assert snap_compare(app, terminal_size=WIDE, run_before=steps())


def test_sixteen_colours(snap_compare: SnapCompare, reader_app: Make) -> None:
    """The start screen as a 16-colour terminal (TERM=xterm) shows it."""
    app = reader_app(sixteen=True)
    assert snap_compare(app, terminal_size=NARROW, run_before=steps())


def test_help_screen(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`?`: every key, the search operators and the sidebar markers."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=steps("question_mark"))


def test_search_with_results(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`/plain`: two hits (title match first), the first one shown with the words lit."""

    def first_hit_shown(pilot: Pilot[Any]) -> bool:
        return len(sidebar(pilot).rows) == 2 and article_text(pilot).startswith(
            current_title(pilot)
        )

    run = steps("slash", *"plain", ready=first_hit_shown, what="the first hit shown")
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=run)


def test_empty_view(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`M` `y` then `v`: every post read, so the Unread view says No unread posts."""

    def empty(pilot: Pilot[Any]) -> bool:
        return not sidebar(pilot).rows

    run = steps("M", "y", "v", ready=empty, what="the empty Unread view")
    assert snap_compare(reader_app(), terminal_size=NARROW, run_before=run)


def test_links_screen(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`f`: the post's links, numbered."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=steps("f"))


def test_contents_panel(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`t`: the post's headings, indented by level."""
    assert snap_compare(reader_app(), terminal_size=WIDE, run_before=steps("t"))


def test_find_bar_with_matches(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`ctrl+f` `terminal`: the matches lit in the article, the find bar open."""
    run = steps("ctrl+f", *"terminal")
    assert snap_compare(reader_app(), terminal_size=NARROW, run_before=run)


def test_help_screen_narrow(snap_compare: SnapCompare, reader_app: Make) -> None:
    """`?` at 80x24: the help scrolls inside the screen."""
    assert snap_compare(reader_app(), terminal_size=NARROW, run_before=steps("question_mark"))
