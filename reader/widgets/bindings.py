"""Textual bindings made from the key table (reader/keys.py), for each class's BINDINGS."""

from __future__ import annotations

from functools import cache

from textual.binding import ActiveBinding, Binding, BindingType

from reader.keys import KEY_ORDER, Key, keys_at


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


def in_table_order(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active bindings, each place's keys in the key table's order.

    Textual moves a key remapped in the config to the end of its place, so the footer
    would show it last (and drop it first when short of room). The places (the focused
    widget, its parents, the screen, the app) keep their order.
    """
    nodes = list(dict.fromkeys(binding.node for binding in active.values()))

    def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
        node, binding = item[1].node, item[1].binding
        return nodes.index(node), KEY_ORDER.get(binding.id or "", len(KEY_ORDER))

    return dict(sorted(active.items(), key=place))
