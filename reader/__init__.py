"""reader: read Chinese text in a terminal with an English translation beside it."""

__version__ = "0.1.0"
