"""Subscriptions kept in the reader's state file, through the Store (UI-free).

The records (reader.feeds.subscriptions: `Subscriptions.to_records()`) are one value of
the state, under the meta key "subscriptions": saved by the same writer thread, under
the same lock and in the same journal and atomic snapshot as read marks, so a crash
loses at most what any mark would. A refresh (reader.feeds.refresh) re-reads them
under its own lock before it saves, so two processes never drop each other's feeds.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.store import Store

__all__ = ["KEY", "StateSubscriptions"]

KEY = "subscriptions"


class StateSubscriptions:
    """A SubscriptionStore (reader.feeds.subscriptions) in the state, through a Store."""

    def __init__(self, store: Store) -> None:
        """Keep the store (already open)."""
        self.store = store

    def load(self) -> builtins.list[dict[str, Any]]:
        """The stored records, with what other processes saved since ([] when none)."""
        self.store.refresh()
        value = self.store.get_meta(KEY, [])
        if not isinstance(value, builtins.list):
            return []
        return [dict(record) for record in value if isinstance(record, dict)]

    def save(self, records: builtins.list[dict[str, Any]]) -> None:
        """Replace the records and write them to disk now."""
        self.store.set_meta(KEY, records)
        self.store.flush()
