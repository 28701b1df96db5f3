"""Hostile posts: markup, terminal escape sequences, absurd sizes and nesting, broken front
matter and files that vanish or loop. Whatever a post holds, loading never raises anything but
PostError, nothing in it is read as markup, and no control character reaches the terminal.

Single cases already covered elsewhere are not repeated here: titles with ESC/BEL and markup,
invalid UTF-8, binary and empty files, unreadable files, FIFOs, directory symlink loops and
duplicate ids (test_library.py); python tags, alias bombs, unclosed and invalid front matter
(test_frontmatter.py); every control character on its own (test_sanitize.py).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cache import MetadataCache
from reader.frontmatter import FrontMatterError, split_front_matter
from reader.library import Post, PostError, load_library, load_post, read_body
from reader.render import Lines, metadata_line, render_article
from reader.sanitize import UNSAFE_RE, clean_text

# Any control character (C0, DEL, C1): never allowed in a one-line field such as a title.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# The same, but newline and tab: never allowed in a body or a rendered line.
CONTROL_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Dropped or kept by context rather than replaced one for one (see reader.sanitize).
INVISIBLE = re.compile("[\u00ad\u200b-\u200d]")

MARKUP = {
    "bold": "[bold]Big[/]",
    "file link": "[link=file:///etc/passwd]x[/link]",
    "click action": "[@click=app.quit]y[/]",
}
SEQUENCES = {  # what a terminal would obey -> what the reader shows instead
    "CSI clear screen": ("\x1b[2J", "␛[2J"),
    "OSC 8 hyperlink": ("\x1b]8;;http://x\x1b\\", "␛]8;;http://x␛\\"),
    "OSC 52 clipboard": ("\x1b]52;c;ZXZpbA==\x07", "␛]52;c;ZXZpbA==␇"),
    "BEL": ("a\x07b", "a␇b"),
    "backspace": ("a\x08b", "a␈b"),
    "8-bit CSI": ("a\x9b2Jb", "a\ufffd2Jb"),
    "DEL": ("a\x7fb", "a␡b"),
}


def write(path: Path, content: str | bytes) -> Path:
    """Create a file (and its folders) with this content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def plain(lines: Lines) -> list[str]:
    """The text of rendered lines, without styles."""
    return ["".join(segment.text for segment in line) for line in lines]


def render(post: Post) -> Lines:
    """Read and render a post as the article pane does (80 columns)."""
    meta = metadata_line(post.date, post.author, post.tags, post.url)
    return render_article(post.title, meta, read_body(post), width=80)


def one_line_fields(post: Post) -> list[str]:
    """Every field of a post that is shown on one line."""
    return [post.title, post.author or "", post.url or "", *post.tags]


# --- markup and escape sequences ----------------------------------------------------------------


def test_markup_in_every_field_and_the_body_stays_literal(tmp_path: Path) -> None:
    """Rich/Textual markup in a title, author, tags, url and body is shown as typed: it makes
    nothing bold, opens no file link and binds no click action."""
    bold, link, click = MARKUP.values()
    text = (
        f"---\ntitle: '{bold} {link}'\nauthor: '{click}'\ntags: ['{bold}', '{click}']\n"
        f"url: '{link}'\n---\nBody {bold} and {link} and {click}.\n"
    )
    post = load_post(write(tmp_path / "markup.md", text), tmp_path)
    assert post.title == f"{bold} {link}"
    assert (post.author, post.tags, post.url) == (click, (bold, click), link)
    assert read_body(post) == f"Body {bold} and {link} and {click}.\n"

    lines = render(post)
    shown = "\n".join(plain(lines))
    assert shown.splitlines()[0] == f"{bold} {link}"
    for markup in MARKUP.values():
        assert shown.count(markup) >= 2, f"{markup} is not shown literally:\n{shown}"
    styles = [segment.style for line in lines for segment in line if segment.style]
    assert not any(style.link or style.meta for style in styles), "markup became a link/action"


@pytest.mark.parametrize(("raw", "visible"), SEQUENCES.values(), ids=SEQUENCES.keys())
def test_escape_sequences_in_any_field_become_visible_symbols(
    tmp_path: Path, raw: str, visible: str
) -> None:
    """An escape sequence in the title, author, tags, url, a heading or the body is shown as
    symbols and never reaches the terminal: not from the loader, not from the renderer."""
    fields = f"title: 'T {raw}'\nauthor: 'A {raw}'\ntags: ['t {raw}']\nurl: 'u {raw}'\n"
    body = f"para {raw} end\n\n> quote {raw} end\n\n- item {raw} end\n\n`code {raw}`\n"
    post = load_post(write(tmp_path / "a.md", f"---\n{fields}---\n{body}"), tmp_path)
    assert one_line_fields(post) == [f"T {visible}", f"A {visible}", f"u {visible}", f"t {visible}"]
    assert read_body(post).count(visible) == 4

    heading = load_post(write(tmp_path / "b.md", f"# Head {raw} line\n\ntext\n"), tmp_path)
    assert heading.title == f"Head {visible} line"

    shown = plain(render(post)) + plain(render(heading))
    assert not any(CONTROL_BUT_LAYOUT.search(line) for line in shown), shown
    assert sum(visible in line for line in shown) >= 5  # title, meta and body lines


def test_carriage_returns_cannot_overwrite_a_line(tmp_path: Path) -> None:
    """A lone CR (which would return the cursor and let text overwrite text) starts a new
    line in a body and is a plain space in a title."""
    post = load_post(write(tmp_path / "cr.md", "# Safe\rEVIL\n\nshown\rhidden\n"), tmp_path)
    assert post.title == "Safe EVIL"
    assert read_body(post) == "# Safe\nEVIL\n\nshown\nhidden\n"


def test_yaml_escapes_cannot_smuggle_control_characters(tmp_path: Path) -> None:
    r"""Double-quoted YAML turns "\e" and "\x9b" into real control characters after the raw
    text was cleaned: the fields are cleaned again."""
    text = (
        '---\ntitle: "a\\e[2Jb"\nauthor: "\\x9b31m"\ntags: ["\\a\\b"]\n'
        'url: "\\e]8;;x\\e\\\\"\n---\n'
    )
    post = load_post(write(tmp_path / "yaml.md", text), tmp_path)
    assert one_line_fields(post) == ["a␛[2Jb", "\ufffd31m", "␛]8;;x␛\\", "␇␈"]


def test_nul_bytes_after_the_binary_check_are_shown(tmp_path: Path) -> None:
    """A NUL byte too far in to mark the file binary is shown as '␀' in the body."""
    text = "# Late NUL\n\n" + "text\n" * 3000 + "a\x00b\n"
    post = load_post(write(tmp_path / "nul.md", text), tmp_path)
    assert read_body(post).endswith("a␀b\n")
    assert "a␀b" in "\n".join(plain(render(post)))


def test_control_characters_in_a_file_name(tmp_path: Path) -> None:
    """A post titled from its file name shows the escape sequence in the name as symbols."""
    post = load_post(write(tmp_path / "evil\x1b]52;c;ZXZpbA==\x07name.md", "text\n"), tmp_path)
    assert post.title == "evil␛]52;c;ZXZpbA==␇name"


# --- size and nesting ---------------------------------------------------------------------------


DEEP = 5000
NESTED = {
    "list on one line": "- " * DEEP + "x\n",
    "ordered list on one line": "1. " * DEEP + "x\n",
    "block quote": "> " * DEEP + "x\n",
    "quotes and lists": "> - " * (DEEP // 2) + "x\n",
    "indented list": "".join("  " * depth + "- item\n" for depth in range(DEEP)),
    "quote lines": "".join(">" * depth + " q\n" for depth in range(1, DEEP)),
    "emphasis": "*" * DEEP + "x" + "*" * DEEP + "\n",
    "links": "[" * DEEP + "x" + "](y)" * DEEP + "\n",
}


@pytest.mark.parametrize("body", NESTED.values(), ids=NESTED.keys())
def test_nesting_5000_deep_loads_and_renders(tmp_path: Path, body: str) -> None:
    """Lists, quotes, emphasis and links nested 5,000 deep: the post loads, reads and renders
    (no RecursionError, no hang), with its title on top."""
    post = load_post(write(tmp_path / "deep.md", f"---\ntitle: Deep\n---\n{body}"), tmp_path)
    assert read_body(post) == body
    assert plain(render(post))[0] == "Deep"


def test_20_mb_post(tmp_path: Path) -> None:
    """A 20 MB post lists from its first 64 KB and reads whole (rendering a huge post is
    tested in test_render.py)."""
    paragraph = "A paragraph of ordinary words that goes on for a while. " * 20 + "\n\n"
    body = paragraph * (20 * 1024 * 1024 // len(paragraph))
    post = load_post(write(tmp_path / "big.md", "---\ntitle: Big\n---\n" + body), tmp_path)
    assert post.title == "Big"
    assert read_body(post) == body


def test_1_mb_line(tmp_path: Path) -> None:
    """A heading and a paragraph of 1 MB each on single lines: the title is cut to 300
    characters, the body is read whole and wrapped to the pane."""
    heading = "# " + "title " * 200_000
    line = "x" * 1_000_000
    post = load_post(write(tmp_path / "line.md", f"{heading}\n\n{line}\n"), tmp_path)
    assert len(post.title) == 300 and post.title.endswith("…")
    assert read_body(post) == f"{heading}\n\n{line}\n"
    shown = plain(render(post))
    assert shown[0].startswith("title title")
    assert all(len(row.rstrip()) <= 80 for row in shown)
    assert sum(row.count("x") for row in shown) == len(line)


# --- the library around hostile files -------------------------------------------------------------


def laughs() -> str:
    """A "billion laughs" YAML front matter."""
    lines = ["---", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join([*lines, "title: Laughs", "---", "body"])


def test_a_library_of_hostile_files_still_opens(tmp_path: Path) -> None:
    """One library holding every kind of broken post: the usable ones list (with what could be
    used of their fields), every other file is one reported problem, and nothing runs."""
    marker = tmp_path / "pwned"
    posts = tmp_path / "posts"
    files: dict[str, str | bytes] = {
        "good.md": "# Good\n",
        "number-title.md": "---\ntitle: 123\n---\n",
        "yesterday.md": "---\ntitle: Yesterday\ndate: yesterday\n---\n",
        "table-tags.md": "---\ntitle: Table tags\ntags: {a: b}\n---\n",
        "empty.md": "",
        "unclosed.md": "---\ntitle: Unclosed\n\nbody\n",
        "laughs.md": laughs(),
        "pwned.md": f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\n',
        "deep-yaml.md": "---\ntitle: " + "[" * DEEP + "]" * DEEP + "\n---\n",
        "binary.md": bytes(range(256)) * 4,
        "wrong-shape.md": "---\n- a\n- b\n---\n",
    }
    for name, content in files.items():
        write(posts / name, content)
    result = load_library(posts)
    titles = {post.path.name: post.title for post in result.posts}
    assert titles == {
        "good.md": "Good",
        "number-title.md": "123",
        "yesterday.md": "Yesterday",
        "table-tags.md": "Table tags",
        "empty.md": "empty",
        "wrong-shape.md": "wrong shape",  # a list, not fields: the file is Markdown
    }
    by_name = {post.path.name: post for post in result.posts}
    assert by_name["yesterday.md"].date is None and by_name["table-tags.md"].tags == ()
    problems = {problem.path.name: problem.message for problem in result.problems}
    assert set(problems) == set(files) - set(titles)
    assert "alias bomb" in problems["laughs.md"]
    assert problems["binary.md"] == "looks like a binary file"
    assert all("\n" not in message for message in problems.values())
    assert not marker.exists()


def test_deeply_nested_toml_front_matter_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """TOML front matter nested 5,000 deep skips that post; the rest of the library loads."""
    write(tmp_path / "good.md", "# Good\n")
    write(tmp_path / "deep.md", "+++\na = " + "[" * DEEP + "]" * DEEP + "\n+++\n")
    result = load_library(tmp_path)
    assert [post.title for post in result.posts] == ["Good"]
    assert [problem.path.name for problem in result.problems] == ["deep.md"]


@pytest.mark.parametrize("cached", [False, True], ids=["first-start", "warm-cache"])
def test_file_deleted_between_listing_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """A post removed after the folder was listed but before it was read is one problem."""
    for name in ("a.md", "b.md", "c.md"):
        write(tmp_path / "posts" / name, f"# {name}\n")
    real_walk = os.walk

    def walk(top: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from real_walk(top, *args, **kwargs)
        os.unlink(tmp_path / "posts" / "b.md")  # listed, then gone before anything is read

    monkeypatch.setattr(os, "walk", walk)
    cache = MetadataCache.for_root(tmp_path / "cache", tmp_path / "posts") if cached else None
    result = load_library(tmp_path / "posts", cache)
    assert [post.title for post in result.posts] == ["a.md", "c.md"]
    [problem] = result.problems
    assert problem.path.name == "b.md"
    assert problem.message == "cannot read: No such file or directory"


def test_symlinked_files_that_loop_or_dangle(tmp_path: Path) -> None:
    """x.md -> y.md -> x.md and a link to nothing are problems; they do not hang or crash."""
    write(tmp_path / "good.md", "# Good\n")
    os.symlink(tmp_path / "y.md", tmp_path / "x.md")
    os.symlink(tmp_path / "x.md", tmp_path / "y.md")
    os.symlink(tmp_path / "missing.md", tmp_path / "dangling.md")
    result = load_library(tmp_path)
    assert [post.title for post in result.posts] == ["Good"]
    problems = {problem.path.name: problem.message for problem in result.problems}
    assert problems == {
        "x.md": "cannot read: Too many levels of symbolic links",
        "y.md": "cannot read: Too many levels of symbolic links",
        "dangling.md": "cannot read: No such file or directory",
    }


# --- generated input ------------------------------------------------------------------------------

FRAGMENTS = [
    *(raw for raw, _ in SEQUENCES.values()),
    *MARKUP.values(),
    "\r", "\r\n", "\n", "\t", "\x00", "\ufeff", "\u2028", "é", "日本",
    "---\n", "+++\n", "...\n", "# ", "title: ", "title = ", "date: ", "tags: ", "id: ",
    "&a ", "*a", "!!python/object/apply:os.system ", "[", "]", "{", "}", ":", "- ", "> ", "'",
    '"', "\\", "```\n",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=25
).map("".join)
post_text = st.tuples(
    st.sampled_from(["---\n", "+++\n", "---\r\n", "\ufeff---\n", "# ", ""]),
    hostile_text,
    st.sampled_from(["\n---\n", "\n+++\n", "\n...\n", "\n"]),
    hostile_text,
).map("".join)
post_bytes = st.one_of(
    post_text.map(str.encode),
    st.tuples(post_text.map(str.encode), st.binary(max_size=8), post_text.map(str.encode)).map(
        b"".join
    ),
    st.binary(max_size=200),
)
# Examples per property; together they run in a few seconds.
SPLIT_EXAMPLES = 400
LOAD_EXAMPLES = 250
CLEAN_EXAMPLES = 400


@settings(max_examples=SPLIT_EXAMPLES, deadline=None)
@given(post_text)
def test_split_front_matter_raises_only_front_matter_error(text: str) -> None:
    """Any text: fields with text keys and the unchanged rest of the text, or FrontMatterError."""
    try:
        fields, body = split_front_matter(text)
    except FrontMatterError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(key, str) for key in fields)
    assert text.endswith(body)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A folder for generated post files (module-wide: hypothesis reruns the test body)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=LOAD_EXAMPLES, deadline=None)
@given(content=post_bytes)
def test_load_post_raises_only_post_error_and_titles_are_clean(
    scratch: Path, content: bytes
) -> None:
    """Any bytes: a Post whose title and other fields hold no control character and whose
    body holds none but newline and tab, or PostError."""
    path = write(scratch / "generated.md", content)
    try:
        post = load_post(path, scratch)
        body = read_body(post)
    except PostError as exc:
        assert "\n" not in str(exc)
        return
    assert post.title and len(post.title) <= 300
    for text in one_line_fields(post):
        assert not CONTROL.search(text), repr(text)
    assert not CONTROL_BUT_LAYOUT.search(body), repr(body)


@settings(max_examples=CLEAN_EXAMPLES, deadline=None)
@given(hostile_text)
def test_clean_text_keeps_every_character_but_controls(text: str) -> None:
    """No ESC or other C0 but newline and tab survives; every other character stays in place
    (line endings become LF, each control or format character becomes exactly one symbol;
    soft hyphens and zero-width characters aside, see test_sanitize.py)."""
    cleaned = clean_text(text)
    assert not CONTROL_BUT_LAYOUT.search(cleaned)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if INVISIBLE.search(expected):
        return
    assert len(cleaned) == len(expected)
    for before, after in zip(expected, cleaned, strict=True):
        assert after == before or UNSAFE_RE.match(before)
