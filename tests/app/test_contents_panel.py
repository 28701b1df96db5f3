"""Pilot tests: the contents panel (`t`) at 80 columns, where it is only a dozen
columns wide: a heading that wraps keeps a hanging indent, so it never looks like two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.widgets.contents import Contents
from tests.app.conftest import screen_of, settle
from tests.app.screen_text import screen_lines

POST = """---
title: Overloading
---

# Experimental Function Overloading

Text.

## Experiment Design

Text.

## Limitations

Text.

# Future Work

## Overloading, In The Shiny Future

Text.
"""
BORDER = "▏"  # the panel's left border


def panel_lines(pilot: Any) -> list[str]:
    """The contents panel's side of the screen lines, its padding column left off."""
    return [
        line.rpartition(BORDER)[2][1:].rstrip()
        for line in screen_lines(pilot)[1:-1]
        if BORDER in line and line.rpartition(BORDER)[2].strip()
    ]


async def test_a_wrapped_heading_keeps_a_hanging_indent_at_80_columns(
    start: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "post.md").write_text(POST)
    async with start(folder, size=(80, 24)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        contents = screen_of(pilot).query_one(Contents)
        assert contents.is_open
        lines = panel_lines(pilot)
        assert lines[:5] == [
            "Experimental",
            " Function",
            " Overloading",
            "  Experiment",
            "   Design",
        ], lines
        assert lines[5:] == [
            "  Limitations",
            "Future Work",
            "  Overloading,",
            "   In The",
            "   Shiny",
            "   Future",
        ], lines
        # Only headings start at a level's column; their wrapped lines start one further in.
        starts = {len(line) - len(line.lstrip()) for line in lines}
        assert starts == {0, 1, 2, 3}
        # Wider, the headings are wrapped again to the new width.
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        lines = panel_lines(pilot)
        assert lines[:3] == ["Experimental Function", " Overloading", "  Experiment Design"]
