"""Store.refresh: an open reader takes in marks that other processes saved to its file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from reader.journal import journal_path
from reader.state_disk import StateDisk
from reader.store import Store
from tests.unit.helpers.processes import run_captured

READER = Path(sys.executable).parent / "reader"


def test_refresh_takes_in_marks_another_store_saved(opened: Callable[..., Store]) -> None:
    mine, theirs = opened(), opened()
    mine.set_read("a", True)
    mine.flush()
    assert not mine.refresh(), "its own save is nothing new"
    theirs.set_bookmarked("b", True)
    theirs.set_read("c", True)
    theirs.flush()
    assert mine.refresh()
    assert mine.is_read("a") and mine.is_bookmarked("b") and mine.is_read("c")
    assert not mine.refresh(), "nothing changed since"


def test_refresh_keeps_a_newer_change_not_yet_saved(opened: Callable[..., Store]) -> None:
    mine, theirs = opened(), opened()
    theirs.set_read("a", True)
    theirs.flush()
    mine.set_read("a", False)  # later than theirs, still in memory only
    mine.set_read("a", True)
    mine.set_read("a", False)
    mine.refresh()
    assert not mine.is_read("a")
    mine.flush()
    theirs.refresh()
    assert not theirs.is_read("a"), "the change made last wins on both sides"


def test_refresh_after_a_compaction_elsewhere_reads_the_new_files(
    opened: Callable[..., Store], path: Path
) -> None:
    mine, theirs = opened(), opened()
    theirs.set_bookmarked("x", True)
    theirs.flush()
    assert mine.refresh() and mine.is_bookmarked("x")
    theirs.set_read("y", True)
    theirs.flush()
    assert StateDisk(path).compact()  # snapshot and journal replaced meanwhile
    assert mine.refresh()
    assert mine.is_read("y") and mine.is_bookmarked("x")
    assert not mine.refresh()


def test_refresh_sees_reader_mark_from_the_command_line(
    opened: Callable[..., Store], path: Path, tmp_path: Path
) -> None:
    library = tmp_path / "posts"
    library.mkdir()
    (library / "one.md").write_text("# One\n\nText.\n")
    store = opened()
    assert not store.refresh()
    result = run_captured([str(READER)], ["mark", "one.md", library, "--bookmark", "--state", path])
    assert result.returncode == 0, result.stderr
    assert store.refresh()
    assert store.is_bookmarked("one.md")


def test_refresh_leaves_a_broken_file_to_the_next_save(
    opened: Callable[..., Store], path: Path
) -> None:
    store = opened()
    store.set_read("a", True)
    store.flush()
    path.write_text("{ not json")
    assert not store.refresh()
    assert store.is_read("a")
    assert path.read_text() == "{ not json", "refresh never moves or rewrites the file"


def test_the_sets_the_screen_asks_for_follow_every_kind_of_change(
    opened: Callable[..., Store], path: Path
) -> None:
    mine, theirs = opened(), opened()
    mine.set_read("a", True)
    mine.set_position("a", 0.5)
    assert mine.read_ids() == {"a"} and dict(mine.positions()) == {"a": 0.5}
    mine.flush()
    theirs.refresh()
    theirs.set_bookmarked("b", True)
    theirs.set_read("a", False)  # later than mine: it wins
    theirs.flush()
    mine.refresh()
    assert mine.read_ids() == set() and mine.bookmarked_ids() == {"b"}
    theirs.set_read("c", True)
    theirs.flush()
    assert StateDisk(path).compact()
    mine.refresh()  # the files were replaced: everything is read again
    assert mine.read_ids() == {"c"} and mine.bookmarked_ids() == {"b"}
    assert dict(mine.positions()) == {"a": 0.5}
    mine.set_bookmarked("b", False)
    assert mine.bookmarked_ids() == set()


def test_reader_mark_folds_a_journal_that_has_grown_large(
    opened: Callable[..., Store], path: Path, tmp_path: Path
) -> None:
    """Commands are short-lived: they fold a large journal on the way out, or a scripted
    `reader mark` loop would grow it for ever (only a long reader session folded)."""
    library = tmp_path / "posts"
    library.mkdir()
    (library / "one.md").write_text("# One\n\nText.\n")
    store = opened()
    for number in range(4000):
        store.set_read(f"old-{number}", True)
    store.close()
    assert journal_path(path).stat().st_size > 256 * 1024 and not path.exists()
    result = run_captured([str(READER)], ["mark", "one.md", library, "--bookmark", "--state", path])
    assert result.returncode == 0, result.stderr
    assert path.exists() and journal_path(path).stat().st_size == 0
    again = opened()
    assert len(again.read_ids()) == 4000 and again.bookmarked_ids() == {"one.md"}
