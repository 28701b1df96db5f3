"""Cyclic garbage collection held off while posts render or the metadata cache loads (UI-free).

Rendering a long post allocates hundreds of thousands of small objects that live on
(the rendered lines). Each of Python's full collections then walks all of them while
holding the interpreter lock, so a key waits for it: over 100 ms at a time, several
times during a 1 MB post. Loading the cached metadata of 100,000 posts is the same
story (collections more than doubled its time). Reference counting still frees
everything that is not in a cycle; the next collection finds whatever cycles were left.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """Hold off cyclic collection until every thread that asked for it is done."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
