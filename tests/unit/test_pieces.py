"""reader.pieces: a long text cut into pieces of whole lines (for regexes over 1 MB posts)."""

from __future__ import annotations

from reader.page.parser import new_env, reference_definitions
from reader.pieces import line_pieces


def test_pieces_are_whole_lines_that_join_back_to_the_text() -> None:
    text = "".join(f"line {n}\n" for n in range(1_000)) + "no end"
    pieces = list(line_pieces(text, 100))
    assert "".join(pieces) == text
    assert len(pieces) > 10
    assert all(piece.endswith("\n") for piece in pieces[:-1])
    assert list(line_pieces("", 100)) == [] and list(line_pieces("short", 100)) == ["short"]


def test_reference_definitions_are_found_in_every_piece_of_a_long_body() -> None:
    filler = "A paragraph of text.\n\n" * 10_000
    body = f"[first]: https://a.example\n{filler}  [second]: https://b.example 'T'\n{filler}"
    assert reference_definitions(body) == (
        "[first]: https://a.example\n[second]: https://b.example 'T'"
    )


def test_footnote_labels_are_known_from_every_piece_of_a_long_body() -> None:
    filler = "A paragraph of text.\n\n" * 10_000
    env = new_env(f"[^early]: one\n{filler}[^late]: two\n")
    assert set(env["footnotes"]["refs"]) == {":early", ":late"}
