"""Subscriptions: stable ids, add/remove/find/update, records that survive a round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.feeds.subscriptions import (
    JsonFileStore,
    Subscription,
    SubscriptionError,
    Subscriptions,
    feed_id,
    normalise_url,
)


def test_ids_are_stable_across_spellings_of_one_url() -> None:
    assert normalise_url("HTTP://Example.ORG:80/feed#top") == "http://example.org/feed"
    assert normalise_url("https://example.org") == "https://example.org/"
    assert feed_id("http://EXAMPLE.org/feed") == feed_id("http://example.org:80/feed")
    assert len(feed_id("http://example.org/feed")) == 8


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/f", "javascript:alert(1)", "http://", "x"]
)
def test_only_http_urls_can_be_followed(url: str) -> None:
    with pytest.raises(SubscriptionError) as caught:
        Subscriptions().add(url)
    assert "\n" not in str(caught.value)


def test_add_find_update_remove() -> None:
    subs = Subscriptions()
    feed = subs.add("https://blog.example/feed.xml", title="Blog", tags=["tech", "tech", "a"])
    assert feed.tags == ("tech", "a")
    assert subs.find(feed.id) == feed
    assert subs.find("https://BLOG.example/feed.xml") == feed
    assert subs.find(feed.id[:5]) == feed  # a unique prefix
    with pytest.raises(SubscriptionError, match="already subscribed"):
        subs.add("https://blog.example/feed.xml#x")
    changed = subs.update(feed.id, title="New", full_text=True)
    assert (changed.title, changed.full_text, changed.id) == ("New", True, feed.id)
    with pytest.raises(SubscriptionError):
        subs.update(feed.id, url="http://other/")
    assert subs.remove("https://blog.example/feed.xml") == changed
    assert len(subs) == 0
    with pytest.raises(SubscriptionError, match="no subscription"):
        subs.remove(feed.id)


def test_records_round_trip_through_json() -> None:
    subs = Subscriptions()
    subs.add("http://a.example/rss", title="A", tags=["x/y"], full_text=True)
    subs.update(
        subs.list()[0].id, etag='"v1"', last_fetched=1_800_000_000.0, failures=2,
        last_error="A: HTTP 500", next_due=1_800_000_600.0,
    )  # fmt: skip
    records = json.loads(json.dumps(subs.to_records()))
    assert records[0]["last_fetched"] == "2027-01-15T08:00:00Z"
    again = Subscriptions.from_records(records)
    assert again.list() == subs.list()
    assert again.problems == []


def test_broken_records_are_skipped_with_a_problem_each() -> None:
    good = Subscriptions()
    good.add("http://a.example/rss")
    records: list[object] = [
        *good.to_records(),
        {"url": "file:///etc/passwd"},
        "junk",
        {"title": "no url"},
        good.to_records()[0],  # a duplicate
        {"url": "http://b.example/", "folder": "../../etc", "tags": "notalist", "failures": -3},
    ]
    subs = Subscriptions.from_records(records)
    assert [feed.url for feed in subs] == ["http://a.example/rss", "http://b.example/"]
    assert len(subs.problems) == 4
    last = subs.list()[1]
    assert (last.folder, last.tags, last.failures) == ("", (), 0)  # never a path outside


def test_a_title_with_control_characters_is_made_safe() -> None:
    feed = Subscriptions().add("http://a.example/", title="Evil\x1b[31m\nTitle")
    assert "\x1b" not in feed.title and "\n" not in feed.title


def test_json_file_store_saves_atomically(tmp_path: Path) -> None:
    store = JsonFileStore(tmp_path / "subs.json")
    assert store.load() == []
    subs = Subscriptions()
    subs.add("http://a.example/")
    store.save(subs.to_records())
    assert Subscriptions.from_records(store.load()).list() == subs.list()
    assert [path.name for path in tmp_path.iterdir()] == ["subs.json"]


def test_due() -> None:
    subs = Subscriptions()
    feed = subs.add("http://a.example/")
    assert subs.due(0.0) == [feed]
    later = subs.update(feed.id, next_due=100.0)
    assert subs.due(99.0) == [] and subs.due(100.0) == [later]
    assert isinstance(later, Subscription)
