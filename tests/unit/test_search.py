"""The search index: matching, ranking, syncing with the files, recovery and threads."""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import reader.search
from reader.cache import MetadataCache
from reader.library import Library, Post, PostError, load_library, read_body
from reader.query import normalise, parse_query
from reader.search import SearchIndex, SearchResult, index_path
from tests.conftest import ARTICLES, DATA

CORPUS = DATA / "corpus"


@pytest.fixture(scope="module")
def articles() -> Library:
    """The 20 bundled posts."""
    return load_library(ARTICLES)


@pytest.fixture(scope="module")
def corpus() -> Library:
    """The real Jekyll and Zola posts."""
    return load_library(CORPUS)


def _order(library: Library) -> dict[str, int]:
    """Post id -> library position."""
    return {post.id: n for n, post in enumerate(library.posts)}


def _index(library: Library) -> tuple[SearchIndex, dict[str, int]]:
    """An in-memory index of a library, synced, and the library order."""
    index = SearchIndex(None)
    assert index.open() is None
    index.sync(library.posts, read_body)
    return index, _order(library)


@pytest.fixture(scope="module")
def bundled(articles: Library) -> Iterator[tuple[SearchIndex, dict[str, int]]]:
    """The bundled posts, indexed in memory."""
    index, order = _index(articles)
    yield index, order
    index.close()


def _search(
    index: tuple[SearchIndex, dict[str, int]],
    text: str,
    is_read: Callable[[str], bool] | None = None,
    is_bookmarked: Callable[[str], bool] | None = None,
) -> SearchResult:
    """Search an (index, order) pair for text."""
    search_index, order = index
    return search_index.search(
        parse_query(text), order, is_read=is_read, is_bookmarked=is_bookmarked
    )


def _text(post: Post) -> str:
    """Everything a post is searched by, normalised."""
    return normalise(" ".join([post.title, post.author or "", *post.tags, read_body(post)]))


def _write(root: Path, name: str, title: str, body: str, extra: str = "") -> Path:
    """Write a post file with front matter."""
    path = root / name
    path.write_text(f'---\ntitle: "{title}"\n{extra}---\n\n{body}\n', encoding="utf-8")
    return path


def test_sales_ranks_title_matches_first_in_library_order(
    bundled: tuple[SearchIndex, dict[str, int]], articles: Library
) -> None:
    result = _search(bundled, "sales")
    order = bundled[1]
    assert result.count == len(result.ids) > 10
    titled = [post.id for post in articles.posts if "sales" in post.title.lower()]
    assert result.title_matches == frozenset(titled)
    assert result.ids[: len(titled)] == titled  # title matches first, in library order
    rest = result.ids[len(titled) :]
    assert rest == sorted(rest, key=order.__getitem__)
    for post in articles.posts:
        assert (post.id in result.ids) == ("sales" in _text(post))


def test_misspelling_finds_nothing_and_case_does_not_matter(
    bundled: tuple[SearchIndex, dict[str, int]],
) -> None:
    assert _search(bundled, "customr").ids == []
    upper, lower = _search(bundled, "CUSTOMER"), _search(bundled, "customer")
    assert upper == lower
    assert upper.count > 0


def test_prefix_matching(bundled: tuple[SearchIndex, dict[str, int]]) -> None:
    assert set(_search(bundled, "sal").ids) >= set(_search(bundled, "sales").ids)
    assert _search(bundled, "procure").count >= 1


def test_phrase(bundled: tuple[SearchIndex, dict[str, int]], articles: Library) -> None:
    result = _search(bundled, '"buying journey"')
    assert "03-a-paradox-the-sales-process-and-the-buying-journey.md" in result.title_matches
    for post in articles.posts:
        assert (post.id in result.ids) == ("buying journey" in " ".join(_text(post).split()))
    assert _search(bundled, '"journey buying"').count < result.count


def test_exclusion(bundled: tuple[SearchIndex, dict[str, int]], articles: Library) -> None:
    without = _search(bundled, "-sales")
    with_sales = _search(bundled, "sales")
    assert without.count > 0
    assert set(without.ids).isdisjoint(with_sales.ids)
    assert set(without.ids) | set(with_sales.ids) == {post.id for post in articles.posts}
    assert without.ids == sorted(without.ids, key=bundled[1].__getitem__)
    buying = set(_search(bundled, "buying").ids)
    assert set(_search(bundled, "buying -sales").ids) == buying - set(with_sales.ids)
    assert set(_search(bundled, '-"buying journey"').ids).isdisjoint(
        _search(bundled, '"buying journey"').ids
    )


def test_empty_query_lists_everything_in_order(
    bundled: tuple[SearchIndex, dict[str, int]], articles: Library
) -> None:
    assert _search(bundled, "").ids == [post.id for post in articles.posts]
    assert _search(bundled, "* ( ^").ids == [post.id for post in articles.posts]


def test_ids_missing_from_order_are_dropped(
    bundled: tuple[SearchIndex, dict[str, int]], articles: Library
) -> None:
    index, _ = bundled
    order = {post.id: -n for n, post in enumerate(articles.posts[:5])}  # reversed, 5 posts only
    result = index.search(parse_query("the"), order)
    assert set(result.ids) <= set(order)
    assert result.ids == sorted(result.ids, key=lambda i: (i not in result.title_matches, order[i]))


def test_tag_and_author_operators(corpus: Library) -> None:
    index = _index(corpus)
    release = _search(index, "tag:release")
    assert release.count == 3
    assert all("release" in post.tags for post in corpus.posts if post.id in release.ids)
    assert _search(index, "tag:rel").ids == release.ids  # a prefix of a tag word
    assert _search(index, "tag:jekyll").ids == []  # tags only, not titles
    assert set(_search(index, "author:ashmaroli").ids) == {
        post.id for post in corpus.posts if post.author == "ashmaroli"
    }
    assert _search(index, "author:remy").count == 1  # "Rémy Rakic"
    assert _search(index, 'author:"release team"').ids == ["toml/Rust-1.89.0.md"]
    assert _search(index, "author:rust").count == 3
    assert _search(index, "author:rust tag:release").ids == []


def test_states(bundled: tuple[SearchIndex, dict[str, int]], articles: Library) -> None:
    ids = [post.id for post in articles.posts]
    read, marked = set(ids[::2]), set(ids[:3])
    states = (read.__contains__, marked.__contains__)
    assert _search(bundled, "is:unread", *states).ids == [i for i in ids if i not in read]
    assert _search(bundled, "is:read", *states).ids == [i for i in ids if i in read]
    assert _search(bundled, "is:bookmarked", *states).ids == ids[:3]
    assert _search(bundled, "is:read is:bookmarked", *states).ids == [ids[0], ids[2]]
    assert _search(bundled, "is:unread").count == len(ids)  # nothing known read
    assert _search(bundled, "is:bookmarked").ids == []
    sales_unread = _search(bundled, "sales is:unread", *states)
    assert set(sales_unread.ids) == set(_search(bundled, "sales").ids) - read
    assert sales_unread.title_matches <= set(sales_unread.ids)


def _words(text: str) -> list[str]:
    """The normalised words of text, as the index splits them."""
    return re.findall(r"[^\W_]+", normalise(text))


def _has(fields: list[str], text: str) -> bool:
    """Reference matcher: text's words in order in one field, the last one as a prefix."""
    words = _words(text)
    for field in fields:
        tokens = _words(field)
        for start in range(len(tokens) - len(words) + 1):
            window = tokens[start : start + len(words)]
            if window[:-1] == words[:-1] and window[-1].startswith(words[-1]):
                return True
    return False


def _expected(post: Post, text: str) -> bool:
    """Whether post should match a query, worked out the slow way."""
    query = parse_query(text)
    fields = [post.title, post.author or "", *post.tags, read_body(post)]
    return (
        all(_has(fields, word) for word in query.terms + query.phrases)
        and all(_has(list(post.tags), tag) for tag in query.tags)
        and all(_has([post.author or ""], author) for author in query.authors)
        and not any(_has(fields, word) for word in query.excluded)
    )


@pytest.mark.parametrize(
    "text",
    [
        "sales",
        "sal people",
        '"talent crisis"',
        'sales "talent crisis" -"part 2"',
        "buying -journey -fear",
        '"the sales process" b2b',
        "rust release",
        "jekyll -tag:release",
        "tag:release jekyll",
        "author:rust -async",
        "1.89",
        "async-await",
    ],
)
def test_matches_agree_with_a_reference_matcher(
    text: str, articles: Library, corpus: Library, bundled: tuple[SearchIndex, dict[str, int]]
) -> None:
    for library, index in ((articles, bundled), (corpus, _index(corpus))):
        result = _search(index, text)
        expected = [post.id for post in library.posts if _expected(post, text)]
        assert sorted(result.ids) == sorted(expected), text
        words = parse_query(text).terms + parse_query(text).phrases
        titled = [
            post.id
            for post in library.posts
            if post.id in expected and words and all(_has([post.title], w) for w in words)
        ]
        assert result.ids[: len(titled)] == titled
        assert result.title_matches == set(titled)


def test_combined_query(bundled: tuple[SearchIndex, dict[str, int]]) -> None:
    read = {"09-the-coming-sales-talent-crisis.md"}
    text = 'sales "talent crisis" -"part 2" is:unread'
    result = _search(bundled, text, is_read=read.__contains__)
    assert result.ids[0] == "07-the-coming-sales-talent-crisis-part-3.md"
    assert "07-the-coming-sales-talent-crisis-part-3.md" in result.title_matches
    assert "08-the-coming-sales-talent-crisis-part-2.md" not in result.ids
    assert "09-the-coming-sales-talent-crisis.md" not in result.ids
    everyone = _search(bundled, text.replace(" is:unread", ""))
    assert result.ids == [i for i in everyone.ids if i not in read]


def test_accents_and_ligatures(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "Crème brûlée", "Une recette ﬁnale.", "tags: [Pâtisserie]\n")
    _write(tmp_path, "b.md", "Plain", "Nothing french here.")
    index = _index(load_library(tmp_path))
    assert _search(index, "creme brulee").ids == ["a.md"]
    assert _search(index, "CRÈME").title_matches == {"a.md"}
    assert _search(index, "finale").ids == ["a.md"]
    assert _search(index, "ﬁnale").ids == ["a.md"]
    assert _search(index, "tag:patisserie").ids == ["a.md"]


def test_phrase_does_not_span_two_tags(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "A", "x", "tags: [machine, learning]\n")
    _write(tmp_path, "b.md", "B", "x", 'tags: ["machine learning"]\n')
    index = _index(load_library(tmp_path))
    assert _search(index, 'tag:"machine learning"').ids == ["b.md"]
    assert _search(index, "tag:learning").ids == ["a.md", "b.md"]


def test_unreadable_body_is_indexed_by_title(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "Kept title", "secret body")
    library = load_library(tmp_path)

    def broken(post: Post) -> str:
        raise PostError("cannot read")

    index = SearchIndex(None)
    index.open()
    assert index.sync(library.posts, broken) == 1
    order = _order(library)
    assert index.search(parse_query("kept"), order).ids == ["a.md"]
    assert index.search(parse_query("secret"), order).ids == []
    assert index.indexed_count == 1


def test_sync_notices_added_changed_and_deleted_files(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    _write(root, "a.md", "Alpha", "apples")
    _write(root, "b.md", "Beta", "bananas")
    db = tmp_path / "cache" / "index.sqlite3"
    index = SearchIndex(db)
    assert index.open() is None
    progress: list[tuple[int, int]] = []
    assert index.sync(load_library(root).posts, read_body, progress=lambda *p: progress.append(p))
    assert progress[-1] == (4, 4)  # two metadata rows, two bodies
    assert index.sync(load_library(root).posts, read_body) == 0  # nothing changed
    _write(root, "c.md", "Gamma", "cherries")
    changed = _write(root, "a.md", "Alpha", "avocados and more")  # a new size
    (root / "b.md").unlink()
    library = load_library(root)
    assert index.sync(library.posts, read_body) == 2
    order = _order(library)
    assert index.search(parse_query("cherries"), order).ids == ["c.md"]
    assert index.search(parse_query("avocados"), order).ids == ["a.md"]
    assert index.search(parse_query("apples"), order).ids == []
    assert index.search(parse_query("bananas"), {**order, "b.md": 9}).ids == []
    os.utime(changed, ns=(1, 1))  # same size, another mtime
    changed.write_text(changed.read_text().replace("avocados", "apricots"))
    os.utime(changed, ns=(5, 5))
    assert index.sync(library.posts, read_body) == 1
    assert index.search(parse_query("apricots"), order).ids == ["a.md"]
    assert index.indexed_count == 2
    index.close()
    reopened = SearchIndex(db)
    assert reopened.open() is None
    assert reopened.indexed_count == 2
    assert reopened.search(parse_query("apricots"), order).ids == ["a.md"]
    assert reopened.sync(library.posts, read_body) == 0
    reopened.close()


def test_new_tags_or_author_of_an_unchanged_file_are_indexed(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "Alpha", "apples")
    _write(tmp_path, "b.md", "Beta", "bananas", "tags: [fruit]\n")
    posts = load_library(tmp_path).posts
    index = SearchIndex(None)
    index.open()
    index.sync(posts, read_body)
    # As listed now (say the feed's metadata moved on) while the files stayed the same.
    moved = [dataclasses.replace(p, tags=("fruit", "tree"), author="Ann") for p in posts]
    assert index.sync(moved, read_body) == 2
    order = {post.id: n for n, post in enumerate(posts)}
    assert index.search(parse_query("tag:tree author:ann"), order).ids == ["a.md", "b.md"]
    assert index.search(parse_query("tag:tree apples"), order).ids == ["a.md"]
    assert index.sync(moved, read_body) == 0


def test_tombstones_trigger_a_rebuild(tmp_path: Path) -> None:
    for n in range(4):
        _write(tmp_path, f"{n}.md", f"Post {n}", "one")
    index = SearchIndex(None, max_tombstones=2)
    index.open()
    index.sync(load_library(tmp_path).posts, read_body)
    for word in ("two", "three"):
        for n in range(4):
            _write(tmp_path, f"{n}.md", f"Post {n}", f"{word} {word}")
        library = load_library(tmp_path)
        assert index.sync(library.posts, read_body) == 4
        assert index.search(parse_query(word), _order(library)).count == 4
        assert index.search(parse_query("one"), _order(library)).count == 0
    assert index.indexed_count == 4


def test_cancel_and_resume(tmp_path: Path) -> None:
    for n in range(10):
        _write(tmp_path, f"{n:02}.md", f"Title {n}", f"body{n}")
    library = load_library(tmp_path)
    order = _order(library)
    index = SearchIndex(None, batch=3)
    index.open()
    calls: list[int] = []

    def cancel_soon() -> bool:
        calls.append(1)
        return len(calls) > 14  # after the metadata pass and a few bodies

    index.sync(library.posts, read_body, cancelled=cancel_soon)
    assert index.search(parse_query("title"), order).count == 10  # titles at once
    assert 0 < index.indexed_count < 10
    assert index.search(parse_query("body9"), order).ids == []
    index.sync(library.posts, read_body)
    assert index.indexed_count == 10
    assert index.search(parse_query("body9"), order).ids == ["09.md"]


def test_duplicate_ids_keep_the_first_post(tmp_path: Path) -> None:
    _write(tmp_path, "a.md", "First", "x", "id: same\n")
    _write(tmp_path, "b.md", "Second", "y", "id: other\n")
    posts = load_library(tmp_path).posts
    twin = Post("same", posts[1].file, "Twin", None, None, (), None, None)
    index = SearchIndex(None)
    index.open()
    assert index.sync([*posts, twin], read_body) == 2


def test_odd_ids_and_titles_round_trip(tmp_path: Path) -> None:
    file = str(_write(tmp_path, "a.md", "A", "body"))
    odd = Post(
        "bad\udcff\ud800id", file, "Title \udcff", None, "Ann \ud800", ("t\udcff",), None, None
    )
    db = tmp_path / "index.sqlite3"
    index = SearchIndex(db)
    index.open()
    assert index.sync([odd], read_body) == 1
    index.close()
    index.open()
    assert index.search(parse_query("title"), {odd.id: 0}).ids == [odd.id]
    assert index.sync([odd], read_body) == 0
    index.close()


def test_corrupt_file_is_rebuilt_with_a_message(tmp_path: Path, articles: Library) -> None:
    db = tmp_path / "index.sqlite3"
    db.write_bytes(b"this is not a database at all" * 500)
    index = SearchIndex(db)
    message = index.open()
    assert message is not None and "rebuilt" in message and "\n" not in message
    index.sync(articles.posts, read_body)
    assert index.search(parse_query("sales"), _order(articles)).count > 10
    index.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == reader.search.SCHEMA_VERSION


def test_other_schema_version_is_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "index.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE old(x)")
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    index = SearchIndex(db)
    message = index.open()
    assert message is not None and "rebuilt" in message
    assert index.search(parse_query("x"), {}).ids == []
    index.close()


def test_unusable_directory_falls_back_to_memory(tmp_path: Path, articles: Library) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    index = SearchIndex(blocker / "index.sqlite3")
    message = index.open()
    assert message is not None and "memory" in message
    index.sync(articles.posts, read_body)
    assert index.search(parse_query("sales"), _order(articles)).count > 10


def _damage(db: Path, statement: str) -> None:
    """Break an index file from outside, as another program or a bad disk would."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(statement)
    finally:
        conn.close()


def test_damage_found_during_sync_rebuilds(tmp_path: Path, articles: Library) -> None:
    db = tmp_path / "index.sqlite3"
    index = SearchIndex(db)
    index.open()
    index.sync(articles.posts[:5], read_body)
    _damage(db, "DROP TABLE docs")
    assert index.sync(articles.posts, read_body) == len(articles.posts)
    assert index.problem is not None and "rebuilt" in index.problem
    assert index.search(parse_query("sales"), _order(articles)).count > 10
    index.close()


def test_damage_found_by_a_search_is_rebuilt_by_the_next_sync(
    tmp_path: Path, articles: Library
) -> None:
    db = tmp_path / "index.sqlite3"
    index = SearchIndex(db)
    index.open()
    index.sync(articles.posts, read_body)
    _damage(db, "UPDATE fts_data SET block = x'00ff00ff00ff' WHERE id > 10")
    order = _order(articles)
    assert index.search(parse_query("sales"), order).ids == []
    assert index.problem is not None and "search failed" in index.problem
    assert index.sync(articles.posts, read_body) == len(articles.posts)
    assert index.problem is not None and "rebuilt" in index.problem
    assert index.search(parse_query("sales"), order).count > 10
    index.close()


def test_search_after_close_returns_nothing(articles: Library) -> None:
    index, order = _index(articles)
    index.close()
    assert index.search(parse_query("sales"), order).ids == []
    assert index.problem is not None
    assert index.open() is None  # and it can be opened again


@pytest.mark.parametrize("in_memory", [False, True])
def test_search_while_syncing_in_another_thread(tmp_path: Path, in_memory: bool) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for n in range(1200):
        _write(root, f"{n:04}.md", f"Post {n} about topic{n % 7}", f"word{n} common text " * 20)
    library = load_library(root)
    order = _order(library)
    index = SearchIndex(None if in_memory else tmp_path / "index.sqlite3")
    index.open()
    done = threading.Event()
    errors: list[BaseException] = []
    counts: list[int] = []

    def searcher() -> None:
        try:
            while not done.is_set():
                for text in ("p", "post topic3", "common", "-common", "word11"):
                    counts.append(index.search(parse_query(text), order).count)
        except BaseException as exc:  # re-raised below in the test thread
            errors.append(exc)

    thread = threading.Thread(target=searcher)
    thread.start()
    try:
        assert index.sync(library.posts, read_body) == 1200
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert index.problem is None
    assert counts
    assert index.search(parse_query("common"), order).count == 1200
    index.close()


def test_index_path_hashes_the_root_like_the_metadata_cache(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    path = index_path(tmp_path / "cache", root)
    cache_name = MetadataCache.for_root(tmp_path / "cache", root).file.name
    assert path.parent == tmp_path / "cache"
    assert path.name == cache_name.replace("library-", "search-").replace(".json", ".sqlite3")
    assert index_path(tmp_path, tmp_path / "other") != index_path(tmp_path, root)


def test_search_module_does_not_import_textual() -> None:
    probe = "import reader.search, sys; print(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


def test_a_full_text_fetched_later_is_read_and_indexed(tmp_path: Path) -> None:
    """The excerpt is what a feed gave; the full text (reader.feeds.fulltext's .full/ copy)
    replaces it for the article and the search, once fetched, without touching the post."""
    from reader.feeds.fulltext import cache_path

    post_file = _write(tmp_path, "p.md", "Post", "An excerpt [...]")
    library = load_library(tmp_path)
    index = SearchIndex(None)
    assert index.open() is None
    try:
        index.sync(library.posts, read_body)
        assert _search((index, _order(library)), "zanzibar").count == 0
        cache_path(post_file).parent.mkdir()
        cache_path(post_file).write_text("---\ntitle: Post\n---\n\nThe whole of zanzibar.\n")
        [post] = load_library(tmp_path).posts
        assert read_body(post) == "\nThe whole of zanzibar.\n"
        index.sync([post], read_body)
        assert _search((index, _order(library)), "zanzibar").count == 1
    finally:
        index.close()
    assert post_file.read_text().endswith("An excerpt [...]\n")
