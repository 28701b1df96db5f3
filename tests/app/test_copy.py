"""Pilot tests: `y` copies with the platform's clipboard tool off the UI thread and says
where the text went; OSC 52 is the honest last resort; a link no browser can open is
offered for copying instead.

The clipboard tool is a fake `xclip` (a script on a PATH of its own) that records its stdin.
"""

from __future__ import annotations

import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

import pytest

import reader.clipboard
from reader.screens.confirm import ConfirmScreen
from tests.app.conftest import notices, settle

URL = "https://example.org/linked"
POST = f"""---
title: Linked post
url: {URL}
---

Read [the first](https://example.org/one).
"""
FAKE_XCLIP = (
    "#!{python}\nimport pathlib, sys\n"
    "pathlib.Path({out!r}).write_bytes(sys.stdin.buffer.read())\n"
)


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A library with one post that has a url and a link."""
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "post.md").write_text(POST)
    return folder


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session with no clipboard tool and no tmux: an empty PATH, no DISPLAY, no TMUX."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "WSL_DISTRO_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    return folder


@pytest.fixture
def xclip(session: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An X session with a (fake) xclip; returns the file that receives what it copies."""
    out = tmp_path / "clipboard"
    tool = session / "xclip"
    tool.write_text(FAKE_XCLIP.format(python=sys.executable, out=str(out)))
    tool.chmod(0o755)
    monkeypatch.setenv("DISPLAY", ":0")
    return out


def record_osc52(pilot: Any) -> list[str]:
    """Record what the app sends to the terminal's clipboard (OSC 52)."""
    sent: list[str] = []
    pilot.app.copy_to_clipboard = sent.append
    return sent


async def test_y_copies_with_the_clipboard_tool_off_the_ui_thread(
    start: Any, linked: Path, xclip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    original = reader.clipboard.copy_text

    def copy_text(text: str, **kwargs: Any) -> reader.clipboard.CopyResult:
        threads.append(threading.current_thread())
        return original(text, **kwargs)

    monkeypatch.setattr(reader.clipboard, "copy_text", copy_text)
    async with start(linked) as pilot:
        sent = record_osc52(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert xclip.read_text() == URL
        assert f"Copied {URL} to the clipboard (xclip)" in notices(pilot)
        assert sent == [], "OSC 52 is not needed when a tool copied"
        assert threads and threads[0] is not threading.main_thread()


async def test_y_without_a_tool_sends_osc_52_and_says_it_may_be_blocked(
    start: Any, linked: Path, session: Path
) -> None:
    async with start(linked) as pilot:
        sent = record_osc52(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert sent == [URL]
        assert (
            f"Sent {URL} to the terminal's clipboard (OSC 52); "
            "the terminal or tmux may block it"
        ) in notices(pilot)
        assert not any(n.startswith("Copied") for n in notices(pilot))


@pytest.mark.parametrize("no_browser", ["returns False", "raises webbrowser.Error"])
async def test_a_link_no_browser_can_open_is_offered_for_copying(
    start: Any, linked: Path, xclip: Path, monkeypatch: pytest.MonkeyPatch, no_browser: str
) -> None:
    def open_nothing(url: str, new: int = 0) -> bool:
        if no_browser == "raises webbrowser.Error":
            raise webbrowser.Error("could not locate runnable browser")
        return False

    monkeypatch.setattr(webbrowser, "open", open_nothing)
    async with start(linked) as pilot:
        await pilot.press("o")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConfirmScreen)
        assert "No web browser could open" in screen.question and URL in screen.question
        assert "Copy the address instead?" in screen.question
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ConfirmScreen)
        assert xclip.read_text() == URL
        assert f"Copied {URL} to the clipboard (xclip)" in notices(pilot)


async def test_declining_the_copy_copies_nothing(
    start: Any, linked: Path, xclip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: False)
    async with start(linked) as pilot:
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("1")  # https://example.org/one
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ConfirmScreen) and "https://example.org/one" in screen.question
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ConfirmScreen)
        assert not xclip.exists()
