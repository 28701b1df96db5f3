"""`reader sync` with a folder: the summary, the exit status and --status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.store import Store


def reader(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_reader_sync_carries_a_mark_through_the_folder(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'sync_folder = "{tmp_path / "Sync"}"\n')
    a, b = tmp_path / "a" / "state.json", tmp_path / "b" / "state.json"
    store = Store(a)
    store.open()
    store.set_bookmarked("post", True)
    store.close()
    first = reader("sync", "--config", str(config), "--state", str(a))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "folder: 0 mark(s) in, 1 out, 0 other device(s)\n"
    second = reader("sync", "--config", str(config), "--state", str(b))
    assert second.stdout == "folder: 1 mark(s) in, 0 out, 1 other device(s)\n"
    store = Store(b)
    store.open()
    assert store.is_bookmarked("post")
    store.close()


def test_status_shows_a_stable_device_id(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'sync_folder = "{tmp_path / "Sync"}"\n')
    state = tmp_path / "state.json"
    shown = [reader("sync", "--status", "--config", str(config), "--state", str(state)).stdout]
    reader("sync", "--config", str(config), "--state", str(state))
    shown.append(reader("sync", "--status", "--config", str(config), "--state", str(state)).stdout)
    device = shown[0].splitlines()[0]
    assert device.startswith("device: ") and len(device) == len("device: ") + 16
    assert shown[1].splitlines()[0] == device
    assert "last sync: never" in shown[0] and ", ok: folder:" in shown[1]


def test_nothing_configured_is_an_error(tmp_path: Path) -> None:
    done = reader("sync", "--config", str(tmp_path / "none.toml"), "--state", str(tmp_path / "s"))
    assert done.returncode == 1
    assert "nothing to sync" in done.stderr.splitlines()[-1]


def test_a_state_dir_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'sync_folder = "{tmp_path / "Sync"}"\n')
    (tmp_path / "file").write_text("")
    state = tmp_path / "file" / "state.json"  # its "directory" is a file
    done = reader("sync", "--config", str(config), "--state", str(state))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "reader: sync failed: cannot make this device's id beside the state" in done.stderr
    status = reader("sync", "--status", "--config", str(config), "--state", str(state))
    assert status.returncode == 0 and status.stdout.startswith("device: none (cannot write")
