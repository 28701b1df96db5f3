"""The page renderer (reader.page): each kind of block, links, images, HTML, the measure,
and a background colour on every segment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.segment import Segment

from reader.find import HEADING_META, HEADING_TEXT_META, LINK_META
from reader.page.look import Look, PageOptions
from reader.page.palette import default_palette
from reader.render import render_article

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference-post.md"


def render(body: str, width: int = 80, **options: object) -> list[list[Segment]]:
    """The body's lines (no title)."""
    look = Look(default_palette(), PageOptions(**options))  # type: ignore[arg-type]
    return render_article("", "", body, width, look)[3:]  # after the title, rule, blank


def text(lines: list[list[Segment]]) -> list[str]:
    """The lines as plain text, right-trimmed."""
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def shown(body: str, width: int = 80, **options: object) -> str:
    """The body rendered, as text."""
    return "\n".join(text(render(body, width, **options)))


def test_an_inline_image_stays_in_place_and_nothing_is_cut() -> None:
    body = "alpha bravo charlie delta echo foxtrot golf hotel ![IMG](x.png) kilo lima mike\n"
    out = shown(body, 40)
    words = re.findall(r"\S+", out.split("Links")[0])
    assert words[:11] == ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
                          "hotel", "[image:", "IMG][1]", "kilo"]  # fmt: skip
    assert "[1] x.png" in out  # the image joins the links, so f can open it
    assert all(len(line) <= 40 for line in out.splitlines())


def test_a_link_then_an_image_keeps_the_text_between() -> None:
    out = shown("See [docs](https://d.example) and then ![pic](p.png) too.\n")
    assert "See docs[1] and then [image: pic][2] too." in out


def test_links_are_numbered_and_listed_at_the_end_once_per_address() -> None:
    body = "[a](https://x.example/a), [b](https://x.example/b), [a again](https://x.example/a)\n"
    out = shown(body)
    assert "a[1], b[2], a again[1]" in out
    assert out.splitlines()[-3:] == ["", "[1] https://x.example/a", "[2] https://x.example/b"]
    assert "Links" in out.splitlines()


def test_an_autolink_shows_its_address_once() -> None:
    out = shown("Chat on <irc://irc.example/rust> today.\n")
    body = out.split("Links")[0]
    assert body.count("irc://irc.example/rust") == 1
    assert "(irc://" not in out


def test_inline_link_urls_option_shows_addresses_in_the_text() -> None:
    out = shown("A [link](https://x.example/a) and <https://x.example/b>.\n", link_urls="inline")
    assert "A link (https://x.example/a) and https://x.example/b." in out
    assert "Links" not in out and "[1]" not in out


def test_link_cells_carry_their_address_for_clicks() -> None:
    lines = render("A [link](https://x.example/a).\n")
    metas = [seg.style.meta.get(LINK_META) for seg in lines[0] if seg.style and seg.style.meta]
    assert "https://x.example/a" in metas


def test_footnotes_get_a_marker_and_notes_at_the_end() -> None:
    out = shown("Text with a note[^a] and another[^b].\n\n[^b]: Second.\n[^a]: First.\n")
    assert "Text with a note¹ and another²." in out
    assert "[^" not in out
    notes = out.split("Notes")[1]
    assert notes.index("¹ First.") < notes.index("² Second.")


def test_ordered_lists_keep_numbers_and_dots_and_nested_lists_indent() -> None:
    out = shown("3. three\n4. four\n   - inner\n     - deeper\n")
    assert out.splitlines()[:4] == ["3. three", "4. four", "   ◦ inner", "     ▪ deeper"]


def test_block_quotes_get_a_bar_and_breaks_a_full_width_rule() -> None:
    lines = text(render("> quoted words\n\n---\n\nafter\n", 60))
    assert lines[0] == "▌ quoted words"
    assert lines[2] == "─" * 60


def test_headings_are_styled_by_level_without_hashes_and_marked_for_contents() -> None:
    lines = render("# One `code`\n\n###### Six\n")
    assert text(lines)[0] == "One code" and text(lines)[2] == "Six"
    meta = lines[0][0].style.meta if lines[0][0].style else {}
    assert meta[HEADING_META] == 1 and meta[HEADING_TEXT_META] == "One code"
    palette = default_palette()
    assert lines[0][0].style is not None and lines[0][0].style.bold
    assert lines[2][0].style is not None and lines[2][0].style.color == palette.headings[5].color


def test_task_lists_and_definition_lists_and_strikethrough() -> None:
    out = shown("- [ ] open\n- [x] done\n\nTerm\n: Meaning.\n\n~~gone~~\n")
    assert "☐ open" in out and "☑ done" in out
    assert "Term\n    Meaning." in out
    lines = render("~~gone~~\n")
    assert lines[0][0].style is not None and lines[0][0].style.strike


def test_hard_breaks_and_html_breaks_end_the_line() -> None:
    assert shown("one  \ntwo\\\nthree<br>four\n").splitlines()[:4] == [
        "one",
        "two",
        "three",
        "four",
    ]
    assert "Term\nwith" in shown("Term<br>with\n")


def test_inline_html_keeps_the_text_of_known_tags_and_drops_scripts_and_comments() -> None:
    body = (
        "x<sup>2</sup> H<sub>2</sub>O <kbd>Ctrl</kbd> <em>em</em> <b>b</b> <code>c</code> "
        "<span>span</span><script>alert(1)</script><!-- hidden --> end\n"
    )
    out = shown(body)
    assert "x2 H2O Ctrl em b c span end" in out
    assert "<" not in out and "alert" not in out and "hidden" not in out


def test_html_blocks_become_markdown_tables_lists_and_text() -> None:
    body = (
        "<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td><b>one</b></td></tr>"
        "</table>\n\n<ul><li>first</li><li>second</li></ul>\n\n"
        "<style>p { color: red }</style>\n\n<!-- a comment -->\n\n<div>Plain <i>div</i></div>\n"
    )
    out = shown(body)
    assert "Key │ Value" in out and "a   │ one" in out
    assert "• first" in out and "• second" in out
    assert "Plain div" in out
    assert "<" not in out and "color" not in out and "comment" not in out


def test_tables_wrap_their_cells_and_fall_back_to_rows_when_too_wide() -> None:
    body = "| a | b |\n|---|---|\n| " + "word " * 30 + "| short |\n"
    lines = text(render(body, 40))
    assert all(len(line) <= 40 for line in lines)
    assert sum("│" in line for line in lines) > 2  # the long cell wrapped in its column
    wide = "|" + "|".join(f"h{i}" for i in range(12)) + "|\n|" + "---|" * 12 + "\n|"
    wide += "|".join(f"v{i}" for i in range(12)) + "|\n"
    out = shown(wide, 40)
    assert "too wide" in out and "h0: v0" in out and "h11: v11" in out


def test_code_blocks_are_highlighted_on_one_block_background() -> None:
    lines = render("```python\ndef f(x):\n    return x\n```\n", 50)
    palette = default_palette()
    code = [line for line in lines if line]
    assert all(sum(seg.cell_length for seg in line) == 50 for line in code)
    assert all(seg.style.bgcolor == palette.code_background for line in code for seg in line)
    colours = {seg.style.color for line in code for seg in line if seg.text.strip()}
    assert len(colours) > 1  # highlighted


def test_body_text_wraps_at_the_measure_and_code_uses_the_pane() -> None:
    body = "word " * 100 + "\n\n```\n" + "x" * 150 + "\n```\n"
    lines = text(render(body, 200))
    prose = [line for line in lines if line.startswith("word")]
    assert max(len(line) for line in prose) <= 80
    assert max(len(line) for line in prose) > 70
    assert any(len(line) > 140 for line in lines)  # the code line, unwrapped at 200
    narrow = text(render("word " * 100, 60, measure=50))
    assert max(len(line) for line in narrow) <= 50


def test_a_narrow_pane_still_gives_thirty_columns() -> None:
    lines = text(render("word " * 40 + "\n\n- " + "item " * 20 + "\n", 20))
    assert max(len(line) for line in lines) <= 30
    assert max(len(line) for line in lines) >= 28


@pytest.mark.parametrize("dark", [True, False])
def test_every_segment_has_an_explicit_background(dark: bool) -> None:
    from reader.library import load_post, read_body

    post = load_post(REFERENCE, REFERENCE.parent)
    palette = default_palette(dark)
    for width in (40, 100):
        lines = render_article(post.title, "meta", read_body(post), width, Look(palette))
        for line in lines:
            for segment in line:
                assert segment.style is not None, segment
                assert segment.style.bgcolor is not None, segment


def test_the_reference_post_shows_no_syntax() -> None:
    from reader.library import load_post, read_body

    post = load_post(REFERENCE, REFERENCE.parent)
    out = "\n".join(text(render_article(post.title, "", read_body(post), 80)))
    for syntax in ("#", "**", "[^", "<", "```", "](", "~~"):
        assert syntax not in out, syntax
    for wanted in ("golf hotel [image: IMG][3] kilo", "Term\nwith", "1. one", "☑ done",
                   "Progress │ Half", "Owner name[4]", "¹ The note's text."):  # fmt: skip
        assert wanted in out, wanted


def test_table_columns_keep_their_alignment() -> None:
    lines = text(render("| Name | Value |\n|---|---:|\n| alpha | 1 |\n| beta | 22 |\n"))
    assert lines[:4] == ["Name  │ Value", "──────┼──────", "alpha │     1", "beta  │    22"]


def test_an_html_progress_bar_says_how_far() -> None:
    bar = '<progress value="3" max="7"></progress>'
    body = f"<table><tr><td>Progress</td><td>{bar}</td></tr></table>\n"
    assert "Progress │ 3/7" in shown(body)


def test_an_inline_footnote_is_numbered_and_its_text_cleaned() -> None:
    out = shown("Said^[an aside &#x202e; here] and done.\n")
    assert "Said¹ and done." in out
    assert re.search(r"¹ an aside \S? ?here", out)
    assert "\u202e" not in out


def test_an_html_block_the_converter_fails_on_shows_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import reader.page.blocks as blocks

    def broken(html: str) -> str:
        raise ValueError("converter failed")

    monkeypatch.setattr(blocks, "block_to_markdown", broken)
    out = shown("<div>\nkept words\n</div>\n\nafter\n")
    assert "kept words" in out and "after" in out and "<" not in out
