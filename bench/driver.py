"""Drive a program in a real pseudo-terminal and time what appears on its screen.

A reader thread takes every chunk the program writes as soon as it arrives and
stamps it with `time.perf_counter()`; the caller's thread feeds the chunks, in
order, to a `pyte` screen and checks a predicate after each one. So the time a
predicate "first became true" is the arrival time of the chunk that made it true,
whatever feeding pyte costs. Keys are stamped just before they are written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pyte

#: A question about the screen: its lines of text (one string per row).
Predicate = Callable[[list[str]], bool]

_CLEAN_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "COLORTERM", "READER_STATE")


def spawn_in_pty(
    argv: Sequence[str | os.PathLike[str]],
    env: Mapping[str, str],
    cwd: str | os.PathLike[str] | None,
    columns: int,
    lines: int,
) -> tuple[int, subprocess.Popen[bytes]]:
    """Start `argv` in its own session on a new pty of `columns` x `lines`.

    The pty's slave side is the program's stdin, stdout and stderr. Returns the master
    side (the caller closes it) and the process. Also used by the end-to-end tests.
    """
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    return master, process


@dataclass(frozen=True)
class Chunk:
    """Bytes read from the pty, and when."""

    at: float
    data: bytes


class Driver:
    """A command in a pty of a fixed size, its output drawn on a pyte screen."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        columns: int = 120,
        lines: int = 40,
        cwd: str | None = None,
    ) -> None:
        """Start `argv` on a new pty (stdin, stdout and stderr); note the launch time."""
        # The reader thread must get the GIL back quickly to stamp a chunk on time.
        sys.setswitchinterval(0.0005)
        self.columns = columns
        self.lines = lines
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self._rows = [" " * columns for _ in range(lines)]
        self._chunks: queue.SimpleQueue[Chunk | None] = queue.SimpleQueue()
        self._eof = False
        self.bytes_read = 0
        #: Arrival time of the chunk drawn last (predicates may read it).
        self.last_chunk_at = 0.0
        child_env = {
            k: v
            for k, v in (os.environ if env is None else env).items()
            if k not in _CLEAN_ENV and not k.startswith("TEXTUAL")
        }
        child_env["TERM"] = "xterm-256color"
        self.launched = time.perf_counter()
        self.master, self.process = spawn_in_pty(argv, child_env, cwd, columns, lines)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_loop, daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int:
        """The program's process id."""
        return self.process.pid

    def _read_loop(self) -> None:
        """Read the pty until it closes, stamping each chunk on arrival."""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave fd is closed; EBADF: closed by us
                data = b""
            if not data:
                break
            self._chunks.put(Chunk(time.perf_counter(), data))
        self._chunks.put(None)

    # The screen ------------------------------------------------------------------

    def _feed(self, chunk: Chunk) -> None:
        """Draw one chunk on the screen and refresh the changed rows' text."""
        self.stream.feed(chunk.data)
        self.bytes_read += len(chunk.data)
        self.last_chunk_at = chunk.at
        buffer = self.screen.buffer
        for y in self.screen.dirty:
            if 0 <= y < self.lines:
                row = buffer[y]
                # Wide characters leave an empty stub in the next cell: joining is exact.
                self._rows[y] = "".join(row[x].data for x in range(self.columns))
        self.screen.dirty.clear()

    @property
    def rows(self) -> list[str]:
        """The screen's text, one string per row."""
        return list(self._rows)

    def text(self) -> str:
        """The screen's text as one string."""
        return "\n".join(self._rows)

    def wait_until(self, predicate: Predicate, timeout: float) -> float | None:
        """Read until `predicate(rows)` holds; return the arrival time of the chunk that did it.

        Returns None after `timeout` seconds or when the program closed the pty first.
        A predicate already true returns the current time.
        """
        if predicate(self._rows):
            return time.perf_counter()
        deadline = time.perf_counter() + timeout
        while not self._eof:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            chunk = self._take(min(left, 0.1))
            if chunk is not None and predicate(self._rows):
                return chunk.at
        return None

    def drain(self) -> None:
        """Draw everything read so far, without waiting."""
        while not self._eof and self._take(None) is not None:
            pass

    def wait_quiet(self, quiet: float = 0.2, timeout: float = 3.0) -> bool:
        """Read until nothing arrived for `quiet` seconds; False if that took over `timeout`."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while not self._eof:
            now = time.perf_counter()
            if now - last >= quiet:
                return True
            if now >= deadline:
                return False
            chunk = self._take(min(quiet - (now - last), deadline - now))
            if chunk is not None:
                last = chunk.at
        return True

    def _take(self, timeout: float | None) -> Chunk | None:
        """Draw the next chunk read, waiting up to `timeout` (None: not at all).

        None when nothing came in time, or at the end of output (then `_eof` is set).
        """
        try:
            chunk = self._chunks.get(block=timeout is not None, timeout=timeout)
        except queue.Empty:
            return None
        if chunk is None:
            self._eof = True
            return None
        self._feed(chunk)
        return chunk

    # Keys, memory, ending -----------------------------------------------------------

    def send(self, keys: str) -> float:
        """Type `keys`; return the time just before they were written."""
        data = keys.encode()
        at = time.perf_counter()
        while data:
            written = os.write(self.master, data)
            data = data[written:]
        return at

    def peak_rss_kb(self) -> int | None:
        """The program's peak resident memory (VmHWM, kB) from /proc, if it still runs."""
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return None

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time the program has used so far, from /proc, if it runs."""
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def quit(self, keys: str = "q", timeout: float = 5.0) -> bool:
        """Type `keys` and wait for the program to exit; kill it after `timeout`.

        Returns True when it exited by itself.
        """
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.send(keys)
        deadline = time.perf_counter() + timeout
        while self.process.poll() is None and time.perf_counter() < deadline:
            self.drain()
            time.sleep(0.02)
        exited = self.process.poll() is not None
        self.close()
        return exited

    def close(self) -> None:
        """Kill the program's process group if it still runs, reap it, close the pty."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._stop.set()
        self._thread.join(timeout=2)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def __enter__(self) -> Driver:
        """Use as a context manager that closes the program."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the program."""
        self.close()
