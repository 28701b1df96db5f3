"""Escaping untrusted text into the quoted strings the reader writes (UI-free).

One table for YAML and TOML double-quoted strings (front matter of imported posts,
`reader config --show`) and one for JSON (`reader list --json`, `reader export`).
Every character the terminal could obey or hide (reader.sanitize.UNSAFE_RE) is
escaped, so the output stays one line per value and reads back exactly; a lone
surrogate, which neither YAML nor TOML can hold, is written as U+FFFD in both.
"""

from __future__ import annotations

import json
import re

from reader.sanitize import UNSAFE_RE

__all__ = ["QUOTED_UNSAFE_RE", "json_text", "quoted_escape", "toml_string", "yaml_json"]

#: Characters written as escapes in a YAML or TOML double-quoted string: those
#: reader.sanitize would change (controls, format characters, separators, surrogates),
#: and the two noncharacters YAML refuses raw.
QUOTED_UNSAFE_RE = re.compile(f"{UNSAFE_RE.pattern}|[\ufffe\uffff]")


def quoted_escape(match: re.Match[str]) -> str:
    """A character as a YAML or TOML double-quoted string escape (a lone surrogate as U+FFFD)."""
    code = ord(match[0])
    if 0xD800 <= code <= 0xDFFF:
        return "\\ufffd"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def yaml_json(value: object) -> str:
    """A front matter value as JSON (a subset of YAML), which YAML reads back exactly."""
    return QUOTED_UNSAFE_RE.sub(quoted_escape, json.dumps(value, ensure_ascii=False))


def toml_string(text: str) -> str:
    """A TOML basic string (one line: a newline is escaped too)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{QUOTED_UNSAFE_RE.sub(quoted_escape, escaped)}"'


def _json_escape(match: re.Match[str]) -> str:
    """A character as a JSON escape (a surrogate pair beyond the Basic Multilingual Plane)."""
    code = ord(match[0])
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: object) -> str:
    """Pretty JSON with non-ASCII text kept readable, but every character the terminal could
    obey or hide (controls, bidi and format characters, lone surrogates) escaped: lossless."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return UNSAFE_RE.sub(_json_escape, text) + "\n"
