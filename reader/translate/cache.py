"""Translation cache: SQLite in the user cache directory, shared by every document.

Keyed by translator (model name and version), decoding options, the glossary
terms that apply to the sentence, and the source sentence, so the same
sentence in two documents is translated once, and a changed glossary entry or
decoding setting is never answered from a stale row. WAL mode lets two reader
processes read and write at once. A damaged file is moved aside and rebuilt:
losing a cache costs time, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.store.paths import cache_dir

CACHE_FILE = "translations.sqlite"
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


class CacheWarning(UserWarning):
    """The cache file was damaged and has been rebuilt."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    path: Path
    entries: int
    size_bytes: int
    translators: dict[str, int]


def cache_key(translator: str, options: str, terms: Sequence[tuple[str, str]], source: str) -> str:
    payload = json.dumps([translator, options, sorted(terms), source], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class TranslationCache:
    """Thread-safe get/put of sentence translations."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / CACHE_FILE
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                aside = self.path.with_name(self.path.name + f".corrupt-{int(time.time())}")
                self.path.replace(aside)
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                warnings.warn(
                    f"translation cache {self.path} was damaged ({exc}); "
                    f"moved it to {aside.name} and started a new one",
                    CacheWarning,
                    stacklevel=3,
                )
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM translations").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """``{key: (target, flag)}`` for the keys that are cached."""
        keys = list(keys)
        found: dict[str, tuple[str, str | None]] = {}
        with self._lock:
            db = self._connect()
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, target, flag in db.execute(
                    f"SELECT key, target, flag FROM translations WHERE key IN ({marks})", chunk
                ):
                    found[key] = (target, flag)
        return found

    def put_many(self, rows: Iterable[tuple[str, str, str, str, str | None]]) -> None:
        """Store ``(key, translator, source, target, flag)`` rows in one transaction."""
        now = time.time()
        with self._lock:
            db = self._connect()
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                    [(*row, now) for row in rows],
                )

    def stats(self) -> CacheStats:
        with self._lock:
            db = self._connect()
            entries = db.execute("SELECT count(*) FROM translations").fetchone()[0]
            by = dict(
                db.execute("SELECT translator, count(*) FROM translations GROUP BY translator")
            )
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return CacheStats(self.path, entries, size, by)

    def clear(self) -> int:
        with self._lock:
            db = self._connect()
            with db:
                count = db.execute("DELETE FROM translations").rowcount
            db.execute("VACUUM")
        return int(count)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
