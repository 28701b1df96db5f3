"""SVG snapshots of the main views (pytest-textual-snapshot), on a small fixed library.

Each test starts the reader on tests/data/snapshots with a fresh state file (the
autouse fixture in tests/conftest.py gives it fresh user and cache folders), does what
a user would, waits (with a deadline) until the screen is settled, and compares the
screen with the SVG in `__snapshots__/`. Regenerate them all, after a change of look
that is meant, with `make snapshots`; the report of a mismatch is written to
snapshot_report.html.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from rich.color import Color, ColorSystem
from rich.terminal_theme import SVG_EXPORT_THEME
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import Input

from reader.app import ReaderApp
from reader.store import Store
from tests.app.conftest import article, settle

LIBRARY = Path(__file__).resolve().parents[1] / "data" / "snapshots"
WIDE = (120, 40)
NARROW = (80, 24)
WAIT_DEADLINE = 20.0  # seconds: what a settled screen may take on a loaded machine

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
_HEX_RE = re.compile(r"#[0-9a-fA-F]{6}\b")


class SnapCompare(Protocol):
    """The snap_compare fixture of pytest-textual-snapshot."""

    def __call__(
        self,
        app: ReaderApp,
        press: tuple[str, ...] = (),
        terminal_size: tuple[int, int] = (80, 24),
        run_before: RunBefore | None = None,
    ) -> bool:
        """Whether a screenshot of app matches the stored snapshot."""


def as_16_colours(svg: str) -> str:
    """The screenshot as a 16-colour terminal (TERM=xterm) shows it.

    Textual draws in true colour and Rich reduces each colour to the nearest of the 16
    standard ones as it writes to such a terminal (Color.downgrade); a screenshot is
    always exported in true colour, so the same reduction is applied to its colours
    here, each then drawn in the SVG export theme's palette.
    """

    def reduce(match: re.Match[str]) -> str:
        """One #rrggbb colour, reduced to the standard palette."""
        colour = Color.parse(match[0]).downgrade(ColorSystem.STANDARD)
        return colour.get_truecolor(SVG_EXPORT_THEME).hex

    return _HEX_RE.sub(reduce, svg)


class SixteenColourReader(ReaderApp):
    """The reader, its screenshots reduced to 16 colours."""

    # A relative CSS_PATH is found beside the module defining the class: point at the app's.
    CSS_PATH = Path(inspect.getfile(ReaderApp)).with_name("reader.tcss")

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """The screenshot as TERM=xterm shows it."""
        return as_16_colours(super().export_screenshot(title=title, simplify=simplify))


@pytest.fixture
def reader_app(tmp_path: Path) -> Iterator[Callable[..., ReaderApp]]:
    """Make the reader on the snapshot library: `reader_app(theme=..., sixteen=True)`."""
    stores: list[Store] = []

    def make(*, theme: str | None = None, sixteen: bool = False) -> ReaderApp:
        store = Store(tmp_path / f"state-{len(stores)}.json", debounce=0.01)
        store.open()
        stores.append(store)
        kind = SixteenColourReader if sixteen else ReaderApp
        # A long read-after time: nothing is marked read while the screenshot is taken.
        return kind(LIBRARY, store, mark_read_after=600.0, theme=theme)

    yield make
    for store in stores:
        store.close()


async def wait_until(pilot: Pilot[Any], ready: Callable[[], bool], what: str) -> None:
    """Let the app run until ready() holds; fail after WAIT_DEADLINE seconds."""
    deadline = time.monotonic() + WAIT_DEADLINE
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"the screen never got ready: {what}")
        await pilot.pause(0.02)
        await settle(pilot)


def steps(
    *keys: str, ready: Callable[[Pilot[Any]], bool] | None = None, what: str = ""
) -> RunBefore:
    """What to do before the screenshot: wait for the library, press keys, settle.

    Notices (their toasts time out) are cleared and text boxes stop blinking their
    cursor, so the screenshot does not depend on the clock.
    """

    async def run(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: bool(_article_lines(pilot)), "the first post shown")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if ready is not None:
            await wait_until(pilot, lambda: ready(pilot), what)
        pilot.app.clear_notifications()
        for screen in pilot.app.screen_stack:
            for box in screen.query(Input):
                box.cursor_blink = False
        await settle(pilot)

    return run


def _article_lines(pilot: Pilot[Any]) -> list[str]:
    """The article's lines (empty until a post is shown)."""
    try:
        return article(pilot).plain_lines()
    except (AssertionError, NoMatches):  # the main screen is not up yet
        return []
