"""The user's own English (edits and translation memory) in SQLite in the data folder.

Not a cache: nothing here may be lost. SQLite gives what a JSON file cannot:
each save is one transaction (a crash or a full disk leaves the previous state
intact), two ``reader`` processes can write at once (WAL, a busy timeout), and
a translation memory of a million pairs is looked up by index. A damaged
file is an error the user sees, never silently replaced.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from reader.errors import ReaderError
from reader.store.paths import data_dir

ENGLISH_DB = "english.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS edits (
    document TEXT NOT NULL,       -- the document's content hash (its ids mean this text)
    sentence TEXT NOT NULL,       -- the sentence id, s3.p2.t4
    source TEXT NOT NULL,         -- the Chinese, to notice a mismatch
    target TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (document, sentence)
);
CREATE TABLE IF NOT EXISTS memory (
    key TEXT NOT NULL,            -- the normalised source sentence
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,         -- edited, human, or the file it was imported from
    note TEXT NOT NULL DEFAULT '',
    updated REAL NOT NULL,
    PRIMARY KEY (key, target)
);
CREATE INDEX IF NOT EXISTS memory_recent ON memory (key, updated);
"""
#: Bump with a migration when the schema changes.
SCHEMA_VERSION = 1


class UserDatabase:
    """One SQLite file of the user's own data: one connection, thread-safe, every write a
    transaction, every failure one line that names the file and says nothing was changed."""

    def __init__(self, path: Path, schema: str, version: int, what: str) -> None:
        self.path = path
        self._schema = schema
        self._version = version
        #: What the file holds, for messages ("your saved English").
        self._what = what
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA busy_timeout = 30000")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > self._version:
                    db.close()
                    raise ReaderError(
                        f"{self.path}: written by a newer reader (schema {version}); "
                        "upgrade reader to use it"
                    )
                with db:
                    db.executescript(self._schema)
                    db.execute(f"PRAGMA user_version = {self._version}")
            except sqlite3.DatabaseError as exc:
                raise self._error(exc) from None
            except OSError as exc:
                raise ReaderError(f"{self.path}: cannot open ({exc.strerror or exc})") from None
            self._db = db
        return self._db

    def _error(self, exc: sqlite3.Error) -> ReaderError:
        message = str(exc)
        if "full" in message:
            return ReaderError(f"{self.path.parent}: the disk is full; nothing was changed")
        if "readonly" in message or "read-only" in message:
            return ReaderError(f"{self.path}: read-only; nothing was changed")
        return ReaderError(f"{self.path}: cannot use {self._what} ({message})")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: all of it is saved, or none of it (committed before returning)."""
        with self._lock:
            db = self._connect()
            try:
                with db:
                    yield db
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """For reading; before anything was ever saved, an empty database (no file is made)."""
        with self._lock:
            if self._db is None and not self.path.exists():
                empty = sqlite3.connect(":memory:")
                empty.executescript(self._schema)
                try:
                    yield empty
                finally:
                    empty.close()
                return
            db = self._connect()
            try:
                yield db
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class EnglishDatabase(UserDatabase):
    """Your edits and translation memory (``english.sqlite``)."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(
            path or data_dir() / ENGLISH_DB, _SCHEMA, SCHEMA_VERSION, "your saved English"
        )
