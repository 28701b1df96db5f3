"""Messages that workers send to the main screen."""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from rich.segment import Segment

    from reader.library import Library
    from reader.links import Link
    from reader.search import SearchIndex

# A notice that starts with a lower-case word (not a file name such as "notes.md:").
_LOWER_START_RE = re.compile(r"[a-z]+ ")
TOAST_WIDTH = 56  # characters a notice line holds before Textual wraps it (a 60-wide toast)


def sentence(text: str) -> str:
    """A notice's text starting with a capital letter.

    Store, library and index messages start in lower case, as they also go to stderr
    after `reader: `; in a notice they start like every other notice.
    """
    return text[0].upper() + text[1:] if _LOWER_START_RE.match(text) else text


def notice_timeout(text: str) -> float:
    """Seconds to show a notice: 5 for a line or two, 1 more per further line, at most 10."""
    rows = sum(max(1, math.ceil(len(line) / TOAST_WIDTH)) for line in text.split("\n"))
    return float(min(10, max(5, 3 + rows)))


class LibraryLoaded(Message):
    """A worker finished reading the library from disk."""

    def __init__(
        self,
        library: Library | None,
        error: str | None,
        *,
        reload: bool = False,
        provisional: bool = False,
    ) -> None:
        """Carry the library, or the one-line reason it could not load.

        `reload` says the user asked for it; `provisional` marks the list from the
        metadata cache, shown at once while the files are checked.
        """
        super().__init__()
        self.library = library
        self.error = error
        self.reload = reload
        self.provisional = provisional


class StartedUp(Message):
    """The main screen is up: its first list is painted (or a second has passed without one)."""


class LibraryConfirmed(Message):
    """The files were checked and the list shown from the metadata cache is still right."""

    def __init__(self, library: Library) -> None:
        """Carry the library as checked."""
        super().__init__()
        self.library = library


class LoadProgress(Message):
    """How far a worker has got reading the library."""

    def __init__(self, done: int, total: int) -> None:
        """Carry the count of files read so far and the total."""
        super().__init__()
        self.done = done
        self.total = total


class ArticleReady(Message):
    """A worker finished rendering a post."""

    def __init__(
        self,
        post_id: str,
        lines: list[list[Segment]],
        width: int,
        keep_scroll: bool,
        *,
        look_key: Hashable = None,
        complete: bool = True,
        prefetch: bool = False,
    ) -> None:
        """Carry the rendered lines of one post (`complete` when nothing more follows).

        Lines are plain lists of segments: a post of 20,000 lines as Strips would hold
        ten times as many objects for the garbage collector to walk.

        `prefetch` marks a post rendered ahead of time, to keep, not to show;
        `look_key` says in which theme and layout (reader.render.Look.key).
        """
        super().__init__()
        self.post_id = post_id
        self.lines = lines
        self.width = width
        self.keep_scroll = keep_scroll
        self.look_key = look_key
        self.complete = complete
        self.prefetch = prefetch


class LinksFound(Message):
    """A worker found the links of a post."""

    def __init__(self, post_id: str, links: list[Link]) -> None:
        """Carry the post's links."""
        super().__init__()
        self.post_id = post_id
        self.links = links


class Notice(Message):
    """Something a worker wants the user to know (plain text, never markup)."""

    def __init__(self, text: str, severity: str = "warning") -> None:
        """Carry the one-line notice."""
        super().__init__()
        self.text = text
        self.severity = severity


class IndexReady(Message):
    """The search index is open (its sync goes on in the background)."""

    def __init__(self, index: SearchIndex, problem: str | None) -> None:
        """Carry the index and what went wrong opening it, if anything."""
        super().__init__()
        self.index = index
        self.problem = problem


class SearchDone(Message):
    """A search finished: the hits of one query text."""

    def __init__(self, text: str, ids: list[str] | None, words: tuple[str, ...]) -> None:
        """Carry the query text, the hits (None: no search) and the words to highlight."""
        super().__init__()
        self.text = text
        self.ids = ids
        self.words = words


class MarksChangedElsewhere(Message):
    """Another reader or `reader mark` changed marks in the state file; they are in the store."""


class CopyText(Message):
    """Copy text for the user: bubbles up to the app, which copies it off the UI thread."""

    def __init__(self, text: str) -> None:
        """Carry the text to copy (untrusted: shown only through sanitize.clean_line)."""
        super().__init__()
        self.text = text


class NoBrowser(Message):
    """No web browser could open a link: bubbles up to the app, which offers to copy it."""

    def __init__(self, url: str) -> None:
        """Carry the link's address."""
        super().__init__()
        self.url = url
