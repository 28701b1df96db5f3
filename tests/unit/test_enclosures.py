"""Enclosures (podcasts, attachments) of feed entries end up as links `f` can open."""

from __future__ import annotations

from pathlib import Path

from reader.importers.feed import import_feed
from reader.library import load_library, read_body
from reader.links import extract_links

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Cast</title>
<item><guid>ep1</guid><title>Episode 1</title><link>https://cast.example/1</link>
<description>Show notes.</description>
<enclosure url="https://cast.example/media/ep%201.mp3" length="12897484" type="audio/mpeg"/>
</item>
<item><guid>ep2</guid><title>Episode 2</title><description>Local only.</description>
<enclosure url="file:///etc/passwd" length="1" type="text/plain"/>
</item>
</channel></rss>
"""


def test_an_enclosure_is_listed_with_the_posts_links_and_in_its_front_matter(
    tmp_path: Path,
) -> None:
    source = tmp_path / "cast.xml"
    source.write_text(FEED, encoding="utf-8")
    import_feed(str(source), tmp_path / "posts")
    posts = {post.title: post for post in load_library(tmp_path / "posts").posts}
    body = read_body(posts["Episode 1"])
    link = "- [ep 1.mp3](https://cast.example/media/ep%201.mp3) (audio/mpeg, 12.3 MB)"
    assert body.rstrip().endswith(f"## Attachments\n\n{link}")
    assert [link.url for link in extract_links(body)] == ["https://cast.example/media/ep%201.mp3"]
    text = posts["Episode 1"].path.read_text(encoding="utf-8")
    assert 'enclosures: ["https://cast.example/media/ep%201.mp3"]' in text
    assert "Attachments" not in read_body(posts["Episode 2"])  # file: is never offered
