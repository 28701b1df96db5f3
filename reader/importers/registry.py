"""Every importer `reader import` knows, in the order `reader import SOURCE` tries them.

Adding an importer: a new module in reader/importers/ with an object that satisfies
reader.importers.base.Importer, and one line here.
"""

from __future__ import annotations

from reader.importers import digest, feed, opml, page
from reader.importers.base import Importer

__all__ = ["IMPORTERS", "detect", "find"]

IMPORTERS: tuple[Importer, ...] = (
    feed.IMPORTER,
    opml.IMPORTER,
    page.IMPORTER,
    digest.IMPORTER,
)


def find(name: str) -> Importer | None:
    """The importer called name (`reader import NAME ...`), or None."""
    return next((importer for importer in IMPORTERS if importer.name == name), None)


def detect(source: str) -> Importer | None:
    """The first importer that recognises source, or None."""
    return next((importer for importer in IMPORTERS if importer.detect(source)), None)
