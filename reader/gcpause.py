"""Cyclic garbage collection held off while posts render or the metadata cache loads (UI-free).

Rendering a long post allocates hundreds of thousands of small objects that live on
(the rendered lines). Each of Python's full collections then walks all of them while
holding the interpreter lock, so a key waits for it: over 100 ms at a time, several
times during a 1 MB post. Loading the cached metadata of 100,000 posts is the same
story (collections more than doubled its time). Reference counting still frees
everything that is not in a cycle; the next collection finds whatever cycles were left.

The TUI also holds collections off from its start until the first list is on screen
(`hold`, `release`): importing Textual and building the screen allocate much and free
little, and collections there cost the first paint about a tenth of its time.

`freeze_loaded()` moves what a loader just built (the library's metadata, the lines of a
post too long for the render cache) out of reach of later collections, but only in a
process that asked for it with `freeze_loaded_data(True)` (the TUI, in cli.run_reader):
tests and commands keep Python's defaults.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False
_freeze_loaded = False


def freeze_loaded_data(enabled: bool) -> None:
    """Let freeze_loaded() freeze (process-wide tuning: only the TUI turns it on)."""
    global _freeze_loaded
    _freeze_loaded = enabled


def freeze_loaded() -> None:
    """What is alive now lives on (a library just loaded): later collections need not walk it.

    A no-op unless freeze_loaded_data(True) was called.
    """
    if _freeze_loaded:
        gc.freeze()


def collect_young(generation: int = 0) -> bool:
    """While paused: collect the young generations up to `generation` now, if this thread
    alone holds the pause (a loader's young objects could be many); True if it did.

    A thread rendering a long post calls it between chunks: each call walks one chunk's
    objects (a fraction of a millisecond), where resuming collection would walk the whole
    rendering at once (tens of milliseconds with the interpreter lock held).
    """
    with _lock:
        alone = _holders == 1
    if alone:
        gc.collect(generation)
    return alone


def hold() -> None:
    """Hold off cyclic collection until a matching release() (and every other holder's)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1


def release() -> None:
    """End one hold(); collections resume once no thread holds them off."""
    global _holders
    with _lock:
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()


class Hold:
    """A hold() taken now, released by the first release() (later ones do nothing)."""

    def __init__(self) -> None:
        """Hold off collections from now on."""
        hold()
        self.held = True

    def release(self) -> None:
        """Let collections resume (as far as this hold goes), once."""
        if self.held:
            self.held = False
            release()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold off cyclic collection until every thread that asked for it is done."""
    hold()
    try:
        yield
    finally:
        release()
