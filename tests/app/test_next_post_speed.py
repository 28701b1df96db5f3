"""Pilot tests: `j` between posts repaints the article, not the whole screen."""

from __future__ import annotations

from pathlib import Path

from textual import messages
from textual.app import App
from textual.message import Message

from reader.widgets.article import ArticleView
from tests.app.conftest import Starter, article, settle, sidebar


def write_posts(folder: Path, lengths: list[int]) -> None:
    """Posts 0, 1, ... (newest first) with that many paragraphs each."""
    folder.mkdir()
    for number, paragraphs in enumerate(lengths):
        body = "\n\n".join(f"Paragraph {i} of post {number}." for i in range(paragraphs))
        day = 28 - number
        (folder / f"p{number}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2024-01-{day:02d}\n---\n\n{body}\n",
            encoding="utf-8",
        )


async def test_j_between_long_posts_lays_nothing_out_and_the_scrollbar_follows(
    tmp_path: Path, start: Starter
) -> None:
    write_posts(tmp_path / "posts", [60, 90, 3, 70])
    layouts: list[Message] = []

    def hook(message: Message) -> None:
        if isinstance(message, messages.Layout):
            layouts.append(message)

    async with start(tmp_path / "posts", size=(80, 24), message_hook=hook) as pilot:
        view = article(pilot)
        for _ in range(3):  # down and back: every neighbour is rendered ahead
            await pilot.press("j")
            await settle(pilot)
        for _ in range(3):
            await pilot.press("k")
            await settle(pilot)
        assert sidebar(pilot).highlighted_id == "p0.md"

        layouts.clear()
        await pilot.press("j")  # a long post to a longer one
        await settle(pilot)
        assert "Paragraph 0 of post 1." in view.plain_lines()
        assert layouts == []  # the screen was not laid out again
        assert view.show_vertical_scrollbar
        assert view.vertical_scrollbar.window_virtual_size == view.line_count
        assert view.max_scroll_y == view.line_count - view.scrollable_content_region.height

        await pilot.press("j")  # onto a post that fits: the scrollbar goes
        await settle(pilot)
        assert "Paragraph 0 of post 2." in view.plain_lines()
        assert not view.show_vertical_scrollbar
        assert view.max_scroll_y == 0

        await pilot.press("j")  # and comes back for a long one
        await settle(pilot)
        assert "Paragraph 0 of post 3." in view.plain_lines()
        assert view.show_vertical_scrollbar
        assert view.vertical_scrollbar.window_virtual_size == view.line_count
        await pilot.press("tab", "end")
        await settle(pilot)
        assert view.scroll_y == view.max_scroll_y > 0
        assert "Paragraph 69 of post 3." in "\n".join(view.plain_lines()[-3:])


async def test_the_new_row_and_the_new_post_are_painted_in_one_frame(
    tmp_path: Path, start: Starter
) -> None:
    """The screen paints once its queue is empty: when it takes the sidebar's repaint,
    the article must already show the new post and have asked for its own repaint.
    (Before, the row was painted first and the post a frame later, ~17 ms on.)"""
    write_posts(tmp_path / "posts", [60, 90, 70])
    seen: list[tuple[str, str | None]] = []  # (widget repainted, post the article shows)
    apps: list[App[int]] = []

    def hook(message: Message) -> None:
        if isinstance(message, messages.Update) and apps and apps[0].is_running:
            shown = next(iter(apps[0].screen.query(ArticleView)), None)
            seen.append((type(message.widget).__name__, shown.post_id if shown else None))

    async with start(tmp_path / "posts", size=(80, 24), message_hook=hook) as pilot:
        apps.append(pilot.app)
        await pilot.press("j", "k")  # the neighbours are rendered ahead
        await settle(pilot)
        seen.clear()
        await pilot.press("j")
        await settle(pilot)
        first_row_paint = next(i for i, (name, _) in enumerate(seen) if name == "PostList")
        assert seen[first_row_paint][1] == "p1.md"  # the post is on the article already
        names = [name for name, _ in seen[first_row_paint : first_row_paint + 2]]
        assert names == ["PostList", "ArticleView"]  # in the same queue, before idle
