"""reader list, export, mark and import feed through reader.cli.main (in-process, subprocess)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from reader import console
from reader.cli import SUBCOMMANDS, main, subcommand
from reader.paths import feeds_dir
from tests.unit.helpers.processes import run_captured

REPO = Path(__file__).resolve().parents[2]
FEEDS = REPO / "tests" / "data" / "feeds"

Command = Callable[[Sequence[str]], int | None]


def cmd_list(argv: Sequence[str]) -> int:
    """`reader list ARGV`, in-process, through the one dispatcher."""
    return main(["list", *argv])


def cmd_export(argv: Sequence[str]) -> int:
    """`reader export ARGV`."""
    return main(["export", *argv])


def cmd_mark(argv: Sequence[str]) -> int:
    """`reader mark ARGV`."""
    return main(["mark", *argv])


def cmd_import_feed(argv: Sequence[str]) -> int:
    """`reader import feed ARGV`."""
    return main(["import", "feed", *argv])


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Three posts (newest first: gamma, alpha, beta) and one broken file."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(
        '---\nid: alpha\ntitle: "Alpha [draft] *one*"\ndate: 2024-01-02\n'
        "url: https://example.org/a (1)\ntags: [x, y]\nauthor: Ann\n---\nA\n"
    )
    (posts / "b.md").write_text("---\ntitle: Beta\ndate: 2023-06-01\n---\nB\n")
    (posts / "c.md").write_text("---\nid: gamma\ntitle: Gamma 中文\ndate: 2025-03-04\n---\nC\n")
    (posts / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    return posts


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """This test's own state file."""
    return tmp_path / "state.json"


def run(
    capsys: pytest.CaptureFixture[str], command: Command, *args: str | Path
) -> tuple[int | None, str, str]:
    """Run a command in-process; return (status, stdout, stderr)."""
    status = command([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def one_error_line(err: str, prefix: str = "reader") -> str:
    """The single stderr line; fails if there is more or less than one."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


def test_list_plain(capsys: pytest.CaptureFixture[str], library: Path, state: Path) -> None:
    status, out, err = run(capsys, cmd_list, library, "--state", state)
    assert status == 0
    assert out == ("●   gamma  Gamma 中文\n●   alpha  Alpha [draft] *one*\n●   b.md   Beta\n")
    assert one_error_line(err).startswith("reader: ") and "broken.md" in err


def test_list_json(capsys: pytest.CaptureFixture[str], library: Path, state: Path) -> None:
    status, out, _ = run(capsys, cmd_list, library, "--json", "--state", state)
    assert status == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows] == ["gamma", "alpha", "b.md"]
    assert rows[1] == {
        "id": "alpha",
        "title": "Alpha [draft] *one*",
        "date": "2024-01-02T00:00:00+00:00",
        "author": "Ann",
        "feed": None,
        "minutes": 1,
        "tags": ["x", "y"],
        "url": "https://example.org/a (1)",
        "path": str(library / "a.md"),
        "read": False,
        "bookmarked": False,
    }
    assert rows[2]["author"] is None and rows[2]["url"] is None and rows[2]["tags"] == []


def test_list_json_gives_each_post_its_feed_and_reading_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path
) -> None:
    """`feed` from the front matter; `minutes` at 230 words a minute, from the full text
    fetched for a post when there is one (what the article and the search index read)."""
    (tmp_path / "long.md").write_text(
        '---\ntitle: Long\nfeed: "Blog"\n---\n' + "word " * 461, encoding="utf-8"
    )
    (tmp_path / "short.md").write_text("# Short\n\nsummary [...]\n", encoding="utf-8")
    (tmp_path / ".full").mkdir()
    (tmp_path / ".full" / "short.md").write_text("# Short\n\n" + "word " * 700, encoding="utf-8")
    _, out, _ = run(capsys, cmd_list, tmp_path, "--json", "--state", state)
    rows = {row["title"]: row for row in json.loads(out)}
    assert (rows["Long"]["feed"], rows["Long"]["minutes"]) == ("Blog", 3)
    assert (rows["Short"]["feed"], rows["Short"]["minutes"]) == (None, 4)
    assert len(rows) == 2  # the .full copy is no post of its own


def test_mark_then_list_and_views(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path
) -> None:
    assert run(capsys, cmd_mark, "alpha", library, "--read", "--state", state)[:2] == (0, "")
    assert run(capsys, cmd_mark, "b.md", library, "--bookmark", "--state", state)[:2] == (0, "")
    _, out, _ = run(capsys, cmd_list, library, "--state", state)
    assert out.splitlines() == [
        "●   gamma  Gamma 中文",
        "    alpha  Alpha [draft] *one*",
        "● ★ b.md   Beta",
    ]
    _, out, _ = run(capsys, cmd_list, library, "--view", "unread", "--json", "--state", state)
    assert [row["id"] for row in json.loads(out)] == ["gamma", "b.md"]
    _, out, _ = run(capsys, cmd_list, library, "--view=bookmarked", "--state", state)
    assert out == "● ★ b.md  Beta\n"
    assert (
        run(capsys, cmd_mark, "alpha", library, "--unread", "--bookmark", "--state", state)[0] == 0
    )
    assert run(capsys, cmd_mark, "b.md", library, "--unbookmark", "--state", state)[0] == 0
    _, out, _ = run(capsys, main, "list", library, "--json", "--state", state)
    flags = {row["id"]: (row["read"], row["bookmarked"]) for row in json.loads(out)}
    assert flags == {"gamma": (False, False), "alpha": (False, True), "b.md": (False, False)}


def test_default_path_comes_from_the_config(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'library = "{library}"\n')
    status, out, _ = run(capsys, cmd_list, "--config", config, "--state", state)
    assert status == 0 and out.splitlines()[0] == "●   gamma  Gamma 中文"
    status, _, err = run(capsys, cmd_list, "--config", tmp_path / "none.toml", "--state", state)
    assert status == 0  # the bundled posts are listed
    assert f"config {tmp_path / 'none.toml'}: the file does not exist (defaults used)" in err


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda folder: None, "does not exist: {path}"),
        (
            lambda folder: [
                folder.mkdir(),
                (folder / "a.txt").write_text("x"),
                (folder / "b.txt").write_text("x"),
                (folder / "c.html").write_text("x"),
            ],
            "holds no posts (.md or .markdown files): {path}; found 3 other files (.txt, .html)",
        ),
        (
            lambda folder: folder.write_text("x"),
            "is not a Markdown file (.md or .markdown): {path}",
        ),
    ],
    ids=["missing", "no-posts", "not-markdown"],
)
def test_a_bad_library_in_the_config_names_the_config(
    capsys: pytest.CaptureFixture[str],
    state: Path,
    isolated_user_dirs: Path,
    make: Callable[[Path], object],
    says: str,
) -> None:
    library = isolated_user_dirs / "notes" / "posts"
    library.parent.mkdir()
    make(library)
    config = isolated_user_dirs / ".config" / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'library = "{library}"\n')
    status, out, err = run(capsys, cmd_list, "--state", state)
    assert (status, out) == (2, "")
    expected = "reader: error: the library in ~/.config/reader/config.toml " + says.format(
        path="~/notes/posts"
    )
    assert one_error_line(err) == expected


def test_mark_unknown_id(capsys: pytest.CaptureFixture[str], library: Path, state: Path) -> None:
    status, out, err = run(capsys, cmd_mark, "nope", library, "--read", "--state", state)
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == f"reader: no post with id nope in {library}"
    assert not state.exists()


def test_mark_keeps_other_readers_marks(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path
) -> None:
    run(capsys, cmd_mark, "gamma", library, "--bookmark", "--state", state)
    run(capsys, cmd_mark, "alpha", library, "--read", "--state", state)
    _, out, _ = run(capsys, cmd_list, library, "--json", "--state", state)
    flags = {row["id"]: (row["read"], row["bookmarked"]) for row in json.loads(out)}
    assert flags["gamma"] == (False, True) and flags["alpha"] == (True, False)


def test_mark_refuses_a_state_file_from_a_newer_reader(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path
) -> None:
    state.write_text('{"meta": {"1": {"schema": 999, "updated_meta": 0.0}}}')
    before = state.read_bytes()
    status, _, err = run(capsys, cmd_mark, "alpha", library, "--read", "--state", state)
    assert status == 1
    assert "newer reader" in err and err.splitlines()[-1].endswith("nothing marked")
    assert state.read_bytes() == before


def test_export_bookmarks_markdown(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path
) -> None:
    status, out, _ = run(capsys, cmd_export, "bookmarks", library, "--state", state)
    assert (status, out) == (0, "")
    for post_id in ("alpha", "b.md"):
        run(capsys, cmd_mark, post_id, library, "--bookmark", "--state", state)
    status, out, _ = run(
        capsys, cmd_export, "bookmarks", library, "--format", "md", "--state", state
    )
    assert status == 0
    assert out == (
        f"- [Alpha \\[draft\\] \\*one\\*](https://example.org/a%20%281%29) — 2024-01-02 — "
        f"{library / 'a.md'}\n"
        f"- Beta — 2023-06-01 — {library / 'b.md'}\n"
    )


def test_export_bookmarks_json_to_a_file(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path, tmp_path: Path
) -> None:
    run(capsys, cmd_mark, "gamma", library, "--bookmark", "--state", state)
    target = tmp_path / "bookmarks.json"
    args = ("bookmarks", library, "--format", "json", "--state", state, "--output", target)
    assert run(capsys, cmd_export, *args)[:2] == (0, "")
    assert json.loads(target.read_text()) == [
        {
            "id": "gamma",
            "title": "Gamma 中文",
            "url": None,
            "date": "2025-03-04T00:00:00+00:00",
            "path": str(library / "c.md"),
        }
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    status, _, err = run(capsys, cmd_export, *args[:-1], tmp_path / "missing" / "x.json")
    assert status == 1
    assert err.splitlines()[-1].startswith("reader: cannot write ")


def test_export_with_no_bookmarks_says_so_on_stderr_and_succeeds(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path, tmp_path: Path
) -> None:
    """An empty export is not a failure, but it is not silent either."""
    status, out, err = run(capsys, cmd_export, "bookmarks", library, "--state", state)
    assert (status, out) == (0, "")
    assert err.splitlines()[-1] == f"reader: no bookmarked posts in {library}"
    json_args = ("bookmarks", library, "--format", "json", "--state", state)
    status, out, err = run(capsys, cmd_export, *json_args)
    assert (status, out) == (0, "[]\n")
    assert err.splitlines()[-1] == f"reader: no bookmarked posts in {library}"
    for target, written in ((tmp_path / "out.md", ""), (tmp_path / "out.json", "[]\n")):
        form = target.suffix[1:]
        args = ("bookmarks", library, "--format", form, "--state", state, "--output", target)
        status, out, err = run(capsys, cmd_export, *args)
        assert (status, out) == (0, "")
        assert target.read_text() == written
        assert err.splitlines()[-1] == (
            f"reader: no bookmarked posts in {library}; wrote an empty list to {target}"
        )
    status, _, err = run(capsys, cmd_export, "bookmarks", library, "-o", tmp_path / "no" / "x")
    assert status == 1
    assert "no bookmarked posts" not in err, "nothing was written"


@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        (cmd_list, ["--view", "nope"], "reader list: error: argument --view: invalid choice"),
        (cmd_list, ["--bogus"], "reader list: error: unrecognized arguments: --bogus"),
        (cmd_export, [], "reader export: error: the following arguments are required: what"),
        (cmd_export, ["bookmarks", "--format", "xml"], "reader export: error: argument --format"),
        (cmd_mark, ["alpha"], "reader mark: error: one of --read, --unread, --bookmark"),
        (cmd_mark, ["alpha", "--read", "--unread"], "reader mark: error: argument --unread"),
        (cmd_import_feed, [], "reader import feed: error: the following arguments are required"),
        *(
            (
                cmd_import_feed,
                ["http://127.0.0.1:9/", "--timeout", value],
                "reader import feed: error: argument --timeout: ",
            )
            for value in ("-1", "0", "0.0", "nan", "inf", "1e300", "soon")
        ),
        (cmd_list, ["/no/such/dir"], "reader: error: no such file or directory: /no/such/dir"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], command: Command, args: list[str], expected: str
) -> None:
    status, out, err = run(capsys, command, *args)
    assert (status, out) == (2, "")
    assert one_error_line(err).startswith(expected)


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, cmd_mark, "--help")
    assert status == 0 and out.startswith("usage: reader mark")


def test_import_feed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    into = tmp_path / "feeds"
    status, out, err = run(capsys, cmd_import_feed, FEEDS / "rss2.xml", "--into", into)
    assert (status, out, err) == (
        0,
        f"Imported 3 new, 0 updated, 0 unchanged posts into {into}\n"
        f"Open them with: reader {into}\n",
        "",
    )
    status, out, _ = run(
        capsys, main, "import", "feed", FEEDS / "rss2.xml", "--into", into
    )
    assert (status, out) == (
        0,
        f"Imported 0 new, 0 updated, 3 unchanged posts into {into}\n"
        f"Open them with: reader {into}\n",
    )


@pytest.mark.parametrize(
    ("into", "command"),
    [
        ("my posts", "reader 'my posts'"),
        ("-odd", "reader ./-odd"),
        ("it's", "reader 'it'\"'\"'s'"),
    ],
)
def test_import_feed_says_how_to_open_the_posts(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    into: str,
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, cmd_import_feed, FEEDS / "atom.xml", f"--into={into}")
    assert status == 0
    assert out.splitlines()[1] == f"Open them with: {command}"
    shown = subprocess.run(
        ["sh", "-c", f"printf %s {command.removeprefix('reader ')}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (tmp_path / shown).resolve() == (tmp_path / into).resolve()


def test_import_feed_default_folder(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    assert feeds_dir() == isolated_user_dirs / ".local" / "share" / "reader" / "feeds"
    status, out, _ = run(capsys, cmd_import_feed, FEEDS / "atom.xml")
    assert (status, out) == (
        0,
        "Imported 2 new, 0 updated, 0 unchanged posts into ~/.local/share/reader/feeds\n"
        "Open them with: reader ~/.local/share/reader/feeds\n",
    )
    assert len(list(feeds_dir().glob("*.md"))) == 2


def test_import_feed_failures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, cmd_import_feed, FEEDS / "not-a-feed.html", "--into", tmp_path)
    assert (status, out) == (1, "")
    assert one_error_line(err) == f"reader: not an RSS or Atom feed: {FEEDS / 'not-a-feed.html'}"
    blocker = tmp_path / "file"
    blocker.write_text("")
    status, _, err = run(capsys, cmd_import_feed, FEEDS / "atom.xml", "--into", blocker / "sub")
    assert status == 1
    assert one_error_line(err).startswith(f"reader: cannot write to {blocker / 'sub'}: ")


def test_import_progress_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, cmd_import_feed, FEEDS / "rss2.xml", "--into", tmp_path / "a")
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(console, "PROGRESS_AFTER", 0.0)
    assert cmd_import_feed([str(FEEDS / "rss2.xml"), "--into", str(tmp_path / "b")]) == 0
    assert terminal.getvalue() == "\r1/3\r2/3\r3/3\r\x1b[K"


@pytest.mark.parametrize("first", ["articles", "--version", "posts/a.md", "-h"])
def test_other_arguments_are_not_subcommands(first: str) -> None:
    assert subcommand(first) is None


def test_every_subcommand_resolves() -> None:
    assert all(callable(subcommand(name)) for name in SUBCOMMANDS)


def run_process(args: Sequence[str | Path], *python_args: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's Python with python_args then args; capture text output."""
    return run_captured([sys.executable, *python_args], args)


DISPATCH = "import sys; from reader.cli import main; sys.exit(main(sys.argv[1:]))"


def test_in_a_real_process(library: Path, state: Path) -> None:
    ok = run_process(["list", library, "--json", "--state", state], "-c", DISPATCH)
    assert ok.returncode == 0
    assert [row["id"] for row in json.loads(ok.stdout)] == ["gamma", "alpha", "b.md"]
    bad = run_process(["mark", "nope", library, "--read", "--state", state], "-c", DISPATCH)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[-1] == f"reader: no post with id nope in {library}"


def test_python_dash_m_reader_list_json(library: Path, state: Path) -> None:
    result = run_process(["list", library, "--json", "--state", state], "-m", "reader")
    assert result.returncode == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["gamma", "alpha", "b.md"]


def test_commands_and_feed_importer_do_not_import_textual() -> None:
    probe = (
        "import sys, reader.commands, reader.importers.feed\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = run_process([], "-c", probe)
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


def begin_reading(state: Path, post_id: str, fraction: float) -> None:
    """Leave a post read to `fraction`, as the reader does when it is scrolled and closed."""
    from reader.store import Store

    store = Store(state)
    store.open()
    store.set_position(post_id, fraction)
    assert store.close()


@pytest.mark.parametrize("name", ["in-progress", "in progress"])
def test_list_in_progress_lists_the_post_the_sidebar_shows_at_39_percent(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path, name: str
) -> None:
    """The In progress view of the sidebar and `reader list --view in-progress` agree
    (cmd_list used to build its own filter, which never listed a begun post)."""
    begin_reading(state, "alpha", 0.39)
    begin_reading(state, "gamma", 1.0)  # finished: not in progress
    status, out, _ = run(capsys, cmd_list, library, "--view", name, "--state", state)
    assert (status, out) == (0, "●   alpha  Alpha [draft] *one*\n")
    _, out, _ = run(capsys, cmd_list, library, f"--view={name}", "--json", "--state", state)
    assert [row["id"] for row in json.loads(out)] == ["alpha"]


def test_every_sidebar_view_lists_what_the_session_lists(
    capsys: pytest.CaptureFixture[str], library: Path, state: Path
) -> None:
    """For each view the `v` key cycles through, `reader list` prints the session's posts."""
    from reader.library import load_library
    from reader.session import Session
    from reader.store import Store
    from reader.views import View

    begin_reading(state, "b.md", 0.5)
    run(capsys, cmd_mark, "alpha", library, "--read", "--bookmark", "--state", state)
    posts = load_library(library).posts
    for view in View:
        store = Store(state)
        store.open()
        session = Session(store, view)
        session.set_posts(posts)
        expected = session.visible()
        store.close()
        args = ("--view", view.option, "--json", "--state", state)
        _, out, _ = run(capsys, cmd_list, library, *args)
        assert [row["id"] for row in json.loads(out)] == expected, view
    assert expected == ["b.md"]  # the last view, In progress, is not empty


def broken_command(argv: Sequence[str]) -> int:
    """A subcommand with a bug."""
    raise KeyError(f"bug {list(argv)}")


def test_a_bug_in_a_command_is_one_line_exit_1_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SUBCOMMANDS, "broken", f"{__name__}:broken_command")
    status, out, err = run(capsys, main, "broken", "x")
    assert (status, out) == (1, "")
    assert one_error_line(err) == "reader: unexpected error (KeyError): \"bug ['x']\""
