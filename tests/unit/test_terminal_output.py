"""What the command line prints never holds raw control, bidi or invisible characters.

Config key names, file names, front matter and feed titles are untrusted. Each test runs
the installed `reader` in a real process and checks the bytes of stdout and stderr: no
ESC, BEL or other control character (but newline), no C1 control, no bidi override or
isolate, no zero-width or other format character, no lone surrogate, no traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

READER = Path(sys.executable).parent / "reader"
# Everything a terminal could obey or hide (newline is layout; nothing here needs tab).
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ud800-\udfff]"
)
PWNED = "\x1b]0;PWNED\x07"  # sets the terminal's title


def reader(*args: str | Path, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run `reader ARGS`; (status, stdout, stderr) decoded as UTF-8, bad bytes as surrogates."""
    result = subprocess.run(
        [str(READER), *(os.fspath(arg) for arg in args)],
        input=stdin,
        capture_output=True,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )
    out = result.stdout.decode("utf-8", "surrogateescape")
    err = result.stderr.decode("utf-8", "surrogateescape")
    return result.returncode, out, err


def assert_clean(*texts: str) -> None:
    """No raw control, bidi, format character or undecodable byte; no traceback."""
    for text in texts:
        assert "Traceback" not in text, text
        found = RAW.search(text)
        assert found is None, f"raw {found[0]!r} in {text!r}"


@pytest.fixture
def hostile(tmp_path: Path, isolated_user_dirs: Path) -> Path:
    """A library of hostile file names and fields, named as `library` by a hostile config."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / f"esc-{PWNED}.md").write_text("no title: the file name is one\n")
    (posts / "rlo-\u202egnp.exe.md").write_text("x\n")
    with open(os.path.join(os.fsencode(posts), b"bad-\xff.md"), "wb") as handle:
        handle.write(b"x\n")
    (posts / "fields.md").write_text(
        "---\n"
        'title: "Invoice \u202efdp.exe \u2066x\u2069"\n'
        'id: "id-\\u202e\\u001b[2J"\n'
        'author: "Ann\\u0007\\u200b"\n'
        'tags: ["t\\u2067ag", "ok"]\n'
        'url: "https://example.org/\\u202e"\n'
        "---\n"
        "Body &#x202e; text\n"
    )
    config = isolated_user_dirs / ".config" / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'library = "{posts}"\n'
        '"\\u001b]0;PWNED\\u0007" = 1\n'
        '"key\\u202e" = 2\n'
        'theme = "\\u001b]0;PWNED\\u0007\\u009b"\n'
        "[keys]\n"
        '"\\u001b]0;PWNED\\u0007" = "a"\n'
        'quit = "\\u001b]0;PWNED\\u0007"\n'
        'help = "h\\u202e"\n'
    )
    return posts


def test_list_export_mark_and_config_print_nothing_raw(hostile: Path, tmp_path: Path) -> None:
    """Config key names and values, file names and post fields reach stdout and stderr
    cleaned, in every command; and every post can be marked by the id `list` shows."""
    status, out, err = reader("list", "--json")
    assert status == 0
    assert_clean(out, err)
    assert "unknown setting '␛]0;PWNED␇'" in err and "unknown setting 'key\ufffd'" in err
    assert "\\u202e" in out  # JSON keeps the exact id and fields, escaped

    status, out, err = reader("list")
    assert status == 0
    assert_clean(out, err)
    ids = [line[4:].split("  ")[0] for line in out.splitlines()]
    assert "bad-\\xff.md" in ids and "esc-␛]0;PWNED␇.md" in ids
    raw = "bad-\udcff.md"  # the name as the shell passes it (`$(printf 'bad-\\xff.md')`)
    status, out, err = reader("mark", raw, "--bookmark")
    assert status == 0, err
    status, out, err = reader("list", "--view", "bookmarked")
    assert out.splitlines() == ["● ★ bad-\\xff.md  bad \ufffd"]
    for post_id in ["bad-\\xff.md", f"esc-{PWNED}.md", "rlo-\u202egnp.exe.md"]:
        status, out, err = reader("mark", post_id, "--read", "--bookmark")
        assert status == 0, err
        assert_clean(out, err)

    for export in (["--format", "md"], ["--format", "json"]):
        status, out, err = reader("export", "bookmarks", *export)
        assert status == 0
        assert_clean(out, err)
        assert out.count("\n") >= 3
    output = tmp_path / "bookmarks.md"
    status, out, err = reader("export", "bookmarks", "--output", output)
    assert status == 0
    assert_clean(out, err, output.read_text(encoding="utf-8"))

    status, out, err = reader("config", "--show")
    assert status == 0
    assert_clean(out, err)
    assert "holds control or invisible characters" in err


def test_bad_usage_and_unknown_ids_print_nothing_raw(hostile: Path) -> None:
    """Arguments echoed in errors (an unknown choice, an unknown id) are cleaned too."""
    for args in (
        ["list", "--view", PWNED],
        ["mark", f"nope{PWNED}\u202e", "--read"],
        ["mark", "x", str(hostile / f"missing{PWNED}"), "--read"],
        ["import", "feed", f"missing{PWNED}.xml", "--into", str(hostile)],
        [f"/no/such/{PWNED}"],
    ):
        status, out, err = reader(*args)
        assert status in (1, 2), err
        assert_clean(out, err)
        assert err.splitlines()[-1].startswith("reader"), err  # after the config's mistakes


def test_feed_titles_and_folders_print_nothing_raw(tmp_path: Path) -> None:
    """A feed with bidi and control characters in its titles, imported into a folder whose
    name holds ESC: the summary and the listing are clean."""
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        "<title>Feed &#x202e;title</title>"
        "<item><title>Entry &#x202e;gnp.exe &#x2066;</title><guid>e&#x202e;1</guid>"
        "<author>a@example.org (Ann &#x200b;)</author>"
        "<description>Body &amp;#x202e; &#x2067;</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    into = tmp_path / f"out{PWNED}\u202e"
    status, out, err = reader("import", "feed", feed, "--into", into)
    assert status == 0, err
    assert_clean(out, err)
    assert "Imported 1 new" in out
    for args in (["list", into], ["list", into, "--json"]):
        status, out, err = reader(*args)
        assert status == 0
        assert_clean(out, err)
