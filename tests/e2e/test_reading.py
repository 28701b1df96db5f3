"""End to end in a real terminal: searching, coming back to where you were, reading on.

Each test runs the installed `reader` command in a pseudo-terminal, types keys one at a
time and waits for the whole expected screen before the next step. Waits only give up
after the conftest's generous timeout, as a guard against a hung reader.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import ARTICLES, DATA
from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import FIRST, NEVER, SECOND, THIRD, UNREAD, pane_lines
from tests.e2e.terminal import Terminal

FOURTH = "Strategic Procurement And Sales, On Parallel Paths"
CRISIS = [
    "The Coming Sales Talent Crisis, Part 3",
    "The Coming Sales Talent Crisis, Part 2",
    "The Coming Sales Talent Crisis",
]
SCROLLBAR = "▁▂▃▄▅▆▇█▔"  # the ends of a scrollbar thumb, drawn in the article's last column
PAGE_DOWN = "\x1b[6~"
ENTER = "\r"
ESCAPE = "\x1b"
# Wide enough for the sidebar (45%) to show "The Coming Sales Talent Crisis, Part 3" whole.
WIDE = 120
# Long posts whose body is one render chunk (under 12,000 characters), so the first
# screen of them is drawn only once the whole post is rendered (see the report on
# paging a post that is still rendering).
LONG_POSTS = ("inside-rust__AsyncAwait-Not-Send-Error-Improvements.md", "Rust-1.1.md")
LONG_TITLES = (
    """Improving async-await's "Future is not Send" diagnostic""",
    "Rust 1.1 stable, the Community Subteam, and RustCamp",
)
_PERCENT_RE = re.compile(r"\s(\d{1,2})%$")
_DATE_RE = re.compile(r"\s+[A-Z][a-z]{2} \d{2}$")  # a row's date at its end (`Nov 03`)
_WORD_RE = re.compile(r"[^\W_]+")

Check = Callable[[str], bool]


# Reading the screen --------------------------------------------------------------


def is_post_row(left: str) -> bool:
    """True for a sidebar line listing a post: two marker columns, a space, a title."""
    return (
        len(left) > 3 and left[0] in UNREAD + " " and left[1] in "★ " and left[2] == " "
    ) and bool(left[3:].strip())


def sidebar_rows(text: str) -> list[str]:
    """The sidebar lines that list posts (the search box and blank lines left out)."""
    return [left.rstrip() for left, _ in pane_lines(text) if is_post_row(left)]


def row_title(row: str) -> str:
    """The title part of a sidebar row, as shown (maybe cut with '…'), without a percentage."""
    return _PERCENT_RE.sub("", _DATE_RE.sub("", row[3:])).strip()


def row_percent(row: str) -> int | None:
    """The reading progress at a row's end (" 23%"), if shown."""
    match = _PERCENT_RE.search(_DATE_RE.sub("", row))
    return int(match[1]) if match else None


def same_title(shown: str, title: str) -> bool:
    """True when a title as the sidebar shows it is `title` (whole, or cut with '…')."""
    return shown == title or (shown.endswith("…") and title.startswith(shown[:-1]))


def sidebar_titles(text: str) -> list[str]:
    """The titles listed in the sidebar, as shown."""
    return [row_title(row) for row in sidebar_rows(text)]


def row_of(text: str, title: str) -> str | None:
    """The sidebar row showing `title`, if listed."""
    return next((row for row in sidebar_rows(text) if same_title(row_title(row), title)), None)


def search_box(text: str) -> str | None:
    """The text in the search box over the sidebar (its placeholder when empty); None if shut."""
    lines = pane_lines(text)
    if not lines or is_post_row(lines[0][0]) or not lines[0][0].strip():
        return None
    return lines[0][0].strip()


def article_lines(text: str) -> list[str]:
    """The article pane, line by line, without the scrollbar and trailing blanks."""
    return [right.rstrip().rstrip(SCROLLBAR).rstrip() for _, right in pane_lines(text)]


def first_text_line(text: str) -> str:
    """The first line of the article pane with any text on it."""
    return next((line.strip() for line in article_lines(text) if line.strip()), "")


def header(text: str) -> str:
    """The header line with the view and the counts."""
    return text.splitlines()[0]


def footer(text: str) -> str:
    """The footer line with the keys of the focused widget."""
    return text.splitlines()[-1]


def showing(title: str) -> Check:
    """A check: the article pane shows `title` as its first line of text."""

    def check(text: str) -> bool:
        return first_text_line(text) == title

    check.__name__ = f"the article pane showing {title!r}"
    return check


def both(*checks: Check) -> Check:
    """A check that holds when every one of `checks` does, named after them."""

    def check(text: str) -> bool:
        return all(one(text) for one in checks)

    check.__name__ = " and ".join(getattr(one, "__name__", "?") for one in checks)
    return check


def named(name: str, check: Check) -> Check:
    """`check` with a name for the failure message."""
    check.__name__ = name
    return check


# Typing ---------------------------------------------------------------------------


def open_search(terminal: Terminal) -> None:
    """Press `/` and wait until the search box is shown and has the focus.

    The footer drops the one-letter keys (n, p, b...) and shows the box's own `esc Close`
    once it has the focus, so the next characters go into the box, not to the sidebar's
    bindings.
    """
    terminal.send("/")
    terminal.wait_for(
        named(
            "the search box open and focused",
            lambda text: (
                search_box(text) is not None
                and "esc Close" in footer(text)
                and "Next unread" not in footer(text)
            ),
        )
    )


def type_query(terminal: Terminal, query: str) -> None:
    """Type `query` into the focused search box one character at a time, each echoed."""
    for end in range(1, len(query) + 1):
        typed = query[:end]
        terminal.send(query[end - 1])
        terminal.wait_for(named(f"{typed!r} in the search box", box_shows(typed)))


def box_shows(query: str) -> Check:
    """A check: the search box holds exactly `query`."""
    return lambda text: search_box(text) == query


def quit_cleanly(terminal: Terminal) -> None:
    """Press q and check that the reader exits with status 0."""
    terminal.send("q")
    status = terminal.wait_exit(timeout=terminal.timeout)
    assert status == 0, f"exit status {status}; the screen:\n{terminal.text()}"


# The bundled posts ----------------------------------------------------------------


def bundled_posts() -> list[tuple[str, str]]:
    """(title, whole file text) of every bundled post, in the order the reader lists them."""
    posts: list[tuple[int, str, str]] = []
    for path in sorted(ARTICLES.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        posts.append((int(front["position"]), str(front["title"]), text))
    return [(title, text) for _, title, text in sorted(posts)]


def without_word_prefix(prefix: str) -> list[str]:
    """Titles of bundled posts with no word (title, front matter or body) starting with it."""
    return [
        title
        for title, text in bundled_posts()
        if not any(word.startswith(prefix) for word in _WORD_RE.findall(text.lower()))
    ]


# Tests ----------------------------------------------------------------------------


def test_search_narrows_opens_the_first_hit_and_escape_lists_everything_again(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    titles = [title for title, _ in bundled_posts()]
    assert len(titles) == 20 and titles[0] == FIRST
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"]
    terminal = term(argv, columns=WIDE)

    def all_listed(text: str) -> bool:
        shown = sidebar_titles(text)
        return (
            re.search(r"— All 20/20 · (20|19) unread", header(text)) is not None
            and search_box(text) is None
            and len(shown) == 20
            and all(same_title(s, t) for s, t in zip(shown, titles, strict=True))
        )

    terminal.wait_for(both(showing(FIRST), named("all 20 posts listed", all_listed)))

    open_search(terminal)
    type_query(terminal, "crisis")

    def three_hits(text: str) -> bool:
        return (
            "— Search 3/20 ·" in header(text)
            and search_box(text) == "crisis"
            and sidebar_titles(text) == CRISIS
        )

    terminal.wait_for(named("the three crisis posts listed in order", three_hits))

    terminal.send(ENTER)
    in_article = named("the focus out of the search box", lambda t: "Next unread" in footer(t))
    opened = named("the hit opened as read", lambda t: "· 19 unread" in header(t))
    terminal.wait_for(both(showing(CRISIS[0]), in_article, three_hits, opened))

    # Back in the box and out with escape: the search ends on the post opened from it.
    terminal.send("h")
    open_search(terminal)
    terminal.send(ESCAPE)
    terminal.wait_for(both(named("all 20 posts listed", all_listed), showing(CRISIS[0])))

    # An operator: -sales leaves out every post with a word starting with "sales".
    expected = without_word_prefix("sales")
    assert 1 <= len(expected) <= 19, expected
    open_search(terminal)
    type_query(terminal, "-sales")

    def without_sales(text: str) -> bool:
        shown = sidebar_titles(text)
        return (
            f"— Search {len(expected)}/20 ·" in header(text)
            and search_box(text) == "-sales"
            and len(shown) == len(expected)
            and all(any(same_title(s, title) for title in expected) for s in shown)
            and not any("sales" in s.lower() for s in shown)
            and showing(expected[0])(text)
        )

    terminal.wait_for(named(f"the {len(expected)} posts without 'sales'", without_sales))
    terminal.send(ESCAPE)  # q would be typed into the search box
    terminal.wait_for(named("all 20 posts listed", all_listed))
    quit_cleanly(terminal)


def test_a_query_pasted_with_the_slash_goes_into_the_search_box(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    # A paste (or fast typing) delivers "/crisis" in one read: the letters after the
    # slash must reach the box, not the sidebar (where s sorts, i and c are no-ops...).
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"]
    terminal = term(argv, columns=WIDE)
    terminal.wait_for(showing(FIRST))
    terminal.send("h/crisis")

    def three_hits(text: str) -> bool:
        return (
            "— Search 3/20 ·" in header(text)
            and search_box(text) == "crisis"
            and sidebar_titles(text) == CRISIS
            and "Next unread" not in footer(text)
        )

    text = terminal.wait_for(named("the pasted query searched, the box focused", three_hits))
    assert "first" not in header(text) and "by title" not in header(text), "s was not a sort"
    terminal.send(ESCAPE)
    terminal.wait_for(
        both(showing(FIRST), named("the box closed", lambda t: search_box(t) is None))
    )

    # The same for ctrl+f and the word to find in the post, typed in one go.
    terminal.send("\x06sales")

    def found(text: str) -> bool:
        bar = text.splitlines()[-2]
        return re.search(r"\bsales\s+1/\d+\s*$", bar) is not None

    terminal.wait_for(named("'sales' found in the post, the first of its matches current", found))
    terminal.send(ESCAPE)
    terminal.wait_for(named("the find bar closed", lambda text: "Next unread" in footer(text)))
    quit_cleanly(terminal)


def test_the_reading_position_is_restored_after_a_restart(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    for name in LONG_POSTS:
        shutil.copyfile(DATA / "corpus" / "toml" / name, library / name)
    argv = [reader_cmd, library, "--mark-read-after", NEVER, "--state", tmp_path / "s.json"]

    # Paging is animated: a frame halfway through a page is not where the page ends, and
    # its percentage is not the one saved. Without animations each page is one jump.
    still = {"TEXTUAL_ANIMATIONS": "none"}
    first = term(argv, still, columns=WIDE)  # the titles fit on the article's first line

    def first_post_shown(text: str) -> bool:
        shown = sidebar_titles(text)
        return (
            len(shown) == 2
            and "— All 2/2 · 2 unread" in header(text)
            and any(same_title(shown[0], t) and showing(t)(text) for t in LONG_TITLES)
        )

    text = first.wait_for(named("the first of the two posts shown", first_post_shown))
    title = first_text_line(text)
    top = article_lines(text)

    first.send("l")
    pages = [top]
    percent: int | None = None
    for page in range(1, 5):
        before, before_percent = article_lines(text), percent

        def paged(text: str, before: list[str] = before, was: int | None = before_percent) -> bool:
            row = row_of(text, title)
            now = None if row is None else row_percent(row)
            return article_lines(text) != before and now is not None and now != was

        first.send(PAGE_DOWN)
        text = first.wait_for(named(f"page {page} shown and its progress in the sidebar", paged))
        row = row_of(text, title)
        assert row is not None
        percent = row_percent(row)
        pages.append(article_lines(text))

    # Four pages down: the pane shows none of the earlier screens, the title is gone.
    place = article_lines(text)
    line = first_text_line(text)
    assert title not in [part.strip() for part in place], text
    assert all(place != earlier for earlier in pages[:-1]), text
    assert percent is not None and 0 < percent < 100
    row = row_of(text, title)
    assert row is not None and row.startswith(UNREAD) and row_percent(row) == percent, row
    quit_cleanly(first)

    second = term(argv, still, columns=WIDE)

    def progress_restored(text: str) -> bool:
        row = row_of(text, title)
        return row is not None and row_percent(row) == percent and first_text_line(text) != ""

    def drawn_back(text: str) -> bool:
        return article_lines(text) == place

    # The sidebar shows the saved progress; the pane must show that place, not the top.
    second.wait_for(named(f"the post at its saved {percent}% in the sidebar", progress_restored))
    second.wait_for(named(f"the article drawn back at {line!r} ({percent}%)", drawn_back))
    assert first_text_line(second.text()) == line
    quit_cleanly(second)


def test_space_at_the_end_of_a_post_marks_it_read_and_goes_on_to_the_next_unread(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    argv = [reader_cmd, "--mark-read-after", NEVER, "--state", tmp_path / "state.json"]
    terminal = term(argv)

    def marks(**expected: str) -> Check:
        """A check: the rows of the posts (FIRST=..., by name) start with these markers."""
        posts = {"FIRST": FIRST, "SECOND": SECOND, "THIRD": THIRD, "FOURTH": FOURTH}

        def check(text: str) -> bool:
            for name, marker in expected.items():
                row = row_of(text, posts[name])
                if row is None or row[:2] != marker:
                    return False
            return True

        check.__name__ = f"the markers {expected}"
        return check

    def unread(count: int) -> Check:
        """A check: the header counts `count` unread posts."""
        return named(f"{count} unread", lambda text: f"All 20/20 · {count} unread" in header(text))

    terminal.wait_for(both(showing(FIRST), unread(20)))

    # The third post is read already.
    terminal.send("j")
    terminal.wait_for(showing(SECOND))
    terminal.send("j")
    terminal.wait_for(showing(THIRD))
    terminal.send("m")
    terminal.wait_for(both(marks(THIRD="  "), unread(19)))
    terminal.send("k")
    terminal.wait_for(showing(SECOND))
    terminal.send("k")
    terminal.wait_for(both(showing(FIRST), marks(FIRST="● ", SECOND="● ", THIRD="  ")))

    # The first post fits on the screen: space marks it read and shows the second.
    terminal.send(" ")
    terminal.wait_for(both(showing(SECOND), marks(FIRST="  ", SECOND="● ", THIRD="  "), unread(18)))

    # Again: the second is read, and the read third post is skipped.
    terminal.send(" ")
    terminal.wait_for(
        both(
            showing(FOURTH),
            marks(FIRST="  ", SECOND="  ", THIRD="  ", FOURTH="● "),
            unread(17),
        )
    )
    quit_cleanly(terminal)
