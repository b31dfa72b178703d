"""A cache database written whole or not at all.

The CC-CEDICT index, jieba's word table and pypinyin's reading table are each
built once from a library's data and then only read. Built in a temporary file
beside the target with SQLite's journal and syncing off (an interrupted build
is simply done again: the file is renamed into place only when it is whole), a
build is several times quicker, and a reader never opens half a table.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from reader.store.atomic import atomic_path


@contextlib.contextmanager
def built_database(target: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """A connection to a new database with ``schema``; committed and renamed to ``target``
    when the block ends without an error, else discarded (``target`` unchanged)."""
    with atomic_path(target) as temp:
        db = sqlite3.connect(temp)
        try:
            db.executescript(f"PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n{schema}")
            yield db
            db.commit()
        finally:
            db.close()
