"""End to end in a real 80x24 terminal with 16 colours (TERM=xterm) and a light theme:
the links list (`f`) shows its cursor, keeps it on screen, and enter opens that link."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import NEVER

DOWN = "\x1b[B"
ENTER = "\r"
MANY = 44
HINT = "1-9, a-z or ↑↓ enter: open (links 36-44: ↑↓ enter) · esc: close"
# A browser that notes what it was asked to open and says it opened it.
BROWSER = "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$0.opened\"\n"


_ROW_RE = re.compile(r"│[▸ ] [1-9a-z ] \[\d+\] link number")


def url(number: int) -> str:
    """The address of link `number`."""
    return f"https://example.org/{number}/{'x' * 60}"


def link_rows(text: str) -> list[tuple[int, str]]:
    """(row, line) of every screen line that shows a link of the list (not the article)."""
    return [(y, line) for y, line in enumerate(text.splitlines()) if _ROW_RE.search(line)]


def test_the_links_cursor_is_seen_in_16_colours_and_enter_opens_the_link_it_is_on(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    library = tmp_path / "many"
    library.mkdir()
    items = "\n".join(f"- [link number {n} of many]({url(n)})" for n in range(1, MANY + 1))
    (library / "post.md").write_text(f"---\ntitle: Many links\n---\n\n{items}\n")
    config = tmp_path / "config.toml"
    config.write_text('theme = "textual-light"\n')
    browser = tmp_path / "browser"
    browser.write_text(BROWSER)
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    argv = [reader_cmd, library, "--config", config, "--mark-read-after", NEVER]
    env = {"BROWSER": str(browser), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    terminal = term(argv, env=env, columns=80, lines=24, terminal_type="xterm")
    terminal.wait_for("Many links")
    terminal.send("f")
    text = terminal.wait_for(HINT)
    terminal.send(DOWN * 50)  # more than there are links: the cursor stops on the last

    def on_the_last(text: str) -> bool:
        return any(f"▸   [{MANY}] link number {MANY} of" in line for _, line in link_rows(text))

    text = terminal.wait_for(on_the_last)
    assert HINT in text, text
    rows = link_rows(text)
    assert len(rows) >= 10, text
    cursor = [y for y, line in rows if "▸" in line]
    assert len(cursor) == 1, text
    column = rows[0][1].index("link number") + 2
    background = {y: terminal.screen.buffer[y][column].bg for y, _ in rows}
    others = {bg for y, bg in background.items() if y != cursor[0]}
    assert len(others) == 1 and background[cursor[0]] not in others, (background, text)

    terminal.send(ENTER)
    opened = Path(f"{browser}.opened")
    terminal.wait_for(lambda _: opened.exists() and opened.read_text().strip() != "")
    assert opened.read_text().split() == [url(MANY)]
    terminal.send("q")
    assert terminal.wait_exit() == 0
