"""Reading many post files on every core (UI-free).

A cold start of a large library reads tens of thousands of files; one Python thread
does that at one core's speed, and shares it with the UI. `read_rest` hands the files
the cache does not know to worker processes (spawned, as the reader has threads
running) in chunks, and takes the posts back in path order; the calling thread only
waits, and reports progress after each chunk. Should the processes fail to start or
die, the files left are read in this thread as before: the result is the same.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reader import library
from reader.library import Post, PostCache, PostError, Problem, load_post

CHUNK = 1000  # files per task (tests make it smaller)

Read = tuple[str, int, int, Post | str]  # file, size, mtime_ns, the post or the problem


def workers() -> int:
    """How many processes read: the cores this process may use (at most 4)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def read_chunk(files: list[str], root: Path) -> list[Read]:
    """Read post files (in a worker process): each one's post, or why it cannot be used."""
    out: list[Read] = []
    for file in files:
        try:
            info = os.stat(file)
            out.append((file, info.st_size, info.st_mtime_ns, load_post(Path(file), root)))
        except OSError as exc:
            out.append((file, 0, 0, f"cannot read: {exc.strerror or exc}"))
        except PostError as exc:
            out.append((file, 0, 0, str(exc)))
    return out


def read_rest(
    files: list[str],
    root: Path,
    cache: PostCache | None,
    found: dict[str, Post],
    problems: list[Problem],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> None:
    """Read `files` into `found` (posts) and `problems`, the uncached ones in processes.

    `done` of `total` files were read before; `progress` is called after each chunk
    (and may raise to stop: the processes are then shut down without waiting).
    """
    misses: list[str] = []
    for file in files:
        if cache is not None:
            try:
                info = os.stat(file)
            except OSError as exc:
                problems.append(Problem(Path(file), f"cannot read: {exc.strerror or exc}"))
                continue
            post = cache.get(file, info.st_size, info.st_mtime_ns)
            if post is not None:
                found[file] = post
                continue
        misses.append(file)
    done += len(files) - len(misses)
    # Fewer files are read in this thread: starting processes costs about 0.2 s.
    if len(misses) < library.PARALLEL_MIN or workers() < 2:
        _take(read_chunk(misses, root), cache, found, problems)
        return
    chunks = [misses[i : i + CHUNK] for i in range(0, len(misses), CHUNK)]
    pool: ProcessPoolExecutor | None = None
    taken = 0
    try:
        context = multiprocessing.get_context("spawn")  # fork is unsafe with threads running
        pool = ProcessPoolExecutor(max_workers=workers(), mp_context=context)
        futures: list[Future[list[Read]]] = [
            pool.submit(read_chunk, chunk, root) for chunk in chunks
        ]
        for future in futures:
            _take(future.result(), cache, found, problems)
            taken += 1
            done += CHUNK
            if progress is not None:
                progress(min(done, total), total)
    except (BrokenProcessPool, OSError):  # no processes here: read the rest in this thread
        for chunk in chunks[taken:]:
            _take(read_chunk(chunk, root), cache, found, problems)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _take(reads: list[Read], cache: PostCache | None, found: dict[str, Post],
          problems: list[Problem]) -> None:  # fmt: skip
    """File the reads of one chunk: posts into found (and the cache), else problems."""
    for file, size, mtime, result in reads:
        if isinstance(result, str):
            problems.append(Problem(Path(file), result))
        else:
            found[file] = result
            if cache is not None:
                cache.put(file, size, mtime, result)
