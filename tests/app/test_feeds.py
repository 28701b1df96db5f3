"""Feeds in the reader: `R` refreshes in the background (and the start refreshes what is
due), `F` narrows the sidebar to a feed or tag, `feed:` searches, the rows' dates, the
article's feed and reading time, and `x` fetches the full text. Against a loopback
server (tests/feeds_server.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.worker import WorkerCancelled

from reader.app import ReaderApp
from reader.feeds.refresh import refresh
from reader.feeds.state import StateSubscriptions
from reader.feeds.subscriptions import Subscriptions
from reader.screens.feed_picker import FeedPicker
from reader.store import Store
from tests.app.conftest import article, article_text, screen_of, sidebar, titles
from tests.conftest import DATA
from tests.feeds_server import FeedServer, Reply, rss, serve

LONG = "".join(
    f"<p>Paragraph {n} of a long entry, with enough words to wrap.</p>" for n in range(80)
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A started loopback server (127.0.0.1), stopped after the test."""
    yield from serve()


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and its messages are handled (a reload after a
    refresh cancels the index worker it replaces: that is no failure)."""
    for _ in range(4):
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def alpha(server: FeedServer, *items: tuple[str, str, str]) -> bytes:
    """The Alpha Blog feed; its posts' urls are pages of the server."""
    return rss("Alpha Blog", list(items), link=server.url("/posts/"))


class Feeds:
    """A state file following feeds, and the feeds library their posts go to."""

    def __init__(self, tmp_path: Path) -> None:
        """Nothing followed yet."""
        self.state_path = tmp_path / "state" / "state.json"
        self.library = tmp_path / "feeds"
        self.subs = Subscriptions()

    def follow(self, url: str, title: str = "", tags: tuple[str, ...] = ()) -> None:
        """Subscribe (before the app starts)."""
        self.subs.add(url, title=title, tags=tags)

    def save_and_refresh(self) -> None:
        """Keep the subscriptions in the state and refresh them once, as `reader refresh`."""
        store = Store(self.state_path, debounce=0.01)
        store.open()
        try:
            StateSubscriptions(store).save(self.subs.to_records())
            refresh(StateSubscriptions(store), self.library, force=True)
        finally:
            store.close()

    def save(self) -> None:
        """Keep the subscriptions in the state without fetching anything."""
        store = Store(self.state_path, debounce=0.01)
        store.open()
        try:
            StateSubscriptions(store).save(self.subs.to_records())
        finally:
            store.close()


@asynccontextmanager
async def reader_on(
    feeds: Feeds,
    monkeypatch: pytest.MonkeyPatch,
    *,
    refresh_every: float | None = 0,
    size: tuple[int, int] = (120, 40),
    wait: bool = True,
) -> AsyncIterator[tuple[Pilot[int], list[str]]]:
    """The reader on the feeds library, and the notices it shows."""
    store = Store(feeds.state_path, debounce=0.01)
    store.open()
    app = ReaderApp(
        feeds.library, store, mark_read_after=60, feeds_library=feeds.library,
        refresh_every=refresh_every,
    )  # fmt: skip
    shown: list[str] = []
    notify = app.notify

    def recording(message: str, **options: Any) -> None:
        shown.append(message)
        notify(message, **options)

    monkeypatch.setattr(app, "notify", recording)
    try:
        async with app.run_test(size=size) as pilot:
            if wait:
                await settle(pilot)
            yield pilot, shown
    finally:
        store.close()


def sub_title(pilot: Pilot[int]) -> str:
    """The header's line of counts."""
    return str(screen_of(pilot).sub_title)


async def test_R_brings_new_posts_in_place_and_names_a_feed_that_fails(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    one, two = ("a1", "First post", LONG), ("a2", "Second post", LONG)
    server.route("/alpha.xml", Reply(body=alpha(server, one, two)))
    server.route("/broken.xml", Reply(body=b"<rss><channel><title>x</title></channel></rss>"))
    feeds.follow(server.url("/alpha.xml"))
    feeds.follow(server.url("/broken.xml"), title="Broken Feed")
    feeds.save_and_refresh()
    server.route("/broken.xml", Reply(status=500, body=b"oops"))
    server.route("/alpha.xml", Reply(body=alpha(server, ("a3", "Third post", LONG), one, two)))
    async with reader_on(feeds, monkeypatch) as (pilot, notices):
        assert sorted(titles(pilot)) == ["First post", "Second post"]
        await pilot.press("j")
        await settle(pilot)
        chosen = sidebar(pilot).highlighted_id
        await pilot.press("l", "j", "j", "j", "j", "j")
        await settle(pilot)
        scrolled = article(pilot).scroll_y
        assert scrolled > 0
        headers: list[str] = []
        screen = screen_of(pilot)
        show_status = screen.feeds.show_status

        def recording(text: str) -> None:
            show_status(text)
            headers.append(sub_title(pilot))

        monkeypatch.setattr(screen.feeds, "show_status", recording)
        await pilot.press("R")
        await settle(pilot)
        progress = [line.split(" · ", 1)[0] for line in headers]
        assert progress[:3] == ["Refreshing…", "Refreshing 1/2", "Refreshing 2/2"], headers
        assert sorted(titles(pilot)) == ["First post", "Second post", "Third post"]
        assert sidebar(pilot).highlighted_id == chosen, "the selection stays"
        assert article(pilot).scroll_y == scrolled, "so does the article's scroll"
        assert "Refreshed: 1 new, 1 failed" in sub_title(pilot)
        assert any(n.startswith("Broken Feed:") for n in notices), notices
        assert not any(n.startswith("Reloaded") for n in notices)


async def test_the_start_refreshes_due_feeds_after_the_first_paint(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    server.route("/alpha.xml", Reply(body=alpha(server, ("a1", "First post", "Hi."))))
    feeds.follow(server.url("/alpha.xml"))
    feeds.save_and_refresh()
    feeds.subs = Subscriptions()
    feeds.follow(server.url("/slow.xml"), title="Slow Feed")  # never fetched: due
    feeds.save()
    server.route("/slow.xml", Reply(body=alpha(server, ("s1", "Slow post", "Hi.")), delay=60))
    async with reader_on(feeds, monkeypatch, refresh_every=None, wait=False) as (pilot, _):
        deadline = time.monotonic() + 30
        while not titles(pilot) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert titles(pilot) == ["First post"], "the list is up while the feed still answers"
        assert screen_of(pilot).feeds.running
        server.stop()  # the slow answer ends now; the refresh finishes
        await settle(pilot)
        assert not screen_of(pilot).feeds.running


async def test_the_start_fetches_a_feed_never_fetched_and_0_never_refreshes(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    server.route("/alpha.xml", Reply(body=alpha(server, ("a1", "First post", "Hi."))))
    feeds.follow(server.url("/alpha.xml"))
    feeds.save()
    feeds.library.mkdir()
    (feeds.library / "note.md").write_text("# A note of my own\n\nHi.\n")
    async with reader_on(feeds, monkeypatch, refresh_every=0) as (pilot, _):
        assert titles(pilot) == ["A note of my own"]
        assert server.counts["/alpha.xml"] == 0, "refresh_every = 0: never at start"
    async with reader_on(feeds, monkeypatch, refresh_every=3600) as (pilot, _):
        assert sorted(titles(pilot)) == ["A note of my own", "First post"]
        assert server.counts["/alpha.xml"] == 1


def choose(pilot: Pilot[int], text: str) -> None:
    """Highlight the picker's row that starts with text (after its indent)."""
    picker = pilot.app.screen
    assert isinstance(picker, FeedPicker)
    options = picker.query_one(OptionList)
    for index in range(options.option_count):
        if str(options.get_option_at_index(index).prompt).lstrip(" ▸").startswith(text):
            options.highlighted = index
            return
    raise AssertionError(f"no row {text!r}")


async def test_F_narrows_the_list_to_a_feed_or_tag_and_the_header_names_it(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    server.route("/alpha.xml", Reply(body=alpha(server, ("a1", "Alpha one", "Hi."),
                                                 ("a2", "Alpha two", "Hi."))))  # fmt: skip
    server.route("/beta.xml", Reply(body=rss("Beta Blog", [("b1", "Beta one", "Hi.")])))
    feeds.follow(server.url("/alpha.xml"), tags=("Tech",))
    feeds.follow(server.url("/beta.xml"))
    feeds.save_and_refresh()
    async with reader_on(feeds, monkeypatch) as (pilot, _):
        assert len(titles(pilot)) == 3
        await pilot.press("F")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, FeedPicker)
        rows = [
            str(picker.query_one(OptionList).get_option_at_index(i).prompt).strip()
            for i in range(picker.query_one(OptionList).option_count)
        ]
        assert rows == ["▸ All posts  3 unread · 3", "Feeds", "Alpha Blog  2 unread · 2",
                        "Beta Blog  1 unread · 1", "Tags", "#Tech  2 unread · 2"]  # fmt: skip
        choose(pilot, "Beta Blog")
        await pilot.press("enter")
        await settle(pilot)
        assert titles(pilot) == ["Beta one"]
        assert sub_title(pilot).startswith("Feed: Beta Blog · All 1/1 · 1 unread")
        await pilot.press("escape")  # in the sidebar: the filter ends
        await settle(pilot)
        assert len(titles(pilot)) == 3
        assert sub_title(pilot).startswith("All 3/3")
        await pilot.press("F")
        await settle(pilot)
        choose(pilot, "#Tech")
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(titles(pilot)) == ["Alpha one", "Alpha two"]
        assert sub_title(pilot).startswith("Tag: Tech · ")
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("escape")  # closes the picker only
        await settle(pilot)
        assert sorted(titles(pilot)) == ["Alpha one", "Alpha two"]
        await pilot.press("F")
        await settle(pilot)
        choose(pilot, "All posts")
        await pilot.press("enter")
        await settle(pilot)
        assert len(titles(pilot)) == 3


async def test_feed_is_a_search_operator(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    server.route("/alpha.xml", Reply(body=alpha(server, ("a1", "Alpha one", "Hi."))))
    server.route("/beta.xml", Reply(body=rss("Beta Blog", [("b1", "Beta one", "Hi.")])))
    feeds.follow(server.url("/alpha.xml"))
    feeds.follow(server.url("/beta.xml"))
    feeds.save_and_refresh()
    async with reader_on(feeds, monkeypatch) as (pilot, _):
        await pilot.press("slash", *"feed:bet")
        await settle(pilot)
        assert titles(pilot) == ["Beta one"]
        await pilot.press(*" one")
        await settle(pilot)
        assert titles(pilot) == ["Beta one"]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_rows_show_a_short_date_and_the_article_its_feed_and_reading_time(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    feeds = Feeds(tmp_path)
    title = "A rather long title that goes on and on past the sidebar"
    words = " ".join(["word"] * 1300)
    server.route("/alpha.xml", Reply(body=alpha(server, ("a1", title, f"<p>{words}</p>"))))
    feeds.follow(server.url("/alpha.xml"))
    feeds.save_and_refresh()
    async with reader_on(feeds, monkeypatch, size=size) as (pilot, _):
        row = sidebar(pilot).render_line(0).text
        assert row.rstrip().endswith("Nov 03"), row
        assert "A rather long title" in row, "the title stays readable"
        assert "2026-11-03 · Alpha Blog · 6 min" in article_text(pilot)


async def test_x_shows_the_full_text_and_a_failure_keeps_the_excerpt(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    page = (DATA / "fulltext" / "blog-post.html").read_bytes()
    one, two = ("a1", "Summary only", "Just a summary [...]"), ("a2", "Gone", "More [...]")
    server.route("/alpha.xml", Reply(body=alpha(server, one, two)))
    server.route("/posts/a1", Reply(body=page, content_type="text/html"))
    feeds.follow(server.url("/alpha.xml"))
    feeds.save_and_refresh()
    async with reader_on(feeds, monkeypatch) as (pilot, notices):
        sidebar(pilot).move_to(titles(pilot).index("Gone"))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert any(n.startswith("No full text for “Gone”") for n in notices), notices
        assert "More [...]" in article_text(pilot), "the excerpt stays"
        sidebar(pilot).move_to(titles(pilot).index("Summary only"))
        await settle(pilot)
        assert "Just a summary" in article_text(pilot)
        await pilot.press("x")
        await settle(pilot)
        text = article_text(pilot)
        assert "Reading in a terminal" in text
        assert "Buy our stuff" not in text


async def test_quitting_during_a_refresh_does_not_wait_for_a_slow_server(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = Feeds(tmp_path)
    feeds.follow(server.url("/slow.xml"))  # never fetched: due at start
    feeds.save()
    feeds.library.mkdir()
    (feeds.library / "note.md").write_text("# A note of my own\n\nHi.\n")
    server.route("/slow.xml", Reply(body=rss("Slow", [("s1", "Slow", "Hi.")]), delay=120))
    async with reader_on(feeds, monkeypatch, refresh_every=None, wait=False) as (pilot, _):
        deadline = time.monotonic() + 30
        while server.counts["/slow.xml"] == 0 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert screen_of(pilot).feeds.running
    # The reader has quit; the server has not answered (it would in 120 s): the refresh's
    # threads, which the interpreter waits for at exit, are gone all the same.
    deadline = time.monotonic() + 10
    while refresh_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not refresh_threads()


def refresh_threads() -> list[str]:
    """The refresh pool's threads still running."""
    import threading

    return [t.name for t in threading.enumerate() if t.name.startswith("reader-refresh")]
