"""`reader import`: one command over the importer registry, one result, one error style."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from reader.cli import main
from reader.importers import registry
from reader.importers.base import ImportResult, Progress, write_post

REPO = Path(__file__).resolve().parents[2]
FEEDS = REPO / "tests" / "data" / "feeds"
DIGEST = REPO / "tests" / "data" / "digest.txt"


def reader(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run `reader ARGS` in-process; (status, stdout, stderr), never a traceback."""
    status = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def test_import_help_describes_every_importer(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = reader(capsys, "import", "--help")
    assert status == 0
    text = " ".join(out.split())
    for importer in registry.IMPORTERS:
        assert f"{importer.name} {importer.summary}" in text


def test_import_feed_help_describes_the_feed_importer(capsys: pytest.CaptureFixture[str]) -> None:
    """Not the digest's FILE and required --into (the old help described both kinds so)."""
    status, out, _ = reader(capsys, "import", "feed", "--help")
    assert status == 0
    assert out.startswith("usage: reader import feed ")
    assert "RSS or Atom" in out and "SOURCE" in out and "--timeout" in out
    assert "digest" not in out and "FILE" not in out
    status, out, _ = reader(capsys, "import", "digest", "--help")
    assert status == 0 and "usage: reader import digest [-h] --into DIR FILE" in out
    assert "--timeout" not in out


@pytest.mark.parametrize(
    ("source", "count"), [(FEEDS / "rss2.xml", 3), (FEEDS / "atom.xml", 2), (DIGEST, 20)]
)
def test_import_without_a_kind_finds_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: Path, count: int
) -> None:
    status, out, err = reader(capsys, "import", source, "--into", tmp_path)
    assert (status, err) == (0, "")
    assert out.startswith(f"Imported {count} new, 0 updated, 0 unchanged posts into {tmp_path}")


def test_import_of_something_no_importer_knows_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = reader(capsys, "import", FEEDS / "not-a-feed.html", "--into", tmp_path)
    assert (status, out) == (2, "")
    assert err == (
        f"reader: error: cannot tell what kind of source {FEEDS / 'not-a-feed.html'} is; "
        "name it (feed, opml, page, digest)\n"
    )


def test_a_feed_that_breaks_the_feed_parser_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A character reference to a lone surrogate made feedparser raise UnicodeEncodeError,
    which reached the user as a traceback."""
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>c&#xD800;d</title><guid>y</guid></item></channel></rss>"
    )
    status, out, err = reader(capsys, "import", "feed", feed, "--into", tmp_path / "out")
    assert (status, out) == (1, "")
    assert err == f"reader: not an RSS or Atom feed: {feed} (UnicodeEncodeError)\n"


def test_a_repeated_entry_is_reported_as_a_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    item = "<item><title>Same</title><guid>g1</guid><description>x</description></item>"
    feed.write_text(f'<rss version="2.0"><channel><title>t</title>{item}{item}</channel></rss>')
    status, out, err = reader(capsys, "import", feed, "--into", tmp_path / "out")
    assert status == 0 and out.startswith("Imported 1 new, 0 updated, 0 unchanged posts")
    assert err == "reader: entry g1 appears again; kept the first\n"


class Lines:
    """A made-up importer: every line of a .lines file becomes a post."""

    name = "lines"
    summary = "a .lines file: one post per line"

    def detect(self, source: str) -> bool:
        """Files named *.lines."""
        return source.endswith(".lines")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """FILE and --into DIR."""
        parser.add_argument("source", metavar="FILE")
        parser.add_argument("--into", metavar="DIR", required=True)

    def run(self, args: argparse.Namespace, progress: Progress | None = None) -> ImportResult:
        """One post per line; a blank line is a problem."""
        into = Path(args.into)
        into.mkdir(parents=True, exist_ok=True)
        result = ImportResult(into)
        for number, line in enumerate(Path(args.source).read_text().splitlines(), start=1):
            if not line.strip():
                result.problems.append(f"line {number} is blank")
                continue
            path = into / f"{number}.md"
            write_post(path, f"# {line}\n".encode(), path.exists(), result)
        return result


def test_a_new_importer_is_one_object_in_the_registry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The command, its help and `reader import SOURCE` all come from the registry."""
    monkeypatch.setattr(registry, "IMPORTERS", (Lines(), *registry.IMPORTERS))  # tried first
    assert "a .lines file: one post per line" in reader(capsys, "import", "--help")[1]
    source = tmp_path / "posts.lines"
    source.write_text("one\n\ntwo\n")
    into = tmp_path / "out"
    for args in (["lines", source], [source]):
        status, out, err = reader(capsys, "import", *args, "--into", into)
        assert status == 0 and err == "reader: line 2 is blank\n"
    assert out.startswith(f"Imported 0 new, 0 updated, 2 unchanged posts into {into}")
    assert sorted(path.name for path in into.iterdir()) == ["1.md", "3.md"]
