"""Pilot tests: o opens the post's url, f picks a link (y copying: test_copy.py)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Any

import pytest

from reader.screens.links import LinksScreen
from tests.app.conftest import notices, settle
from tests.app.screen_text import screen_lines, screen_text

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


async def test_clicking_a_title_shows_it_and_clicking_a_link_opens_it(
    start: Any, linked: Path, opened: list[str]
) -> None:
    """A click on a link's text (`the first[1]`) or on its address under Links opens it;
    a click on a plain word opens nothing."""
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
        row = next(i for i, text in enumerate(lines) if "the first[1]" in text)
        column = lines[row].index("the first[1]") + 3
        await pilot.click(ArticleView, offset=(column + 2, row))  # + the left padding
        await settle(pilot)
        assert opened == ["https://example.org/one"]
        await pilot.click(ArticleView, offset=(2, row))  # "Read": a word, not a link
        await settle(pilot)
        assert opened == ["https://example.org/one"]
        listed = next(i for i, text in enumerate(lines) if "[3] mailto:me@example.org" in text)
        column = lines[listed].index("mailto:") + 2
        await pilot.click(ArticleView, offset=(column + 2, listed))
        await settle(pilot)
        assert opened == ["https://example.org/one", "mailto:me@example.org"]


MANY = 44  # as many links as "Rust Function Overloading", more than there are keys


@pytest.fixture
def many_links(tmp_path: Path) -> Path:
    """A library with one post of MANY links, each with a long text and address."""
    folder = tmp_path / "many"
    folder.mkdir()
    items = "\n".join(
        f"- [link number {n} with a rather long text](https://example.org/{n}/{'x' * 60})"
        for n in range(1, MANY + 1)
    )
    (folder / "post.md").write_text(f"---\ntitle: Many links\n---\n\n{items}\n")
    return folder


def cursor_rows(pilot: Any) -> list[str]:
    """The screen lines that show the links list's cursor mark."""
    from reader.screens.links import CURSOR

    return [line for line in screen_lines(pilot) if f"{CURSOR} " in line]


async def test_the_links_cursor_shows_scrolls_along_and_enter_opens_what_it_shows(
    start: Any, many_links: Path, opened: list[str]
) -> None:
    for size in ((80, 24), (120, 40)):
        async with start(many_links, size=size) as pilot:
            await pilot.press("f")
            await settle(pilot)
            text = screen_text(pilot)
            hint = "1-9, a-z or ↑↓ enter: open (links 36-44: ↑↓ enter) · esc: close"
            assert hint in text, text
            assert [r for r in cursor_rows(pilot) if "link number 1 with" in r], text
            assert all(
                line.count("https://example.org/") <= 1 for line in screen_lines(pilot)
            ), "one line per link"
            await pilot.press(*["down"] * 50)  # more than there are links: stops at the last
            await settle(pilot)
            rows = cursor_rows(pilot)
            assert len(rows) == 1 and f"link number {MANY} with" in rows[0], screen_text(pilot)
            assert hint in screen_text(pilot)
            await pilot.press("up", "up")
            await settle(pilot)
            rows = cursor_rows(pilot)
            assert len(rows) == 1 and f"link number {MANY - 2} with" in rows[0]
            await pilot.press("enter")
            await settle(pilot)
            assert opened[-1] == f"https://example.org/{MANY - 2}/{'x' * 60}"


async def test_the_highlighted_link_stands_out_in_dark_and_light_themes(
    start: Any, many_links: Path
) -> None:
    from reader.screens.links import LinkList

    for theme in ("textual-dark", "textual-light"):
        async with start(many_links, size=(80, 24)) as pilot:
            pilot.app.theme = theme
            await pilot.press("f")
            await settle(pilot)
            await pilot.press("down", "down")
            await settle(pilot)
            links = pilot.app.screen.query_one(LinkList)

            def backgrounds(y: int, links: LinkList = links) -> set[object]:
                return {seg.style.bgcolor for seg in links.render_line(y) if seg.style}

            assert links.highlighted == 2
            normal, cursor = backgrounds(0), backgrounds(2)
            assert normal == backgrounds(1) == backgrounds(3), theme
            assert not cursor & normal, f"{theme}: the cursor row has its own background"


async def test_o_says_opened_only_once_a_browser_took_the_link(
    start: Any, linked: Path, opened: list[str]
) -> None:
    async with start(linked) as pilot:
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/linked"]
        assert "Opened https://example.org/linked in the web browser" in notices(pilot)


async def test_o_with_no_browser_asks_to_copy_and_says_nothing_of_opening(
    start: Any, linked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.screens.confirm import ConfirmScreen

    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: False)
    async with start(linked) as pilot:
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        assert "No web browser could open" in pilot.app.screen.question
        assert not [n for n in notices(pilot) if n.startswith("Open")], notices(pilot)
