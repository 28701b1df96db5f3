"""Split a post into its front matter fields and its Markdown body.

Two front matter styles are understood:

* YAML (Jekyll, Hugo): the first line is ``---``, closed by ``---`` or ``...``.
* TOML (Zola, Hugo): the first line is ``+++``, closed by ``+++``.

A file that begins with ``---`` or ``+++`` is not always front matter: in
CommonMark ``---`` is a thematic break (or underlines a setext heading) and
``+++`` a paragraph. So the block counts as front matter only when it parses as
a table of fields (or is empty); a block that is not meant as fields (its first
line is not ``key: value`` / ``key = value``) leaves the whole file as Markdown.
Only a block meant as fields that cannot be used is an error.

YAML is loaded with PyYAML's safe loader (the C version when available), so
tags such as ``!!python/object`` are rejected rather than executed, and front
matter whose aliases would expand to an unreasonable size is refused before
any value is built, so an alias bomb can neither hang the reader nor exhaust
memory. Raw control characters in front matter are replaced by visible
symbols (see reader.sanitize.clean_text) before parsing, since both YAML and
TOML would otherwise reject the whole block. The plainest YAML (`key: value` lines
of strings, dates and word lists) is read by reader.simple_yaml, exactly as PyYAML
would read it, without building a loader per post. PyYAML is imported
on first use only, to keep start-up fast.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from reader.sanitize import clean_text
from reader.simple_yaml import parse_simple

__all__ = ["MAX_YAML_NODES", "FrontMatterError", "split_front_matter"]

#: YAML front matter that expands (aliases resolved) to more values than this is refused.
MAX_YAML_NODES = 10_000

_BOM = "\ufeff"
# A closing line: the delimiter, optional trailing blanks (and a CR from CRLF files).
_YAML_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_CLOSE_RE = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
# A line that is a field: `key: value` / `"quoted key": value` (YAML), `key = value` or
# `[table]` (TOML). A Markdown line after a thematic break rarely looks like these.
_YAML_FIELD_RE = re.compile(r"""(?:[\w.-]+|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)""")
_TOML_FIELD_RE = re.compile(r"""(?:\[\[?[ \t]*[\w"'.-]|(?:[\w.-]+|"[^"]*"|'[^']*')[ \t]*[.=])""")


# What clean_text changes in ASCII text: C0 controls but tab and line feed (CR too), DEL.
_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _clean_block(raw: str) -> str:
    """clean_text(raw), without a copy for the usual block (ASCII, no control character)."""
    if raw.isascii() and _ASCII_CONTROL_RE.search(raw) is None:
        return raw
    return clean_text(raw)


class FrontMatterError(ValueError):
    """Front matter that cannot be used; the message is one human-readable line."""


def _first_line(message: object) -> str:
    """Return the first non-blank line of str(message), for one-line error messages."""
    for line in str(message).splitlines():
        if line.strip():
            return line.strip()
    return type(message).__name__


def _yaml_problem(exc: Any) -> str:
    """Describe a PyYAML error in one line, with the line number in the post file."""
    problem = _first_line(exc.problem or exc.context or exc)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return problem
    # Mark lines count from 0 at the first front matter line, which is line 2 of the file.
    return f"{problem} (line {mark.line + 2})"


def _opening(text: str) -> tuple[str, int] | None:
    """Return (delimiter, offset just after the opening line), or None if there is none."""
    end = text.find("\n")
    first = text if end == -1 else text[:end]
    delimiter = first.rstrip(" \t\r")
    if delimiter not in ("---", "+++"):
        return None
    return delimiter, len(text) if end == -1 else end + 1


def _is_field(line: str, delimiter: str) -> bool:
    """Whether a line is `key: value` (or `key:`) for YAML, `key = value` or `[table]` for TOML."""
    field_re = _YAML_FIELD_RE if delimiter == "---" else _TOML_FIELD_RE
    return field_re.match(line.strip()) is not None


def _looks_like_fields(block: str, delimiter: str) -> bool:
    """Whether a closed block is meant as fields: its first line that is not blank or a
    comment is a field (see _is_field)."""
    for line in block.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return _is_field(stripped, delimiter)
    return False


def split_front_matter(text: str, *, complete: bool = True) -> tuple[dict[str, object], str]:
    """Return (fields, body) for a post's text.

    Front matter is the block between an opening `---` (or `+++`) line and its
    closing line when that block parses as a table of fields, or is empty (blank
    lines and comments only). A file that begins with `---` or `+++` otherwise (a
    thematic break, a setext heading, a paragraph) is Markdown: the result is
    ``({}, text)``, as for a file without front matter. The body is everything after
    the closing delimiter line, unchanged.

    Raises FrontMatterError only for a block meant as fields that cannot be used: its
    first line that is not blank or a comment looks like `key: value` (`key = value`
    or `[table]` in TOML) but the block does not parse (or is an alias bomb, or nests
    too deeply), or its very first line is such a field but it is never closed. With
    ``complete=False`` (the text is the start of a longer file) any block not closed
    yet raises too, so that the caller reads on.
    """
    source = text[1:] if text.startswith(_BOM) else text
    if not source.startswith(("---", "+++")):
        return {}, text
    opening = _opening(source)
    if opening is None:
        return {}, text
    delimiter, start = opening
    close_re = _YAML_CLOSE_RE if delimiter == "---" else _TOML_CLOSE_RE
    match = close_re.search(source, start)
    if match is None:
        # Never closed: fields only if they start at once (a thematic break is mostly
        # followed by a blank line, a heading or a paragraph).
        end = source.find("\n", start)
        first = source[start:] if end == -1 else source[start:end]
        if not complete or _is_field(first, delimiter):
            raise FrontMatterError(f"front matter opened with {delimiter} is never closed")
        return {}, text
    # YAML and TOML both refuse raw control characters (a stray ESC would make
    # the whole post unreadable); show them as visible symbols instead.
    raw = _clean_block(source[start : match.start()])
    body_start = match.end() + 1 if match.end() < len(source) else match.end()
    body = source[body_start:]
    try:
        data = _load_yaml(raw) if delimiter == "---" else _load_toml(raw)
    except FrontMatterError:
        if _looks_like_fields(raw, delimiter):
            raise
        return {}, text
    if data is None:  # empty, or only comments: no fields, as Jekyll reads `---` `---`
        return {}, body
    if not isinstance(data, dict):  # a scalar (a setext heading), a list: Markdown
        return {}, text
    return {str(key): value for key, value in data.items()}, body


def _load_toml(raw: str) -> object:
    """Parse TOML front matter; tomllib always yields a table."""
    import tomllib  # here: only posts with TOML front matter need it (not every start)

    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"front matter is not valid TOML: {_first_line(exc)}") from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None


def _load_yaml(raw: str) -> object:
    """Parse YAML front matter safely (no object construction, bounded alias expansion)."""
    if not raw.strip():
        return None
    simple = parse_simple(raw)  # most posts: a few `key: value` lines, read 10x faster
    if simple is not None:
        return simple
    import yaml  # deferred: importing PyYAML costs start-up time

    loader = _safe_loader()(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in raw:  # only alias references can make the document grow
            _check_expansion(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {_yaml_problem(exc)}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {_first_line(exc)}") from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    finally:
        loader.dispose()


def _check_expansion(root: Any) -> None:
    """Raise FrontMatterError if the node graph, with aliases expanded, is too big.

    Aliases make the composed graph share nodes; a "billion laughs" document is
    small as a graph but astronomically large once expanded (as any code that
    walks the loaded value would do). Sizes are memoised per node, so this
    runs in time linear in the graph.
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        """Return the number of nodes under node, counting shared nodes every time."""
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle (recursive alias) counts once instead of looping
        total = 1
        if isinstance(node.value, list):
            for item in node.value:
                if isinstance(item, tuple):
                    total += size(item[0]) + size(item[1])
                else:
                    total += size(item)
        sizes[id(node)] = total
        return total

    expanded = size(root)
    if expanded > MAX_YAML_NODES:
        raise FrontMatterError(
            f"front matter expands to too many YAML values ({expanded:,}; alias bomb?)"
        )


@cache
def _safe_loader() -> Any:
    """Return PyYAML's safe loader class, tolerant of impossible timestamps.

    PyYAML turns ``date: 2020-13-45`` into a ValueError that would make the
    whole post unreadable; this loader keeps such a value as a plain string so
    that only the date is lost.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc, valid-type]
        """Safe loader whose timestamps fall back to strings when out of range."""

    def construct_timestamp(loader: Any, node: Any) -> object:
        """Build a datetime/date, or keep the text if it is not a real date."""
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return _Loader
