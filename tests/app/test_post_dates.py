"""The article header shows a post's date in its own zone, on a first and a second start."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.app.conftest import CORPUS, article_text, current_title, settle

# date: "2018-02-19 20:48:09 -0500": the 19th where it was written, the 20th in UTC.
MEET = "2018-02-19-meet-jekyll-s-new-lead-developer.markdown"


async def test_the_header_shows_the_date_as_written_cold_and_warm(
    start: Any, tmp_path: Path
) -> None:
    library = tmp_path / "posts"
    library.mkdir()
    shutil.copyfile(CORPUS / "yaml" / MEET, library / MEET)
    for _ in ("cold", "warm"):  # the second start lists the posts from the metadata cache
        async with start(library) as pilot:
            await settle(pilot)
            assert current_title(pilot) == "Meet Jekyll's New Lead Developer"
            header = article_text(pilot).splitlines()[:4]
            assert any("2018-02-19" in line for line in header), header
            assert "2018-02-20" not in article_text(pilot)
