"""Tests for reader.paths: where the state file, config and bundled articles live."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader import paths

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux-only")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point every user dir into tmp_path so no test sees the real home."""
    monkeypatch.delenv("READER_STATE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_reader_state_env_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$READER_STATE overrides the platform data dir."""
    target = tmp_path / "elsewhere" / "my-state.json"
    monkeypatch.setenv("READER_STATE", str(target))
    assert paths.default_state_path() == target


def test_empty_reader_state_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty $READER_STATE falls back to the data dir instead of pointing at the cwd."""
    monkeypatch.setenv("READER_STATE", "")
    assert paths.default_state_path().name == "state.json"
    assert paths.default_state_path().parent.name == "reader"


@linux_only
def test_xdg_data_home_is_respected(tmp_path: Path) -> None:
    """On Linux the state file goes to $XDG_DATA_HOME/reader/state.json."""
    assert paths.default_state_path() == tmp_path / "xdg-data" / "reader" / "state.json"


@linux_only
def test_default_data_dir_is_local_share(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without XDG_DATA_HOME the state file is ~/.local/share/reader/state.json."""
    monkeypatch.delenv("XDG_DATA_HOME")
    expected = tmp_path / "home" / ".local" / "share" / "reader" / "state.json"
    assert paths.default_state_path() == expected


@linux_only
def test_config_dir_respects_xdg(tmp_path: Path) -> None:
    """The config dir is $XDG_CONFIG_HOME/reader."""
    assert paths.config_dir() == tmp_path / "xdg-config" / "reader"


@linux_only
def test_cache_dir_respects_xdg(tmp_path: Path) -> None:
    """The cache dir is $XDG_CACHE_HOME/reader."""
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "reader"


def test_lookups_create_nothing(tmp_path: Path) -> None:
    """Asking for the paths does not create any directory."""
    paths.default_state_path()
    paths.config_dir()
    paths.cache_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_bundled_articles_is_the_articles_dir() -> None:
    """In this checkout the bundled articles are a directory named articles."""
    found = paths.bundled_articles()
    assert found.name == "articles"
    assert found.is_dir()


def test_bundled_articles_prefers_the_package_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A wheel install (articles inside the package) wins over the repo's articles/."""
    package = tmp_path / "site" / "reader"
    package.mkdir(parents=True)
    monkeypatch.setattr(paths, "__file__", str(package / "paths.py"))
    assert paths.bundled_articles() == tmp_path / "site" / "articles"
    (package / "articles").mkdir()
    assert paths.bundled_articles() == package / "articles"


def test_paths_under_home_are_shown_with_a_tilde() -> None:
    home = Path.home()
    assert paths.short_path(home / ".config" / "x.toml") == "~/.config/x.toml"
    assert paths.short_path(home) == "~"
    assert paths.short_path(f"{home}x/y") == f"{home}x/y"  # a sibling that only starts alike
    assert paths.short_path("notes/posts") == "notes/posts"  # relative: as given
    assert paths.short_path(home / "a\x1bb") == "~/a␛b"
