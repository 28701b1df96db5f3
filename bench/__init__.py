"""The reader's benchmark: `python -m bench` (see bench/__main__.py).

It generates libraries of synthetic posts, drives the installed `reader` command in
a real pseudo-terminal beside a bare Textual app (the floor), and reports medians,
spreads, ratios to the floor and whether each target is met.
"""
