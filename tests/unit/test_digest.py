"""Tests for reader.importers.digest: the digest becomes the bundled articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.frontmatter import split_front_matter
from reader.importers.base import slugify
from reader.importers.digest import (
    DigestError,
    import_digest,
    parse_digest,
    render_post,
)

REPO = Path(__file__).resolve().parents[2]
DIGEST = REPO / "tests" / "data" / "digest.txt"
ARTICLES = REPO / "articles"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_import_reproduces_bundled_articles(tmp_path: Path) -> None:
    """Importing the seed digest gives exactly the files shipped in articles/."""
    written = import_digest(DIGEST, tmp_path / "out").paths
    bundled = sorted(ARTICLES.glob("*.md"))
    assert [path.name for path in written] == [path.name for path in bundled]
    for new, old in zip(written, bundled, strict=True):
        assert new.read_bytes() == old.read_bytes(), new.name


def test_digest_has_twenty_posts_newest_first() -> None:
    """20 records; the first is the newest; excerpts keep their trailing [...]."""
    records = parse_digest(DIGEST.read_text(encoding="utf-8"))
    assert len(records) == 20
    assert records[0][0] == "Product Centric Selling, It Really Is About Us!"
    assert records[-1][0] == "Sales People/Manager Churn Is Unacceptable!"
    assert all(excerpt.endswith("[...]") for _, excerpt in records)
    assert all(title and "\n" not in title for title, _ in records)


def test_rendered_file_format() -> None:
    """YAML front matter with a JSON-quoted title and the position, then the excerpt."""
    text = render_post('Say "hi": Aren’t we?', "Line one\nline two [...]", 7)
    assert text == (
        '---\ntitle: "Say \\"hi\\": Aren’t we?"\nposition: 7\n---\n\nLine one\nline two [...]\n'
    )


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])), st.integers(1, 999))
def test_rendered_title_reads_back_unchanged(title: str, position: int) -> None:
    """Any title (quotes, colons, controls, odd Unicode) survives the YAML round trip."""
    fields, body = split_front_matter(render_post(title, "Excerpt [...]", position))
    assert fields == {"title": title, "position": position}
    assert body == "\nExcerpt [...]\n"


def test_reimport_is_identical_and_atomic(tmp_path: Path) -> None:
    """Running the import twice gives the same bytes and leaves no temporary files."""
    first = {path.name: path.read_bytes() for path in import_digest(DIGEST, tmp_path).paths}
    second = {path.name: path.read_bytes() for path in import_digest(DIGEST, tmp_path).paths}
    assert first == second
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(first)


def test_reimport_counts_and_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    """A second import reports 20 unchanged posts and does not rewrite them; an edit is undone."""
    first = import_digest(DIGEST, tmp_path)
    assert (first.added, first.updated, first.skipped) == (20, 0, 0)
    # A rewrite replaces the file (a new inode), even within one mtime tick.
    stamps = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in first.paths}
    edited = first.paths[3]
    original = edited.read_bytes()
    edited.write_bytes(original + b"an edit\n")
    second = import_digest(DIGEST, tmp_path)
    assert (second.added, second.updated, second.skipped) == (0, 1, 19)
    assert edited.read_bytes() == original
    for path in first.paths:
        if path != edited:
            assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamps[path], path.name


def test_import_creates_nested_folder(tmp_path: Path) -> None:
    """The target folder is created when missing."""
    written = import_digest(DIGEST, tmp_path / "a" / "b").paths
    assert (
        written[0] == tmp_path / "a" / "b" / "01-product-centric-selling-it-really-is-about-us.md"
    )


def test_position_padding_grows_past_99(tmp_path: Path) -> None:
    """With more than 99 posts, positions are padded to 3 digits so names sort."""
    source = tmp_path / "big.txt"
    source.write_text("".join(f"Post {n}\n\nExcerpt {n} [...]\n\n" for n in range(1, 101)))
    names = [path.name for path in import_digest(source, tmp_path / "out").paths]
    assert names[0] == "001-post-1.md"
    assert names[-1] == "100-post-100.md"
    assert names == sorted(names)


def test_crlf_digest_parses_the_same() -> None:
    """A digest saved with Windows line endings gives the same records."""
    text = DIGEST.read_text(encoding="utf-8")
    assert parse_digest(text.replace("\n", "\r\n")) == parse_digest(text)


def test_multi_line_excerpt() -> None:
    """An excerpt of several lines keeps them, joined with newlines."""
    assert parse_digest("\n\nT\n\none\ntwo\n\n\nU\n\nthree") == [("T", "one\ntwo"), ("U", "three")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the digest has no posts"),
        ("\n \n", "the digest has no posts"),
        ("Title\n\nExcerpt\n\nLonely title\n", "line 5: a title with no excerpt"),
        ("Title\n", "line 1: a title with no excerpt"),
        ("Title\n\n\nExcerpt\n", "line 1: a title with no excerpt"),
        ("Title\nExcerpt\n", "line 2: expected a blank line after the title on line 1"),
    ],
)
def test_malformed_digest(text: str, message: str) -> None:
    """Malformed digests are refused with the line at fault."""
    with pytest.raises(DigestError) as info:
        parse_digest(text)
    assert str(info.value) == message


def test_malformed_digest_file_writes_nothing(tmp_path: Path) -> None:
    """import_digest raises DigestError for a bad file and creates no posts."""
    source = tmp_path / "bad.txt"
    source.write_text("Only a title\n")
    with pytest.raises(DigestError):
        import_digest(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    source.write_bytes(b"Title\n\nbad \xff byte\n")
    with pytest.raises(DigestError, match="not valid UTF-8"):
        import_digest(source, tmp_path / "out")


def test_missing_digest_raises_oserror(tmp_path: Path) -> None:
    """A missing source file is an OSError, passed through."""
    with pytest.raises(FileNotFoundError):
        import_digest(tmp_path / "nope.txt", tmp_path / "out")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Product Centric Selling, It Really Is About Us!",
            "product-centric-selling-it-really-is-about-us",
        ),
        ("Our Numbers Aren’t Laws Of Physics!", "our-numbers-arent-laws-of-physics"),
        ("Win/Loss Reviews", "win-loss-reviews"),
        ("Café déjà vu", "cafe-deja-vu"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "post"),
        ("日本語", "post"),
        ("", "post"),
    ],
)
def test_slugify_examples(title: str, slug: str) -> None:
    """Slugs are readable lowercase ASCII."""
    assert slugify(title) == slug


def test_slugify_is_capped() -> None:
    """Slugs are at most 60 characters and do not end with '-'."""
    slug = slugify("word " * 40)
    assert len(slug) <= 60
    assert not slug.endswith("-")


@given(st.text())
def test_slugify_never_escapes_the_folder(title: str) -> None:
    """No title can produce a path separator, '..', or an empty name."""
    slug = slugify(title)
    assert SLUG_RE.match(slug)
    assert "/" not in slug and ".." not in slug
    assert 1 <= len(slug) <= 60
