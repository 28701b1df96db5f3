"""The Markdown parser and a light block tree over its tokens (UI-free).

CommonMark plus footnotes, tables, strikethrough, task lists and definition lists
(markdown-it-py and mdit-py-plugins). Footnote definitions are left in place (no
`footnote_tail`): the page puts the notes at the end itself, numbered across chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from reader.pieces import line_pieces
from reader.sanitize import UNSAFE_RE, clean_line, clean_text

_FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one Markdown parser of the page."""
    md = MarkdownIt("commonmark", {"linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin, move_to_end=False)
    md.use(tasklists_plugin)
    md.use(deflist_plugin)
    return md


def new_env(body: str) -> dict[str, Any]:
    """A parser environment shared by every chunk of a body: its reference links and
    footnote labels are known from the start, wherever they are defined."""
    env: dict[str, Any] = {}
    # A piece of lines at a time (a label is on one line): a 1 MB body holds no lock long.
    labels = {
        ":" + label: -1 for piece in line_pieces(body) for label in _FOOTNOTE_DEF_RE.findall(piece)
    }
    env["footnotes"] = {"refs": labels, "list": {}}
    return env


def parse(text: str, env: dict[str, Any]) -> list[Token]:
    """Parse Markdown into tokens whose text is safe to show."""
    tokens = parser().parse(text, env)
    clean_tokens(tokens)
    return tokens


def clean_tokens(tokens: list[Token]) -> None:
    """Make the text and attributes of parsed tokens (and their children) safe to show."""
    for token in tokens:
        if token.content and UNSAFE_RE.search(token.content):
            token.content = clean_text(token.content)
        for name, value in token.attrs.items():
            if isinstance(value, str) and UNSAFE_RE.search(value):
                token.attrs[name] = clean_line(value)
        if token.children:
            clean_tokens(token.children)


@dataclass(slots=True)
class Node:
    """A block token with the blocks inside it (`inline` tokens keep their flat children)."""

    token: Token
    children: list[Node] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The block's kind: "paragraph", "bullet_list", "fence"..."""
        kind = self.token.type
        return kind[:-5] if kind.endswith("_open") else kind


def block_tree(tokens: list[Token]) -> list[Node]:
    """The block tokens as a tree of nodes (open/close pairs become one node)."""
    root: list[Node] = []
    stack: list[list[Node]] = [root]
    for token in tokens:
        if token.nesting == 1:
            node = Node(token)
            stack[-1].append(node)
            stack.append(node.children)
        elif token.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].append(Node(token))
    return root


_REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)


def reference_definitions(body: str) -> str:
    """Every reference-style link definition of a body, one per line.

    Searched a piece of lines at a time (a definition is one line), so that a 1 MB
    body does not hold the interpreter lock for the whole search.
    """
    return "\n".join(
        match.group(0).strip()
        for piece in line_pieces(body)
        for match in _REFERENCE_RE.finditer(piece)
    )
