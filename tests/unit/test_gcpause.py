"""Cyclic collection is held off while any rendering thread asks, and only then."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from reader.gcpause import collect_young, collection_paused


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


class Node:
    """An object that can sit in a reference cycle."""

    other: object = None


def cycle() -> weakref.ref[Node]:
    """A reference cycle nothing else refers to: only a collection frees it."""
    node = Node()
    node.other = node
    return weakref.ref(node)


def test_a_renderer_alone_collects_its_young_garbage_between_chunks() -> None:
    gc.enable()
    with collection_paused():
        garbage = cycle()
        assert garbage() is not None, "paused: no automatic collection"
        assert collect_young()
        assert garbage() is None


def test_young_garbage_is_left_alone_while_another_thread_holds_the_pause() -> None:
    gc.enable()
    inside = threading.Event()
    release = threading.Event()

    def load() -> None:
        with collection_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=load)
    other.start()
    try:
        assert inside.wait(5)
        with collection_paused():
            garbage = cycle()
            assert not collect_young()
            assert garbage() is not None
    finally:
        release.set()
        other.join(5)
