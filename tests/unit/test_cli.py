"""The `reader` command as a user runs it: versions, help, usage errors and exit codes.

Every test runs the installed console script in a subprocess (no terminal), with
the test's isolated HOME, XDG_* and READER_STATE. None of these cases starts the
TUI; a run that did would hit the timeout and fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.unit.helpers.processes import run_captured

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO / "articles"
DIGEST = REPO / "tests" / "data" / "digest.txt"
READER = Path(sys.executable).parent / "reader"


def run(
    args: Sequence[str | os.PathLike[str]], *, command: Sequence[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `reader ARGS` (or `command ARGS`) to completion and capture its output."""
    if command is None:
        assert READER.is_file(), f"the `reader` console script is missing at {READER}"
        command = [str(READER)]
    return run_captured(command, args)


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int) -> str:
    """Check the exit status and that stderr is exactly one line, no traceback; return it."""
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    assert lines[0].startswith("reader"), lines[0]
    return lines[0]


def test_version() -> None:
    result = run(["--version"])
    assert result.returncode == 0
    assert result.stdout == "reader 0.1.0\n"


def test_python_dash_m_reader_prints_the_version() -> None:
    result = run(["--version"], command=[sys.executable, "-m", "reader"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "reader 0.1.0\n"


def test_help_names_the_path_and_the_options() -> None:
    result = run(["--help"])
    assert result.returncode == 0
    assert result.stderr == ""
    assert "PATH" in result.stdout
    assert "--state" in result.stdout
    assert "--mark-read-after" in result.stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    line = assert_one_line_error(run([missing]), 2)
    assert str(missing) in line
    assert not missing.exists()


def test_directory_without_posts_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a post\n", encoding="utf-8")
    (empty / "sub").mkdir()
    (empty / "sub" / "page.HTML").write_text("<p>x</p>\n", encoding="utf-8")
    (empty / "sub" / "more.txt").write_text("x\n", encoding="utf-8")
    (empty / ".hidden.md").write_text("# Hidden\n", encoding="utf-8")
    line = assert_one_line_error(run([empty]), 2)
    assert line == (
        f"reader: error: no posts (.md or .markdown files) in {empty}; "
        "found 3 other files (.txt, .html)"
    )
    (empty / "sub" / "page.HTML").unlink()
    (empty / "sub" / "more.txt").unlink()
    (empty / "notes.txt").unlink()
    line = assert_one_line_error(run([empty]), 2)
    assert line.endswith(f"in {empty}; found no other files")


def test_a_markdown_suffix_counts(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "one.markdown").write_text("# One\n", encoding="utf-8")
    line = assert_one_line_error(run([folder]), 2)
    assert "needs a terminal" in line  # the folder was accepted


def test_a_missing_config_library_names_the_config(isolated_user_dirs: Path) -> None:
    config = isolated_user_dirs / ".config" / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('library = "~/notes/posts"\n', encoding="utf-8")
    line = assert_one_line_error(run([]), 2)
    assert line == (
        "reader: error: the library in ~/.config/reader/config.toml does not exist: "
        "~/notes/posts"
    )


def test_a_file_that_is_not_markdown_is_a_usage_error(tmp_path: Path) -> None:
    text_file = tmp_path / "post.txt"
    text_file.write_text("# A title\n\nSome text.\n", encoding="utf-8")
    line = assert_one_line_error(run([text_file]), 2)
    assert str(text_file) in line


def test_unknown_option_is_a_usage_error() -> None:
    line = assert_one_line_error(run(["--no-such-option"]), 2)
    assert "--no-such-option" in line


@pytest.mark.parametrize("value", ["-1", "-0.5", "soon", "nan", "inf"])
def test_bad_mark_read_after_is_a_usage_error(value: str) -> None:
    line = assert_one_line_error(run(["--mark-read-after", value]), 2)
    assert "--mark-read-after" in line


def test_import_digest_writes_the_bundled_articles(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    result = run(["import", "digest", DIGEST, "--into", into])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"Imported 20 new, 0 updated, 0 unchanged posts into {into}\n"
        f"Open them with: reader {into}\n"
    )
    written = sorted(into.iterdir())
    bundled = sorted(ARTICLES.glob("*.md"))
    assert len(bundled) == 20
    assert [path.name for path in written] == [path.name for path in bundled]
    for new, old in zip(written, bundled, strict=True):
        assert new.read_bytes() == old.read_bytes(), new.name
    again = run(["import", "digest", DIGEST, "--into", into])
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == (
        f"Imported 0 new, 0 updated, 20 unchanged posts into {into}"
    )


@pytest.mark.parametrize(
    "digest",
    [
        b"A title with no excerpt\n",
        b"A title\nthen no blank line\n\nexcerpt\n",
        b"\n\n   \n",
        b"A title\n\nAn excerpt with a bad byte \xff here\n",
    ],
    ids=["no-excerpt", "no-blank-line", "empty", "not-utf8"],
)
def test_import_of_a_malformed_digest_fails_with_one_line(tmp_path: Path, digest: bytes) -> None:
    source = tmp_path / "digest.txt"
    source.write_bytes(digest)
    into = tmp_path / "posts"
    line = assert_one_line_error(run(["import", "digest", source, "--into", into]), 1)
    assert "digest.txt" in line
    assert not into.exists() or not any(into.iterdir())


def test_import_of_a_missing_digest_is_a_usage_error(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    assert_one_line_error(run(["import", "digest", tmp_path / "nope.txt", "--into", into]), 2)
    assert not into.exists()


def test_import_into_a_file_fails_with_one_line(tmp_path: Path) -> None:
    into = tmp_path / "posts"
    into.write_text("in the way\n", encoding="utf-8")
    assert_one_line_error(run(["import", "digest", DIGEST, "--into", into]), 1)
    assert into.read_text(encoding="utf-8") == "in the way\n"


@pytest.mark.parametrize(
    "args",
    [["import"], ["import", "rss", "feed.xml", "--into", "out"], ["import", "digest", "x.txt"]],
    ids=["nothing", "unknown-format", "no-into"],
)
def test_import_usage_errors_are_one_line(args: list[str], tmp_path: Path) -> None:
    result = subprocess.run(
        [str(READER), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert_one_line_error(result, 2)
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_the_reader_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--state", str(tmp_path / "s.json")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = assert_one_line_error(result, 2)
    assert "needs a terminal" in line
