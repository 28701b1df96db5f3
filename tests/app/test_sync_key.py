"""S and the header's sync status (Pilot)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from reader.app import ReaderApp
from reader.config import Config
from reader.store import Store
from reader.sync.engine import Syncer
from reader.sync.settings import FeverSettings
from tests.app.conftest import ARTICLES, screen_of, settle


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def run_with(config: Config, state: Path, keys: str = "") -> tuple[str, list[str], Store]:
    store = Store(state, debounce=0.01)
    store.open()
    syncer = Syncer(store, config, timeout=5) if config.sync_folder or config.sync else None
    app = ReaderApp(ARTICLES, store, mark_read_after=60.0, syncer=syncer)
    told: list[str] = []
    app.notify = lambda message, **_: told.append(str(message))  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            header = str(screen_of(pilot).sub_title)
    finally:
        store.close()
    return header, told, store


@pytest.mark.asyncio
async def test_the_header_says_when_the_folder_was_synced(tmp_path: Path) -> None:
    config = Config(sync_folder=tmp_path / "Sync")
    header, told, _ = await run_with(config, tmp_path / "state.json", "bS")
    assert " · synced " in header and "1 bookmarked" in header
    assert told[-1].startswith("Synced: folder: 0 mark(s) in, ")
    assert list((tmp_path / "Sync").glob("*.journal"))


@pytest.mark.asyncio
async def test_a_server_that_is_down_shows_sync_failed_and_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_FEVER_PASSWORD", "secret-password-123")
    fever = FeverSettings(url=f"http://127.0.0.1:{closed_port()}/fever/", user="me")
    config = Config(sync=fever, library=tmp_path / "posts")
    header, told, _ = await run_with(config, tmp_path / "state.json")
    assert header.endswith(" · sync failed")
    assert len(told) == 1 and told[0].startswith("Sync failed: cannot fetch http://127.0.0.1:")
    assert "secret-password" not in told[0]


@pytest.mark.asyncio
async def test_s_without_sync_settings_says_what_to_set(tmp_path: Path) -> None:
    header, told, _ = await run_with(Config(), tmp_path / "state.json", "S")
    assert "sync" not in header
    assert told == ["Nothing to sync: set sync_folder or [sync.fever] in the config"]
