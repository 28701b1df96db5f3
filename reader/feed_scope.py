"""Feeds and tags in the sidebar (UI-free): the `F` picker's choices, a short date.

A `FeedScope` narrows the sidebar to one feed (the posts whose front matter `feed` is
its name) or one tag (the posts of the feeds subscribed under that tag, e.g. an OPML
folder, and the posts carrying the tag themselves). `scope_choices` lists every feed
and tag of the loaded posts and subscriptions with their unread and total counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from reader.library import Post
from reader.sanitize import clean_line

__all__ = ["MONTHS", "FeedScope", "ScopeChoice", "feed_tags", "scope_choices", "short_date"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


def short_date(date: datetime | None) -> str:
    """`Nov 03`: the day in the post's own zone (no locale: the same on every machine)."""
    if date is None:
        return ""
    return f"{MONTHS[date.month - 1]} {date.day:02d}"


@dataclass(frozen=True)
class FeedScope:
    """One feed or one tag the sidebar is narrowed to."""

    kind: Literal["feed", "tag"]
    name: str
    feeds: frozenset[str] = frozenset()  # for a tag: the names of the feeds under it

    @property
    def label(self) -> str:
        """How the header names it: `Feed: Rust Blog`, `Tag: tech` (one line, safe)."""
        return clean_line(f"{'Feed' if self.kind == 'feed' else 'Tag'}: {self.name}")

    def matches(self, post: Post) -> bool:
        """Whether the post belongs to this feed or tag."""
        if self.kind == "feed":
            return post.feed == self.name
        wanted = self.name.casefold()
        return post.feed in self.feeds or any(tag.casefold() == wanted for tag in post.tags)


@dataclass(frozen=True)
class ScopeChoice:
    """A line of the picker: a feed or tag and how many of its posts are unread."""

    scope: FeedScope
    unread: int
    total: int


def feed_tags(records: object) -> dict[str, frozenset[str]]:
    """Tag -> the names of the feeds subscribed under it, from the subscription records
    (reader.feeds.subscriptions; a broken record is skipped)."""
    from reader.feeds.subscriptions import Subscriptions

    tags: dict[str, set[str]] = {}
    for feed in Subscriptions.from_records(records if isinstance(records, list) else []):
        for tag in feed.tags:
            tags.setdefault(tag, set()).add(feed.name)
    return {tag: frozenset(names) for tag, names in tags.items()}


def scope_choices(
    posts: Sequence[Post], read: AbstractSet[str], tags_of_feeds: dict[str, frozenset[str]]
) -> tuple[list[ScopeChoice], list[ScopeChoice]]:
    """The feeds, then the tags, each by name, with their unread and total counts (one
    pass over the posts).

    The tags are those of the subscriptions and those of the posts that came from a
    feed (a library without feeds lists every post tag).
    """
    from_feeds = any(post.feed for post in posts)
    names: dict[str, str] = {tag.casefold(): tag for tag in tags_of_feeds}
    tags_of_feed: dict[str, set[str]] = {}
    for tag, feed_names in tags_of_feeds.items():
        for name in feed_names:
            tags_of_feed.setdefault(name, set()).add(tag.casefold())
    feed_counts: dict[str, list[int]] = {}
    tag_counts: dict[str, list[int]] = {}
    for post in posts:
        unread = post.id not in read
        keys: set[str] = set()
        if post.feed:
            counts = feed_counts.setdefault(post.feed, [0, 0])
            counts[0] += unread
            counts[1] += 1
            keys.update(tags_of_feed.get(post.feed, ()))
        if post.feed or not from_feeds:
            for tag in post.tags:
                keys.add(names.setdefault(tag.casefold(), tag).casefold())
        for key in keys:
            counts = tag_counts.setdefault(key, [0, 0])
            counts[0] += unread
            counts[1] += 1
    feeds = [
        ScopeChoice(FeedScope("feed", name), *feed_counts[name])
        for name in sorted(feed_counts, key=str.casefold)
    ]
    tags = [
        ScopeChoice(
            FeedScope("tag", names[key], tags_of_feeds.get(names[key], frozenset())),
            *tag_counts.get(key, [0, 0]),
        )
        for key in sorted(names)
    ]
    return feeds, tags
