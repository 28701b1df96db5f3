"""Replace a file atomically: the one helper every writer uses (UI-free).

The data goes to a temporary file beside the target (same directory, so the rename
stays on one filesystem), which is renamed over the target: a reader of the file sees
the old bytes or the new ones, never a part. Used by the state snapshot, the importers'
post files, `reader export --output` and the library cache.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["atomic_write", "fsync_dir"]


def atomic_write(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    mode: int | None = None,
    durable: bool = True,
    make_parents: bool = False,
) -> None:
    """Write data to a temp file beside path and rename it over path (raises OSError).

    mode: the file's permission bits (None keeps mkstemp's 0600, for private files);
    durable: fsync the file before the rename and the directory after it (a cache
    that is only worth some start-up time skips both); make_parents: create the
    directory first. A failed write leaves no temp file behind. `data` may come in
    parts (an iterable of bytes, written one by one: a large file is never whole in
    memory); an exception raised while making them is a failed write.
    """
    directory = path.parent
    if make_parents:
        directory.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                for part in data:
                    handle.write(part)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the write error is the one to report
            os.unlink(temp)
        raise
    if durable:
        fsync_dir(directory)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable, where the platform and filesystem allow it."""
    if os.name != "nt":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError as exc:  # some filesystems cannot fsync a directory; the rename is done
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
        finally:
            os.close(fd)
