"""End to end in real terminals: subscribe to a feed on a loopback server, refresh, read
it in `reader` (which opens the feeds library by itself), then refresh again after the
server gained an entry and see the new post."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import TerminalFactory
from tests.feeds_server import FeedServer, Reply, rss, serve

FIRST = ("first", "Terminals are back", "<p>The first post says zebra crossing.</p>")
SECOND = ("second", "Feeds in the shell", "<p>The second post mentions a kettle.</p>")
THIRD = ("third", "A third arrives", "<p>The newest post has an umbrella.</p>")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A loopback feed server (127.0.0.1)."""
    yield from serve()


def run(term: TerminalFactory, reader_cmd: Path, *args: str | Path, expect: str) -> str:
    """Run `reader ARGS` in a terminal until it shows `expect` and exits 0; the screen."""
    terminal = term([reader_cmd, *args], columns=100, lines=10)
    text = terminal.wait_for(expect)
    assert terminal.wait_exit() == 0, terminal.text()
    assert "Traceback" not in terminal.text()
    return text


def test_subscribe_refresh_read_and_refresh_again(
    term: TerminalFactory, reader_cmd: Path, server: FeedServer, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("refresh_every = 0\n")  # every `reader refresh` asks the server again
    url = server.route("/feed.xml", Reply(body=rss("Shell Blog", [FIRST, SECOND]), etag='"1"'))
    run(term, reader_cmd, "subscribe", url, "--tag", "tech", expect="Fetch its posts with")
    run(term, reader_cmd, "refresh", "--config", config, expect="1 feed: 2 new posts")

    reading = term([reader_cmd, "--config", config], columns=100, lines=30)
    reading.wait_for(FIRST[1])
    reading.wait_for(SECOND[1])
    reading.send("\r")  # open the selected post
    reading.wait_for(lambda text: "zebra crossing" in text or "kettle" in text)
    reading.send("q")
    assert reading.wait_exit() == 0

    server.route("/feed.xml", Reply(body=rss("Shell Blog", [THIRD, FIRST, SECOND]), etag='"2"'))
    run(term, reader_cmd, "refresh", "--config", config, expect="1 feed: 1 new post")
    assert server.headers_of("/feed.xml")[-1].get("if-none-match") == '"1"'
    run(term, reader_cmd, "feeds", expect="Shell Blog  #tech")

    again = term([reader_cmd, "--config", config], columns=100, lines=30)
    again.wait_for(THIRD[1])
    again.wait_for(FIRST[1])
    again.send("q")
    assert again.wait_exit() == 0
