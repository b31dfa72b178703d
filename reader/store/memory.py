"""The translation memory: every sentence pair you edited, aligned or imported, for any document.

Pairs are keyed by the normalised source sentence, so the same sentence met
in another document (or another edition with other spacing) finds its English.
Several translations of one sentence are kept; the most recent one is the hit.

Near matches (a sentence that differs by a word or two, as CAT tools' "fuzzy
matches") are found through an SQLite FTS5 trigram index of the keys, then
scored by edit similarity; they are only ever offered, never applied.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
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
class FuzzyMatch:
    """A pair whose source is like (not the same as) the sentence asked about."""

    entry: MemoryEntry
    #: Edit similarity of the two normalised sources, 0–1 (1 would be an exact hit).
    similarity: float


#: Below this a "match" costs more to fix than to translate; CAT tools default to 70–75%.
FUZZY_THRESHOLD = 0.7
#: How many index candidates are scored for one sentence.
_FUZZY_CANDIDATES = 40

# The keys, once each, with an FTS5 trigram index over them; triggers keep them
# in step with every insert into ``memory`` (also ``Edits.save``'s, and older
# readers' once the triggers exist). Created on first use, filled from what the
# memory already holds: a derived index, rebuilt by that same statement.
_FUZZY_SCHEMA = """
CREATE TABLE IF NOT EXISTS memory_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS memory_fuzzy USING fts5(
    key, content='memory_keys', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS memory_keys_add AFTER INSERT ON memory BEGIN
    INSERT OR IGNORE INTO memory_keys (key) VALUES (new.key);
END;
CREATE TRIGGER IF NOT EXISTS memory_fuzzy_add AFTER INSERT ON memory_keys BEGIN
    INSERT INTO memory_fuzzy (rowid, key) VALUES (new.id, new.key);
END;
INSERT OR IGNORE INTO memory_keys (key) SELECT DISTINCT key FROM memory;
"""


def _has_trigram_search() -> bool:
    """SQLite ≥ 3.34 built with FTS5 has it; elsewhere the memory gives exact hits only."""
    try:
        with contextlib.closing(sqlite3.connect(":memory:")) as db:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    return True


def similarity(a: str, b: str) -> float:
    """How alike two sentences are, 0–1, compared as their memory keys: one less the edit
    distance over the longer length, the measure CAT tools' match percentages use."""
    return _similarity(memory_key(a), memory_key(b))


def _similarity(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return float(Levenshtein.normalized_similarity(a, b))


@dataclass(frozen=True, slots=True)
class MemoryStats:
    entries: int
    sources: int
    origins: dict[str, int]


class TranslationMemory:
    def __init__(self, database: EnglishDatabase) -> None:
        self._db = database
        #: None: not tried yet; False: this SQLite has no FTS5 trigram tokenizer.
        self._fuzzy: bool | None = None

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

    def similar(
        self, source: str, *, limit: int = 3, threshold: float = FUZZY_THRESHOLD
    ) -> list[FuzzyMatch]:
        """Pairs for sentences like this one (not the same: that is :meth:`lookup`),
        most similar first, each source once with its most recent English."""
        key = memory_key(source)
        grams = {key[i : i + 3] for i in range(len(key) - 2)}
        if not grams or self.is_empty() or not self._fuzzy_index():
            return []
        query = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in sorted(grams))
        with self._db.read() as db:
            keys = [
                row[0]
                for row in db.execute(
                    "SELECT key FROM memory_fuzzy WHERE memory_fuzzy MATCH ? ORDER BY rank LIMIT ?",
                    (query, _FUZZY_CANDIDATES),
                )
            ]
        scored = sorted(
            ((_similarity(key, other), other) for other in keys if other != key),
            reverse=True,
        )
        found: list[FuzzyMatch] = []
        for score, other in scored:
            if score < threshold or len(found) >= limit:
                break
            entries = self.alternatives(other)
            if entries:
                found.append(FuzzyMatch(entries[0], score))
        return found

    def _fuzzy_index(self) -> bool:
        """Make sure the trigram index exists and holds every key (once per process)."""
        if self._fuzzy is None:
            self._fuzzy = _has_trigram_search()
            if self._fuzzy:
                with self._db.write() as db:
                    db.executescript(f"BEGIN; {_FUZZY_SCHEMA} COMMIT;")
        return self._fuzzy

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
