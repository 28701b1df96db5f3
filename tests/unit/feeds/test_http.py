"""The polite fetch against the loopback server: conditional GET, 304, gzip, 429/503
Retry-After, errors, a slow body past the deadline, redirects, the size limit."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from reader.feeds.http import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    FetchFailure,
    backoff,
    fetch_feed,
    next_due,
    parse_retry_after,
)
from tests.feeds_server import FeedServer, Reply, rss

FEED = rss("Blog", [("1", "One", "<p>first</p>")])


def test_conditional_get_sends_the_validators_and_304_is_not_modified(
    server: FeedServer,
) -> None:
    date = "Tue, 03 Nov 2026 09:00:00 GMT"
    url = server.route("/f", Reply(FEED, etag='"v1"', last_modified=date))
    first = fetch_feed(url)
    assert (first.status, first.body, first.etag) == (200, FEED, '"v1"')
    assert "if-none-match" not in server.headers_of("/f")[0]
    again = fetch_feed(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    sent = server.headers_of("/f")[1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 03 Nov 2026 09:00:00 GMT"
    assert again.etag == '"v1"'
    assert server.counts["/f"] == 2


def test_gzip_is_accepted_and_unpacked(server: FeedServer) -> None:
    url = server.route("/gz", Reply(FEED, gzip=True))
    assert fetch_feed(url).body == FEED
    assert "gzip" in server.headers_of("/gz")[0]["accept-encoding"]


def test_a_gzip_body_is_held_to_the_size_limit_once_unpacked(server: FeedServer) -> None:
    url = server.route("/bomb", Reply(b"<rss>" + b" " * 2_000_000, gzip=True))
    with pytest.raises(FetchFailure, match="too large"):
        fetch_feed(url, max_bytes=100_000)


def test_over_the_size_limit(server: FeedServer) -> None:
    url = server.route("/big", Reply(b"x" * 5000))
    with pytest.raises(FetchFailure, match="too large") as caught:
        fetch_feed(url, max_bytes=1000)
    assert "/big" in str(caught.value)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_is_kept(server: FeedServer, status: int) -> None:
    url = server.route("/busy", Reply(b"slow down", status=status, headers={"Retry-After": "120"}))
    with pytest.raises(FetchFailure) as caught:
        fetch_feed(url)
    assert (caught.value.status, caught.value.retry_after) == (status, 120.0)
    assert f"HTTP {status}" in str(caught.value)


def test_retry_after_as_an_http_date(server: FeedServer) -> None:
    later = formatdate(time.time() + 600, usegmt=True)
    url = server.route("/busy", Reply(b"", status=429, headers={"Retry-After": later}))
    with pytest.raises(FetchFailure) as caught:
        fetch_feed(url)
    assert caught.value.retry_after is not None and 500 < caught.value.retry_after <= 600


def test_a_server_error_is_one_line(server: FeedServer) -> None:
    url = server.route("/err", Reply(b"oops", status=500))
    with pytest.raises(FetchFailure) as caught:
        fetch_feed(url)
    assert str(caught.value) == f"cannot fetch {url}: HTTP 500 Internal Server Error"
    assert caught.value.retry_after is None


def test_a_slow_body_ends_at_the_deadline(server: FeedServer) -> None:
    url = server.route("/slow", Reply(FEED, trickle=True))
    with pytest.raises(FetchFailure, match="timed out"):
        fetch_feed(url, timeout=1.0)


def test_redirects_to_http_are_followed_and_to_file_refused(server: FeedServer) -> None:
    target = server.route("/real", Reply(FEED))
    url = server.route("/moved", Reply(status=301, location=target))
    assert fetch_feed(url).url == target
    evil = server.route("/evil", Reply(status=302, location="file:///etc/passwd"))
    with pytest.raises(FetchFailure, match="redirected to a file URL"):
        fetch_feed(evil)


def test_nothing_listening() -> None:
    with pytest.raises(FetchFailure, match="cannot fetch"):
        fetch_feed("http://127.0.0.1:9/feed", timeout=5)


def test_retry_after_values() -> None:
    assert parse_retry_after("30", 0.0) == 30.0
    assert parse_retry_after("soon", 0.0) is None
    assert parse_retry_after(None, 0.0) is None
    assert parse_retry_after("Thu, 01 Jan 1970 00:10:00 GMT", 0.0) == 600.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:10:00 GMT", 9999.0) == 0.0
    assert parse_retry_after("99999999999", 0.0) == 7 * 24 * 3600.0


def test_backoff_doubles_up_to_a_day() -> None:
    assert backoff(0) == 0.0
    assert [backoff(n) for n in (1, 2, 3)] == [BACKOFF_BASE, 2 * BACKOFF_BASE, 4 * BACKOFF_BASE]
    assert backoff(100) == BACKOFF_MAX
    assert next_due(1000.0, 3600.0, 0) == 4600.0
    assert next_due(1000.0, 3600.0, 1) == 1000.0 + BACKOFF_BASE
    assert next_due(1000.0, 3600.0, 1, retry_after=7200.0) == 8200.0
