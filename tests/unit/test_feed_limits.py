"""`reader import feed` against slow servers, concurrent imports and absurd nesting.

Each test runs the installed `reader` in real processes: a timeout is a total deadline
(however slowly a server sends its headers), imports into one folder take turns (an
entry never gets two files), and nesting 100,000 deep is never a traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.frontmatter import split_front_matter
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


def write_feed(path: Path, entries: int, version: str) -> Path:
    """An RSS feed of `entries` entries with fixed ids; titles differ by `version`."""
    items = "".join(
        f"<item><title>Post {index} {version}</title><guid>entry-{index}</guid>"
        f"<description>Body {index}</description></item>"
        for index in range(entries)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def ids_in(folder: Path) -> Counter[str]:
    """How many files hold each `id`."""
    found: Counter[str] = Counter()
    for path in folder.glob("*.md"):
        fields, _ = split_front_matter(path.read_text(encoding="utf-8"))
        found[str(fields["id"])] += 1
    return found


@pytest.mark.parametrize("snapshots", [False, True], ids=["same-file", "three-snapshots"])
def test_concurrent_imports_into_one_folder_never_duplicate_an_entry(
    tmp_path: Path, snapshots: bool
) -> None:
    """Three imports at once into one folder (of one feed file, or of three snapshots of a
    feed whose titles changed: each would name the entry's file after its title) leave one
    file per entry id; a fourth finds them all."""
    entries = 300
    feeds = [
        write_feed(tmp_path / f"feed-{n}.xml", entries, f"v{n}" if snapshots else "")
        for n in range(3)
    ]
    into = tmp_path / "posts"
    processes = [
        subprocess.Popen(
            [str(READER), "import", "feed", str(feed), "--into", str(into)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for feed in feeds
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    found = ids_in(into)
    assert len(found) == entries
    assert set(found.values()) == {1}, [key for key, count in found.items() if count > 1][:5]
    again = reader("import", "feed", feeds[-1], "--into", into)
    assert again.returncode == 0, again.stderr
    assert "Imported 0 new" in again.stdout
    assert (into / ".reader-import.lock").exists()
    assert len(load_library(into).posts) == entries


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
