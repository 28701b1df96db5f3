"""Copy text with the platform's clipboard tool (UI-free: never imports textual).

The tools, best first:

- macOS: `pbcopy`; Windows: `clip.exe`;
- Linux and the BSDs: `wl-copy` when WAYLAND_DISPLAY is set, then `xclip -selection
  clipboard` and `xsel --clipboard --input` when DISPLAY is set; under WSL also `clip.exe`
  (the Windows clipboard);
- inside tmux (TMUX is set), after those: `tmux load-buffer -w -`, which puts the text in
  tmux's paste buffer and has tmux pass it on to the terminal's clipboard when it can
  (tmux 3.2 and later; older ones get `tmux load-buffer -`).

A tool is run as an argument list, never through a shell, with the text on its stdin, in a
session of its own with stdout and stderr on /dev/null (xclip, xsel and wl-copy leave a
process behind that keeps the selection; it must neither hold a pipe of ours open nor get
our terminal's signals), and with a timeout. A tool that is missing is skipped; one that
fails or hangs is noted and the next is tried. When none copies, the caller is left with
OSC 52, the terminal's own clipboard sequence, which terminals and tmux may block.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

TIMEOUT = 2.0  # seconds one tool may take
CLIPBOARD = "the clipboard"
TMUX_BUFFER = "tmux's paste buffer"


@dataclass(frozen=True, slots=True)
class Tool:
    """A clipboard tool: its name for the user, its argv, where the text goes."""

    name: str
    argv: tuple[str, ...]
    target: str = CLIPBOARD
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class CopyResult:
    """How a copy went: the tool that copied the text (None: none could), and the failures."""

    tool: Tool | None
    failures: tuple[str, ...] = ()


def clipboard_tools(env: Mapping[str, str], platform: str) -> list[Tool]:
    """The tools to try for this platform and session, best first (installed or not)."""
    windows_clip = Tool("clip.exe", ("clip.exe",), encoding="utf-16")  # UTF-16 with a BOM
    tools: list[Tool] = []
    if platform == "darwin":
        tools.append(Tool("pbcopy", ("pbcopy",)))
    elif platform in ("win32", "cygwin"):
        tools.append(windows_clip)
    else:
        if env.get("WAYLAND_DISPLAY"):
            tools.append(Tool("wl-copy", ("wl-copy",)))
        if env.get("DISPLAY"):
            tools.append(Tool("xclip", ("xclip", "-selection", "clipboard")))
            tools.append(Tool("xsel", ("xsel", "--clipboard", "--input")))
        if env.get("WSL_DISTRO_NAME"):
            tools.append(windows_clip)
    if env.get("TMUX"):
        tools.append(Tool("tmux", ("tmux", "load-buffer", "-w", "-"), target=TMUX_BUFFER))
        tools.append(Tool("tmux", ("tmux", "load-buffer", "-"), target=TMUX_BUFFER))
    return tools


def run_tool(tool: Tool, text: str, env: Mapping[str, str], timeout: float) -> str | None:
    """Give `text` to one tool; None when it copied, else why not (one line)."""
    executable = shutil.which(tool.argv[0], path=env.get("PATH", os.defpath))
    if executable is None:
        return "not installed"
    try:
        completed = subprocess.run(
            [executable, *tool.argv[1:]],
            input=text.encode(tool.encoding, errors="replace"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            timeout=timeout,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return f"no answer in {timeout:g} s"
    except OSError as error:
        return error.strerror or str(error)
    return None if completed.returncode == 0 else f"failed (exit status {completed.returncode})"


def copy_text(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    timeout: float = TIMEOUT,
) -> CopyResult:
    """Copy `text` with the first tool that works; blocks (run it in a worker thread)."""
    env = os.environ if env is None else env
    failures: list[str] = []
    for tool in clipboard_tools(env, sys.platform if platform is None else platform):
        problem = run_tool(tool, text, env, timeout)
        if problem is None:
            return CopyResult(tool, tuple(failures))
        if problem != "not installed":
            failures.append(f"{tool.name} {problem}")
    return CopyResult(None, tuple(failures))
