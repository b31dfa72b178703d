"""Errors a user can cause: each carries one line that the CLI prints as is."""


class ReaderError(Exception):
    """A problem with the user's input or environment, not a bug in reader."""


class DocumentError(ReaderError):
    """A file that cannot be read as a Chinese text document."""
