"""reader.clipboard: the right tool for the platform, run as argv with the text on stdin,
and the next one when a tool is missing, fails or hangs.

The tools are fakes: small Python scripts in a temporary directory that is the whole PATH.
Each records its argv and the bytes it got on stdin.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from reader.clipboard import CLIPBOARD, TMUX_BUFFER, clipboard_tools, copy_text

FAKE_TOOL = """#!{python}
import json, pathlib, sys
argv = sys.argv[1:]
data = sys.stdin.buffer.read()
pathlib.Path({record!r}).write_text(json.dumps({{"argv": argv, "stdin": data.hex()}}))
{behaviour}
"""
BEHAVIOURS = {
    "works": "",
    "fails": "sys.exit(1)",
    "hangs": "import time; time.sleep(60)",
    "refuses -w": "sys.exit(1 if '-w' in argv else 0)",
}


class Tools:
    """Fake clipboard tools in a directory, and what each was given."""

    def __init__(self, folder: Path) -> None:
        self.bin = folder / "bin"
        self.bin.mkdir()
        self.records = folder / "records"
        self.records.mkdir()

    def add(self, name: str, behaviour: str = "works") -> None:
        script = self.bin / name
        script.write_text(
            FAKE_TOOL.format(
                python=sys.executable,
                record=str(self.records / name),
                behaviour=BEHAVIOURS[behaviour],
            )
        )
        script.chmod(0o755)

    def given(self, name: str) -> tuple[list[str], bytes] | None:
        """(argv after the name, stdin bytes) of the tool's last run, or None if not run."""
        path = self.records / name
        if not path.exists():
            return None
        record = json.loads(path.read_text())
        return record["argv"], bytes.fromhex(record["stdin"])

    def env(self, **variables: str) -> dict[str, str]:
        return {"PATH": str(self.bin), **variables}


@pytest.fixture
def tools(tmp_path: Path) -> Tools:
    return Tools(tmp_path)


def names(env: dict[str, str], platform: str) -> list[tuple[str, ...]]:
    return [tool.argv for tool in clipboard_tools(env, platform)]


def test_the_tools_tried_depend_on_platform_and_session() -> None:
    assert names({}, "darwin") == [("pbcopy",)]
    assert names({}, "win32") == [("clip.exe",)]
    assert names({}, "linux") == []
    assert names({"DISPLAY": ":0"}, "linux") == [
        ("xclip", "-selection", "clipboard"),
        ("xsel", "--clipboard", "--input"),
    ]
    assert names({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux")[0] == ("wl-copy",)
    assert names({"WSL_DISTRO_NAME": "Ubuntu"}, "linux") == [("clip.exe",)]
    assert names({"TMUX": "/tmp/tmux-1/default,1,0"}, "linux") == [
        ("tmux", "load-buffer", "-w", "-"),
        ("tmux", "load-buffer", "-"),
    ]
    assert names({"TMUX": "x", "DISPLAY": ":0"}, "linux")[-2][0] == "tmux", "tmux comes last"
    assert names({"TMUX": "x"}, "darwin")[0] == ("pbcopy",)


def test_xclip_gets_the_text_on_stdin_as_argv_never_through_a_shell(tools: Tools) -> None:
    tools.add("xclip")
    tools.add("xsel")
    text = "https://example.org/a?b=1&c=$(touch pwned)`id`;rm -rf ~ — Crème"
    result = copy_text(text, env=tools.env(DISPLAY=":0"), platform="linux")
    assert result.tool is not None and result.tool.name == "xclip"
    assert result.tool.target == CLIPBOARD
    assert tools.given("xclip") == (["-selection", "clipboard"], text.encode())
    assert tools.given("xsel") is None, "the first tool that works is the only one run"
    assert not (Path.cwd() / "pwned").exists()


def test_a_failing_tool_falls_back_to_the_next(tools: Tools) -> None:
    tools.add("wl-copy", "fails")
    tools.add("xsel")  # xclip is not installed: skipped, not a failure
    result = copy_text("hello", env=tools.env(WAYLAND_DISPLAY="w", DISPLAY=":0"), platform="linux")
    assert result.tool is not None and result.tool.name == "xsel"
    assert result.failures == ("wl-copy failed (exit status 1)",)
    assert tools.given("xsel") == (["--clipboard", "--input"], b"hello")


def test_a_hanging_tool_is_given_up_after_the_timeout(tools: Tools) -> None:
    tools.add("xclip", "hangs")
    tools.add("xsel")
    started = time.monotonic()
    result = copy_text("hello", env=tools.env(DISPLAY=":0"), platform="linux", timeout=0.5)
    assert time.monotonic() - started < 30, "the hanging tool was waited for"
    assert result.tool is not None and result.tool.name == "xsel"
    assert result.failures == ("xclip no answer in 0.5 s",)


def test_no_tool_at_all_leaves_the_caller_to_osc_52(tools: Tools) -> None:
    result = copy_text("hello", env=tools.env(DISPLAY=":0", TMUX="x"), platform="linux")
    assert result.tool is None and result.failures == ()
    tools.add("xclip", "fails")
    result = copy_text("hello", env=tools.env(DISPLAY=":0"), platform="linux")
    assert result.tool is None and result.failures == ("xclip failed (exit status 1)",)


def test_inside_tmux_the_text_goes_to_tmuxs_buffer_even_with_an_old_tmux(tools: Tools) -> None:
    tools.add("tmux", "refuses -w")
    result = copy_text("hello", env=tools.env(TMUX="/tmp/tmux-1/default,1,0"), platform="linux")
    assert result.tool is not None and result.tool.target == TMUX_BUFFER
    assert tools.given("tmux") == (["load-buffer", "-"], b"hello")


def test_pbcopy_on_macos_and_clip_exe_on_windows_get_their_encodings(tools: Tools) -> None:
    tools.add("pbcopy")
    tools.add("clip.exe")
    assert copy_text("Crème", env=tools.env(), platform="darwin").tool is not None
    assert tools.given("pbcopy") == ([], "Crème".encode())
    assert copy_text("Crème", env=tools.env(), platform="win32").tool is not None
    assert tools.given("clip.exe") == ([], "Crème".encode("utf-16"))
