"""The core modules stay UI-free: importing one never imports Textual.

Each module is imported in a fresh interpreter, since this test process may already
have Textual loaded by other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CORE_MODULES = [
    "reader.library",
    "reader.store",
    "reader.store_writer",
    "reader.frontmatter",
    "reader.sanitize",
    "reader.views",
    "reader.commands",
    "reader.importers.feed",
    "reader.importers.fetch",
    "reader.sync.folder",
    "reader.sync.fever",
    "reader.sync.fever_sync",
    "reader.sync.settings",
    "reader.sync.engine",
    "reader.sync.command",
    "reader.session",
    "reader.config",
    "reader.keys",
    "reader.links",
    "reader.find",
    "reader.importers.digest",
    "reader.importers.base",
    "reader.importers.registry",
    "reader.import_command",
    "reader.console",
    "reader.core",
    "reader.atomic",
    "reader.escape",
    "reader.paths",
    "reader.render",
    "reader.budget",
    "reader.cache",
    "reader.render_cache",
    "reader.statefile",
    "reader.search",
    "reader.search_sync",
    "reader.gcpause",
    "reader.query",
    "reader.lifecycle",
    "reader.clipboard",
]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def modules_loaded_by(module: str) -> list[str]:
    """The names in sys.modules after importing `module` in a new interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    assert module in loaded
    return loaded


def textual_modules(names: list[str]) -> list[str]:
    """The Textual modules among `names`."""
    return [name for name in names if name.split(".")[0].startswith("textual")]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    assert textual_modules(modules_loaded_by(module)) == []


def test_the_check_sees_textual_when_it_is_imported() -> None:
    """The UI modules do import Textual, so an empty list above means something."""
    assert "textual.app" in textual_modules(modules_loaded_by("reader.app"))
