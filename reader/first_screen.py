"""The first screenful of a library, read in a thread while the app itself starts (UI-free).

The reader's start-up is mostly Python importing Textual and building the screen. The
posts' first rows need not wait for that: `FirstScreen.start` reads them in a thread
at once (the metadata cache's small head file, a small cached library whole, or a
small folder's files), and when the main screen mounts it takes them if they are
ready, so that the very first frame lists the titles. The screen never waits for the
thread: if it is not done, the library loader's worker brings the list as before. What
this gives is provisional, like any cached list: the loader's full read confirms or
replaces it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from reader.library import FIRST_SCREEN, LibraryError, Post, is_post_name, load_library

#: A cache file up to this size is read whole for the first screen (about 600 rows).
SMALL_CACHE_BYTES = 128 * 1024


class FirstScreen:
    """Reads a library's first rows in a daemon thread; `take` never waits for it."""

    def __init__(self, library_path: Path) -> None:
        """Remember the library; nothing is read until `start`."""
        self.library_path = library_path
        self._posts: list[Post] | None = None
        self._done = threading.Event()

    def start(self) -> None:
        """Begin reading (in a thread that dies with the process)."""
        threading.Thread(target=self._run, name="first-screen", daemon=True).start()

    def _run(self) -> None:
        """Read the rows; any failure just means there is no early list."""
        try:
            self._posts = first_rows(self.library_path)
        except Exception:  # the loader's worker reads the library again and reports problems
            self._posts = None
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        """True once the thread has finished (with rows or without)."""
        return self._done.is_set()

    def take(self) -> list[Post] | None:
        """The rows if they are read by now (once; later calls give None), else None."""
        if not self._done.is_set():
            return None
        posts, self._posts = self._posts, None
        return posts


def first_rows(path: Path) -> list[Post] | None:
    """A quick first list of the library at `path`, or None where there is no quick way."""
    from reader.cache import MetadataCache
    from reader.paths import cache_dir

    path = Path(os.path.abspath(path))
    if not path.is_dir():
        return _loaded(path)
    cache = MetadataCache.for_root(cache_dir(), path)
    head = cache.load_head()
    if head:
        return head
    try:
        small = cache.file.stat().st_size <= SMALL_CACHE_BYTES
    except OSError:  # no cache yet: a cold start
        return _loaded(path) if _small_folder(path) else None
    return cache.load() if small else None


def _loaded(path: Path) -> list[Post] | None:
    """Every post of a small library, read from its files (None if it cannot be read)."""
    try:
        return load_library(path).posts
    except LibraryError:
        return None


def _small_folder(path: Path) -> bool:
    """True for a folder of at most two screenfuls of posts and no sub-folders."""
    count = 0
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                return False
            count += is_post_name(entry.name)
            if count > 2 * FIRST_SCREEN:
                return False
    return True
