"""The config file: settings, key overrides, and clear messages for mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.config import EXAMPLE, Mistake, Mistakes, load_config


def write(tmp_path: Path, text: str) -> Path:
    """Write a config file."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_default_file_means_defaults_silently(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path / "none.toml")
    assert not problems and problems.lines() == [] and problems.notice() is None
    assert config.library is None and config.theme is None and config.keys == {}


def test_a_missing_explicit_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "none.toml"
    _, problems = load_config(path, explicit=True)
    assert problems.lines() == [f"config {path}: the file does not exist (defaults used)"]


def test_the_documented_example_loads_cleanly(tmp_path: Path) -> None:
    config, problems = load_config(write(tmp_path, EXAMPLE))
    assert problems.items == []
    assert config.library == Path("~/notes/posts").expanduser()
    assert config.theme == "gruvbox"
    assert config.mark_read_after == 2.0
    assert config.sort == "newest"
    assert config.measure == 80 and config.link_urls == "end"
    assert config.keys == {"next_unread": "n,ctrl+n", "toggle_bookmark": "b"}


def test_unknown_settings_and_wrong_types_name_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'colour = "red"\ntheme = 3\nmark_read_after = -1\nsort = "random"\n'
        'library = ""\n[keys]\nquit = 5\n',
    )
    config, problems = load_config(path)
    lines = problems.lines()
    assert len(lines) == 6
    for key in ("colour", "theme", "mark_read_after", "sort", "library", "quit"):
        assert any(f"'{key}'" in line and str(path) in line for line in lines), key
    sort = "'sort' must be one of newest, oldest, title, unread, not 'random'"
    assert f"config {path}: {sort} (default used)" in lines
    assert f"config {path}: unknown setting 'colour' (ignored)" in lines
    assert config.theme is None and config.mark_read_after is None and config.sort is None


def test_the_notice_names_the_file_once_with_home_as_tilde(isolated_user_dirs: Path) -> None:
    path = isolated_user_dirs / ".config" / "reader" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('colour = "red"\nsort = "random"\n[keys]\nquit = 5\n', encoding="utf-8")
    _, problems = load_config(path)
    assert problems.notice() == (
        "Config ~/.config/reader/config.toml: 3 mistakes, defaults used:\n"
        "• unknown setting 'colour'\n"
        "• 'sort' must be one of newest, oldest, title, unread, not 'random'\n"
        "• key binding 'quit' must be a string of keys, not 5"
    )
    one = Mistakes(path, [Mistake("unknown setting 'colour'")])
    assert one.notice() == "Config ~/.config/reader/config.toml: unknown setting 'colour' (ignored)"


def test_a_long_list_of_mistakes_is_cut_short_in_the_notice(tmp_path: Path) -> None:
    path = write(tmp_path, "".join(f"unknown{n} = 1\n" for n in range(20)))
    _, problems = load_config(path)
    assert len(problems.lines()) == 20
    notice = problems.notice()
    assert notice is not None
    assert notice.count(str(path)) == 1 and notice.count("•") == 6
    assert notice.endswith("… and 14 more (reader config --show lists them)")


def test_hostile_values_are_shown_short_and_clean(tmp_path: Path) -> None:
    path = write(tmp_path, 'sort = "\\u001b[31m' + "x" * 100 + '"\n"\\u0007bell" = 1\n')
    _, problems = load_config(path)
    notice = problems.notice()
    assert notice is not None
    assert "\x1b" not in notice and "\x07" not in notice and "␛[31m" in notice
    assert "x" * 40 not in notice and "…'" in notice


def test_invalid_toml_gives_one_line_and_defaults(tmp_path: Path) -> None:
    config, problems = load_config(write(tmp_path, "theme = \n[[["))
    assert len(problems.lines()) == 1 and "not valid TOML" in problems.lines()[0]
    assert config.theme is None


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the reader command."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=60
    )


def test_config_show_prints_the_effective_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'sort = "title"\nmark_read_after = 0.5\ntheme = "nord"\n[keys]\nquit = "z"\n',
    )
    result = run("config", "--show", "--config", str(path))
    assert result.returncode == 0
    assert 'sort = "title"' in result.stdout
    assert "mark_read_after = 0.5" in result.stdout
    assert 'theme = "nord"' in result.stdout
    assert 'quit = "z"' in result.stdout
    assert f"# config file: {path}" in result.stdout
    assert result.stderr == "", result.stderr


def test_config_show_leaves_out_what_the_reader_ignores(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "no-such-theme"\n[keys]\nquit = "z"\nnope = "w"\n')
    result = run("config", "--show", "--config", str(path))
    assert result.returncode == 0
    keys = result.stdout.split("[keys]\n", 1)[1]
    assert keys == 'quit = "z"\n'
    assert 'theme = "textual-dark"' in result.stdout and "no-such-theme" not in result.stdout
    assert result.stderr.splitlines() == [
        f"reader: config {path}: unknown key binding id 'nope' (ignored)",
        f"reader: config {path}: unknown theme 'no-such-theme' (ctrl+t lists them) (default used)",
    ]


def test_a_byte_order_mark_at_the_start_is_not_a_mistake(tmp_path: Path) -> None:
    """Editors on Windows save UTF-8 with a BOM: the settings after it count."""
    path = write(tmp_path, '\ufefftheme = "gruvbox"\nsort = "title"\n')
    config, problems = load_config(path)
    assert not problems, problems.lines()
    assert config.theme == "gruvbox" and config.sort == "title"


def test_a_config_nested_too_deeply_is_one_line_and_defaults(tmp_path: Path) -> None:
    """A config nested 100,000 deep (arrays or inline tables) crashed every command: now one
    line naming the file, and the defaults."""
    for deep in ("a = " + "[" * 100_000 + "]" * 100_000, "a = " + "{b = " * 100_000):
        path = write(tmp_path, f'sort = "title"\n{deep}\n')
        config, problems = load_config(path)
        assert config.sort is None
        assert problems.lines() == [
            f"config {path}: not valid TOML (nested too deeply) (defaults used)"
        ]
        result = run("config", "--show", "--config", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stderr == (
            f"reader: config {path}: not valid TOML (nested too deeply) (defaults used)\n"
        )
        assert 'sort = "newest"' in result.stdout


def test_keys_with_control_or_invisible_characters_are_refused(tmp_path: Path) -> None:
    """A key spec holding ESC, C1 or bidi characters would reach the footer and help raw."""
    path = write(
        tmp_path,
        '[keys]\nquit = "z"\nhelp = "\\u001b]0;pwned\\u0007"\nundo = "u\\u202e"\n',
    )
    config, problems = load_config(path)
    assert config.keys == {"quit": "z"}
    assert problems.lines() == [
        f"config {path}: key binding 'help' holds control or invisible characters (ignored)",
        f"config {path}: key binding 'undo' holds control or invisible characters (ignored)",
    ]


def test_measure_and_link_urls_are_checked_and_reach_the_page(tmp_path: Path) -> None:
    from reader.cli import page_options

    config, problems = load_config(write(tmp_path, 'measure = 66\nlink_urls = "inline"\n'))
    assert problems.items == []
    assert page_options(config).measure == 66 and page_options(config).link_urls == "inline"
    path = write(tmp_path, 'measure = 12\nlink_urls = "footer"\n')
    config, problems = load_config(path)
    lines = problems.lines()
    measure = "'measure' must be a whole number of columns from 30 to 1000, not 12"
    assert f"config {path}: {measure} (default used)" in lines
    link_urls = "'link_urls' must be one of end, inline, not 'footer'"
    assert f"config {path}: {link_urls} (default used)" in lines
    assert page_options(config).measure == 80 and page_options(config).link_urls == "end"
    _, problems = load_config(write(tmp_path, "measure = true\n"))
    assert len(problems.items) == 1
    result = run("config", "--show", "--config", str(write(tmp_path, "measure = 72\n")))
    assert "measure = 72" in result.stdout and 'link_urls = "end"' in result.stdout


def test_refresh_every_takes_seconds_or_a_duration_and_config_show_prints_it(
    tmp_path: Path,
) -> None:
    cases = [("0", 0.0), ('"30m"', 1800.0), ('"2h"', 7200.0), ("90", 90.0)]
    for value, seconds in cases:
        text = f"refresh_every = {value}"
        config, problems = load_config(write(tmp_path, text + "\n"))
        assert problems.items == [] and config.refresh_every == seconds
    path = write(tmp_path, 'refresh_every = "soon"\n')
    config, problems = load_config(path)
    assert config.refresh_every is None
    assert problems.lines() == [
        f"config {path}: 'refresh_every' must be seconds (0 or more) or a duration like "
        "\"30m\", \"2h\", \"1d\", not 'soon' (default used)"
    ]
    assert "refresh_every = 3600\n" in run("config", "--show").stdout
    shown = run("config", "--show", "--config", str(write(tmp_path, 'refresh_every = "1d"\n')))
    assert "refresh_every = 86400\n" in shown.stdout
