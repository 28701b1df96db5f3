"""Where reader keeps its files: the state file, the config dir and the bundled articles."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"
STATE_ENV = "READER_STATE"
STATE_FILENAME = "state.json"


def default_state_path() -> Path:
    """The state file: `$READER_STATE` if set and non-empty, else the user data dir's state.json.

    On Linux the data dir honours XDG_DATA_HOME (`~/.local/share/reader/state.json` by default).
    Nothing is created here.
    """
    override = os.environ.get(STATE_ENV, "")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME) / STATE_FILENAME


def config_dir() -> Path:
    """The user config dir for reader (honours XDG_CONFIG_HOME on Linux); not created here."""
    return platformdirs.user_config_path(APP_NAME)


def feeds_dir() -> Path:
    """Where `reader import feed` puts posts by default."""
    return platformdirs.user_data_path(APP_NAME) / "feeds"


def cache_dir() -> Path:
    """Where the reader keeps caches it can always rebuild (XDG_CACHE_HOME on Linux)."""
    return platformdirs.user_cache_path(APP_NAME)


def bundled_articles() -> Path:
    """The articles shipped with reader.

    A wheel install has them inside the package (`reader/articles`); an editable install
    falls back to the repository's top-level `articles/` directory.
    """
    package_dir = Path(__file__).parent
    inside = package_dir / "articles"
    if inside.is_dir():
        return inside
    return package_dir.parent / "articles"


def tilde(path: Path | str) -> str:
    """The path with the home directory written as `~` (absolute paths under it only)."""
    text = os.fspath(path)
    home = os.path.expanduser("~").rstrip(os.sep)
    if home in ("", "~") or not os.path.isabs(text):
        return text
    if text == home:
        return "~"
    if text.startswith(home + os.sep):
        return "~" + os.sep + text[len(home) + 1 :]
    return text


def short_path(path: Path | str) -> str:
    """The path as shown to the user: one clean line, the home directory as `~`.

    Relative paths are shown as given.
    """
    from reader.sanitize import clean_line

    return clean_line(tilde(path))
