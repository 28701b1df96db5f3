"""Starting the app (as every Pilot test does) leaves process-wide settings alone.

The TUI's tuning is set by the `reader` command (cli.run_reader), so a test that runs the
app does not hand a shorter switch interval or frozen objects to the tests after it.
"""

from __future__ import annotations

import gc
import sys

from tests.app.conftest import Starter, article_text, settle


async def test_running_the_app_keeps_the_switch_interval_and_the_collector(
    start: Starter,
) -> None:
    interval, frozen = sys.getswitchinterval(), gc.get_freeze_count()
    async with start() as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert article_text(pilot), "the app ran and showed a post"
        assert sys.getswitchinterval() == interval
        assert gc.get_freeze_count() == frozen
    assert sys.getswitchinterval() == interval
