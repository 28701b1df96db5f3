"""Fever sync against a real server: coldsweat 0.10.2 on 127.0.0.1 (see server.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import load_library
from reader.store import Store
from reader.sync.fever import FeverClient
from reader.sync.settings import api_key
from tests.fever.server import COLDSWEAT, PASSWORD, USER, Coldsweat

ITEMS = 60  # more than a page of 50


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coldsweat]:
    assert COLDSWEAT.exists(), "no coldsweat: run `make fever-server` (make test does)"
    cs = Coldsweat(tmp_path_factory.mktemp("coldsweat"), items=ITEMS)
    try:
        cs.start()
        yield cs
    finally:
        cs.close()


def client(server: Coldsweat, password: str = PASSWORD) -> FeverClient:
    return FeverClient(server.url, api_key(USER, password), timeout=20)


class Machine:
    """A state dir, a library and a config using the server."""

    def __init__(self, root: Path, server: Coldsweat, password: str = PASSWORD) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.state = root / "state.json"
        self.library = root / "posts"
        self.config = root / "config.toml"
        (root / "password").write_text(password + "\n")
        self.config.write_text(
            f'library = "{self.library}"\n'
            f'[sync.fever]\nurl = "{server.url}"\nuser = "{USER}"\n'
            f'password_file = "{root / "password"}"\n'
        )

    def sync(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "reader",
                "sync",
                "--config",
                str(self.config),
                "--state",
                str(self.state),
                "--timeout",
                "10",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def store(self) -> Store:
        store = Store(self.state, debounce=0.0)
        store.open()
        return store

    def item_ids(self) -> set[str]:
        return {post.id for post in load_library(self.library / "fever").posts}


def test_a_first_sync_brings_every_item(server: Coldsweat, tmp_path: Path) -> None:
    machine = Machine(tmp_path / "a", server)
    done = machine.sync()
    assert done.returncode == 0, done.stderr
    assert f"fever: {ITEMS} new item(s)" in done.stdout
    assert machine.item_ids() == {f"fever:{n}" for n in range(1, ITEMS + 1)}
    post = next(p for p in load_library(machine.library).posts if p.id == "fever:2")
    assert post.title == "Item number 2" and post.feed == "Test feed"
    again = machine.sync()
    assert again.returncode == 0 and "fever: 0 new item(s)" in again.stdout


def test_marks_flow_both_ways(server: Coldsweat, tmp_path: Path) -> None:
    a, b = Machine(tmp_path / "a", server), Machine(tmp_path / "b", server)
    assert a.sync().returncode == 0
    store = a.store()
    store.set_read("fever:3", True)
    store.set_bookmarked("fever:4", True)
    store.close()
    assert a.sync().returncode == 0
    api = client(server)
    assert 3 not in api.unread_ids() and 4 in api.saved_ids()
    api.mark(5, "read")  # another client, on the server
    api.mark(6, "saved")
    assert a.sync().returncode == 0
    store = a.store()
    assert store.is_read("fever:5") and store.is_bookmarked("fever:6")
    assert store.is_read("fever:3")  # not undone by the pull
    store.close()
    assert b.sync().returncode == 0  # a second machine gets all of them
    other = b.store()
    assert other.is_read("fever:3") and other.is_bookmarked("fever:4")
    assert other.is_read("fever:5") and other.is_bookmarked("fever:6")
    assert not other.is_read("fever:7")
    other.set_read("fever:5", False)  # unread on B reaches A through the server
    other.close()
    assert b.sync().returncode == 0 and a.sync().returncode == 0
    store = a.store()
    assert not store.is_read("fever:5")
    store.close()


def test_a_mark_made_while_the_server_is_down_is_pushed_after_it_restarts(
    server: Coldsweat, tmp_path: Path
) -> None:
    machine = Machine(tmp_path / "a", server)
    assert machine.sync().returncode == 0
    server.stop()
    try:
        store = machine.store()
        store.set_read("fever:10", True)
        store.set_bookmarked("fever:11", True)
        store.close()
        down = machine.sync()
        assert down.returncode == 1
        assert len(down.stderr.strip().splitlines()) == 1 and "sync failed" in down.stderr
    finally:
        server.start()
    assert machine.sync().returncode == 0
    api = client(server)
    assert 10 not in api.unread_ids() and 11 in api.saved_ids()
    store = machine.store()
    assert store.is_read("fever:10") and store.is_bookmarked("fever:11")  # not pulled back
    store.close()


def test_killing_reader_sync_mid_run_loses_nothing(server: Coldsweat, tmp_path: Path) -> None:
    machine = Machine(tmp_path / "a", server)
    store = machine.store()
    for n in (20, 21, 22):  # marked before the items ever arrived
        store.set_read(f"fever:{n}", True)
    store.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "reader",
        "sync",
        "--config",
        str(machine.config),
        "--state",
        str(machine.state),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = machine.library / "fever"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if folder.is_dir() and any(folder.iterdir()):
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL  # killed mid-run, not done already
    assert len(list(folder.iterdir())) < ITEMS
    done = machine.sync()
    assert done.returncode == 0, done.stderr
    assert machine.item_ids() == {f"fever:{n}" for n in range(1, ITEMS + 1)}
    api = client(server)
    assert not {20, 21, 22} & api.unread_ids()
    store = machine.store()
    assert all(store.is_read(f"fever:{n}") for n in (20, 21, 22))
    store.close()


def test_a_wrong_password_is_a_one_line_error(server: Coldsweat, tmp_path: Path) -> None:
    machine = Machine(tmp_path / "a", server, password="not-the-password-at-all")
    done = machine.sync()
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused the user or password" in lines[0], done.stderr
    assert "not-the-password" not in done.stderr + done.stdout
    assert api_key(USER, "not-the-password-at-all") not in done.stderr + done.stdout
