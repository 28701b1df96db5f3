"""Tests for reader.library: posts on disk become Post records."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reader.library import (
    LibraryError,
    Post,
    PostError,
    Problem,
    find_post_files,
    load_library,
    load_post,
    read_body,
)
from reader.post_fields import writable_id

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "corpus"
TOML_DIR = CORPUS / "toml"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def write(path: Path, text: str | bytes) -> Path:
    """Create path (and its folders) with the given content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def post_at(tmp_path: Path, text: str | bytes, name: str = "post.md") -> Post:
    """Write one file and load it as a post."""
    return load_post(write(tmp_path / name, text), tmp_path)


@pytest.fixture(scope="module")
def corpus() -> dict[str, Post]:
    """The bundled corpus copy, loaded once, by file name."""
    library = load_library(CORPUS)
    assert library.problems == []
    assert len(library.posts) == 10  # the LICENSE/SOURCE .txt files are not posts
    return {post.path.name: post for post in library.posts}


# --- the real posts of the corpus copy --------------------------------------


JEKYLL = "2020-05-27-jekyll-4-1-0-released.markdown"
MEET = "2018-02-19-meet-jekyll-s-new-lead-developer.markdown"
TURNS_2 = "2014-05-06-jekyll-turns-2-0-0.markdown"
ASYNC = "inside-rust__AsyncAwait-Not-Send-Error-Improvements.md"
FEB = "Project-Goals-Feb-Update__index.md"
FEB_AUTHORS = "Rémy Rakic, Niko Matsakis, Santiago Pastorino"
RUST_11 = "Rust 1.1 stable, the Community Subteam, and RustCamp"
ASYNC_TITLE = 'Improving async-await\'s "Future is not Send" diagnostic'  # a '''-quoted TOML title


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # single-quoted title; date: 2020-05-27 15:20:30 +0530; category: release
        (JEKYLL, ("Jekyll 4.1.0 Released", utc(2020, 5, 27, 9, 50, 30), "ashmaroli", ("release",))),
        # quoted date "2018-02-19 20:48:09 -0500" is the next day in UTC; categories: [team]
        (
            MEET,
            ("Meet Jekyll's New Lead Developer", utc(2018, 2, 20, 1, 48, 9), "parkr", ("team",)),
        ),
        # no date field: the date comes from the file name
        (TURNS_2, ("Jekyll turns 2.0.0", utc(2014, 5, 6), "parkr", ("release",))),
        # Zola: the date comes from path = "2025/08/07/..." or "inside-rust/2019/10/11/..."
        (
            "Rust-1.89.0.md",
            ("Announcing Rust 1.89.0", utc(2025, 8, 7), "The Rust Release Team", ()),
        ),
        (ASYNC, (ASYNC_TITLE, utc(2019, 10, 11), "David Wood", ())),
        (FEB, ("February Project Goals Update", utc(2025, 3, 3), FEB_AUTHORS, ())),
        ("Rust-1.1.md", (RUST_11, utc(2015, 6, 25), "The Rust Core Team", ())),
        # front matter only: titled from the file name, no date
        ("releases__latest.md", ("releases latest", None, None, ())),
    ],
)
def test_corpus_fields(corpus: dict[str, Post], name: str, expected: tuple[object, ...]) -> None:
    """Real Jekyll and Zola posts show the title, date, author and tags a user expects."""
    post = corpus[name]
    assert (post.title, post.date, post.author, post.tags) == expected


def test_corpus_ids_are_relative_paths(corpus: dict[str, Post]) -> None:
    """Without an id field, the id is the path under the library root, with '/'."""
    assert corpus["conf-lineup@2.md"].id == "toml/conf-lineup@2.md"
    assert corpus["Rust-1.89.0.md"].path == TOML_DIR / "Rust-1.89.0.md"


def test_corpus_front_matter_only_has_empty_body(corpus: dict[str, Post]) -> None:
    """releases__latest.md has front matter only: its body is empty."""
    assert read_body(corpus["releases__latest.md"]) == ""


def test_corpus_block_list_with_blank_line(corpus: dict[str, Post]) -> None:
    """A block list with a blank line inside the YAML stays in the front matter."""
    body = read_body(corpus[JEKYLL])
    assert body.startswith("\nHello Jekyllers!\n")
    assert "filters_linked_to:" not in body
    assert "- where expression" not in body


def test_corpus_thematic_breaks_stay_in_body(corpus: dict[str, Post]) -> None:
    """--- lines later in a post are part of its body."""
    body = read_body(corpus["conf-lineup@2.md"])
    assert "\n---\n\n**FOSDEM**" in body
    assert body.count("\n---\n") >= 2


def test_corpus_cjk_and_tabs(corpus: dict[str, Post]) -> None:
    """CJK text and tab characters load untouched."""
    assert "らいどっと" in read_body(corpus["Rust-1.1.md"])
    assert "张君君" in read_body(corpus["2014-05-06-jekyll-turns-2-0-0.markdown"])
    assert "\t- defining metric" in read_body(corpus["Project-Goals-Feb-Update__index.md"])


def test_corpus_big_post_reads_whole(corpus: dict[str, Post]) -> None:
    """Bodies are complete to the last line, for an 85 KB post and with no final newline."""
    post = corpus["Project-Goals-Feb-Update__index.md"]
    body = read_body(post)
    raw = post.path.read_text(encoding="utf-8")
    assert len(raw) > 64 * 1024
    assert raw.endswith(body)
    assert len(body) > 80_000
    assert body.endswith("<summary>No detailed updates available.</summary>\n</details>\n")
    # A file without a final newline keeps its last line.
    raw = (TOML_DIR / "Rust-1.89.0.md").read_text(encoding="utf-8")
    assert not raw.endswith("\n")
    assert read_body(corpus["Rust-1.89.0.md"]) == raw.split("+++\n", 2)[2]


def test_corpus_order() -> None:
    """Newest first across both kinds of posts; the undated one last."""
    names = [post.path.name for post in load_library(CORPUS).posts]
    assert names == [
        "Rust-1.89.0.md",
        "Project-Goals-Feb-Update__index.md",
        "2022-10-20-jekyll-4-3-0-released.markdown",
        "2020-05-27-jekyll-4-1-0-released.markdown",
        "conf-lineup@2.md",
        "inside-rust__AsyncAwait-Not-Send-Error-Improvements.md",
        "2018-02-19-meet-jekyll-s-new-lead-developer.markdown",
        "Rust-1.1.md",
        "2014-05-06-jekyll-turns-2-0-0.markdown",
        "releases__latest.md",
    ]


def test_bundled_articles_load_in_digest_order() -> None:
    """The 20 bundled articles load without problems, newest (position 1) first."""
    library = load_library(REPO / "articles")
    assert library.problems == []
    assert [post.position for post in library.posts] == list(range(1, 21))
    assert library.posts[0].title == "Product Centric Selling, It Really Is About Us!"
    assert library.posts[0].id == "01-product-centric-selling-it-really-is-about-us.md"
    assert all(read_body(post).rstrip().endswith("[...]") for post in library.posts)


def test_modules_do_not_import_textual_or_yaml() -> None:
    """The data layer stays UI-free, and PyYAML loads only when a post needs it."""
    code = (
        "import sys, reader.library, reader.frontmatter, reader.sanitize, "
        "reader.importers.digest\n"
        "assert not any(m.startswith('textual') for m in sys.modules), 'textual imported'\n"
        "assert 'yaml' not in sys.modules, 'yaml imported at start-up'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stderr


# --- titles ---------------------------------------------------------------------


def test_title_from_first_heading(tmp_path: Path) -> None:
    """No title field: the first level-1 heading outside code fences is the title."""
    text = "Intro\n\n```md\n# Not this one\n```\n## Nor this\n# The *Real* Title #\n# Later\n"
    assert post_at(tmp_path, text).title == "The *Real* Title"


def test_title_from_file_name(tmp_path: Path) -> None:
    """No title field or heading: the file name, with - and _ as spaces."""
    assert post_at(tmp_path, "just text\n", "my-first_post.md").title == "my first post"


def test_empty_file_is_a_post(tmp_path: Path) -> None:
    """An empty file is an (empty) post titled from its name, not an error."""
    post = post_at(tmp_path, "", "empty-note.md")
    assert post.title == "empty note"
    assert read_body(post) == ""


def test_title_control_chars_and_markup_are_shown_literally(tmp_path: Path) -> None:
    """ESC in a title becomes '␛' and Rich-style [bold] markup stays literal text."""
    post = post_at(tmp_path, "---\ntitle: Evil\x1b]0;pwned\x07 [bold]x[/bold]\n---\n")
    assert post.title == "Evil␛]0;pwned␇ [bold]x[/bold]"
    escaped = post_at(tmp_path, '---\ntitle: "a\\e[2Jb"\n---\n', "escaped.md")
    assert escaped.title == "a␛[2Jb"
    heading = post_at(tmp_path, "# \x1b[31mRed[/red]\n", "heading.md")
    assert heading.title == "␛[31mRed[/red]"


def test_long_title_is_capped(tmp_path: Path) -> None:
    """Titles are at most 300 characters."""
    post = post_at(tmp_path, f"---\ntitle: {'word ' * 200}\n---\n")
    assert len(post.title) == 300
    assert post.title.startswith("word word")


def test_non_scalar_title_is_ignored(tmp_path: Path) -> None:
    """A list title is not used; a number title is."""
    assert post_at(tmp_path, "---\ntitle: [a, b]\n---\n# H\n").title == "H"
    assert post_at(tmp_path, "---\ntitle: 1984\n---\n", "n.md").title == "1984"


def test_title_heading_after_64_kb(tmp_path: Path) -> None:
    """A heading far into a big file is still found."""
    text = ("filler line of text\n" * 5000) + "# Deep Title\n"
    assert post_at(tmp_path, text).title == "Deep Title"


def test_huge_front_matter(tmp_path: Path) -> None:
    """Front matter longer than the first read still parses."""
    text = f"---\ndescription: {'x' * 100_000}\ntitle: After\n---\nbody\n"
    post = post_at(tmp_path, text)
    assert post.title == "After"
    assert read_body(post) == "body\n"


# --- dates and other fields ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("date: 2020-05-27 15:20:30 +0530", utc(2020, 5, 27, 9, 50, 30)),
        ('date: "2013-05-08 23:46:11 +0200"', utc(2013, 5, 8, 21, 46, 11)),
        ("date: 2021-01-02", utc(2021, 1, 2)),
        ("date: 2021-01-02T03:04:05Z", utc(2021, 1, 2, 3, 4, 5)),
        ("date: 2021-01-02 03:04:05", utc(2021, 1, 2, 3, 4, 5)),
        ('date: "2021-01-02T03:04:05-01:00"', utc(2021, 1, 2, 4, 4, 5)),
        ("date: yesterday", None),
        ("date: 2020-13-45", None),
        ("date: [2020]", None),
        ("+++\ndate = 2020-01-02T03:04:05+01:00\n+++\n", utc(2020, 1, 2, 2, 4, 5)),
    ],
)
def test_dates(tmp_path: Path, line: str, expected: datetime | None) -> None:
    """YAML/TOML dates become aware UTC datetimes; bad ones are just missing."""
    post = post_at(tmp_path, line if line.startswith("+++") else f"---\n{line}\n---\n")
    assert post.date == expected


def test_bad_date_falls_back_to_file_name(tmp_path: Path) -> None:
    """An unusable date field does not hide the date in a Jekyll file name."""
    post = post_at(tmp_path, "---\ndate: soon\n---\n", "2019-12-31-eve.md")
    assert post.date == utc(2019, 12, 31)


def test_authors_tags_url_position(tmp_path: Path) -> None:
    """Lists are joined/split as a user expects; odd types are ignored."""
    text = (
        "---\nauthors: [Ann, ' Bob ', {x: 1}]\ntags: 'a, b  c'\ncategories: [c, d, [e], 7]\n"
        "category: a\nlink: https://example.org/p\nposition: 3\n---\n"
    )
    post = post_at(tmp_path, text)
    assert post.author == "Ann, Bob"
    assert post.tags == ("a", "b", "c", "d", "7")
    assert post.url == "https://example.org/p"
    assert post.position == 3


@pytest.mark.parametrize(
    "fields", ["tags: {a: 1}\nposition: true", "tags:\nposition: '3'", "url: [x]\nauthor: {}"]
)
def test_odd_field_types_are_ignored(tmp_path: Path, fields: str) -> None:
    """Tables, booleans and strings where a list/int is expected do not break a post."""
    post = post_at(tmp_path, f"---\ntitle: T\n{fields}\n---\n")
    assert (post.tags, post.position, post.url, post.author) == ((), None, None, None)


# --- reading -----------------------------------------------------------------------


def test_invalid_utf8_loads_with_replacement_char(tmp_path: Path) -> None:
    """Bad bytes do not skip the post; U+FFFD marks them. A BOM is dropped."""
    post = post_at(tmp_path, b"---\ntitle: caf\xe9\n---\nbad \xff byte\n")
    assert post.title == "caf\ufffd"
    assert read_body(post) == "bad \ufffd byte\n"
    assert post_at(tmp_path, "\ufeff# Title\n".encode(), "bom.md").title == "Title"


def test_read_body_strips_front_matter_and_cleans(tmp_path: Path) -> None:
    """The body has no front matter, CRLF becomes LF and controls are visible."""
    post = post_at(tmp_path, "---\r\ntitle: T\r\n---\r\nline\x1b[2J\r\nnext\r\n")
    assert read_body(post) == "line␛[2J\nnext\n"


def test_read_body_of_deleted_file(tmp_path: Path) -> None:
    """A file removed after listing gives a PostError, not a crash."""
    post = post_at(tmp_path, "# Gone soon\n")
    post.path.unlink()
    with pytest.raises(PostError, match=r"^cannot read: No such file or directory$"):
        read_body(post)


def test_too_large_file(tmp_path: Path) -> None:
    """Files over 50 MB are refused with their size."""
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    with pytest.raises(PostError, match=r"^too large \(51 MB\)$"):
        load_post(path, tmp_path)


# --- ids ----------------------------------------------------------------------------


def test_ids(tmp_path: Path) -> None:
    """The id field wins (as text); otherwise the relative path with '/'."""
    write(tmp_path / "sub" / "deeper" / "a.md", "# A\n")
    write(tmp_path / "b.md", "---\nid: 42\n---\n# B\n")
    ids = {post.title: post.id for post in load_library(tmp_path).posts}
    assert ids == {"A": "sub/deeper/a.md", "B": "42"}


def test_duplicate_ids_are_kept_with_suffix(tmp_path: Path) -> None:
    """Posts sharing an id all load; later ones get '#2', '#3' and a Problem each."""
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path / name, f"---\nid: same\ntitle: {name}\n---\n")
    library = load_library(tmp_path)
    ids = {post.title: post.id for post in library.posts}
    assert ids == {"a.md": "same", "b.md": "same#2", "c.md": "same#3"}
    assert [problem.path.name for problem in library.problems] == ["b.md", "c.md"]
    assert all("duplicate id 'same'" in problem.message for problem in library.problems)


def bad_name(folder: Path, name: bytes, text: bytes = b"x\n") -> Path:
    """Create a file whose name holds bytes that are not UTF-8 (as `printf 'bad-\\xff.md'`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as handle:
        handle.write(text)
    return Path(os.fsdecode(path))


def test_a_file_name_that_is_not_utf8_gets_a_writable_readable_id(tmp_path: Path) -> None:
    """The undecodable byte shows as \\xff in the id (UTF-8, the same at every start) and
    as � in the title; the state file and the terminal can take both."""
    write(tmp_path / "good.md", "# Good\n")
    bad_name(tmp_path, b"bad-\xff.md")
    bad_name(tmp_path / b"dir-\xfe\xfd".decode("utf-8", "surrogateescape"), b"x-\xe9.md")
    library = load_library(tmp_path)
    assert library.problems == []
    by_title = {post.title: post for post in library.posts}
    assert set(by_title) == {"Good", "bad \ufffd", "x \ufffd"}
    assert by_title["bad \ufffd"].id == "bad-\\xff.md"
    assert by_title["x \ufffd"].id == "dir-\\xfe\\xfd/x-\\xe9.md"
    for post in library.posts:
        post.id.encode("utf-8")  # raises on a lone surrogate
        post.title.encode("utf-8")
    assert [post.id for post in load_library(tmp_path).posts] == [p.id for p in library.posts]


def test_an_escaped_id_that_clashes_is_a_duplicate(tmp_path: Path) -> None:
    """A file really named `bad-\\xff.md` and one named bad-<byte ff>.md: both listed."""
    write(tmp_path / "bad-\\xff.md", "# Literal\n")
    bad_name(tmp_path, b"bad-\xff.md", b"# Byte\n")
    ids = sorted(post.id for post in load_library(tmp_path).posts)
    assert ids == ["bad-\\xff.md", "bad-\\xff.md#2"]


def test_any_lone_surrogate_in_an_id_is_escaped() -> None:
    """PyYAML's pure-Python loader reads "\\ud800" as a lone surrogate: written as \\ud800."""
    assert writable_id("x\ud800y\udcffz") == "x\\ud800y\\xffz"
    assert writable_id("日本\\xff") == "日本\\xff"


# --- the library --------------------------------------------------------------------


def test_order_rule(tmp_path: Path) -> None:
    """Dated posts newest first; then by position (missing last); then by path."""
    write(tmp_path / "old.md", "---\ndate: 2001-01-01\nposition: 1\n---\n")
    write(tmp_path / "new.md", "---\ndate: 2020-01-01\n---\n")
    write(tmp_path / "p2.md", "---\nposition: 2\n---\n")
    write(tmp_path / "p1.md", "---\nposition: 1\n---\n")
    write(tmp_path / "z.md", "z\n")
    write(tmp_path / "y.md", "y\n")
    names = [post.path.name for post in load_library(tmp_path).posts]
    assert names == ["new.md", "old.md", "p1.md", "p2.md", "y.md", "z.md"]


def test_broken_files_are_reported_and_the_rest_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binary, invalid YAML, unclosed, unreadable and non-regular files become Problems."""
    write(tmp_path / "good.md", "# Good\n")
    write(tmp_path / "binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    write(tmp_path / "yaml.md", "---\ntitle: [unclosed\n---\n")
    write(tmp_path / "open.md", "---\ntitle: x\n")
    locked = write(tmp_path / "locked.md", "# Locked\n")
    os.mkfifo(tmp_path / "pipe.md")  # opening it for reading could block forever
    real_open = os.open

    def fake_open(path: Any, *args: Any, **kwargs: Any) -> int:
        """Refuse to open the locked file, as chmod 000 would for a normal user."""
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    library = load_library(tmp_path)
    assert [post.title for post in library.posts] == ["Good"]
    messages = {problem.path.name: problem.message for problem in library.problems}
    assert messages["binary.md"] == "looks like a binary file"
    assert messages["yaml.md"].startswith("front matter is not valid YAML: ")
    assert messages["open.md"] == "front matter opened with --- is never closed"
    assert messages["locked.md"] == "cannot read: Permission denied"
    assert messages["pipe.md"] == "not a regular file"
    assert all("\n" not in message for message in messages.values())


def test_problem_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem reads "<path>: <message>", relative to the working folder if inside it."""
    problem = Problem(tmp_path / "sub" / "x.md", "looks like a binary file")
    monkeypatch.chdir(tmp_path)
    assert str(problem) == "sub/x.md: looks like a binary file"
    monkeypatch.chdir(REPO)
    assert str(problem) == "x.md: looks like a binary file"


def test_library_errors(tmp_path: Path) -> None:
    """Missing path, a folder without posts and a non-Markdown file cannot be opened."""
    with pytest.raises(LibraryError, match=r"^no such file or directory: "):
        load_library(tmp_path / "missing")
    write(tmp_path / "empty" / "notes.txt", "x")
    write(tmp_path / "empty" / ".hidden.md", "x")
    with pytest.raises(LibraryError, match=r"^no posts \(\.md or \.markdown files\) in .*empty$"):
        load_library(tmp_path / "empty")
    with pytest.raises(LibraryError, match=r"^not a Markdown file: .*notes\.txt$"):
        load_library(tmp_path / "empty" / "notes.txt")


def test_single_file(tmp_path: Path) -> None:
    """A path to one .md file is a library of that post."""
    path = write(tmp_path / "dir" / "One-Post.MD", "# One\n")
    write(tmp_path / "dir" / "other.md", "# Other\n")
    library = load_library(path)
    assert library.root == tmp_path / "dir"
    assert [(post.title, post.id) for post in library.posts] == [("One", "One-Post.MD")]


def test_find_post_files(tmp_path: Path) -> None:
    """Recursive, case-insensitive suffixes, sorted, hidden files and folders skipped."""
    for name in ("b.md", "A.MARKDOWN", "sub/c.Md", ".hidden.md", ".git/d.md", "e.txt", "f.mdx"):
        write(tmp_path / name, "x")
    (tmp_path / "folder.md").mkdir()
    found = [path.relative_to(tmp_path).as_posix() for path in find_post_files(tmp_path)]
    assert found == ["A.MARKDOWN", "b.md", "sub/c.Md"]
    assert find_post_files(tmp_path / "b.md") == [tmp_path / "b.md"]


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    """A symlink back to a parent folder is not followed."""
    write(tmp_path / "lib" / "sub" / "a.md", "# A\n")
    os.symlink(tmp_path / "lib", tmp_path / "lib" / "sub" / "loop")
    assert find_post_files(tmp_path / "lib") == [tmp_path / "lib" / "sub" / "a.md"]
    assert [post.title for post in load_library(tmp_path / "lib").posts] == ["A"]


# --- the first read: only a file's head -------------------------------------------

DATA = REPO / "tests" / "data"


@pytest.mark.parametrize(
    "path", sorted(p for p in DATA.rglob("*") if p.suffix in (".md", ".markdown")), ids=str
)
def test_reading_the_head_gives_the_post_of_the_whole_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every post of tests/data loads the same from its first 8 KB as from all of it."""
    import reader.library as library_module

    try:
        from_head = load_post(path, DATA)
    except PostError as error:
        from_head_error: str | None = str(error)
    else:
        from_head_error = None
    monkeypatch.setattr(library_module, "_HEAD_BYTES", library_module.MAX_POST_BYTES)
    try:
        whole = load_post(path, DATA)
    except PostError as error:
        assert from_head_error == str(error)
    else:
        assert from_head_error is None
        assert from_head == whole


def test_front_matter_and_heading_just_past_the_head(tmp_path: Path) -> None:
    """A front matter block that closes, or a title heading that starts, after the
    first 8 KB is read in full; a NUL after the first 8 KB is not taken as binary."""
    padding = "word " * 1700  # 8.5 KB
    post = post_at(tmp_path, f"---\nsummary: {padding}\ntitle: Late\n---\nbody\n")
    assert post.title == "Late"
    post = post_at(tmp_path, f"{padding}\n\n# Late heading\n", "h.md")
    assert post.title == "Late heading"
    post = post_at(tmp_path, f"---\ntitle: Nul later\n---\n{padding}\n\0\n", "n.md")
    assert post.title == "Nul later"


def test_a_post_keeps_the_file_name_it_was_found_under(tmp_path: Path) -> None:
    """The Post's `file` is the listing's own string (100,000 of them are not copied)."""
    write(tmp_path / "a.md", "---\ntitle: A\nauthor: Ann\ntags: [x, y]\n---\n")
    write(tmp_path / "b.md", "---\ntitle: B\nauthor: Ann\ntags: [x, y]\n---\n")
    a, b = sorted(load_library(tmp_path).posts, key=lambda post: post.title)
    assert a.file == str(tmp_path / "a.md")
    assert a.author is b.author  # shared, not one copy per post
    assert all(x is y for x, y in zip(a.tags, b.tags, strict=True))
