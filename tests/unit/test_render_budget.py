"""The rendering budget (reader.budget): a block too costly to format is shown as its
source text, at once and in little memory; the rest of the post is formatted as usual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reader.budget import (
    MAX_BLOCK_CHARS,
    MAX_PREFETCH_BYTES,
    MAX_TABLE_CHARS,
    block_note,
    worth_prefetching,
)
from reader.library import load_post
from reader.render import rendered_chunks

ROWS = 100_000


def table(rows: int) -> str:
    """A Markdown table of `rows` short rows (100,000 rows: about 2.2 MB)."""
    lines = ["| id | name | value |", "|---:|------|------:|"]
    lines += [f"| {i} | v{i % 100} | {i % 1000:3d} |" for i in range(rows)]
    return "\n".join(lines)


def write_table_post(folder: Path, rows: int = ROWS) -> Path:
    """A post: a heading, a paragraph, the table, a closing paragraph."""
    path = folder / "table.md"
    path.write_text(f"# Big table\n\nIntro *paragraph*.\n\n{table(rows)}\n\nAfter the table.\n")
    return path


def text_of(lines: list[list[object]]) -> list[str]:
    """The text of rendered lines."""
    return ["".join(getattr(seg, "text", "") for seg in line).rstrip() for line in lines]


def test_a_100000_row_table_shows_its_first_screen_at_once_as_source_text(
    tmp_path: Path,
) -> None:
    """The table (2.2 MB) took 19 s to lay out before anything showed. Now the first
    screen (title, the formatted intro, a note, the first rows) comes in the first few
    small chunks; the table follows as its source lines; the text after it is formatted."""
    post = load_post(write_table_post(tmp_path), tmp_path)
    sizes: list[int] = []
    lines: list[list[object]] = []
    for lines in rendered_chunks(post, 80, True):
        sizes.append(len(lines))
    first_screen = next(size for size in sizes if size >= 40)
    assert first_screen < 2_000, sizes[:5]
    shown = text_of(lines)
    note = shown.index(
        "(a table of 100,000 rows is too large to lay out; shown as its source text)"
    )
    assert shown.index("Intro paragraph.") < note
    assert shown[note + 2 : note + 5] == [
        "| id | name | value |",
        "|---:|------|------:|",
        "| 0 | v0 |   0 |",
    ]
    assert "| 99999 | v99 | 999 |" in shown
    assert shown[-1] == "After the table."


def test_a_small_table_is_still_laid_out(tmp_path: Path) -> None:
    """A table under the limit is laid out (aligned columns, no pipes) as before."""
    post = load_post(write_table_post(tmp_path, rows=50), tmp_path)
    *_, lines = rendered_chunks(post, 80, True)
    shown = "\n".join(text_of(lines))
    assert "too large" not in shown and "| 0 | v0 |" not in shown
    assert "49 │ v49  │    49" in shown  # the value column is right-aligned


PROBE = """
import json, resource, sys
from pathlib import Path
from reader.library import load_post
from reader.render import rendered_chunks
path = Path(sys.argv[1])
post = load_post(path, path.parent)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for lines in rendered_chunks(post, 80, True):
    pass
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"kb": after - before, "lines": len(lines)}))
"""


def test_rendering_a_100000_row_table_stays_within_its_memory_budget(tmp_path: Path) -> None:
    """Laid out, the 2.2 MB table peaked at 850 MB; shown as source text, rendering it
    costs well under 20 times its size (the lines kept for the pane are most of it)."""
    path = write_table_post(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["lines"] > ROWS
    assert measured["kb"] * 1024 < 20 * path.stat().st_size, measured


def test_block_budget_per_kind() -> None:
    """Tables over MAX_TABLE_CHARS, lists, quotes and code over MAX_BLOCK_CHARS are shown as
    source; a long paragraph or heading (cheap to format) never is."""
    small_table = table(100)
    assert len(small_table) < MAX_TABLE_CHARS and block_note(small_table) is None
    big_table = "Intro line\n" + table(2_000)
    assert len(big_table) > MAX_TABLE_CHARS
    assert block_note(big_table) == (
        "(a table of 2,001 rows is too large to lay out; shown as its source text)"
    )
    items = "\n".join(f"- item {i} of a long list" for i in range(12_000))
    assert len(items) > MAX_BLOCK_CHARS
    assert block_note(items) is not None and "characters is too large" in str(block_note(items))
    assert block_note(items[:MAX_BLOCK_CHARS]) is None
    code = "```\n" + "x = 1\n" * 50_000 + "```"
    assert block_note(code) is not None
    assert block_note("word " * 300_000) is None
    assert block_note("# " + "title " * 100_000) is None


def test_only_small_posts_are_rendered_ahead_of_time(tmp_path: Path) -> None:
    """The neighbours of the shown post are pre-rendered only up to MAX_PREFETCH_BYTES."""
    small = tmp_path / "small.md"
    small.write_text("x" * MAX_PREFETCH_BYTES)
    big = tmp_path / "big.md"
    big.write_text("x" * (MAX_PREFETCH_BYTES + 1))
    assert worth_prefetching(str(small))
    assert not worth_prefetching(str(big))
    assert not worth_prefetching(str(tmp_path / "missing.md"))
