"""The config file: settings, key overrides, and clear messages for mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.config import EXAMPLE, load_config


def write(tmp_path: Path, text: str) -> Path:
    """Write a config file."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_default_file_means_defaults_silently(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "none.toml")
    assert problems == []
    assert config.library is None and config.theme is None and config.keys == {}


def test_a_missing_explicit_file_is_reported(tmp_path: Path) -> None:
    _, problems = load_config(tmp_path / "none.toml", explicit=True)
    assert len(problems) == 1 and "does not exist" in problems[0]


def test_the_documented_example_loads_cleanly(tmp_path: Path) -> None:
    config, problems = load_config(write(tmp_path, EXAMPLE))
    assert problems == []
    assert config.library == Path("~/notes/posts").expanduser()
    assert config.theme == "gruvbox"
    assert config.mark_read_after == 2.0
    assert config.sort == "newest"
    assert config.keys == {"next_unread": "n,ctrl+n", "toggle_bookmark": "b"}


def test_unknown_settings_and_wrong_types_name_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'colour = "red"\ntheme = 3\nmark_read_after = -1\nsort = "random"\n'
        'library = ""\n[keys]\nquit = 5\n',
    )
    config, problems = load_config(path)
    assert len(problems) == 6
    for key in ("colour", "theme", "mark_read_after", "sort", "library", "quit"):
        assert any(f"'{key}'" in p and str(path) in p for p in problems), key
    assert config.theme is None and config.mark_read_after is None and config.sort is None


def test_invalid_toml_gives_one_line_and_defaults(tmp_path: Path) -> None:
    config, problems = load_config(write(tmp_path, "theme = \n[[["))
    assert len(problems) == 1 and "not valid TOML" in problems[0]
    assert config.theme is None


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the reader command."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=60
    )


def test_config_show_prints_the_effective_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'sort = "title"\nmark_read_after = 0.5\n[keys]\nquit = "x"\nnope = "z"\n'
    )
    result = run("config", "--show", "--config", str(path))
    assert result.returncode == 0
    assert 'sort = "title"' in result.stdout
    assert "mark_read_after = 0.5" in result.stdout
    assert 'quit = "x"' in result.stdout
    assert f"# config file: {path}" in result.stdout
    assert "unknown key binding id 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
