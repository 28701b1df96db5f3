"""Pilot tests: ctrl+z (suspend) is a key like the others: in the help and the palette.

Suspending itself needs a real terminal: see tests/e2e/test_suspend.py.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from reader.keys import binding_ids
from reader.screens.help import HelpScreen


async def test_the_help_lists_ctrl_z(start: Any) -> None:
    async with start() as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(pilot.app.screen.table)
        row = next(line for line in console.export_text().splitlines() if "Suspend" in line)
        assert "^z" in row and "fg resumes" in row


async def test_the_palette_offers_suspend_and_the_key_can_be_rebound(start: Any) -> None:
    assert "suspend" in binding_ids()
    async with start() as pilot:
        commands = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Suspend" in commands
