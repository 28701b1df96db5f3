"""The TUI's process-wide tuning is set where the TUI starts (cli.run_reader), and only there."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from reader import cli, gcpause
from reader.app import ReaderApp
from reader.lifecycle import ExitGuard
from tests.conftest import ARTICLES


class FakeTerminal:
    """Stands in for stdin and stdout: a terminal that takes any output."""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _fake_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list[object]) -> None:
    """A terminal, user dirs of the test's own, and recorders instead of process-wide calls."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    monkeypatch.setattr(ExitGuard, "install", lambda self: None)
    # Recorders instead of the real calls, so this test process keeps its own settings.
    monkeypatch.setattr(sys, "setswitchinterval", lambda value: calls.append(("switch", value)))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gcpause, "freeze_loaded_data", lambda on: calls.append(("loaded", on)))


def test_the_reader_command_tunes_the_process_before_the_app_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    _fake_terminal(tmp_path, monkeypatch, calls)

    def run(app: ReaderApp, *args: object, **kwargs: object) -> None:
        calls.append(("run", "collections on" if gc.isenabled() else "collections held"))

    monkeypatch.setattr(ReaderApp, "run", run)
    state = tmp_path / "state.json"
    assert gc.isenabled()
    assert cli.run_reader([str(ARTICLES), "--state", str(state)]) == 0
    # Collections are held off while the app starts; an app that ends before its first
    # list is up (here: at once) still leaves them on, as they were.
    assert calls == [("switch", 0.0005), ("loaded", True), ("run", "collections held")]
    assert gc.isenabled()


def test_collections_resume_and_start_up_is_frozen_once_the_first_list_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    _fake_terminal(tmp_path, monkeypatch, calls)

    def run(app: ReaderApp, *args: object, **kwargs: object) -> None:
        assert app.started is not None
        app.started()  # what on_started_up does when the main screen says it is up
        calls.append(("run", "collections on" if gc.isenabled() else "collections held"))

    monkeypatch.setattr(ReaderApp, "run", run)
    state = tmp_path / "state.json"
    assert cli.run_reader([str(ARTICLES), "--state", str(state)]) == 0
    assert calls == [("switch", 0.0005), ("loaded", True), "freeze", ("run", "collections on")]
    assert gc.isenabled()


def test_loaded_data_is_frozen_only_when_the_process_asked_for_it() -> None:
    before = gc.get_freeze_count()
    kept = [object() for _ in range(100)]
    gcpause.freeze_loaded()
    assert gc.get_freeze_count() == before, "a test or command keeps Python's defaults"
    gcpause.freeze_loaded_data(True)
    try:
        gcpause.freeze_loaded()
        assert gc.get_freeze_count() > before
    finally:
        gcpause.freeze_loaded_data(False)
        gc.unfreeze()
    assert kept
