"""Links in posts (UI-free): find them, and open only the safe ones.

Only http, https and mailto links are ever opened, and only through the standard
`webbrowser` module (never a shell). Anything else, `javascript:`, `file:` or an odd
scheme, is refused with a one-line reason.
"""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_URL_CHARS = 4096
NO_BROWSER = "no web browser could open the link"


@dataclass(frozen=True, slots=True)
class Link:
    """A link of a post: its text and its target."""

    text: str
    url: str


def unsafe_reason(url: str) -> str | None:
    """Why a URL must not be opened, or None when it is fine to open."""
    if not url.strip():
        return "the link is empty"
    if len(url) > MAX_URL_CHARS:
        return "the link is too long"
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return "the link holds control characters"
    scheme = urlsplit(url.strip()).scheme.lower()
    if not scheme:
        return f"“{url[:60]}” is not a web link (no http, https or mailto)"
    if scheme not in SAFE_SCHEMES:
        return f"{scheme}: links are not opened (only http, https and mailto)"
    return None


def launch_browser(url: str) -> bool:
    """Open a link that unsafe_reason passed in the web browser; False when none could.

    On a machine with no browser (ssh, headless) `webbrowser` finds none and says False.
    """
    try:
        return bool(webbrowser.open(url.strip(), new=2))
    except webbrowser.Error:
        return False


def open_link(url: str) -> str | None:
    """Open a safe link in the web browser; a one-line problem (NO_BROWSER...), or None."""
    reason = unsafe_reason(url)
    if reason is not None:
        return reason
    return None if launch_browser(url) else NO_BROWSER


def extract_links(markdown: str) -> list[Link]:
    """Every link and image of a Markdown body, in the page's numbering (first use first,
    one entry per address): the list `f` shows is the one the page numbers."""
    from reader.render import render_article

    return [Link(link.text, link.url) for link in render_article("", "", markdown, 80).links]
