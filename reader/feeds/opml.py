"""OPML in and out (UI-free).

Import parses with listparser and keeps each feed's nested outlines as a tag ("Tech/
Python" for a feed inside Tech > Python), plus the tags of its OPML `category`
attribute. An outline that includes another OPML list is followed only when a
`load` function is given (the CLI passes one that fetches or reads it); a list
already being read is a loop and is not read again. Each problem is one line: a
loop, a feed listed twice or already followed, a url that is not http(s), an
unreadable file. Export writes every subscription, nested under its first tag's
folders, with all its tags in `category`; ElementTree escapes the text, so the
result reads back to the same feeds, titles and tags.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from reader.feeds.subscriptions import (
    Subscription,
    SubscriptionError,
    Subscriptions,
    clean_tags,
    normalise_url,
)
from reader.sanitize import clean_line

__all__ = [
    "OpmlError",
    "OpmlFeed",
    "OpmlImport",
    "export_opml",
    "http_loader",
    "parse_opml",
    "subscribe_all",
]

MAX_DEPTH = 10  # included lists followed at most this deep
Loader = Callable[[str], bytes]  # the bytes of an included list; raises OSError/ValueError


class OpmlError(ValueError):
    """A file that is not OPML at all; one line."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed of an OPML list."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class OpmlImport:
    """The feeds an OPML list names (each once) and one line per problem."""

    feeds: list[OpmlFeed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    title: str = ""


def _tags(categories: object) -> tuple[str, ...]:
    """A feed's tags from listparser's categories (lists of folder names): those of its
    `category` attribute in order, then its outline path (unless already among them)."""
    if not isinstance(categories, list):
        return ()
    paths = ["/".join(str(part) for part in path) for path in categories if path]
    return clean_tags(paths)


def parse_opml(data: bytes, source: str, load: Loader | None = None) -> OpmlImport:
    """The feeds of the OPML bytes read from `source` (a file or url, named in problems).

    Raises OpmlError if data is not OPML. Included lists are read with `load`.
    """
    result = OpmlImport()
    _read(data, source, load, result, seen_urls={}, reading=[source])
    return result


def _read(
    data: bytes,
    source: str,
    load: Loader | None,
    result: OpmlImport,
    seen_urls: dict[str, str],
    reading: list[str],
) -> None:
    """Add the feeds of one list (and, with load, the lists it includes) to result."""
    import listparser

    shown = clean_line(source)
    parsed = listparser.parse(data)
    if not parsed.get("version") and not parsed.get("feeds") and not parsed.get("lists"):
        raise OpmlError(f"{shown}: not an OPML file")
    if not result.title:
        result.title = clean_line(str(parsed.get("meta", {}).get("title") or ""))
    for feed in parsed.get("feeds", []):
        raw = str(feed.get("url") or "")
        try:
            url = normalise_url(raw)
        except SubscriptionError:
            result.problems.append(f"{shown}: skipped {clean_line(raw)!r}: not an http(s) URL")
            continue
        if url in seen_urls:
            result.problems.append(f"{shown}: skipped {url}: listed twice")
            continue
        seen_urls[url] = source
        title = clean_line(str(feed.get("title") or "")).strip()
        result.feeds.append(OpmlFeed(url, title, _tags(feed.get("categories"))))
    for included in parsed.get("lists", []):
        _include(str(included.get("url") or ""), shown, load, result, seen_urls, reading)


def _include(
    raw: str,
    shown: str,
    load: Loader | None,
    result: OpmlImport,
    seen_urls: dict[str, str],
    reading: list[str],
) -> None:
    """Read one included list, unless it is a loop, too deep, or there is no loader."""
    name = clean_line(raw)
    if raw in reading:
        result.problems.append(f"{shown}: skipped the list {name}: a loop")
        return
    if load is None:
        result.problems.append(f"{shown}: the included list {name} was not read")
        return
    if len(reading) > MAX_DEPTH:
        result.problems.append(f"{shown}: skipped the list {name}: nested too deeply")
        return
    try:
        data = load(raw)
        _read(data, raw, load, result, seen_urls, [*reading, raw])
    except (OSError, ValueError) as error:  # OpmlError, FeedError, a bad url
        result.problems.append(f"{shown}: skipped the list {name}: {clean_line(str(error))}")


def http_loader(timeout: float = 15.0, max_bytes: int = 5 * 1024 * 1024) -> Loader:
    """A Loader for included lists: http(s) only, with the polite fetch's deadline and
    size limit (an OPML file from the web must not make the reader read local files)."""
    from reader.feeds.http import fetch_feed

    def load(url: str) -> bytes:
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError("only http(s) lists are read")
        return fetch_feed(url, timeout=timeout, max_bytes=max_bytes).body

    return load


def subscribe_all(subs: Subscriptions, opml: OpmlImport) -> tuple[list[Subscription], list[str]]:
    """Follow every feed of an OPML import not yet followed: (added, problems)."""
    added: list[Subscription] = []
    problems = list(opml.problems)
    for feed in opml.feeds:
        try:
            added.append(subs.add(feed.url, title=feed.title, tags=feed.tags))
        except SubscriptionError as error:
            problems.append(f"skipped {feed.url}: {error}")
    return added, problems


def export_opml(feeds: Iterable[Subscription], title: str = "reader subscriptions") -> str:
    """OPML 2.0 text of the feeds: each under its first tag's folders, all tags in
    `category` ("/Tech/Python,/News"); text is escaped and made terminal-safe."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = clean_line(title)
    body = ElementTree.SubElement(root, "body")
    folders: dict[tuple[str, ...], ElementTree.Element] = {(): body}
    for feed in feeds:
        path = tuple(part for part in feed.tags[0].split("/") if part) if feed.tags else ()
        parent = body
        for depth in range(1, len(path) + 1):
            key = path[:depth]
            if key not in folders:
                folders[key] = ElementTree.SubElement(
                    folders[key[:-1]], "outline", text=clean_line(key[-1]), title=key[-1]
                )
            parent = folders[key]
        name = clean_line(feed.title or feed.url)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if feed.tags:
            attributes["category"] = ",".join("/" + tag.strip("/") for tag in feed.tags)
        ElementTree.SubElement(parent, "outline", attributes)
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n'
