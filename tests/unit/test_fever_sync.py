"""Fever sync rules with a scripted server: the outbox, and guards against bad id lists."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.store import Store
from reader.sync.fever import FeverClient
from reader.sync.fever_sync import FeverSync
from reader.sync.settings import FeverSettings, SettingsError, api_key, read_password


class FakeServer(FeverClient):
    """A Fever server in memory; `lie` makes its id lists come back empty."""

    def __init__(self, items: int) -> None:
        super().__init__("http://127.0.0.1:1/fever/", "k")
        self.read: set[int] = set()
        self.saved: set[int] = set()
        self.items = list(range(1, items + 1))
        self.lie = False
        self.marks: list[tuple[int, str]] = []

    def call(self, query: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        return {"auth": 1}

    def item(self, n: int) -> dict[str, Any]:
        return {
            "id": n,
            "title": f"T{n}",
            "html": "<p>x</p>",
            "feed_id": 1,
            "is_read": int(n in self.read),
            "is_saved": int(n in self.saved),
        }

    def items_since(self, since_id: int) -> list[dict[str, Any]]:
        return [self.item(n) for n in self.items if n > since_id][:50]

    def items_with_ids(self, ids: Any) -> list[dict[str, Any]]:
        return [self.item(n) for n in ids if n in self.items]

    def unread_ids(self) -> set[int]:
        return set() if self.lie else set(self.items) - self.read

    def saved_ids(self) -> set[int]:
        return set() if self.lie else set(self.saved)

    def feeds(self) -> dict[int, str]:
        return {1: "Feed"}

    def mark(self, item: int, status: str) -> None:
        self.marks.append((item, status))
        {
            "read": self.read.add,
            "unread": self.read.discard,
            "saved": self.saved.add,
            "unsaved": self.saved.discard,
        }[status](item)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store(tmp_path / "state.json", debounce=0.0)
    opened.open()
    yield opened
    opened.close()


def test_an_empty_unread_list_does_not_mark_everything_read(store: Store, tmp_path: Path) -> None:
    server = FakeServer(120)
    sync = FeverSync(store, server, tmp_path / "fever")
    sync.sync()
    assert not store.read_ids()
    server.lie = True  # a buggy server: empty unread and saved lists
    server.read.add(7)  # ... though item 7 really was read elsewhere
    store.set_bookmarked("fever:9", True)
    sync.sync()
    sync.sync()
    assert store.read_ids() == {"fever:7"}  # asked item by item: only what really is read
    assert store.is_bookmarked("fever:9")


def test_both_sides_changed_the_local_mark_wins(store: Store, tmp_path: Path) -> None:
    server = FakeServer(5)
    sync = FeverSync(store, server, tmp_path / "fever")
    sync.sync()
    store.set_read("fever:2", True)
    server.read.add(2)
    server.mark(2, "unread")  # the server's own change, made since the last sync
    sync.sync()
    assert store.is_read("fever:2") and 2 in server.read
    assert server.marks[-1] == (2, "read")


def test_a_partial_unread_list_marks_only_confirmed_items_read(
    store: Store, tmp_path: Path
) -> None:
    server = FakeServer(10)
    sync = FeverSync(store, server, tmp_path / "fever")
    sync.sync()
    real = server.unread_ids

    def partial() -> set[int]:
        return set(sorted(real())[:3])  # a cut-off list

    server.unread_ids = partial  # type: ignore[method-assign]
    sync.sync()
    assert not store.read_ids()


def test_the_password_comes_from_a_command_run_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    argv = (sys.executable, "-c", "print('s3cret-pass; touch x')", f"; touch {marker}")
    settings = FeverSettings(url="http://h/", user="u", password_command=argv)
    assert read_password(settings) == "s3cret-pass; touch x"
    assert not marker.exists()
    failing = FeverSettings(url="http://h/", user="u", password_command=("false",))
    with pytest.raises(SettingsError, match="exit status 1"):
        read_password(failing)


def test_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = FeverSettings(url="http://h/", user="u")
    with pytest.raises(SettingsError, match="READER_FEVER_PASSWORD"):
        read_password(settings)
    monkeypatch.setenv("READER_FEVER_PASSWORD", "pw-from-env")
    assert read_password(settings) == "pw-from-env"
    assert api_key("u", "p") == hashlib.md5(b"u:p").hexdigest()


def test_config_show_never_shows_the_password_or_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'sync_folder = "~/Sync/reader"\nsync_every = 10\n'
        '[sync.fever]\nurl = "https://rss.example.org/api/fever.php"\nuser = "me"\n'
        'password_command = ["pass", "show", "rss"]\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "reader", "config", "--show", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert 'sync_folder = "~/Sync/reader"' in done.stdout
    assert 'password_command = ["pass", "show", "rss"]' in done.stdout
    assert "[sync.fever]" in done.stdout and "api_key" not in done.stdout
