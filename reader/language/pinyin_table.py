"""pypinyin's readings in a SQLite file: a word's reading without importing pypinyin.

Importing pypinyin parses two JSON tables and builds a prefix set of its
410,000 phrases: 0.4–0.6 s on a quiet machine, paid by every short command
(``reader annotate``, ``reader lookup``) and before the reader's first pinyin,
for the readings of a few dozen words. The file is written once from
pypinyin's own tables (in the cache folder, named for pypinyin's version) and
read a word at a time. :meth:`PinyinTable.reading` restates what
``pypinyin.pinyin(run, style=Style.TONE)`` does for a run of Hanzi: the longest
match against its phrases' prefixes from the left (``pypinyin.seg.mmseg``),
then a phrase's reading, or else each character's first. So the answer is
pypinyin's own; a test compares both on a whole novella.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from reader.errors import ReaderError
from reader.store.built_db import built_database
from reader.store.paths import cache_dir

#: Changed when the file's layout changes: an older file is then built again.
_FORMAT = "3"
#: A numbered syllable as CC-CEDICT writes it (``zhong4``, ``lu:4``, ``lu:e4``, ``Li3``).
#: (Format 1 missed ``lu:e4`` and ``nu:e4``: the first word with 略 or 虐 imported
#: pypinyin, 0.2–0.5 s, to convert them.)
_NUMBERED = re.compile(r"[A-Za-z]+(?::[a-z]*)?[1-5]")
#: What CC-CEDICT writes between brackets: each piece of it is converted as a syllable
#: (the reading of a word another entry points to, ``[lu : 4]``, ``[A A zhi4]``).
#: (Format 2 missed those pieces: a worker annotating a book imported pypinyin, 0.7 s
#: of its CPU, to learn that ``:`` and ``A`` stay as they are.)
_BRACKETED = re.compile(r"\[([^\]]*)\]")
#: Characters looked up one by one before the whole table is read.
_FEW_CHARS = 500
#: Above every code point: ``word || _END`` bounds the phrases that start with ``word``.
_END = "\U0010ffff"


def table_path() -> Path:
    """Named for pypinyin's two data files as installed (size and time): an upgraded
    pypinyin gets a new table. Found without importing pypinyin (the point of it all)
    or ``importlib.metadata`` (which imports the ``email`` package)."""
    spec = importlib.util.find_spec("pypinyin")
    stamp = "none"
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations)))
        with contextlib.suppress(OSError):
            stamp = ",".join(
                f"{info.st_size}:{info.st_mtime_ns}"
                for info in (
                    (folder / "phrases_dict.json").stat(),
                    (folder / "pinyin_dict.json").stat(),
                )
            )
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return cache_dir() / f"pinyin-{digest}-v{_FORMAT}.sqlite"


def build(target: Path) -> None:
    """Write pypinyin's phrase and character readings to ``target`` (about a second)."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    schema = """
        CREATE TABLE phrases (word TEXT PRIMARY KEY, reading TEXT) WITHOUT ROWID;
        CREATE TABLE chars (ch TEXT PRIMARY KEY, reading TEXT) WITHOUT ROWID;
        CREATE TABLE conversions (kind TEXT, key TEXT, value TEXT,
                                  PRIMARY KEY (kind, key)) WITHOUT ROWID;
    """
    with built_database(target, schema) as db:
        # Sorted first: inserting in key order keeps SQLite's b-tree build linear.
        db.executemany(
            "INSERT INTO phrases VALUES (?, ?)",
            sorted(
                (word, " ".join(item[0] for item in readings))
                for word, readings in PHRASES_DICT.items()
            ),
        )
        db.executemany(
            "INSERT INTO chars VALUES (?, ?)",
            sorted((chr(code), readings.split(",")[0]) for code, readings in PINYIN_DICT.items()),
        )
        db.executemany("INSERT INTO conversions VALUES (?, ?, ?)", _conversions(PINYIN_DICT))


def _conversions(chars: dict[int, str]) -> Iterator[tuple[str, str, str]]:
    """pypinyin's tone conversions for every syllable they will be asked about: each
    numbered syllable CC-CEDICT writes (to marks) and each reading pypinyin gives (to
    numbers). A syllable outside these is still converted, by pypinyin itself."""
    from pypinyin.contrib.tone_convert import to_tone, to_tone3

    from reader.language.dictionary import find_data_file

    numbered: set[str] = set()
    with contextlib.suppress(ReaderError, OSError, UnicodeDecodeError):
        text = find_data_file().read_text(encoding="utf-8")
        numbered.update(_NUMBERED.findall(text))
        numbered.update(piece for inside in _BRACKETED.findall(text) for piece in inside.split())
    marked: set[str] = {r for readings in chars.values() for r in readings.split(",")}
    for syllable in sorted(numbered):
        mark = str(to_tone(syllable.replace("u:", "v")))
        marked.add(mark)
        yield "marks", syllable, mark
    for syllable in sorted(marked):
        yield "numbers", syllable, str(to_tone3(syllable, v_to_u=True, neutral_tone_with_five=True))


class PinyinTable:
    """Read-only readings, safe to share between threads (one connection, a lock)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._first: dict[str, tuple[dict[str, str], dict[str, bool]]] = {}
        self._chars: dict[str, str] | None = None
        self._few: dict[str, str] = {}
        try:
            self._db.execute("SELECT 1 FROM phrases LIMIT 1").fetchone()
            self._db.execute("SELECT 1 FROM chars LIMIT 1").fetchone()
            self._converted: dict[str, dict[str, str]] = {}
            for kind, key, value in self._db.execute("SELECT kind, key, value FROM conversions"):
                self._converted.setdefault(kind, {})[key] = value
        except sqlite3.DatabaseError:
            self._db.close()
            raise

    @classmethod
    def open(cls, path: Path | None = None, *, build_missing: bool = True) -> PinyinTable | None:
        """The table, built first if it is missing; None where it can be neither read nor
        written (a read-only or full cache folder, a damaged file): pypinyin then answers.
        ``build_missing=False``: None for a missing one too (:func:`build_later`)."""
        path = path or table_path()
        with contextlib.suppress(sqlite3.DatabaseError, OSError):
            if path.exists():
                return cls(path)
        if not build_missing and not path.exists():
            return None
        try:
            if path.exists():
                path.unlink()  # damaged: it is only a cache
            build(path)
            return cls(path)
        except (ReaderError, OSError, sqlite3.Error):
            return None

    def close(self) -> None:
        self._db.close()

    def converted(self, kind: str, syllable: str) -> str | None:
        """pypinyin's ``to_tone`` (``marks``) or ``to_tone3`` (``numbers``) of a syllable,
        as found when the table was built; None for one it has not seen."""
        return self._converted.get(kind, {}).get(syllable)

    # -- pypinyin.seg.mmseg, restated over the file ---------------------------------------

    def _starting(self, ch: str) -> tuple[dict[str, str], dict[str, bool]]:
        """The phrases that start with ``ch``, and all their prefixes (each: whether it is
        a phrase itself, one lookup per step), read once: a query per character step was
        5–30 µs, and a word takes several."""
        found = self._first.get(ch)
        if found is None:
            rows = self._db.execute(
                "SELECT word, reading FROM phrases WHERE word >= ? AND word < ?", (ch, ch + _END)
            ).fetchall()
            phrases = dict(rows)
            prefixes = dict.fromkeys((w[:n] for w in phrases for n in range(1, len(w))), False)
            prefixes.update(dict.fromkeys(phrases, True))
            found = self._first[ch] = (phrases, prefixes)
        return found

    def _char(self, ch: str) -> str:
        """A character's first reading, or itself (pypinyin's answer where it has none).

        Asked one at a time at first (a command line's few characters), then read all at
        once (0.1–0.2 s for 41,000 rows) when a long text asks for many."""
        if self._chars is None:
            found = self._few.get(ch)
            if found is None:
                row = self._db.execute("SELECT reading FROM chars WHERE ch = ?", (ch,)).fetchone()
                found = self._few[ch] = row[0] if row is not None else ch
            if len(self._few) > _FEW_CHARS:
                self._chars = dict(self._db.execute("SELECT ch, reading FROM chars").fetchall())
            return found
        return self._chars.get(ch, ch)

    def reading(self, run: str) -> list[str]:
        """pypinyin's reading of a run of Hanzi, one item per character (the character
        itself where pypinyin has no reading, as pypinyin gives it).

        ``Seg.cut`` as pypinyin runs it (``no_non_phrases=True``), then
        ``_phrase_pinyin``, in one pass: from the left, the longest phrase among the
        prefixes that begin some phrase, read as that phrase; a character alone (its
        first reading) where none is; every character alone where the run ends inside
        a prefix that no phrase completes. (A novel's index of readings: 1.1 → 0.5 s.)
        """
        out: list[str] = []
        first = self._first
        starting = self._starting
        with self._lock:
            char = self._chars.get if self._chars is not None else None
            i, n = 0, len(run)
            while i < n:
                ch = run[i]
                found = first.get(ch)
                phrases, prefixes = found if found is not None else starting(ch)
                valid = 0
                j = i + 1
                while j <= n:
                    whole = prefixes.get(run[i:j])
                    if whole is None:
                        break
                    if whole:
                        valid = j - i
                    j += 1
                else:
                    if not valid:
                        for rest in run[i:]:
                            own = (first.get(rest) or starting(rest))[0].get(rest)
                            out.append(own if own is not None else self._char(rest))
                        break
                if valid:
                    out.extend(phrases[run[i : i + valid]].split(" "))
                    i += valid
                else:
                    out.append(char(ch, ch) if char is not None else self._char(ch))
                    if char is None and self._chars is not None:
                        char = self._chars.get
                    i += 1
        return out


#: This process's table (pid, table or None): a forked worker opens its own, since an
#: SQLite connection must not cross a fork.
_SHARED: tuple[int, PinyinTable | None] | None = None
_SHARED_LOCK = threading.Lock()


#: Set by :func:`build_later`: a missing table is not built on first use.
_LATER = False


def build_later() -> None:
    """From now on in this process, a missing table is not built on first use: pypinyin
    answers (the same readings) until :func:`keep_table` writes it for the next run.
    The reader's first run ever would otherwise wait a second for it before its pinyin."""
    global _LATER
    _LATER = True


def keep_table() -> None:
    """Write the table if it is missing (after :func:`build_later`); this process goes
    on with what it has, the next one opens it."""
    path = table_path()
    if not path.exists():
        table = PinyinTable.open(path)
        if table is not None:
            table.close()


def shared_table() -> PinyinTable | None:
    """The table every caller in this process reads (opened, or built, on first use)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None or _SHARED[0] != os.getpid():
            _SHARED = (os.getpid(), PinyinTable.open(build_missing=not _LATER))
        return _SHARED[1]


def forget_shared_table() -> None:
    """Close the shared table: the next use opens the one for the cache folder now set."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is not None and _SHARED[1] is not None and _SHARED[0] == os.getpid():
            _SHARED[1].close()
        _SHARED = None
