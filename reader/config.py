"""The user's config file (UI-free): a TOML file of settings and key overrides.

`~/.config/reader/config.toml` on Linux (the platform's config directory), or the
file given with `--config`. A missing file means the defaults. An unknown setting
or a value of the wrong type gets a one-line message naming the setting and the
file, and that setting keeps its default; the reader still starts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from reader.escape import toml_string
from reader.keys import check_keymap
from reader.paths import short_path, tilde
from reader.sanitize import UNSAFE_RE, clean_line
from reader.sync.settings import FeverSettings, parse_fever
from reader.views import Sort

SORTS = tuple(sort.value for sort in Sort)
# The defaults of the settings (the one place: the app, the CLI and `config --show` use these).
DEFAULT_MARK_READ_AFTER = 2.0  # seconds a post is shown before it counts as read
DEFAULT_SORT = Sort.NEWEST.value
DEFAULT_THEME = "textual-dark"
DEFAULT_MEASURE = 80  # columns of body text
DEFAULT_LINK_URLS = "end"
DEFAULT_REFRESH_EVERY = 3600.0  # seconds: feeds older than this refresh when the reader starts
_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
LINK_URLS = ("end", "inline")  # where link addresses show: listed at the end, or in the text
MEASURE_RANGE = (30, 1000)  # columns of body text
DEFAULT = "default used"
NOTICE_ITEMS = 6  # mistakes listed in the notice; the rest are counted
MAX_SHOWN_CHARS = 40

EXAMPLE = """\
# reader's config file. Every setting is optional.
library = "~/notes/posts"      # the posts `reader` opens when given no PATH
theme = "gruvbox"              # a Textual theme name (ctrl+t lists them)
mark_read_after = 2.0          # seconds a post is shown before it counts as read
sort = "newest"                # newest | oldest | title | unread
measure = 80                   # columns of body text (30 to 1000)
link_urls = "end"              # end (numbered, listed under Links) | inline
refresh_every = "1h"           # feeds older than this refresh at start ("30m", 3600); 0: never

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
    measure: int | None = None
    link_urls: str | None = None
    refresh_every: float | None = None  # seconds; 0: never refresh feeds by themselves
    keys: dict[str, str] = field(default_factory=dict)
    sync_folder: Path | None = None
    sync_every: float | None = None  # minutes between background syncs
    sync: FeverSettings | None = None  # [sync.fever]
    path: Path | None = None


@dataclass(frozen=True)
class Mistake:
    """One mistake in a config file: what is wrong, and what the reader does instead."""

    text: str  # e.g. "unknown setting 'colour'": no file name, no outcome
    outcome: str = "ignored"  # or "default used", "defaults used"


@dataclass
class Mistakes:
    """The mistakes found in one config file, shown as stderr lines or as one notice."""

    file: Path
    items: list[Mistake] = field(default_factory=list)

    def __bool__(self) -> bool:
        """True when there is at least one mistake."""
        return bool(self.items)

    def lines(self) -> list[str]:
        """One line per mistake, naming the file: "config FILE: what (outcome)"."""
        shown = short_path(self.file)
        return [f"config {shown}: {item.text} ({item.outcome})" for item in self.items]

    def notice(self) -> str | None:
        """Every mistake in one notice that names the file once; None if there is none."""
        shown = short_path(self.file)
        count = len(self.items)
        if count == 0:
            return None
        if count == 1:
            item = self.items[0]
            return f"Config {shown}: {item.text} ({item.outcome})"
        listed = self.items[:NOTICE_ITEMS] if count > NOTICE_ITEMS + 1 else self.items
        lines = [f"Config {shown}: {count} mistakes, defaults used:"]
        lines += [f"• {item.text}" for item in listed]
        if len(listed) < count:
            lines.append(f"… and {count - len(listed)} more (reader config --show lists them)")
        return "\n".join(lines)


def load_config(path: Path, *, explicit: bool = False) -> tuple[Config, Mistakes]:
    """Read a config file; (config, its mistakes). Never raises.

    A missing file is fine unless it was named explicitly (`--config`).
    """
    mistakes = Mistakes(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is not a mistake
    except FileNotFoundError:
        if explicit:
            mistakes.items.append(Mistake("the file does not exist", "defaults used"))
        return Config(path=None), mistakes
    except (OSError, UnicodeDecodeError) as error:
        reason = clean_line(getattr(error, "strerror", None) or str(error))
        mistakes.items.append(Mistake(f"cannot read it: {reason}", "defaults used"))
        return Config(path=path), mistakes
    import tomllib  # here: most starts have no config file, and each start counts

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        reason = clean_line(str(error))
        mistakes.items.append(Mistake(f"not valid TOML ({reason})", "defaults used"))
        return Config(path=path), mistakes
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        mistakes.items.append(Mistake("not valid TOML (nested too deeply)", "defaults used"))
        return Config(path=path), mistakes
    config, items = parse_config(raw, path)
    mistakes.items += items
    return config, mistakes


def shown_value(value: object) -> str:
    """A config value as a mistake quotes it: short, one line, TOML-like."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = clean_line(str(value))
    if len(text) > MAX_SHOWN_CHARS:
        text = text[: MAX_SHOWN_CHARS - 1] + "…"
    return f"'{text}'" if isinstance(value, str) else text


def parse_config(raw: dict[str, object], path: Path) -> tuple[Config, list[Mistake]]:
    """Check every setting of a parsed file; bad ones are reported and left at default."""
    problems: list[Mistake] = []
    known = {f.name for f in fields(Config)} - {"path"}
    values: dict[str, object] = {}

    def bad(key: str, wanted: str, value: object) -> None:
        """Report a setting of the wrong type or value."""
        problems.append(Mistake(f"'{key}' must be {wanted}, not {shown_value(value)}", DEFAULT))

    for key, value in raw.items():
        if key not in known:
            problems.append(Mistake(f"unknown setting {shown_value(key)}"))
        elif key == "library":
            if isinstance(value, str) and value.strip():
                values[key] = Path(value).expanduser()
            else:
                bad(key, "a path (a string)", value)
        elif key == "theme":
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
            else:
                bad(key, "a theme name (a string)", value)
        elif key == "mark_read_after":
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and (math.isfinite(value) and value >= 0)
            ):
                values[key] = float(value)
            else:
                bad(key, "a number of seconds, 0 or more", value)
        elif key == "sort":
            if isinstance(value, str) and value in SORTS:
                values[key] = value
            else:
                bad(key, "one of " + ", ".join(SORTS), value)
        elif key == "measure":
            low, high = MEASURE_RANGE
            if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                values[key] = value
            else:
                bad(key, f"a whole number of columns from {low} to {high}", value)
        elif key == "link_urls":
            if isinstance(value, str) and value in LINK_URLS:
                values[key] = value
            else:
                bad(key, "one of " + ", ".join(LINK_URLS), value)
        elif key == "refresh_every":
            every = duration(value)
            if every is not None:
                values[key] = every
            else:
                bad(key, 'seconds (0 or more) or a duration like "30m", "2h", "1d"', value)
        elif key == "keys":
            values[key] = _keys(value, problems)
        elif key == "sync_folder":
            if isinstance(value, str) and value.strip():
                values[key] = Path(value).expanduser()
            else:
                bad(key, "a path (a string)", value)
        elif key == "sync_every":
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e6:
                values[key] = float(value)
            else:
                bad(key, "a number of minutes, more than 0", value)
        elif key == "sync":
            values[key] = _sync(value, problems)
    return Config(path=path, **values), problems  # type: ignore[arg-type]


def _sync(value: object, problems: list[Mistake]) -> FeverSettings | None:
    """The [sync] table: only [sync.fever] for now."""
    if not isinstance(value, dict):
        problems.append(Mistake("'sync' must be a table ([sync.fever])"))
        return None
    for key in value:
        if key != "fever":
            problems.append(Mistake(f"unknown setting 'sync.{shown_value(str(key))}'"))
    if "fever" not in value:
        return None
    fever, mistakes = parse_fever(value["fever"])
    problems += [Mistake(text, DEFAULT) for text in mistakes]
    return fever


def duration(value: object) -> float | None:
    """Seconds of a duration setting: a number (seconds) or "90s", "30m", "2h", "1d";
    None if it is none of those, negative, or not finite."""
    if isinstance(value, str):
        text = value.strip().lower()
        unit = _DURATION_UNITS.get(text[-1:]) if text else None
        number = text[:-1] if unit is not None else text
        try:
            seconds = float(number) * (unit or 1.0)
        except ValueError:
            return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _keys(value: object, problems: list[Mistake]) -> dict[str, str]:
    """The [keys] table: binding id -> comma-separated keys.

    Only ids of the key table (reader/keys.py) with keys Textual knows are kept, and no
    key may do two things in one place; each refused binding is one mistake.
    """
    if not isinstance(value, dict):
        problems.append(Mistake("'keys' must be a table of binding id = \"keys\""))
        return {}
    keys: dict[str, str] = {}
    for binding_id, spec in value.items():
        if isinstance(spec, str) and spec.strip() and not UNSAFE_RE.search(spec):
            keys[str(binding_id)] = spec.strip()
        elif isinstance(spec, str) and spec.strip():  # the footer and help would show it raw
            shown = shown_value(str(binding_id))
            problems.append(Mistake(f"key binding {shown} holds control or invisible characters"))
        else:
            shown = shown_value(str(binding_id))
            problems.append(
                Mistake(f"key binding {shown} must be a string of keys, not {shown_value(spec)}")
            )
    usable, refused = check_keymap(keys)
    problems += [Mistake(clean_line(text)) for text in refused]
    return usable


def describe(
    config: Config,
    *,
    library: Path,
    theme: str,
    mark_read_after: float,
    sort: str,
    keys: Mapping[str, str],
) -> str:
    """The effective settings as TOML, for `reader config --show` (only the keys in use)."""
    source = short_path(config.path) if config.path is not None else "none (defaults)"
    lines = [
        f"# config file: {source}",
        f"library = {toml_string(tilde(library))}",
        f"theme = {toml_string(theme)}",
        f"mark_read_after = {mark_read_after}",
        f"sort = {toml_string(sort)}",
        f"measure = {config.measure or DEFAULT_MEASURE}",
        f"link_urls = {toml_string(config.link_urls or DEFAULT_LINK_URLS)}",
        f"refresh_every = {refresh_every(config):g}",
    ]
    if config.sync_folder is not None:
        lines.append(f"sync_folder = {toml_string(tilde(config.sync_folder))}")
    if config.sync_every is not None:
        lines.append(f"sync_every = {config.sync_every:g}")
    lines += ["", "[keys]"]
    lines += [f"{_toml_key(k)} = {toml_string(v)}" for k, v in sorted(keys.items())]
    if config.sync is not None:  # never the password: only where it comes from
        fever = config.sync
        lines += ["", "[sync.fever]", f"url = {toml_string(fever.url)}"]
        lines.append(f"user = {toml_string(fever.user)}")
        if fever.password_file is not None:
            lines.append(f"password_file = {toml_string(tilde(fever.password_file))}")
        if fever.password_command is not None:
            argv = ", ".join(toml_string(a) for a in fever.password_command)
            lines.append(f"password_command = [{argv}]")
        if fever.folder is not None:
            lines.append(f"folder = {toml_string(tilde(fever.folder))}")
    return "\n".join(lines) + "\n"


def refresh_every(config: Config) -> float:
    """Seconds after which a feed is due again: the config's, else an hour (0: never)."""
    return DEFAULT_REFRESH_EVERY if config.refresh_every is None else config.refresh_every


def _toml_key(key: str) -> str:
    """A TOML key, quoted when it is not a bare key."""
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else toml_string(key)
