"""Rendering posts to lines: chunks, references, limits, and untrusted text."""

from __future__ import annotations

import re
from pathlib import Path

from reader.library import load_post, read_body
from reader.render import (
    MAX_RENDER_CHARS,
    ArticleRenderer,
    article_chunks,
    render_article,
    split_markdown,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def plain(lines: list[list[object]]) -> list[str]:
    """The text of rendered lines."""
    return ["".join(getattr(seg, "text", "") for seg in line).rstrip() for line in lines]


def words(lines: list[str]) -> list[str]:
    """Every word of some lines, in order."""
    return re.findall(r"\S+", " ".join(lines))


def test_split_markdown_never_cuts_inside_a_code_fence() -> None:
    code = "```\n" + "\n\n".join(f"line {i}" for i in range(400)) + "\n```"
    body = "Intro paragraph.\n\n" + code + "\n\nAfter the code.\n\n" + "More text. " * 2000
    chunks = split_markdown(body, target=500)
    assert "\n\n".join(chunks) == body
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.count("```") % 2 == 0, chunk[:80]


def test_split_markdown_keeps_indented_continuations_with_their_item() -> None:
    body = ("- item\n\n    continued paragraph of the item\n\n" * 300) + "end"
    for chunk in split_markdown(body, target=200):
        assert not chunk.startswith(" "), chunk[:40]


def test_a_chunked_long_post_reads_the_same_as_rendered_whole() -> None:
    path = max(CORPUS.rglob("*.md"), key=lambda p: p.stat().st_size)
    post = load_post(path, path.parent)
    body = read_body(post)
    assert len(split_markdown(body)) > 3
    renderer = ArticleRenderer(90)
    chunked = [line for chunk in article_chunks(renderer, body) for line in chunk]
    alone = ArticleRenderer(90)
    alone.start(body)
    whole = alone.markdown(body) + alone.end()  # the notes and links come at the end
    assert words(plain(chunked)) == words(plain(whole))


def test_reference_links_resolve_in_every_chunk() -> None:
    body = "See [the docs][docs] early.\n\n" + "Filler paragraph.\n\n" * 3000
    body += "And [the docs][docs] late.\n\n[docs]: https://example.org/docs\n"
    text = "\n".join(plain(render_article("T", "", body, 100)))
    assert text.count("the docs[1]") == 2  # both uses, one number
    assert "[1] https://example.org/docs" in text  # listed under Links at the end
    assert "[the docs][docs]" not in text


def test_a_huge_post_is_cut_short_with_a_note() -> None:
    body = ("A paragraph of words. " * 40 + "\n\n") * (MAX_RENDER_CHARS // 800)
    lines = plain(render_article("Big", "", body, 100))
    assert "post cut short" in lines[-1]


def test_post_text_is_never_markup_and_headings_show_without_hashes() -> None:
    body = "# Top [bold]x[/bold]\n\n## Second\n\nText with [link=file:///etc/passwd]y[/link].\n"
    lines = plain(render_article("Title [red]z[/red]", "meta", body, 80))
    text = "\n".join(lines)
    assert lines[0] == "Title [red]z[/red]"
    assert "Top [bold]x[/bold]" in lines
    assert "Second" in lines
    assert "#" not in text
    assert "[link=file:///etc/passwd]y[/link]" in text


def test_raw_html_blocks_show_their_text_without_tags() -> None:
    body = "Before.\n\n<details>\n<summary>More</summary>\nHidden text\n</details>\n\nAfter.\n"
    text = "\n".join(plain(render_article("T", "", body, 80)))
    assert "More" in text
    assert "Hidden text" in text
    assert "<" not in text


def test_an_empty_post_says_so() -> None:
    assert "(this post has no text)" in plain(render_article("T", "", "  \n", 80))


def test_text_after_a_too_deep_list_or_quote_is_still_shown() -> None:
    deep_list = "".join("  " * i + f"- level {i}\n" for i in range(30))
    deep_quote = ">" * 40 + " a deep quote\n"
    body = f"Intro.\n\n{deep_list}\nAfter the list.\n\n{deep_quote}\nAfter the quote.\n\n## End\n"
    text = "\n".join(plain(render_article("T", "", body, 80)))
    for wanted in ("level 29", "After the list.", "a deep quote", "After the quote.", "End"):
        assert wanted in text, wanted
    assert "nested too deeply" in text


def test_bidi_and_invisible_characters_never_reach_the_rendered_lines(tmp_path: Path) -> None:
    """Raw bidi overrides, zero-width and format characters in a post (cleaned when the body
    is read) and the same spelled as character references, which the Markdown parser decodes
    (`&#x202e;`, `&zwj;`, `&shy;`), in text, links, tables and headings: every rendered
    segment shows them as U+FFFD or drops them (soft hyphens)."""
    post = tmp_path / "spoof.md"
    post.write_text(
        "---\ntitle: \"Invoice \u202efdp.exe\"\nauthor: \"Ann\u2066\"\n---\n"
        "# Head &#x202E;ing\n\n"
        "Raw \u202e override, \u200bzero\u2060width, &#x202e; &#8203; &zwj; &#x2066; a&shy;b.\n\n"
        "[link &#x202e;](https://example.org/&#x202e;) `code`\n\n"
        "| a &#x2067; | b |\n|---|---|\n| &#xfeff; | x |\n",
        encoding="utf-8",
    )
    loaded = load_post(post, tmp_path)
    lines = render_article(loaded.title, loaded.author or "", read_body(loaded), 80)
    text = "\n".join(plain(lines))
    unsafe = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
    assert unsafe.search(text) is None, repr(text)
    assert "Invoice \ufffdfdp.exe" in text and "Head \ufffding" in text
    assert "Raw \ufffd override, \ufffdzero\ufffdwidth, \ufffd \ufffd \ufffd \ufffd ab." in text
