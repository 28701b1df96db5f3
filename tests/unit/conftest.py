"""Fixtures shared by the store tests: a state file path, error capture, open stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.clock import Clock
from reader.store import DiskLimits, Store
from tests.unit.helpers.store_support import NEVER, Errors


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A state file in a directory that does not exist yet."""
    return tmp_path / "data" / "state.json"


@pytest.fixture
def errors() -> Errors:
    """Messages passed to on_error."""
    return Errors()


@pytest.fixture
def opened(path: Path, errors: Errors) -> Iterator[Callable[..., Store]]:
    """Open stores on `path` (or another path) and close them all after the test."""
    stores: list[Store] = []

    def make(
        at: Path | None = None,
        debounce: float = NEVER,
        clock: Clock | None = None,
        limits: DiskLimits | None = None,
    ) -> Store:
        store = Store(at or path, on_error=errors, debounce=debounce, clock=clock, limits=limits)
        assert store.open() == []
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()
