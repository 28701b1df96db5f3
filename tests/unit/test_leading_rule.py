"""A file that begins with --- or +++ but holds no front matter is a Markdown post."""

from __future__ import annotations

from pathlib import Path

from reader.library import load_library, read_body

FILES = {
    # CommonMark example 96: a rule, a setext heading, a paragraph
    "example-96.md": "---\nFoo\n---\nBar\n---\nBaz\n",
    "example-44.md": "+++\n",  # a paragraph of three plus signs
    "rule-first.md": "---\n\n# After a rule\n\nText: with a colon.\n",
    "setext-then-heading.md": "---\nA setext heading\n---\n# Real title\n\nBody.\n",
    "list.md": "---\n- one\n- two\n---\n",
    "toml-words.md": "+++\ntitle = unquoted words\n+++\n",  # a field, not TOML: broken
    "broken.md": "---\ntitle: [unclosed\n---\n# Heading\n",
    "unclosed.md": "---\ntitle: Forgot the end\n\n# Heading\n",
}


def test_markdown_that_opens_with_a_rule_is_listed_and_read_whole(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    library = load_library(tmp_path)
    titles = {post.path.name: post.title for post in library.posts}
    assert titles == {
        "example-96.md": "example 96",
        "example-44.md": "example 44",
        "rule-first.md": "After a rule",
        "setext-then-heading.md": "Real title",
        "list.md": "list",
    }
    for post in library.posts:
        assert read_body(post) == FILES[post.path.name]  # the whole file is the body
    problems = {problem.path.name: problem.message for problem in library.problems}
    assert problems == {
        "toml-words.md": problems["toml-words.md"],
        "broken.md": problems["broken.md"],
        "unclosed.md": "front matter opened with --- is never closed",
    }
    assert problems["broken.md"].startswith("front matter is not valid YAML: ")
    assert problems["toml-words.md"].startswith("front matter is not valid TOML: ")


def test_a_long_post_opening_with_a_rule_is_read_past_the_first_part(tmp_path: Path) -> None:
    # The closing --- lies past the first 64 KB the reader looks at; the block is a
    # paragraph, not fields, so the file is Markdown and titled by its later heading.
    text = "---\n" + "words " * 20_000 + "\n---\n\n# Found later\n"
    (tmp_path / "long.md").write_text(text, encoding="utf-8")
    (post,) = load_library(tmp_path).posts
    assert post.title == "Found later"
    assert read_body(post) == text
