"""jieba's prefix dictionary in a SQLite file, for cutting a short text without loading it.

``jieba.Tokenizer.initialize`` unmarshals half a million words and prefixes
into a dict: 0.5–1 s of every process that cuts anything, however little
(``reader annotate 共同富裕``, the reader's first screen). Cutting reads that
dict only by ``word in FREQ``, ``FREQ[word]`` and ``FREQ.get(word)``, plus
``total``; so a :class:`LazyFrequencies` that answers those from the file, a
word at a time, and a tokenizer that holds it cut exactly as jieba does (the
same algorithm over the same numbers: tests compare the two). Each lookup is
a query, so this is for short texts; the segmenter loads the real dictionary
for anything longer.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.store.built_db import built_database
from reader.store.paths import cache_dir

if TYPE_CHECKING:
    import jieba

#: Changed when the file's layout changes.
_FORMAT = "1"
#: Words per query when many are read at once (below SQLite's variable limit).
_BATCH = 900


def table_path(folder: Path | None = None) -> Path:
    """Named for jieba's version and its dictionary file as installed (size and time)."""
    from reader.language.jieba_fast import import_jieba

    jieba = import_jieba()
    stamp = str(getattr(jieba, "__version__", "?"))
    with contextlib.suppress(OSError, TypeError):
        info = (Path(str(jieba.__file__)).parent / "dict.txt").stat()
        stamp += f":{info.st_size}:{info.st_mtime_ns}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return (folder or cache_dir()) / f"jieba-{digest}-v{_FORMAT}.sqlite"


def build(tokenizer: jieba.Tokenizer | Pristine, target: Path) -> None:
    """Write a freshly initialised tokenizer's dictionary (before any word is added)."""
    schema = """
        CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);
    """
    with built_database(target, schema) as db:
        # In key order: SQLite then appends to its b-tree instead of splitting pages.
        db.executemany("INSERT INTO freq VALUES (?, ?)", sorted(tokenizer.FREQ.items()))
        db.execute("INSERT INTO meta VALUES ('total', ?)", (tokenizer.total,))


@dataclass(frozen=True, slots=True)
class Pristine:
    """A tokenizer's dictionary as jieba loaded it, kept aside to be written later: the
    tokenizer itself then takes glossary terms and your splits, which the table must
    not hold (they change; the table is jieba's own words)."""

    FREQ: dict[str, int]
    total: int

    @classmethod
    def of(cls, tokenizer: jieba.Tokenizer) -> Pristine:
        return cls(dict(tokenizer.FREQ), int(tokenizer.total))


def ensure_built(tokenizer: jieba.Tokenizer | Pristine, folder: Path | None = None) -> None:
    """Write the table if there is none yet; a folder that cannot take it is no matter
    (short texts then load the dictionary as long ones do)."""
    path = table_path(folder)
    if not path.exists():
        with contextlib.suppress(ReaderError, OSError, sqlite3.Error):
            build(tokenizer, path)


def is_built(folder: Path | None = None) -> bool:
    return table_path(folder).exists()


class LazyFrequencies(dict[str, int]):
    """``Tokenizer.FREQ`` read from the file as cutting asks; words added (glossary
    terms, joins) and removed (splits) are kept here, above the file."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        super().__init__()
        self._db = db
        self._lock = lock
        self._absent: set[str] = set()

    def _fetch(self, word: str) -> int | None:
        if word in self._absent:
            return None
        with self._lock:
            row = self._db.execute("SELECT freq FROM freq WHERE word = ?", (word,)).fetchone()
        if row is None:
            self._absent.add(word)
            return None
        freq = int(row[0])
        dict.__setitem__(self, word, freq)
        return freq

    def prefetch(self, words: set[str]) -> None:
        """Read many words at once (a few queries, not one each): what adding the
        glossary's terms will ask for, all their prefixes and pieces."""
        wanted = [w for w in words if not dict.__contains__(self, w) and w not in self._absent]
        found: dict[str, int] = {}
        with self._lock:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self._db.execute(
                        f"SELECT word, freq FROM freq WHERE word IN ({marks})", chunk
                    ).fetchall()
                )
        for word in wanted:
            if word in found:
                dict.__setitem__(self, word, int(found[word]))
            else:
                self._absent.add(word)

    def __contains__(self, word: object) -> bool:
        if dict.__contains__(self, word):
            return True
        return isinstance(word, str) and self._fetch(word) is not None

    def __getitem__(self, word: str) -> int:
        if dict.__contains__(self, word):
            return dict.__getitem__(self, word)
        freq = self._fetch(word)
        if freq is None:
            raise KeyError(word)
        return freq

    def get(self, word: str, default: object = None, /) -> object:  # type: ignore[override]
        """``dict.get``, reading the file for a word not yet read."""
        try:
            return self[word]
        except KeyError:
            return default

    def __setitem__(self, word: str, freq: int) -> None:
        self._absent.discard(word)
        dict.__setitem__(self, word, freq)


def light_tokenizer(folder: Path | None = None) -> jieba.Tokenizer | None:
    """A tokenizer over the file (None if there is none yet, or it cannot be read)."""
    from reader.language.jieba_fast import import_jieba

    path = table_path(folder)
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        row = db.execute("SELECT value FROM meta WHERE key = 'total'").fetchone()
        db.execute("SELECT 1 FROM freq LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        db.close()
        return None
    jieba = import_jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = LazyFrequencies(db, threading.Lock())
    tokenizer.total = int(row[0])
    tokenizer.initialized = True
    return tokenizer
