"""The user's config file (UI-free): a TOML file of settings and key overrides.

`~/.config/reader/config.toml` on Linux (the platform's config directory), or the
file given with `--config`. A missing file means the defaults. An unknown setting
or a value of the wrong type gets a one-line message naming the setting and the
file, and that setting keeps its default; the reader still starts.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

SORTS = ("newest", "oldest", "title", "unread")

EXAMPLE = """\
# reader's config file. Every setting is optional.
library = "~/notes/posts"      # the posts `reader` opens when given no PATH
theme = "gruvbox"              # a Textual theme name (ctrl+t lists them)
mark_read_after = 2.0          # seconds a post is shown before it counts as read
sort = "newest"                # newest | oldest | title | unread

[keys]                         # binding id = "keys" (comma-separated)
next_unread = "n,ctrl+n"
toggle_bookmark = "b"
"""


@dataclass(frozen=True)
class Config:
    """Settings read from the config file (None: not set, use the default)."""

    library: Path | None = None
    theme: str | None = None
    mark_read_after: float | None = None
    sort: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def load_config(path: Path, *, explicit: bool = False) -> tuple[Config, list[str]]:
    """Read a config file; (config, one-line problems). Never raises.

    A missing file is fine unless it was named explicitly (`--config`).
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems = [f"config file {path} does not exist; using the defaults"] if explicit else []
        return Config(path=None), problems
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return Config(path=path), [f"cannot read config file {path}: {reason}; using the defaults"]
    except tomllib.TOMLDecodeError as error:
        return Config(path=path), [
            f"config file {path} is not valid TOML ({error}); using the defaults"
        ]
    return parse_config(raw, path)


def parse_config(raw: dict[str, object], path: Path) -> tuple[Config, list[str]]:
    """Check every setting of a parsed file; bad ones are reported and left at default."""
    problems: list[str] = []
    known = {f.name for f in fields(Config)} - {"path"}
    values: dict[str, object] = {}

    def bad(key: str, wanted: str) -> None:
        """Report a setting of the wrong type."""
        problems.append(f"{path}: setting '{key}' must be {wanted}; using the default")

    for key, value in raw.items():
        if key not in known:
            problems.append(f"{path}: unknown setting '{key}' (ignored)")
        elif key == "library":
            if isinstance(value, str) and value.strip():
                values[key] = Path(value).expanduser()
            else:
                bad(key, "a path (a string)")
        elif key == "theme":
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
            else:
                bad(key, "a theme name (a string)")
        elif key == "mark_read_after":
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and (math.isfinite(value) and value >= 0)
            ):
                values[key] = float(value)
            else:
                bad(key, "a number of seconds, 0 or more")
        elif key == "sort":
            if isinstance(value, str) and value in SORTS:
                values[key] = value
            else:
                bad(key, "one of " + ", ".join(SORTS))
        elif key == "keys":
            values[key] = _keys(value, path, problems)
    return Config(path=path, **values), problems  # type: ignore[arg-type]


def _keys(value: object, path: Path, problems: list[str]) -> dict[str, str]:
    """The [keys] table: binding id -> comma-separated keys."""
    if not isinstance(value, dict):
        problems.append(f"{path}: 'keys' must be a table of binding id = \"keys\"; ignored")
        return {}
    keys: dict[str, str] = {}
    for binding_id, spec in value.items():
        if isinstance(spec, str) and spec.strip():
            keys[str(binding_id)] = spec.strip()
        else:
            problems.append(f"{path}: key binding '{binding_id}' must be a string of keys; ignored")
    return keys


def describe(
    config: Config, *, library: Path, theme: str, mark_read_after: float, sort: str
) -> str:
    """The effective settings as TOML, for `reader config --show`."""
    source = str(config.path) if config.path is not None else "none (defaults)"
    lines = [
        f"# config file: {source}",
        f"library = {_toml_string(str(library))}",
        f"theme = {_toml_string(theme)}",
        f"mark_read_after = {mark_read_after}",
        f"sort = {_toml_string(sort)}",
        "",
        "[keys]",
    ]
    lines += [f"{_toml_key(k)} = {_toml_string(v)}" for k, v in sorted(config.keys.items())]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _toml_key(key: str) -> str:
    """A TOML key, quoted when it is not a bare key."""
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else _toml_string(key)
