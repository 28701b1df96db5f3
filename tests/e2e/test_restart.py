"""End to end in a real terminal: what a user sets up is still there after a restart.

Each test runs the installed `reader` command in a pseudo-terminal, types keys, quits
with `q`, and starts it again on the same state file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from reader.journal import journal_path
from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import BOOKMARK, FIRST, NEVER, SECOND, THIRD, UNREAD, pane_lines
from tests.e2e.terminal import Terminal

# Reading the screen --------------------------------------------------------------


def article_text(text: str) -> str:
    """The article pane (right of the sidebar), line by line."""
    return "\n".join(right.strip() for _, right in pane_lines(text))


def sidebar_titles(text: str) -> list[str]:
    """The titles listed in the sidebar, as shown (maybe cut with '…')."""
    return [left[3:].strip() for left, _ in pane_lines(text) if left[3:].strip()]


def row_of(text: str, title: str) -> str | None:
    """The sidebar row showing `title` (titles too long for the sidebar end in '…')."""
    for left, _ in pane_lines(text):
        shown = left[3:].strip().removesuffix("…")
        if shown and title.startswith(shown):
            return left
    return None


def markers(text: str, title: str) -> str | None:
    """The two marker columns of a post's row, e.g. "● " or " ★"; None if not listed."""
    row = row_of(text, title)
    return None if row is None else row[:2]


def header(text: str) -> str:
    """The header line with the view and the counts."""
    return text.splitlines()[0]


def showing(title: str) -> Callable[[str], bool]:
    """A predicate: the article pane shows `title` as its first line of text."""

    def check(text: str) -> bool:
        lines = [line for line in article_text(text).splitlines() if line]
        return bool(lines) and lines[0] == title

    check.__name__ = f"the article pane showing {title!r}"
    return check


def quit_cleanly(terminal: Terminal) -> None:
    """Press q and check that the reader exits with status 0."""
    terminal.send("q")
    status = terminal.wait_exit(timeout=terminal.timeout)
    assert status == 0, f"exit status {status}; the screen:\n{terminal.text()}"


# Tests ----------------------------------------------------------------------------


def test_selection_bookmark_and_read_marks_survive_a_restart(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    argv = [reader_cmd, "--mark-read-after", "0.5", "--state", state]

    first = term(argv)
    first.wait_for(showing(FIRST))

    def first_read(text: str) -> bool:
        return markers(text, FIRST) == "  " and "All 20/20 · 19 unread · 0 bookmarked" in text

    # The post shown at launch counts from the first key: l moves into it, h back.
    first.send("l")
    first.wait_for(first_read)  # read for 0.5 s: read
    first.send("h")
    first.send("j")
    first.wait_for(showing(SECOND))
    first.send("b")
    first.wait_for(lambda text: (markers(text, SECOND) or "")[1:] == BOOKMARK)

    def second_read_and_bookmarked(text: str) -> bool:
        return (
            markers(text, SECOND) == " " + BOOKMARK
            and "All 20/20 · 18 unread · 1 bookmarked" in text
        )

    first.wait_for(second_read_and_bookmarked)
    quit_cleanly(first)
    assert journal_path(state).is_file()

    second = term(argv)

    def restored(text: str) -> bool:
        return (
            showing(SECOND)(text)
            and markers(text, FIRST) == "  "
            and markers(text, SECOND) == " " + BOOKMARK
            and markers(text, THIRD) == UNREAD + " "
            and "All 20/20 · 18 unread · 1 bookmarked" in text
        )

    second.wait_for(restored)
    # The cursor is on the second post too: the next post down is the third.
    second.send("j")
    second.wait_for(showing(THIRD))
    quit_cleanly(second)


def test_a_post_left_before_the_delay_stays_unread_and_m_marks_read(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", state]

    first = term(argv)
    first.wait_for(showing(FIRST))
    first.send("j")
    first.wait_for(showing(SECOND))
    first.send("m")

    def second_marked_read(text: str) -> bool:
        return (
            markers(text, SECOND) == "  "
            and markers(text, FIRST) == UNREAD + " "
            and "All 20/20 · 19 unread · 0 bookmarked" in text
        )

    first.wait_for(second_marked_read)
    quit_cleanly(first)

    second = term(argv)

    def restored(text: str) -> bool:
        return showing(SECOND)(text) and second_marked_read(text)

    second.wait_for(restored)
    quit_cleanly(second)


def test_the_view_is_restored_after_a_restart(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", state]

    first = term(argv)
    first.wait_for(lambda text: showing(FIRST)(text) and "— All 20/20 · 20 unread" in text)
    first.send("m")  # the first post is read, so the Unread view leaves it out
    first.wait_for("All 20/20 · 19 unread")
    first.send("v")
    first.wait_for(lambda text: "— Unread 19/20 · 19 unread" in header(text))
    quit_cleanly(first)

    second = term(argv)

    def unread_view(text: str) -> bool:
        titles = sidebar_titles(text)
        return (
            "— Unread 19/20 · 19 unread · 0 bookmarked" in header(text)
            and len(titles) == 19
            and SECOND.startswith(titles[0].removesuffix("…"))
            and row_of(text, FIRST) is None
        )

    second.wait_for(unread_view)
    quit_cleanly(second)


HOSTILE_TITLE = "Title \x1b[31mRED [bold]x[/bold] [link=file:///etc/passwd]y[/link]"


def test_a_title_with_escape_codes_and_markup_is_shown_as_text(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "hostile.md").write_text(
        f"# {HOSTILE_TITLE}\n\nAn ordinary paragraph.\n", encoding="utf-8"
    )
    argv = [reader_cmd, library, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"]

    terminal = term(argv)

    def title_as_text(text: str) -> bool:
        article = article_text(text)
        return (
            "[31mRED [bold]x[/bold]" in article
            and "[link=file:///etc/passwd]y[/link]" in article
            and "An ordinary paragraph." in article
        )

    terminal.wait_for(title_as_text)

    red_cells = [
        (y, x)
        for y, line in enumerate(terminal.screen.display)
        if "RED" in line
        for x in range(len(line))
        if terminal.screen.buffer[y][x].fg == "red"
    ]
    assert red_cells == [], f"red cells at {red_cells}:\n{terminal.text()}"
    raw = bytes(terminal.raw)
    assert b"\x1b[31mRED" not in raw
    assert re.search(rb"\x1b\]8;[^\x07\x1b]*file:///etc/passwd", raw) is None

    # Still running and taking keys.
    terminal.send("b")
    terminal.wait_for(lambda text: "All 1/1 · 1 unread · 1 bookmarked" in header(text))
    quit_cleanly(terminal)


def test_the_harness_sees_colours_and_fails_a_hung_program(term: TerminalFactory) -> None:
    """The checks above can fail: red text is seen as red, and waiting gives up."""
    script = "import sys, time; sys.stdout.write('\\x1b[31mRED\\x1b[0m plain'); sys.stdout.flush();"
    terminal = term([sys.executable, "-c", script + " time.sleep(600)"])
    terminal.wait_for("RED plain")
    line = terminal.screen.display[0]
    assert terminal.screen.buffer[0][line.index("RED")].fg == "red"
    assert terminal.screen.buffer[0][line.index("plain")].fg == "default"
    try:
        terminal.wait_for("never shown", timeout=0.5)
    except AssertionError as error:
        assert "RED plain" in str(error)
    else:
        raise AssertionError("wait_for did not time out")
    terminal.close()
    assert terminal.process.returncode is not None


def test_quitting_with_changes_that_could_not_be_saved_exits_1_and_says_so(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    with FileLock(f"{state}.lock"):  # a stuck reader holds the lock: nothing can be saved
        terminal = term([reader_cmd, "--mark-read-after", NEVER, "--state", state])
        terminal.wait_for(showing(FIRST))
        terminal.send("b")
        terminal.wait_for(lambda text: (markers(text, FIRST) or "")[1:] == BOOKMARK)
        terminal.send("q")
        status = terminal.wait_exit(timeout=terminal.timeout)
    assert status == 1, f"exit status {status}; the screen:\n{terminal.text()}"
    assert "unsaved change(s) from this session are lost" in terminal.text()


def test_changes_in_a_session_that_may_not_write_the_state_exit_1_and_say_so(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"meta": {"1": {"schema": 999}}}')  # written by a newer reader
    terminal = term([reader_cmd, "--mark-read-after", NEVER, "--state", state])
    terminal.wait_for(showing(FIRST))
    terminal.send("q")
    assert terminal.wait_exit(timeout=terminal.timeout) == 0, "no change: nothing lost"
    terminal = term([reader_cmd, "--mark-read-after", NEVER, "--state", state])
    terminal.wait_for(showing(FIRST))
    terminal.send("b")
    terminal.wait_for(lambda text: (markers(text, FIRST) or "")[1:] == BOOKMARK)
    terminal.send("q")
    assert terminal.wait_exit(timeout=terminal.timeout) == 1
    assert "1 change(s) from this session were not saved" in terminal.text()


def test_a_warm_start_of_a_large_library_lists_from_the_top_with_the_selection_kept(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    """The first rows come from the cache's head file before the sidebar is laid out: the
    saved selection (third) is restored without scrolling the first two out of sight."""
    library = tmp_path / "library"
    library.mkdir()
    count = 300  # more than two screenfuls: the cache keeps a head file
    for n in range(count):
        day = f"2024-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        text = f"---\ntitle: Post {n:03d}\ndate: {2000 + n // 336}-{day[5:]}\n---\nBody.\n"
        (library / f"post-{n:03d}.md").write_text(text, encoding="utf-8")
    argv = [reader_cmd, library, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"]

    titles = [f"Post {n:03d}" for n in range(count - 1, count - 4, -1)]  # newest first
    first = term(argv)
    first.wait_for(f"All {count}/{count}")
    first.send("j")
    first.send("j")
    first.wait_for(showing(titles[2]))
    quit_cleanly(first)

    second = term(argv)

    def from_the_top(text: str) -> bool:
        return (
            f"All {count}/{count}" in header(text)
            and showing(titles[2])(text)
            and [title.split()[:2] for title in sidebar_titles(text)[:3]]
            == [title.split() for title in titles]
        )

    second.wait_for(from_the_top)
    quit_cleanly(second)
