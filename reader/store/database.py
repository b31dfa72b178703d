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
from reader.store.faults import (
    is_damaged,
    is_locked,
    open_when_free,
    os_problem,
    sqlite_problem,
)
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

    def __init__(
        self, path: Path, schema: str, version: int, what: str, *, timeout: float = 30.0
    ) -> None:
        self.path = path
        #: Seconds to wait for another process's write before saying so.
        self.timeout = timeout
        self._schema = schema
        self._version = version
        #: What the file holds, for messages ("your saved English").
        self._what = what
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        #: Why nothing can be written, when the file could only be opened for reading.
        self._read_only: ReaderError | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                # A read-only folder or file can still be read (a read-only home): writes
                # then say why they cannot be made.
                no_fallback = is_damaged(exc) or is_locked(exc)
                self._db = None if no_fallback else self._open_read_only()
                if self._db is None:
                    raise self._error(exc) from None
                self._read_only = self._error(exc)
            except OSError as exc:
                self._db = self._open_read_only()
                if self._db is None:
                    raise ReaderError(
                        f"{os_problem(exc, self.path)}; nothing was changed"
                    ) from None
                self._read_only = ReaderError(f"{os_problem(exc, self.path)}; nothing was changed")
        return self._db

    def _open(self) -> sqlite3.Connection:
        """The file, made WAL and given its schema if new (again while another reader
        is doing the same: :func:`open_when_free`)."""
        return open_when_free(self._open_once, self.timeout)

    def _open_once(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > self._version:
                raise ReaderError(
                    f"{self.path}: written by a newer reader (schema {version}); "
                    "upgrade reader to use it"
                )
            if version < self._version:  # a new file (or, one day, a migration)
                with db:
                    db.executescript(self._schema)
                    db.execute(f"PRAGMA user_version = {self._version}")
        except BaseException:
            db.close()
            raise
        return db

    def _open_read_only(self) -> sqlite3.Connection | None:
        """The file for reading only, if it exists and can be read as it is."""
        if not self.path.is_file():
            return None
        uri = self.path.resolve().as_uri()
        # A WAL file in a folder that cannot take its -shm opens only as immutable.
        for query in ("?mode=ro", "?immutable=1"):
            db = sqlite3.connect(uri + query, uri=True, check_same_thread=False)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version == self._version:
                    return db
            except sqlite3.Error:
                pass
            db.close()
        return None

    def _error(self, exc: sqlite3.Error) -> ReaderError:
        """One line naming the file. A damaged file is refused, never replaced: it is
        the user's work, and a backup (or SQLite's ``.recover``) may still save it."""
        if is_damaged(exc):
            return ReaderError(
                f"{self.path}: damaged, cannot use {self._what} ({exc}); left as it is: "
                "restore it from a backup, or move it away to start afresh"
            )
        problem = sqlite_problem(exc, self.path)
        if problem == f"{self.path}: {exc}":
            problem = f"{self.path}: cannot use {self._what} ({exc})"
        return ReaderError(f"{problem}; nothing was changed")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: all of it is saved, or none of it (committed before returning)."""
        with self._lock:
            db = self._connect()
            if self._read_only is not None:
                raise self._read_only
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
                self._read_only = None


class EnglishDatabase(UserDatabase):
    """Your edits and translation memory (``english.sqlite``)."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(
            path or data_dir() / ENGLISH_DB, _SCHEMA, SCHEMA_VERSION, "your saved English"
        )
