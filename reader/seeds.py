"""The two documents reader ships with, found inside the installed package."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def bundled_seeds() -> list[Path]:
    """Paths of the bundled seed documents, in a stable order."""
    root = files("reader") / "seeds"
    with as_file(root) as folder:
        return sorted(Path(folder).glob("*.txt"))
