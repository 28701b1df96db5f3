"""What the end-to-end tests know about the reader's screen: the bundled titles, the
markers, and how to split a screen line into the sidebar and the article pane."""

from __future__ import annotations

FIRST = "Product Centric Selling, It Really Is About Us!"
SECOND = "Do We Even Need Sales People Anymore"
THIRD = "A Paradox, The Sales Process And The Buying Journey"
PANE_BORDER = "▕"  # the sidebar's right border, between the two panes
UNREAD = "●"
BOOKMARK = "★"
# Far longer than any test runs: a post shown this long is never marked read by time.
NEVER = "600"


def pane_lines(text: str) -> list[tuple[str, str]]:
    """(sidebar part, article part) of every screen line that shows both panes."""
    return [
        (left, right)
        for line in text.splitlines()
        if PANE_BORDER in line
        for left, _, right in [line.partition(PANE_BORDER)]
    ]
