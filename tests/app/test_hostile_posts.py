"""Pilot tests: the app on a library of the worst posts (markup, escape sequences, a list nested
5,000 deep, a 1 MB line, a binary file, an empty file) starts, shows them safely and keeps
running while the user goes through them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app.conftest import article, notices, settle, sidebar, titles

MARKUP_TITLE = "[bold]B[/] [@click=app.quit]q[/]"
ESCAPE_TITLE = ("E\x1b[2J\x1b]52;c;eA==\x07", "E␛[2J␛]52;c;eA==␇")
POSTS: dict[str, str | bytes] = {
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "deep-list.md": "# Deep list\n\n" + "- " * 5000 + "x\n\nafter\n",
    "empty.md": "",
    "escapes.md": (
        f"---\ntitle: '{ESCAPE_TITLE[0]}'\n---\nclear \x1b[2J, link \x1b]8;;http://x\x1b\\ end,"
        " clip \x1b]52;c;ZXZpbA==\x07, bell \x07, back\x08space, CR\rhere\n"
    ),
    "long-line.md": "# Long line\n\n" + "x" * 1_000_000 + "\n",
    "markup.md": (
        f"---\ntitle: '{MARKUP_TITLE}'\n---\nBody [bold]not bold[/] "
        "[link=file:///etc/passwd]file[/link] [@click=app.quit]quit[/]\n"
    ),
}
# Listed in path order (no dates); the binary file is skipped.
LISTED = ["Deep list", "empty", ESCAPE_TITLE[1], "Long line", MARKUP_TITLE]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A library of the worst posts."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, content in POSTS.items():
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    return folder


def sidebar_text(pilot: Pilot[int]) -> list[str]:
    """The sidebar's rows as drawn on screen."""
    post_list = sidebar(pilot)
    return [post_list.render_line(y).text for y in range(len(post_list.ids))]


def check_article(pilot: Pilot[int], title: str) -> list[str]:
    """The article pane shows this post, and no line of it holds an escape character."""
    lines = article(pilot).plain_lines()
    assert lines and lines[0] == title, lines[:3]
    assert not any("\x1b" in line for line in lines)
    return lines


async def test_the_worst_posts_are_listed_shown_literally_and_browsable(
    start: Any, hostile: Path
) -> None:
    """The app lists the usable posts, reports the binary one, shows markup and escape
    sequences as plain text, and survives j/k over every post and back."""
    async with start(hostile) as pilot:
        assert titles(pilot) == LISTED
        rows = sidebar_text(pilot)
        assert not any("\x1b" in row for row in rows)
        assert MARKUP_TITLE in rows[4] and ESCAPE_TITLE[1] in rows[2]
        assert any(
            "binary.md: looks like a binary file" in notice for notice in notices(pilot)
        ), notices(pilot)

        for index, title in enumerate(LISTED):
            if index:
                await pilot.press("j")
                await settle(pilot)
            assert pilot.app.is_running and pilot.app.return_code is None
            check_article(pilot, title)
        shown = "\n".join(article(pilot).plain_lines())
        assert "[bold]not bold[/]" in shown and "[@click=app.quit]quit[/]" in shown

        await pilot.press("k", "k")
        await settle(pilot)
        shown = "\n".join(check_article(pilot, ESCAPE_TITLE[1]))
        assert "␛[2J" in shown and "␛]52;c;ZXZpbA==␇" in shown and "back␈space" in shown
        for _ in LISTED:
            await pilot.press("k")
        await settle(pilot)
        assert pilot.app.is_running and pilot.app.return_code is None
        check_article(pilot, "Deep list")


async def test_a_hostile_file_name_in_a_notice_is_shown_as_symbols(
    start: Any, tmp_path: Path
) -> None:
    """A skipped file whose name holds an escape sequence is reported with visible symbols."""
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "good.md").write_text("# Good\n")
    (folder / "bad\x1b]52;c;ZXZpbA==\x1b\\.md").write_bytes(b"\x00binary")
    async with start(folder) as pilot:
        [problem] = [notice for notice in notices(pilot) if "binary" in notice]
        assert "bad␛]52;c;ZXZpbA==␛\\.md" in problem
        assert "\x1b" not in problem
