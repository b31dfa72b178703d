"""The two documents reader ships with, found inside the installed package."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def bundled_seeds() -> list[Path]:
    """Paths of the bundled seed documents, in a stable order."""
    root = files("reader") / "seeds"
    with as_file(root) as folder:
        return sorted(Path(folder).glob("*.txt"))


def bundled_translation(path: str | Path) -> str | None:
    """A bundled sample's own human translation (``seeds/english/NAME``), if it has one."""
    candidate = files("reader") / "seeds" / "english" / Path(path).name
    with as_file(candidate) as found:
        if (
            Path(found).is_file()
            and Path(path).resolve().parent == Path(found).parent.parent.resolve()
        ):
            return str(found)
    return None


def translation_to_open(sha256: str, path: str | Path | None) -> str | None:
    """The English to read a document with when none is named: the one it was last read
    with, else a bundled sample's own, unless it was detached (read without, by choice)."""
    from reader.store.state import attached_english, detached_english

    if detached_english(sha256):
        return None
    return attached_english(sha256) or (bundled_translation(path) if path else None)
