"""End to end in a real terminal: a mark made on one machine shows on another, through a
shared sync folder (two state dirs on this machine, one folder)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import TerminalFactory
from tests.e2e.screen import BOOKMARK, NEVER, SECOND
from tests.e2e.test_restart import markers, quit_cleanly, showing


def machine(tmp_path: Path, name: str) -> list[str | Path]:
    """The reader's argv for one machine: its own state and config, the shared folder."""
    root = tmp_path / name
    root.mkdir()
    config = root / "config.toml"
    config.write_text(f'sync_folder = "{tmp_path / "Sync"}"\n')
    return ["--mark-read-after", NEVER, "--state", root / "state.json", "--config", config]


def test_a_bookmark_made_on_one_machine_is_there_on_the_other(
    term: TerminalFactory, reader_cmd: Path, tmp_path: Path
) -> None:
    a = term([reader_cmd, *machine(tmp_path, "a")])
    a.wait_for(lambda text: "synced" in text.splitlines()[0])  # the start's sync is done
    a.send("j")
    a.wait_for(showing(SECOND))
    a.send("b")
    a.wait_for(lambda text: (markers(text, SECOND) or "")[1:] == BOOKMARK)
    a.send("S")
    a.wait_for("Synced: folder:")
    b = term([reader_cmd, *machine(tmp_path, "b")])  # machine A is still open
    b.wait_for(lambda text: (markers(text, SECOND) or "")[1:] == BOOKMARK)
    b.wait_for("1 bookmarked")
    b.send("j")
    b.wait_for(showing(SECOND))
    b.send("b")  # removed on B: A, still open, follows when the folder changes
    b.wait_for("0 bookmarked")
    a.wait_for(lambda text: (markers(text, SECOND) or "")[1:] == " " and "0 bookmarked" in text)
    quit_cleanly(a)
    quit_cleanly(b)
