"""End to end in a real terminal: feeds followed in the reader, against a loopback server.

The reader starts on the feeds library; the feed never fetched is refreshed in the
background after the first paint, `R` brings a new entry in live, `F` narrows the list
to the feed, and `x` fetches a post's full text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.feeds.state import StateSubscriptions
from reader.feeds.subscriptions import Subscriptions
from reader.paths import default_state_path, feeds_dir
from reader.store import Store
from tests.conftest import DATA
from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import NEVER, pane_lines
from tests.feeds_server import FeedServer, Reply, rss, serve


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A started loopback server (127.0.0.1), stopped after the test."""
    yield from serve()


def header(text: str) -> str:
    """The header line."""
    return text.splitlines()[0]


def test_feeds_refresh_live_narrow_to_one_and_fetch_full_text(
    term: TerminalFactory, reader_cmd: Path, server: FeedServer
) -> None:
    link = server.url("/posts/")
    first = ("a1", "Summaries in a terminal", "Only a summary [...]")
    server.route("/alpha.xml", Reply(body=rss("Alpha Blog", [first], link=link)))
    server.route("/beta.xml", Reply(body=rss("Beta Blog", [("b1", "Beta says hi", "Hi.")])))
    server.route("/posts/a1", Reply(body=(DATA / "fulltext" / "blog-post.html").read_bytes(),
                                    content_type="text/html"))  # fmt: skip
    subs = Subscriptions()
    subs.add(server.url("/alpha.xml"))
    subs.add(server.url("/beta.xml"))
    store = Store(default_state_path())
    store.open()
    StateSubscriptions(store).save(subs.to_records())
    store.close()
    library = feeds_dir()
    library.mkdir(parents=True)
    (library / "welcome.md").write_text("# Welcome\n\nMy own note.\n", encoding="utf-8")
    assert os.environ["READER_STATE"]

    terminal = term([reader_cmd, library, "--mark-read-after", NEVER], columns=100, lines=30)
    text = terminal.wait_for("Beta says hi")  # the start refreshed the feeds never fetched
    assert "Summaries in a terminal" in text and "Welcome" in text

    server.route("/alpha.xml", Reply(body=rss("Alpha Blog", [
        ("a2", "A second alpha post", "Fresh."), first], link=link)))  # fmt: skip
    terminal.send("R")
    text = terminal.wait_for("A second alpha post")
    terminal.wait_for(lambda screen: "Refreshed: 1 new" in header(screen))

    terminal.send("F")
    terminal.wait_for("Feeds and tags")
    terminal.send("\x1b[B")  # down: the first feed, Alpha Blog
    terminal.send("\r")
    text = terminal.wait_for(lambda screen: "Feed: Alpha Blog" in header(screen))
    listed = " ".join(left for left, _ in pane_lines(text))
    assert "A second alpha post" in listed and "Summaries in a terminal" in listed
    assert "Beta says hi" not in listed and "Welcome" not in listed

    terminal.send("G")  # the older alpha post, a summary
    terminal.wait_for("Only a summary [...]")
    terminal.send("x")
    text = terminal.wait_for("Reading in a terminal")
    assert "Only a summary" not in text
    terminal.send("q")
    assert terminal.wait_exit(timeout=terminal.timeout) == 0
