"""Translation cache: SQLite in the user cache directory, shared by every document.

Keyed by translator (model name and version), decoding options, the glossary
terms that apply to the sentence, and the source sentence, so the same
sentence in two documents is translated once, and a changed glossary entry or
decoding setting is never answered from a stale row. WAL mode lets two reader
processes read and write at once.

A cache is disposable: losing it costs time, never a crash. So every failure
ends in going on, with one line said (a :class:`CacheWarning`):

- a damaged file, found at open or mid-use (damage inside table pages passes
  the open check), is moved aside (one ``.corrupt-TIME`` copy kept) and rebuilt;
- a file from another schema version is started afresh in place;
- a file that cannot be written (read-only folder or file, full disk, locked by
  another process past the timeout) is still read if it can be, and this run's
  new translations are kept in memory;
- :meth:`TranslationCache.clear` works on any state of the file: what SQL
  cannot clear is deleted.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from reader.errors import ReaderError
from reader.store.faults import (
    StorageWarning,
    is_damaged,
    open_when_free,
    os_problem,
    sqlite_problem,
)
from reader.store.faults import warn as _warn
from reader.store.paths import cache_dir

CACHE_FILE = "translations.sqlite"
#: Bump with a migration (or nothing: an older cache is then started afresh).
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    translator TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    flag TEXT,
    created REAL NOT NULL
);
"""
_COLUMNS = ["key", "translator", "source", "target", "flag", "created"]
_T = TypeVar("_T")
#: A string as ``json.dumps(..., ensure_ascii=False)`` writes it (quoted, escaped).
_string: Callable[[str], str] = json.encoder.encode_basestring


class CacheWarning(StorageWarning):
    """The cache file was damaged and rebuilt, or cannot be written this run."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    path: Path
    entries: int
    size_bytes: int
    translators: dict[str, int]


def cache_key(translator: str, options: str, terms: Sequence[tuple[str, str]], source: str) -> str:
    """The SHA-256 of ``json.dumps([translator, options, sorted(terms), source],
    ensure_ascii=False)``, that text put together from its strings (a novel asks for
    100,000 keys: the encoder's setup cost more than the hash)."""
    pairs = ", ".join(f"[{_string(zh)}, {_string(en)}]" for zh, en in sorted(terms))
    payload = f"[{_string(translator)}, {_string(options)}, [{pairs}], {_string(source)}]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def warn(message: str) -> None:
    _warn(message, CacheWarning)


def _empty() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.executescript(_SCHEMA)
    return db


class TranslationCache:
    """Thread-safe get/put of sentence translations; never raises but from :meth:`clear`."""

    def __init__(self, path: Path | None = None, *, timeout: float = 30.0) -> None:
        self.path = path or cache_dir() / CACHE_FILE
        #: Seconds to wait for another process's write before giving up on the file.
        self.timeout = timeout
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        #: Why the file is not being written this run ("" while it is).
        self.problem = ""
        #: New translations the file could not take: ``{key: (translator, target, flag)}``.
        self._memory: dict[str, tuple[str, str, str | None]] = {}

    # -- opening -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except OSError as exc:
            self._stop_writing(os_problem(exc, self.path))
            self._db = self._open_for_reading()
        except sqlite3.DatabaseError as exc:
            if is_damaged(exc) and self._set_aside(exc):
                try:
                    self._db = self._open()
                except (OSError, sqlite3.DatabaseError) as again:
                    self._stop_writing(self._describe(again))
                    self._db = _empty()
            else:
                self._stop_writing(self._describe(exc))
                self._db = self._open_for_reading()
        return self._db

    def _open(self) -> sqlite3.Connection:
        # Two processes making a new cache at once: wait for the other (open_when_free).
        return open_when_free(self._open_once, self.timeout)

    def _open_once(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            self._check_schema(db)
        except BaseException:
            db.close()
            raise
        return db

    def _check_schema(self, db: sqlite3.Connection) -> None:
        """Migrate (schema 0 is schema 1 unmarked) or start afresh a cache of another version."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        columns = [row[1] for row in db.execute("PRAGMA table_info(translations)")]
        if columns == _COLUMNS and version == SCHEMA_VERSION:
            return
        if columns and (columns != _COLUMNS or version not in (0, SCHEMA_VERSION)):
            warn(
                f"translation cache {self.path} is from another version of reader "
                f"(schema {version}); started it afresh"
            )
            with db:
                db.execute("DROP TABLE translations")
        with db:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open_for_reading(self) -> sqlite3.Connection:
        """The file as it is, for reading only, if it can be read; else an empty cache."""
        if not self.path.is_file():
            return _empty()
        uri = self.path.resolve().as_uri()
        # A WAL file in a read-only folder opens only as immutable (nothing can write it).
        for query in ("?mode=ro", "?immutable=1"):
            db = sqlite3.connect(uri + query, uri=True, check_same_thread=False)
            try:
                columns = [row[1] for row in db.execute("PRAGMA table_info(translations)")]
                if columns == _COLUMNS:
                    db.execute("SELECT 1 FROM translations LIMIT 1").fetchall()
                    return db
            except sqlite3.Error:
                pass
            db.close()
        return _empty()

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, OSError):
            return os_problem(exc, self.path)
        if isinstance(exc, sqlite3.Error) and not is_damaged(exc):
            return sqlite_problem(exc, self.path)
        return f"{self.path}: {exc}"

    def _stop_writing(self, problem: str) -> None:
        """Say once that this run's translations stay in memory, and why."""
        if not self.problem:
            self.problem = problem
            warn(f"translation cache: {problem}; new translations are kept in memory this run")

    def _set_aside(self, exc: sqlite3.Error) -> bool:
        """Move a damaged file aside (keeping only the newest such copy); False if it can't."""
        self._close()
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            for old in self._set_aside_copies():
                old.unlink()
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        except OSError as err:
            self._stop_writing(f"{self.path} is damaged ({exc}) and {os_problem(err, aside)}")
            return False
        warn(
            f"translation cache {self.path} was damaged ({exc}); "
            f"moved it to {aside.name} and started a new one"
        )
        return True

    def _set_aside_copies(self) -> list[Path]:
        return list(self.path.parent.glob(f"{glob.escape(self.path.name)}.corrupt-*"))

    def _close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _use(self, operation: Callable[[sqlite3.Connection], _T], failed: _T) -> _T:
        """Run ``operation`` on the database; damage found in use is set aside and the
        operation run once more on the new file; any other failure gives ``failed``."""
        for attempt in (1, 2):
            db = self._connect()
            try:
                return operation(db)
            except sqlite3.DatabaseError as exc:
                if not is_damaged(exc):  # read-only, full, locked: the file stays as it is
                    self._stop_writing(self._describe(exc))
                    return failed
                if attempt == 1 and self._set_aside(exc):
                    continue
                self._stop_writing(self._describe(exc))
                self._close()
                self._db = _empty()
        return failed

    # -- use -----------------------------------------------------------------------------

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """``{key: (target, flag)}`` for the keys that are cached."""
        keys = list(keys)

        def select(db: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
            found: dict[str, tuple[str, str | None]] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, target, flag in db.execute(
                    f"SELECT key, target, flag FROM translations WHERE key IN ({marks})", chunk
                ):
                    found[key] = (target, flag)
            return found

        with self._lock:
            nothing: dict[str, tuple[str, str | None]] = {}
            found = self._use(select, nothing) if keys else nothing
            for key in keys:
                if key in self._memory:
                    _, target, flag = self._memory[key]
                    found[key] = (target, flag)
        return found

    def put_many(self, rows: Iterable[tuple[str, str, str, str, str | None]]) -> None:
        """Store ``(key, translator, source, target, flag)`` rows in one transaction."""
        now = time.time()
        rows = list(rows)

        def insert(db: sqlite3.Connection) -> bool:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                    [(*row, now) for row in rows],
                )
            return True

        with self._lock:
            if not rows:
                return
            if not self.problem and self._use(insert, False) and not self.problem:
                return
            for key, translator, _, target, flag in rows:
                self._memory[key] = (translator, target, flag)

    def stats(self) -> CacheStats:
        def count(db: sqlite3.Connection) -> tuple[int, dict[str, int]]:
            entries = db.execute("SELECT count(*) FROM translations").fetchone()[0]
            by = dict(
                db.execute("SELECT translator, count(*) FROM translations GROUP BY translator")
            )
            return int(entries), by

        with self._lock:
            none: dict[str, int] = {}
            entries, by = self._use(count, (0, none))
            for translator, _, _ in self._memory.values():
                by[translator] = by.get(translator, 0) + 1
            entries += len(self._memory)
        size = 0
        for path in (self.path, Path(f"{self.path}-wal")):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
        return CacheStats(self.path, entries, size, by)

    def clear(self) -> int:
        """Delete every cached translation (and the damaged copies set aside).

        Works on any state of the file: what SQL cannot clear (damage, a full
        disk) is deleted. Only a folder that cannot be changed is an error.
        """
        with self._lock:
            count = len(self._memory)
            self._memory.clear()
            self._close()
            self.problem = ""
            try:
                if self.path.exists():
                    db = self._open()
                    try:
                        with db:
                            count += db.execute("DELETE FROM translations").rowcount
                        with contextlib.suppress(sqlite3.Error):  # a full disk: the rows are gone
                            db.execute("VACUUM")
                    finally:
                        db.close()
            except (OSError, sqlite3.DatabaseError) as exc:
                self._delete_files(self._describe(exc))
            for old in self._set_aside_copies():
                try:
                    old.unlink()
                except OSError as exc:
                    raise ReaderError(
                        f"cannot clear the translation cache: {os_problem(exc, old)}"
                    ) from None
        return count

    def _delete_files(self, problem: str) -> None:
        """Clear by deleting the file (SQL could not, for ``problem``); one line either way."""
        for path in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError:
                raise ReaderError(f"{problem}; the translation cache was not cleared") from None
        warn(f"translation cache: {problem}; deleted it")

    def close(self) -> None:
        with self._lock:
            self._close()
