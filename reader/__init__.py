"""reader: a keyboard-driven terminal reader for a collection of posts."""

__version__ = "0.1.0"
