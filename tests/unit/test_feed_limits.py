"""`reader import feed` against slow servers and absurd nesting.

Each test runs the installed `reader` in real processes: a timeout is a total deadline
(however slowly a server sends its headers), and nesting 100,000 deep is never a
traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import load_library, read_body
from reader.render import render_article

READER = Path(sys.executable).parent / "reader"
TRICKLE_BYTES = 60  # the slow server's header would take a minute at a byte a second


def reader(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `reader ARGS` to completion (or fail the test at `timeout` seconds)."""
    return subprocess.run(
        [str(READER), *(os.fspath(arg) for arg in args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class TrickleServer:
    """127.0.0.1: answers one request with a status line, then a header a byte a second."""

    def __init__(self) -> None:
        """Listen on a free port and serve in a thread."""
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(30)  # bounded: no client, no hang
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/feed.xml"
        self.stop = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        """Send the header slowly until it is done, the client leaves or the test ends."""
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while self.sent < TRICKLE_BYTES and not self.stop.is_set():
                    connection.sendall(b"a")
                    self.sent += 1
                    self.stop.wait(1.0)
            except OSError:  # the client hung up
                return

    def close(self) -> None:
        """Stop sending and wait for the thread."""
        self.stop.set()
        self.listener.close()
        self.thread.join(10)


@pytest.fixture
def trickle() -> Iterator[TrickleServer]:
    """A slow server, stopped by the test."""
    server = TrickleServer()
    yield server
    server.close()


def test_a_server_sending_its_headers_slowly_cannot_outlast_the_timeout(
    trickle: TrickleServer, tmp_path: Path
) -> None:
    """A header arriving a byte a second kept `--timeout 2` running for as long as the server
    liked (each byte restarts a socket timeout); now the import ends at the deadline with
    one line and status 1, long before the server is done."""
    result = reader(
        "import", "feed", trickle.url, "--timeout", "2", "--into", tmp_path / "posts", timeout=20
    )
    assert result.returncode == 1
    assert result.stderr == f"reader: cannot fetch {trickle.url}: timed out\n"
    assert trickle.sent < TRICKLE_BYTES
    assert not (tmp_path / "posts").exists() or not any((tmp_path / "posts").glob("*.md"))


NESTED = 100_000


@pytest.mark.parametrize(
    "item",
    [
        "<description><![CDATA[" + "<div>" * NESTED + "deep" + "</div>" * NESTED + "]]>"
        "</description>",
        "<description>" + "<x>" * NESTED + "deep" + "</x>" * NESTED + "</description>",
        "<description>" + "&lt;ul&gt;&lt;li&gt;" * NESTED + "deep</description>",
    ],
    ids=["html", "xml", "escaped-html"],
)
def test_a_feed_nested_100000_deep_imports_without_a_traceback(tmp_path: Path, item: str) -> None:
    """HTML or XML nested 100,000 deep: the entry is imported (its text kept), the post
    lists and renders; no RecursionError anywhere."""
    feed = tmp_path / "deep.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>'
        f"<item><title>Deep</title><guid>deep-1</guid>{item}</item></channel></rss>",
        encoding="utf-8",
    )
    result = reader("import", "feed", feed, "--into", tmp_path / "posts", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [post] = load_library(tmp_path / "posts").posts
    lines = render_article(post.title, "", read_body(post), 80)
    assert any("deep" in "".join(segment.text for segment in line) for line in lines)
