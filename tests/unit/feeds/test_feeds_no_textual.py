"""The feeds package stays UI-free: importing any of its modules never imports Textual
(nor the heavy parsers, which load only when used)."""

from __future__ import annotations

import pytest

from tests.unit.test_no_textual import modules_loaded_by, textual_modules

MODULES = [
    "reader.feeds.subscriptions",
    "reader.feeds.http",
    "reader.feeds.entries",
    "reader.feeds.refresh",
    "reader.feeds.opml",
    "reader.feeds.detect",
    "reader.feeds.fulltext",
]


@pytest.mark.parametrize("module", MODULES)
def test_feeds_module_does_not_import_textual(module: str) -> None:
    loaded = modules_loaded_by(module)
    assert textual_modules(loaded) == []
    assert not {"readability", "listparser", "feedparser", "lxml"} & {
        name.split(".")[0] for name in loaded
    }
