"""Refreshing followed feeds from the loopback server: entries added, updated in place and
never duplicated; 304 writes nothing; bounded concurrency; the refresh lock; bad feeds
give one line naming the feed and lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from filelock import FileLock

from reader.feeds.refresh import LOCK_NAME, FeedResult, RefreshBusy, refresh
from reader.feeds.subscriptions import MemoryStore, SubscriptionError, Subscriptions
from reader.frontmatter import split_front_matter
from tests.feeds_server import FeedServer, Reply, atom, rss


def subscribe(store: MemoryStore, *urls: str, title: str = "") -> list[str]:
    """Subscribe to urls in store; their ids."""
    subs = Subscriptions.from_records(store.load())
    ids = [subs.add(url, title=title).id for url in urls]
    store.save(subs.to_records())
    return ids


def posts(library: Path) -> dict[str, dict[str, object]]:
    """Every post file under library (relative path -> front matter)."""
    found = {}
    for path in sorted(library.rglob("*.md")):
        if not any(part.startswith(".") for part in path.relative_to(library).parts):
            fields, _ = split_front_matter(path.read_text(encoding="utf-8"))
            found[str(path.relative_to(library))] = fields
    return found


def test_new_entries_then_not_modified_then_changed_in_place(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    reply = Reply(rss("Blog", [("1", "One", "<p>first</p>")]), etag='"v1"')
    (ident,) = subscribe(store, server.route("/f", reply))
    first = refresh(store, library)
    assert [result.status for result in first.results] == ["new"]
    files = posts(library)
    assert len(files) == 1
    (name, fields), = files.items()
    assert name.startswith(f"blog-{ident}/one-")
    assert fields["feed"] == "Blog" and fields["title"] == "One"
    stamp = (library / name).stat().st_mtime_ns

    again = refresh(store, library, force=True)
    assert again.results[0].status == "not modified"
    assert server.headers_of("/f")[1]["if-none-match"] == '"v1"'
    assert (library / name).stat().st_mtime_ns == stamp  # a 304 writes nothing

    reply.body = rss("Blog", [("2", "Two", "new"), ("1", "One", "<p>first, edited</p>")])
    reply.etag = '"v2"'
    third = refresh(store, library, force=True)
    assert (third.results[0].added, third.results[0].updated) == (1, 1)
    assert len(third.results[0].changed) == 2 and len(third.results[0].paths) == 2
    assert again.results[0].changed == ()
    files = posts(library)
    assert len(files) == 2  # nothing duplicated
    assert "first, edited" in (library / name).read_text(encoding="utf-8")
    assert third.line() == "1 feed: 1 new post, 1 updated"


def test_only_due_feeds_are_fetched(server: FeedServer, library: Path, store: MemoryStore) -> None:
    subscribe(store, server.route("/f", Reply(rss("Blog", [("1", "One", "x")]))))
    refresh(store, library, clock=lambda: 1000.0, every=3600)
    assert refresh(store, library, clock=lambda: 2000.0).results == []
    assert refresh(store, library, clock=lambda: 4600.0).results[0].status == "ok"
    assert server.counts["/f"] == 2
    record = Subscriptions.from_records(store.load()).list()[0]
    assert record.last_fetched == 4600.0 and record.next_due == 8200.0


def test_only_one_feed(server: FeedServer, library: Path, store: MemoryStore) -> None:
    a, _ = subscribe(
        store,
        server.route("/a", Reply(rss("A", [("1", "One", "x")]))),
        server.route("/b", Reply(rss("B", [("1", "One", "x")]))),
    )
    assert [r.feed.id for r in refresh(store, library, only=a).results] == [a]
    assert server.counts == {"/a": 1}
    with pytest.raises(SubscriptionError, match="no subscription 'nope'"):
        refresh(store, library, only="nope")


BAD = {
    "html": (Reply(b"<!doctype html><html><body>hi</body></html>", content_type="text/html"),
             "not an RSS or Atom feed"),
    "empty": (Reply(b""), "the feed is empty"),
    "truncated": (Reply(b'<?xml version="1.0"?><rss version="2.0"><chan'), "not an RSS or Atom"),
    "huge": (Reply(b"<rss>" + b"x" * 3000), "too large"),
    "slow": (Reply(rss("S", [("1", "One", "x")]), trickle=True), "timed out"),
    "silent": (Reply(rss("S", [("1", "One", "x")]), delay=20), "timed out"),
    "file": (Reply(status=302, location="file:///etc/passwd"), "redirected to a file URL"),
    "error": (Reply(b"", status=500), "HTTP 500"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_feed_is_one_line_naming_it_and_loses_nothing(
    server: FeedServer, library: Path, store: MemoryStore, kind: str
) -> None:
    good = rss("Named", [("1", "One", "kept")])
    url = server.route("/f", Reply(good))
    subscribe(store, url, title="My Feed")
    refresh(store, library)
    before = posts(library)
    assert len(before) == 1
    server.route("/f", BAD[kind][0])
    summary = refresh(store, library, force=True, timeout=1.0, max_bytes=2000)
    (result,) = summary.results
    assert result.status == "error"
    assert result.line().startswith("My Feed: ") and BAD[kind][1] in result.line()
    assert "\n" not in result.line()
    assert posts(library) == before
    assert summary.exit_code == 1 and "1 failed (My Feed)" in summary.line()
    state = Subscriptions.from_records(store.load()).list()[0]
    assert state.failures == 1 and state.last_error == result.line()


def test_repeated_failures_back_off_and_retry_after_is_honoured(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    subscribe(store, server.route("/f", Reply(b"", status=500)))
    refresh(store, library, clock=lambda: 0.0)
    refresh(store, library, clock=lambda: 300.0)
    state = Subscriptions.from_records(store.load()).list()[0]
    assert (state.failures, state.next_due) == (2, 900.0)  # 5 min, then 10
    server.route("/f", Reply(b"", status=429, headers={"Retry-After": "7200"}))
    refresh(store, library, clock=lambda: 900.0)
    state = Subscriptions.from_records(store.load()).list()[0]
    assert (state.failures, state.next_due) == (3, 8100.0)
    assert refresh(store, library, clock=lambda: 8000.0).results == []


def test_entry_titles_never_name_a_path_outside_the_folder(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    hostile = [("a", "../../../etc/passwd", "x"), ("b", "/abs/path", "y"), ("c", "..", "z"),
               ("d", "\x1b[2J", "w")]  # fmt: skip
    subscribe(store, server.route("/f", Reply(atom("../../Evil/..", hostile))))
    refresh(store, library)
    files = posts(library)
    assert len(files) == 4
    assert len({name.split("/")[0] for name in files}) == 1
    assert all((library / name).resolve().is_relative_to(library.resolve()) for name in files)
    assert list(library.parent.iterdir()) == [library]


def test_concurrency_is_bounded_in_all_and_per_host(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    urls = []
    for number in range(6):
        reply = Reply(rss(f"F{number}", [("1", "One", "x")]), delay=0.3)
        server.route(f"/{number}", reply)
        urls.append(server.url(f"/{number}"))
        urls.append(server.url(f"/{number}", host="localhost"))
    subscribe(store, *urls)
    seen: list[tuple[int, int, FeedResult]] = []
    summary = refresh(store, library, jobs=3, progress=lambda *args: seen.append(args))
    assert len(summary.results) == 12 and summary.exit_code == 0
    assert [(done, total) for done, total, _ in seen] == [(n, 12) for n in range(1, 13)]
    assert server.max_by_host["127.0.0.1"] <= 2 and server.max_by_host["localhost"] <= 2
    assert server.max_active <= 3


def test_a_second_refresh_says_one_is_running(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    subscribe(store, server.route("/f", Reply(rss("A", [("1", "One", "x")]))))
    library.mkdir()
    holder = FileLock(library / LOCK_NAME)
    with holder, pytest.raises(RefreshBusy, match="already running"):
        refresh(store, library, lock_wait=0.2)
    assert server.counts["/f"] == 0


def test_two_refreshes_at_once_take_turns(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    items = [(str(n), f"Post {n}", "x") for n in range(30)]
    subscribe(store, server.route("/f", Reply(rss("A", items), delay=0.2)))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            refresh(store, library, force=True, lock_wait=30)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(posts(library)) == 30


def test_a_subscription_added_during_a_refresh_is_kept(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    subscribe(store, server.route("/f", Reply(rss("A", [("1", "One", "x")]))))

    def meanwhile(done: int, total: int, result: FeedResult) -> None:
        subscribe(store, "http://other.example/feed")

    refresh(store, library, progress=meanwhile)
    assert len(Subscriptions.from_records(store.load())) == 2


def test_a_full_text_feed_fetches_each_new_entrys_page(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    from tests.conftest import DATA

    page = (DATA / "fulltext" / "blog-post.html").read_bytes()
    server.route("/posts/1", Reply(page, content_type="text/html"))
    feed = rss("Blog", [("1", "One", "summary [...]"), ("2", "Two", "gone [...]")],
               link=server.url("/posts/"))  # fmt: skip
    url = server.route("/f", Reply(feed))
    subs = Subscriptions.from_records(store.load())
    subs.add(url, full_text=True)
    store.save(subs.to_records())
    (result,) = refresh(store, library).results
    assert result.status == "new" and result.added == 2
    assert len(result.notes) == 1 and "HTTP 404" in result.notes[0]
    assert result.line().endswith(": 2 new, no full text for 1")
    full = sorted(library.rglob(".full/*.md"))
    assert len(full) == 1 and "## Reading in a terminal" in full[0].read_text(encoding="utf-8")
    assert len(posts(library)) == 2  # the cache is no extra post
    refresh(store, library, force=True)
    assert server.counts["/posts/1"] == 1 and server.counts["/posts/2"] == 2  # retried


REFRESH_CHILD = """
import sys
from pathlib import Path
from reader.feeds.refresh import refresh
from reader.feeds.subscriptions import JsonFileStore
summary = refresh(JsonFileStore(Path(sys.argv[1])), Path(sys.argv[2]), force=True, lock_wait=60)
print(summary.line())
"""


def test_two_refresh_processes_on_one_library_take_turns(
    server: FeedServer, tmp_path: Path, library: Path
) -> None:
    import subprocess
    import sys

    from reader.feeds.subscriptions import JsonFileStore

    items = [(str(n), f"Post {n}", "x") for n in range(25)]
    url = server.route("/f", Reply(rss("A", items), delay=0.3))
    store = JsonFileStore(tmp_path / "subs.json")
    subs = Subscriptions()
    subs.add(url)
    store.save(subs.to_records())
    command = [sys.executable, "-c", REFRESH_CHILD, str(store.path), str(library)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(child.communicate(timeout=60)[0].strip() for child in children)
    assert [child.returncode for child in children] == [0, 0]
    assert outputs == ["1 feed: 0 new posts", "1 feed: 25 new posts"]
    assert len(posts(library)) == 25
    assert Subscriptions.from_records(store.load()).list()[0].last_error == ""


def test_an_unexpected_error_in_one_feed_leaves_the_others(
    server: FeedServer, library: Path, store: MemoryStore
) -> None:
    from reader.feeds.http import fetch_feed

    good = server.route("/good", Reply(rss("Good", [("1", "One", "x")])))
    subscribe(store, good, "http://bug.example/feed")

    def fetcher(url: str, **options: object) -> object:
        if "bug.example" in url:
            raise TypeError("a bug")
        return fetch_feed(url, **options)  # type: ignore[arg-type]

    summary = refresh(store, library, fetcher=fetcher)  # type: ignore[arg-type]
    lines = sorted(result.line() for result in summary.results)
    assert lines == ["Good: 1 new", "http://bug.example/feed: unexpected error (TypeError)"]
    assert summary.exit_code == 1
