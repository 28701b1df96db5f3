"""Starting a worker costs the UI thread nothing that grows with the library."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reader.library import Post
from tests.app.conftest import ARTICLES, settle, sidebar


async def test_no_worker_describes_itself_with_the_posts(
    start: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual describes a worker by the repr of its arguments unless told otherwise: for
    the search index's worker that was a 36 MB string at 100,000 posts, on the UI thread."""
    built: list[str] = []

    def counted(post: Post) -> str:
        built.append(post.id)
        return f"Post({post.id!r})"

    monkeypatch.setattr(Post, "__repr__", counted)
    async with start(ARTICLES) as pilot:
        await settle(pilot)
        assert sidebar(pilot).ids
        await pilot.press("j", "j", "k")  # render and render-ahead workers too
        await settle(pilot)
        await pilot.press("slash", "s")  # and a search
        await settle(pilot)
    assert built == []
