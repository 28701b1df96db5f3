"""Subscriptions kept in the state file: they survive a restart and reach another reader."""

from pathlib import Path

from reader.feeds.state import StateSubscriptions
from reader.feeds.subscriptions import Subscriptions
from reader.store import Store


def test_subscriptions_survive_a_restart_and_reach_another_store(tmp_path: Path) -> None:
    """Saved through one store, seen by a second one at once and by a third after closing."""
    path = tmp_path / "state.json"
    one, other = Store(path), Store(path)
    one.open()
    other.open()
    subs = Subscriptions.from_records(StateSubscriptions(one).load())
    subs.add("https://example.org/feed.xml", title="Example", tags=("news",))
    StateSubscriptions(one).save(subs.to_records())
    seen = Subscriptions.from_records(StateSubscriptions(other).load())
    assert [(feed.title, feed.tags) for feed in seen] == [("Example", ("news",))]
    one.close()
    other.close()
    again = Store(path)
    again.open()
    urls = [feed.url for feed in Subscriptions.from_records(StateSubscriptions(again).load())]
    again.close()
    assert urls == ["https://example.org/feed.xml"]
