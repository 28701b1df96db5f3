"""Rendering throughput: our page renderer beside Rich's Markdown, on the same documents.

The documents are the bench's own: the bodies of the 20-post library and the 1 MB post.
Each renderer lays every document out at 80 columns, a few times over; a sample is the
megabytes of Markdown per second of one pass over all of them. Rich's Markdown is what
the reader used before reader.page (`rich.markdown.Markdown`, rendered to lines).

    python -m bench.throughput [--cache DIR]    # a quick look, without the rest of the bench
"""

from __future__ import annotations

import argparse
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

PASSES = 3
WIDTH = 80


@dataclass
class Throughput:
    """MB/s samples of each renderer (one per pass over the documents)."""

    megabytes: float = 0.0
    page: list[float] = field(default_factory=list)
    rich: list[float] = field(default_factory=list)


def documents(folders: list[Path]) -> list[str]:
    """The Markdown bodies of every post in some library folders."""
    from reader.library import load_post, read_body

    bodies = []
    for folder in folders:
        for path in sorted(folder.rglob("*.md")):
            bodies.append(read_body(load_post(path, folder)))
    return bodies


def _page_pass(bodies: list[str]) -> None:
    from reader.render import render_article

    for body in bodies:
        render_article("", "", body, WIDTH)


def _rich_pass(bodies: list[str]) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(width=WIDTH, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False)  # fmt: skip
    options = console.options
    for body in bodies:
        console.render_lines(Markdown(body, hyperlinks=False), options, pad=False)


def measure(bodies: list[str], passes: int = PASSES) -> Throughput:
    """Both renderers over the same bodies, passes interleaved (the load hits both alike)."""
    result = Throughput(megabytes=sum(len(body.encode()) for body in bodies) / 1_000_000)
    if not bodies:
        return result
    _page_pass(bodies[:1])  # imports and caches warmed for both
    _rich_pass(bodies[:1])
    for _ in range(passes):
        for run, samples in ((_page_pass, result.page), (_rich_pass, result.rich)):
            started = time.perf_counter()
            run(bodies)
            samples.append(result.megabytes / (time.perf_counter() - started))
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the two renderers' throughput on the bench's documents."""
    from bench.generate import CACHE_DIR, big_spec, ensure, size_spec

    parser = argparse.ArgumentParser(prog="python -m bench.throughput")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    folders = [ensure(spec, args.cache)[0] for spec in (size_spec(20), big_spec())]
    found = measure(documents(folders))
    print(f"{found.megabytes:.2f} MB of Markdown, {PASSES} passes")
    print("reader.page   MB/s:", ", ".join(f"{value:.2f}" for value in found.page))
    print("Rich Markdown MB/s:", ", ".join(f"{value:.2f}" for value in found.rich))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
