"""A Fever API client (UI-free): FreshRSS, Miniflux, Tiny Tiny RSS and coldsweat speak it.

Every call is a POST of the api key as a form field to `URL?api&...`, through urllib with a
total deadline per call (reader.importers.fetch). Errors are one line (FeverError) and
never hold the api key or the password: the key only travels in the request body.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from typing import Any

from reader.importers.fetch import FeedError, fetch
from reader.sanitize import clean_line

PAGE = 50  # items per page, the protocol's
MAX_BYTES = 32 * 1024 * 1024


class FeverError(Exception):
    """The server could not be used; the message is one line without secrets."""


class AuthError(FeverError):
    """The server refused the user or password."""


def shown_url(url: str) -> str:
    """The server's address as shown to the user: without any user:password@ part."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return clean_line(urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", "")))


def parse_ids(value: object) -> set[int]:
    """A comma-separated id list ("1,2,3"); raises FeverError when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {value}
    if not isinstance(value, str):
        raise FeverError("the Fever server sent an id list that is not one")
    ids: set[int] = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise FeverError("the Fever server sent an id list that is not one")
        ids.add(int(part))
    return ids


class FeverClient:
    """One Fever server, one user."""

    def __init__(self, url: str, key: str, *, timeout: float = 30.0) -> None:
        """`key` is the api key (md5 of "user:password"); `timeout` bounds each call."""
        self.url = url
        self._key = key
        self.timeout = timeout

    def call(self, query: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        """POST to `URL?api&query`; the decoded answer. Raises FeverError / AuthError."""
        separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
        target = f"{self.url}{separator}api" + (f"&{query}" if query else "")
        body = urllib.parse.urlencode({"api_key": self._key, **(form or {})}).encode("ascii")
        where = shown_url(self.url)
        try:
            data, _headers = fetch(target, self.timeout, MAX_BYTES, data=body)
        except FeedError as exc:
            text = str(exc).replace(target, where).replace(self.url, where)
            if "HTTP 404" in text and form and "mark" in form:
                raise GoneError(text) from None
            raise FeverError(text.replace(self._key, "…")) from None
        try:
            answer = json.loads(data)
        except (ValueError, RecursionError):
            raise FeverError(f"{where} did not answer as a Fever server (not JSON)") from None
        if not isinstance(answer, dict) or "auth" not in answer:
            raise FeverError(f"{where} did not answer as a Fever server")
        if answer.get("auth") != 1:
            raise AuthError(f"the Fever server {where} refused the user or password")
        return answer

    def check(self) -> None:
        """Ask nothing but whether the key is accepted."""
        self.call("")

    def items_since(self, since_id: int) -> list[dict[str, Any]]:
        """Up to a page of the items whose id is above `since_id`."""
        return _items(self.call(f"items&since_id={since_id}"))

    def items_with_ids(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The items with these ids (at most a page of them)."""
        wanted = ",".join(str(i) for i in sorted(ids)[:PAGE])
        return _items(self.call(f"items&with_ids={wanted}"))

    def unread_ids(self) -> set[int]:
        """The ids of every unread item."""
        answer = self.call("unread_item_ids")
        if "unread_item_ids" not in answer:
            raise FeverError(f"{shown_url(self.url)} sent no unread_item_ids")
        return parse_ids(answer["unread_item_ids"])

    def saved_ids(self) -> set[int]:
        """The ids of every saved item."""
        answer = self.call("saved_item_ids")
        if "saved_item_ids" not in answer:
            raise FeverError(f"{shown_url(self.url)} sent no saved_item_ids")
        return parse_ids(answer["saved_item_ids"])

    def feeds(self) -> dict[int, str]:
        """Feed id -> title."""
        answer = self.call("feeds")
        titles: dict[int, str] = {}
        for feed in answer.get("feeds") or []:
            if isinstance(feed, dict) and isinstance(feed.get("id"), int):
                titles[feed["id"]] = clean_line(str(feed.get("title") or ""))
        return titles

    def mark(self, item: int, status: str) -> None:
        """Mark one item read, unread, saved or unsaved."""
        assert status in ("read", "unread", "saved", "unsaved")
        self.call("", {"mark": "item", "as": status, "id": str(item)})


class GoneError(FeverError):
    """The item to mark is no longer on the server."""


def _items(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The well-formed items of an answer (each with an int id)."""
    items = answer.get("items")
    if not isinstance(items, list):
        raise FeverError("the Fever server sent no item list")
    found: list[dict[str, Any]] = []
    for item in items:  # ids are numbers, or digit strings (FreshRSS)
        if not isinstance(item, dict):
            continue
        raw = item.get("id")
        if isinstance(raw, str) and raw.isdigit():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            found.append({**item, "id": raw})
    return found
