"""Links: found in Markdown, and only safe ones opened, never through a shell."""

from __future__ import annotations

import webbrowser

import pytest

from reader.links import extract_links, open_link, unsafe_reason


def test_extract_links_finds_inline_reference_and_autolinks_once() -> None:
    body = (
        "See [the docs](https://a.example/docs), <https://b.example> and [ref][r].\n\n"
        "Again [the docs](https://a.example/docs). ![img](pic.png)\n\n[r]: mailto:me@example.org\n"
    )
    links = extract_links(body)
    assert [(link.text, link.url) for link in links] == [
        ("the docs", "https://a.example/docs"),
        ("https://b.example", "https://b.example"),
        ("ref", "mailto:me@example.org"),
        ("image: img", "pic.png"),  # images join the links, so f can open them
    ]


@pytest.mark.parametrize("url", ["https://example.org/x", "http://example.org", "mailto:a@b.c"])
def test_safe_links_are_opened_with_webbrowser(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda target, new=0: opened.append(target) or True)
    assert open_link(url) is None
    assert opened == [url]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>",
        "ssh://host",
        "/relative/path",
        "",
        "https://example.org/\x1b[31m",
        "https://x/" + "a" * 5000,
    ],
)
def test_unsafe_links_are_refused_with_a_reason(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda target, new=0: opened.append(target) or True)
    reason = open_link(url)
    assert reason is not None and "\n" not in reason
    assert unsafe_reason(url) == reason
    assert opened == []


def test_a_machine_without_a_browser_gets_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda target, new=0: False)
    assert open_link("https://example.org") == "no web browser could open the link"
