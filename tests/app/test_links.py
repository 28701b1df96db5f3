"""Pilot tests: o opens the post's url, f picks a link (y copying: test_copy.py)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Any

import pytest

from reader.screens.links import LinksScreen
from tests.app.conftest import settle

POST = """---
title: Linked post
url: https://example.org/linked
date: 2001-01-01
---

Read [the first](https://example.org/one), [a script](javascript:alert(1)) and
[a file][f], or write to [me](mailto:me@example.org).

[f]: ssh://example.org/repo
"""


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A library with one post that has a url and links."""
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "post.md").write_text(POST)
    (folder / "plain.md").write_text("---\ntitle: Plain\ndate: 2000-01-01\n---\n\nNo links.\n")
    return folder


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record what would be opened in the web browser."""
    calls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: calls.append(url) or True)
    return calls


def notices(pilot: Any) -> list[str]:
    """The texts of the notifications shown so far."""
    return [n.message for n in pilot.app._notifications]


async def test_o_opens_the_posts_url(start: Any, linked: Path, opened: list[str]) -> None:
    async with start(linked) as pilot:
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/linked"]
        await pilot.press("j", "o")
        await settle(pilot)
        assert "This post has no url" in notices(pilot)
        assert len(opened) == 1


async def test_f_lists_links_and_opens_the_chosen_one(
    start: Any, linked: Path, opened: list[str]
) -> None:
    async with start(linked) as pilot:
        await pilot.press("f")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LinksScreen)
        assert [link.url for link in screen.links] == [
            "https://example.org/one",
            "ssh://example.org/repo",
            "mailto:me@example.org",
        ]
        await pilot.press("1")
        await settle(pilot)
        assert opened == ["https://example.org/one"]
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert opened == ["https://example.org/one"], "an ssh: link is never opened"
        assert any("ssh: links are not opened" in n for n in notices(pilot))
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert opened[-1] == "mailto:me@example.org"


async def test_clicking_a_title_shows_it_and_clicking_an_address_opens_it(
    start: Any, linked: Path, opened: list[str]
) -> None:
    from reader.widgets.article import ArticleView
    from reader.widgets.post_list import PostList
    from tests.app.conftest import article, current_title

    async with start(linked) as pilot:
        await pilot.click(PostList, offset=(4, 1))
        await settle(pilot)
        assert current_title(pilot) == "Plain"
        await pilot.click(PostList, offset=(4, 0))
        await settle(pilot)
        assert current_title(pilot) == "Linked post"
        lines = article(pilot).plain_lines()
        row = next(i for i, text in enumerate(lines) if "https://example.org/one" in text)
        column = lines[row].index("https://example.org/one") + 3
        await pilot.click(ArticleView, offset=(column + 2, row))
        await settle(pilot)
        assert opened == ["https://example.org/one"]
        await pilot.click(ArticleView, offset=(2, row))  # a word, not an address
        await settle(pilot)
        assert opened == ["https://example.org/one"]
