"""Textual bindings made from the key table (reader/keys.py), for each class's BINDINGS."""

from __future__ import annotations

from functools import cache

from textual.binding import Binding, BindingType

from reader.keys import Key, keys_at


@cache
def group(description: str, compact: bool) -> Binding.Group:
    """One footer group per description (the footer shows a group's keys together)."""
    return Binding.Group(description, compact=compact)


def binding(key: Key) -> Binding:
    """The Textual binding of one entry of the key table."""
    return Binding(
        key.keys,
        key.action,
        key.description,
        show=key.show,
        priority=key.priority,
        group=None if key.group is None else group(key.group, key.compact),
        id=key.id,
    )


def bindings(home: str) -> list[BindingType]:
    """The bindings of one class (a `home` of reader/keys.py), in footer order."""
    return [binding(key) for key in keys_at(home)]
