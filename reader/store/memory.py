"""The translation memory: every sentence pair you edited, aligned or imported, for any document.

Pairs are keyed by the normalised source sentence, so the same sentence met
in another document (or another edition with other spacing) finds its English.
Several translations of one sentence are kept; the most recent one is the hit.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reader.store.database import EnglishDatabase

#: Where a pair came from: ``edited`` (you), ``human`` (an aligned translation),
#: or the name of the file it was imported from.
EDITED = "edited"
HUMAN = "human"


def memory_key(source: str) -> str:
    """Width forms folded (NFKC), all whitespace removed: Chinese has no spaces to keep."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", source))


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    source: str
    target: str
    origin: str
    note: str = ""
    updated: float = 0.0


@dataclass(frozen=True, slots=True)
class MemoryStats:
    entries: int
    sources: int
    origins: dict[str, int]


class TranslationMemory:
    def __init__(self, database: EnglishDatabase) -> None:
        self._db = database

    def add(self, source: str, target: str, origin: str, note: str = "") -> MemoryEntry | None:
        """Remember a pair (again: it becomes the most recent); None if either side is empty."""
        entries = self.add_many([(source, target, origin, note)])
        return entries[0] if entries else None

    def add_many(self, pairs: Iterable[tuple[str, str, str, str]]) -> list[MemoryEntry]:
        """Remember pairs of (source, target, origin, note) in one transaction."""
        now = time.time()
        entries = [
            MemoryEntry(s.strip(), " ".join(t.split()), origin, note, now)
            for s, t, origin, note in pairs
            if memory_key(s) and t.strip()
        ]
        with self._db.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (memory_key(e.source), e.source, e.target, e.origin, e.note, now)
                    for e in entries
                ],
            )
        return entries

    def lookup(self, source: str) -> MemoryEntry | None:
        """The most recent English for this sentence, if any."""
        return self.lookup_many([source]).get(memory_key(source))

    def lookup_many(self, sources: Iterable[str]) -> dict[str, MemoryEntry]:
        """``{memory_key(source): entry}`` for the sentences the memory has."""
        keys = sorted({memory_key(s) for s in sources} - {""})
        found: dict[str, MemoryEntry] = {}
        with self._db.read() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT key, source, target, origin, note, updated FROM memory "
                    f"WHERE key IN ({marks}) ORDER BY updated",
                    chunk,
                )
                for key, *fields in rows:
                    found[key] = MemoryEntry(*fields)  # later rows (more recent) win
        return found

    def alternatives(self, source: str) -> list[MemoryEntry]:
        """Every English the memory has for this sentence, most recent first."""
        with self._db.read() as db:
            rows = db.execute(
                "SELECT source, target, origin, note, updated FROM memory WHERE key = ? "
                "ORDER BY updated DESC",
                (memory_key(source),),
            ).fetchall()
        return [MemoryEntry(*row) for row in rows]

    def is_empty(self) -> bool:
        with self._db.read() as db:
            return db.execute("SELECT 1 FROM memory LIMIT 1").fetchone() is None

    def entries(self) -> Iterator[MemoryEntry]:
        with self._db.read() as db:
            rows = db.execute(
                "SELECT source, target, origin, note, updated FROM memory ORDER BY key, updated"
            ).fetchall()
        for row in rows:
            yield MemoryEntry(*row)

    def stats(self) -> MemoryStats:
        with self._db.read() as db:
            entries, sources = db.execute(
                "SELECT count(*), count(DISTINCT key) FROM memory"
            ).fetchone()
            origins = dict(db.execute("SELECT origin, count(*) FROM memory GROUP BY origin"))
        return MemoryStats(entries, sources, origins)
