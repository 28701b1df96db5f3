"""A post that begins with a thematic break is shown, not skipped as broken front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.conftest import article_text, current_title, settle, titles


async def test_commonmark_example_96_is_shown_as_markdown(start: Any, tmp_path: Path) -> None:
    library = tmp_path / "posts"
    library.mkdir()
    (library / "example-96.md").write_text("---\nFoo\n---\nBar\n---\nBaz\n", encoding="utf-8")
    (library / "rule-first.md").write_text("---\n\n# After a rule\n\nSome: text.\n")
    async with start(library) as pilot:
        await settle(pilot)
        assert titles(pilot) == ["example 96", "After a rule"]  # undated: by path
        assert current_title(pilot) == "example 96"
        text = article_text(pilot)
        assert text.index("Foo") < text.index("Bar") < text.index("Baz")
