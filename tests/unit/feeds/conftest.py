"""Fixtures for the feeds tests: a loopback server, a feeds library, a subscription store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.feeds.subscriptions import MemoryStore
from tests.feeds_server import FeedServer, serve


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A started loopback server (127.0.0.1), stopped after the test."""
    yield from serve()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A feeds library folder (not created yet)."""
    return tmp_path / "feeds"


@pytest.fixture
def store() -> MemoryStore:
    """An empty subscription store."""
    return MemoryStore()
