"""Cyclic collection is held off while any rendering thread asks, and only then."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from reader.gcpause import collection_paused


@pytest.fixture(autouse=True)
def gc_back_on() -> Iterator[None]:
    """Leave the collector as it was, whatever a test does."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_collection_is_off_inside_and_back_on_after() -> None:
    gc.enable()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_stays_off_until_the_last_of_two_threads_is_done() -> None:
    gc.enable()
    inside = threading.Event()
    release = threading.Event()

    def render() -> None:
        with collection_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=render)
    other.start()
    assert inside.wait(5)
    with collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled(), "the other thread is still rendering"
    release.set()
    other.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_turns_collection_back_on() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("render failed")
    assert gc.isenabled()
