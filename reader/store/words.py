"""Which words you know: a status per word, in SQLite in the data folder (``words.sqlite``).

The reason to read in a tool rather than a browser is that it knows which
words you know (LUTE, LingQ, Chinese Text Analyser all start there). A word
is ``new`` until you mark it; ``learning`` has a level 1–4 (LingQ's and
LUTE's scale); ``known``; ``ignored`` is for names, numbers and anything else
that should not count for or against you.

Not a cache: a status is your work. Each change is one SQLite transaction (a
5,000-word import is one ``executemany``; a ``kill -9`` after a call returns
loses nothing; two ``reader`` processes can write at once: WAL and a busy
timeout). Every write is a single upsert, never a read-modify-write, so two
writers cannot overwrite each other with stale data.

Storage only: words are stored under the key ``normalize`` gives (the
language layer passes the simplified form, so 說 and 说 are one word); this
module knows nothing of dictionaries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reader.errors import ReaderError
from reader.store.database import UserDatabase
from reader.store.paths import data_dir

WORDS_DB = "words.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS words (
    word TEXT PRIMARY KEY,      -- the normalised (simplified) form
    status TEXT NOT NULL,       -- learning, known, ignored (new words have no row)
    level INTEGER,              -- 1-4 for learning, else NULL
    updated REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS words_status ON words (status);
"""
#: Bump with a migration when the schema changes.
SCHEMA_VERSION = 1
#: LingQ's and LUTE's learning scale.
LEARNING_LEVELS = range(1, 5)
#: SQLite's default limit on ``?`` parameters is 999 in old builds; stay under it.
_CHUNK = 500


class Status(StrEnum):
    NEW = "new"
    LEARNING = "learning"
    KNOWN = "known"
    IGNORED = "ignored"


def parse_status(text: str) -> Status:
    """A status from user input (``known``, ``learning``…); a one-line error otherwise."""
    try:
        return Status(text.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Status)
        raise ReaderError(f"unknown word status {text!r}: choose {choices}") from None


@dataclass(frozen=True, slots=True)
class WordEntry:
    word: str
    status: Status
    #: 1–4 while learning, else None.
    level: int | None = None
    #: When the status was last set (seconds since the epoch); 0 for a new word.
    updated: float = 0.0


@dataclass(frozen=True, slots=True)
class WordStats:
    known: int = 0
    ignored: int = 0
    #: Learning words by level (1–4).
    learning: dict[int, int] = field(default_factory=dict)

    @property
    def learning_total(self) -> int:
        return sum(self.learning.values())

    @property
    def total(self) -> int:
        return self.known + self.ignored + self.learning_total


def _identity(word: str) -> str:
    return word


def _check_level(status: Status, level: int | None) -> int | None:
    if status is not Status.LEARNING:
        return None
    if level is None:
        return LEARNING_LEVELS.start
    if level not in LEARNING_LEVELS:
        raise ReaderError(f"learning level {level}: choose 1 to {LEARNING_LEVELS.stop - 1}")
    return level


class WordStatuses:
    """Your word statuses: one connection, thread-safe, every write a transaction.

    Every method takes words as they appear in a text and stores or looks up
    their ``normalize``\\ d form; results are keyed by the words as given, so
    the reader can look up its tokens' texts directly.
    """

    def __init__(
        self, path: Path | None = None, *, normalize: Callable[[str], str] | None = None
    ) -> None:
        self._database = UserDatabase(
            path or data_dir() / WORDS_DB, _SCHEMA, SCHEMA_VERSION, "your word statuses"
        )
        self.path = self._database.path
        self.normalize = normalize or _identity
        self._read = self._database.read
        self._write = self._database.write
        self.close = self._database.close

    # -- reading -------------------------------------------------------------------------

    def entry(self, word: str) -> WordEntry:
        return self.entries_for([word])[word]

    def status(self, word: str) -> Status:
        return self.entry(word).status

    def statuses(self, words: Iterable[str]) -> dict[str, Status]:
        """The status of each word (as given); words never marked are ``new``."""
        return {word: entry.status for word, entry in self.entries_for(words).items()}

    def entries_for(self, words: Iterable[str]) -> dict[str, WordEntry]:
        """Each word (as given) with its status and level, in one query per 500 words."""
        given = {word: self.normalize(word) for word in dict.fromkeys(words)}
        stored = self._rows(sorted(set(given.values())))
        return {
            word: _entry(stored[key]) if key in stored else WordEntry(key, Status.NEW)
            for word, key in given.items()
        }

    def by_key(self, keys: Iterable[str]) -> dict[str, Status]:
        """The statuses of words already in stored form (counts keyed by simplified form).

        Only marked words are in the result: a missing key is ``new``. Skips
        :attr:`normalize`, which costs a dictionary lookup per new form.
        """
        return {key: _entry(row).status for key, row in self._rows(sorted(set(keys))).items()}

    def _rows(self, keys: list[str]) -> dict[str, tuple[str, str, int | None, float]]:
        rows: dict[str, tuple[str, str, int | None, float]] = {}
        with self._read() as db:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in db.execute(
                    f"SELECT word, status, level, updated FROM words WHERE word IN ({marks})",
                    chunk,
                ):
                    rows[row[0]] = row
        return rows

    def entries(self, status: Status | None = None) -> list[WordEntry]:
        """Every marked word (or those with ``status``), sorted by word."""
        if status is Status.NEW:
            return []  # new words are the ones with no row
        with self._read() as db:
            query = "SELECT word, status, level, updated FROM words"
            args: tuple[str, ...] = ()
            if status is not None:
                query += " WHERE status = ?"
                args = (status.value,)
            return [_entry(row) for row in db.execute(query + " ORDER BY word", args)]

    def stats(self) -> WordStats:
        known = ignored = 0
        learning: dict[int, int] = {}
        with self._read() as db:
            query = "SELECT status, level, count(*) FROM words GROUP BY status, level"
            for status, level, count in db.execute(query):
                if status == Status.KNOWN:
                    known = count
                elif status == Status.IGNORED:
                    ignored = count
                elif status == Status.LEARNING:
                    learning[int(level or 1)] = count
        return WordStats(known, ignored, dict(sorted(learning.items())))

    # -- writing -------------------------------------------------------------------------

    def set(self, word: str, status: Status, level: int | None = None) -> WordEntry:
        """Mark one word; ``new`` forgets it. Saved (committed) when this returns."""
        self.set_many([word], status, level)
        return self.entry(word)

    def set_many(
        self,
        words: Iterable[str],
        status: Status,
        level: int | None = None,
        *,
        only_new: bool = False,
    ) -> int:
        """Mark many words in one transaction; returns how many distinct words were given.

        ``only_new`` leaves words that already have a status alone: the page
        turn that marks "every remaining new word known" must not promote a
        word another window has just marked ``learning``.
        """
        level = _check_level(status, level)
        keys = sorted({self.normalize(w) for w in words if w.strip()} - {""})
        if not keys:
            return 0
        if status is Status.NEW:
            if not only_new:
                with self._write() as db:
                    db.executemany("DELETE FROM words WHERE word = ?", ((k,) for k in keys))
            return len(keys)
        now = time.time()
        conflict = (
            "DO NOTHING"
            if only_new
            else "DO UPDATE SET status = excluded.status, level = excluded.level, "
            "updated = excluded.updated"
        )
        with self._write() as db:
            db.executemany(
                "INSERT INTO words (word, status, level, updated) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT (word) {conflict}",
                ((k, status.value, level, now) for k in keys),
            )
        return len(keys)

    def remove(self, word: str) -> bool:
        """Forget a word's status (it is ``new`` again); False if it had none."""
        with self._write() as db:
            cursor = db.execute("DELETE FROM words WHERE word = ?", (self.normalize(word),))
            return cursor.rowcount > 0


def _entry(row: tuple[str, str, int | None, float]) -> WordEntry:
    word, status, level, updated = row
    try:
        parsed = Status(status)
    except ValueError:
        parsed = Status.NEW  # a status a newer reader wrote: treat the word as unmarked
    return WordEntry(word, parsed, level if parsed is Status.LEARNING else None, updated)
