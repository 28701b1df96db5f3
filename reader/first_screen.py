"""The first screenful of a library, read in a thread while the app itself starts (UI-free).

The reader's start-up is mostly Python importing Textual and building the screen. The
posts' first rows need not wait for that: `FirstScreen.start` reads them at once (the
metadata cache's small head file, a small cached library whole, or the files: all of a
small folder, the newest-named screenful of a large one), in a forked child process on
Linux (another core: the start, one Python thread, is not slowed) or else in a thread,
and when the main screen mounts it takes them if they are ready, so that the very
first frame lists the titles. The screen never waits for the
thread: if it is not done, the library loader's worker brings the list as before. What
this gives is provisional, like any cached list: the loader's full read confirms or
replaces it.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from pathlib import Path

from reader.library import FIRST_SCREEN, LibraryError, Post, is_post_name, load_library

#: A cache file up to this size is read whole for the first screen (about 600 rows).
SMALL_CACHE_BYTES = 128 * 1024


class FirstScreen:
    """Reads a library's first rows in a child process or a thread; `take` never waits."""

    def __init__(self, library_path: Path) -> None:
        """Remember the library; nothing is read until `start`."""
        self.library_path = library_path
        self._posts: list[Post] | None = None
        self._done = threading.Event()
        self.forked = False  # the rows come from a child process (on another core)

    def start(self) -> None:
        """Begin reading: in a forked child where that is safe, else in a daemon thread.

        A child runs on another core, so the app's own start (Python importing Textual,
        all in one thread) does not wait for it; a thread would share one interpreter
        lock with that start, so it only reads what is quick to read.
        """
        if _can_fork():
            try:
                self._fork()
                return
            except OSError:
                pass
        threading.Thread(target=self._run, name="first-screen", daemon=True).start()

    def _run(self) -> None:
        """Read the rows; any failure just means there is no early list."""
        try:
            self._posts = first_rows(self.library_path, scan=False)
        except Exception:  # the loader's worker reads the library again and reports problems
            self._posts = None
        finally:
            self._done.set()

    def _fork(self) -> None:
        """Read in a child process that sends the rows back through a pipe."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read, send, and leave without the parent's exit handlers
            status = 1
            try:
                os.close(read_end)
                rows = first_rows(self.library_path, scan=True)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.forked = True
        threading.Thread(
            target=self._receive, args=(pid, read_end), name="first-screen", daemon=True
        ).start()

    def _receive(self, pid: int, read_end: int) -> None:
        """Wait (off the interpreter lock) for the child's rows; reap the child."""
        try:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            os.waitpid(pid, 0)
            rows = pickle.loads(data) if data else None
            self._posts = rows if isinstance(rows, list) else None
        except Exception:  # a child that failed: no early list, the loader reads it all
            self._posts = None
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        """True once the rows are read (or known not to come)."""
        return self._done.is_set()

    def wait(self, timeout: float) -> list[Post] | None:
        """Wait (in a worker thread, never the UI's) up to `timeout` seconds; then take()."""
        self._done.wait(timeout)
        return self.take()

    def take(self) -> list[Post] | None:
        """The rows if they are read by now (once; later calls give None), else None."""
        if not self._done.is_set():
            return None
        posts, self._posts = self._posts, None
        return posts


def _can_fork() -> bool:
    """Fork only on Linux, and only while this process has a single thread."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


class _Enough(Exception):
    """The first screenful of a large library is read: stop there."""

    def __init__(self, posts: list[Post]) -> None:
        super().__init__()
        self.posts = posts


def _stop(posts: list[Post]) -> None:
    """load_library's `first`: the first screenful is all that is wanted."""
    raise _Enough(posts)


def first_rows(path: Path, *, scan: bool) -> list[Post] | None:
    """A quick first list of the library at `path`, or None where there is no quick way.

    A warm start gives the cache's first rows. A cold one reads the files: all of a small
    library, or (with `scan`, in a child process) the first screenful of a large one,
    newest file names first, as the library loader shows it.
    """
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
        return _loaded(path) if scan or _small_folder(path) else None
    return cache.load() if small else None


def _loaded(path: Path) -> list[Post] | None:
    """The posts of a library read from its files (a large one's first screenful only)."""
    try:
        return load_library(path, first=_stop).posts
    except _Enough as enough:
        return enough.posts
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
