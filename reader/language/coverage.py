"""How much of a text you can read: coverage by the words you know, and what is left.

Chinese Text Analyser and LingQ measure readability the same way, and so does
reader: the share of a text's word tokens that you know (90–95% is
comfortable reading). What counts:

- Hanzi words only (punctuation and Latin are not words to learn);
- names (tokens pieced together from single characters, ``source ==
  "characters"``) and numbers (tokens made of numeral characters: 三, 二十,
  第九) are left out of both sides: nobody learns 贾宝玉 from a word list;
- ``ignored`` words are left out of both sides too (LingQ's and LUTE's rule:
  ignoring a word must not make a text look harder or easier);
- ``learning`` words are not known: they count against coverage, but are
  reported apart so you can see how close a text is;
- 說 and 说 are one word: everything is keyed by the simplified form
  (:class:`Simplifier`, from CC-CEDICT's traditional/simplified pairs).

A document's word counts are what costs (segmenting a novel takes tens of
seconds), and they do not depend on your statuses, so they are cached in the
cache folder keyed by the document's content hash and everything that
changes segmentation (glossary terms, forced splits, the dictionary, jieba's
files); coverage is then computed from the counts and your statuses in
milliseconds, however often you mark words. ``reader coverage`` keeps its
report too, one file per document keyed by a digest of every status you have
set (:meth:`KnownWords.fingerprint`), so asking again before you mark a word
reads tens of kilobytes instead of a megabyte of counts.

Counting never builds tokens: jieba's words come back from worker processes
as counts per section (:mod:`reader.language.parallel`), and each distinct
word is split into dictionary pieces, judged (word, name, number) and
simplified once (:class:`WordJudge`), with the answers the annotator's tokens
would give (tests/test_coverage_fast.py compares the two on 阿Q正传).
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from operator import itemgetter
from pathlib import Path
from typing import Literal

from reader.document.model import Document, Section
from reader.document.units import Unit
from reader.errors import ReaderError
from reader.hanzi import HANZI_RUN, is_hanzi
from reader.language.annotate import Annotator, Source, Token
from reader.language.dictionary import Dictionary
from reader.language.style import TONE_MARKS, PinyinStyle
from reader.language.vocabulary import card
from reader.store.atomic import write_text
from reader.store.paths import cache_dir
from reader.store.vocab import VocabEntry
from reader.store.words import Status, WordStatuses

#: What :meth:`CountsCache._count_aside` runs: the file counted, kept in the folder given.
_COUNT_ASIDE = """
import sys
from pathlib import Path
from reader.context import Context
from reader.document import load_document
from reader.language.coverage import CountsCache
doc = load_document(sys.argv[1])
CountsCache(Context(document=sys.argv[1]).annotator, Path(sys.argv[2])).counts(doc)
"""
#: Bump when the cached counts change meaning.
COUNTS_FORMAT = 1
#: Bump when a cached coverage report changes meaning (what counts, the fields).
REPORT_FORMAT = 1
COUNTS_FOLDER = "coverage"
#: Characters a number is made of (第 only in front: 第九, not 次第).
NUMERALS = frozenset("零〇一二三四五六七八九十百千万萬亿億两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟")
Kind = Literal["word", "name", "number"]


# -- traditional → simplified ----------------------------------------------------------------


class Simplifier:
    """The simplified form of a word, from CC-CEDICT's traditional/simplified pairs.

    The dictionary indexes both forms of every entry, so a lookup of 後來
    finds the entry whose simplified form is 后来. A form that is itself the
    simplified form of some entry is kept (著 is simplified for zhù, 乾 for
    qián), so a simplified text is never changed. Words the dictionary lacks
    are converted character by character. Only words with a character that is
    traditional-only are looked up whole: a simplified novel costs a few
    thousand cached character lookups, not one per distinct word.
    """

    def __init__(self, dictionary: Dictionary, *, bulk: bool = False) -> None:
        """``bulk``: many words to come (a book): every headword is read into memory
        at once, so a character that is already simplified costs no lookup at all."""
        self.dictionary = dictionary
        self._lock = threading.Lock()
        self._words: dict[str, str] = {}
        self._chars: dict[str, str] = {}
        #: :meth:`_any_char` of every character seen, Hanzi or not.
        self._convert: dict[str, str] = {}
        self._bulk = bulk

    def __call__(self, word: str) -> str:
        word = word.strip()
        cached = self._words.get(word)
        if cached is not None:
            return cached
        simplified = self._simplify(word)
        with self._lock:
            self._words[word] = simplified
        return simplified

    def _simplify(self, word: str) -> str:
        convert = self._convert
        by_chars = "".join([convert.get(ch) or self._any_char(ch) for ch in word])
        if by_chars == word:  # each character maps to one: none of them changed
            return word
        if self._bulk:
            return self._simplify_known(word, by_chars)
        forms = self._simplified_forms(word)
        if forms:
            if word in forms:
                return word
            if len(forms[0]) == len(word):
                return forms[0]
        return by_chars

    def _any_char(self, ch: str) -> str:
        """Any character's simplified form (itself for punctuation, Latin), kept."""
        simplified = self._convert[ch] = self._char(ch) if is_hanzi(ch) else ch
        return simplified

    def _simplified_forms(self, word: str) -> list[str]:
        """The simplified form of each entry for ``word``, in the dictionary's order.

        Rows, not :meth:`Dictionary.lookup`'s readings: a reading's senses are parsed,
        its references looked up and its pinyin converted, which made marking the
        5,000 words of HSK 1-6 cost a third of a second in lookups alone."""
        return [simplified for _, simplified, _, _ in self.dictionary._rows(word)]

    def _simplify_known(self, word: str, by_chars: str) -> str:
        """:meth:`_simplify` from the headwords in memory: what the lookups would find."""
        headwords = self.dictionary.headwords
        if word in headwords.simplified or word not in headwords.forms:
            return word if word in headwords.simplified else by_chars
        first = headwords.traditional[word]
        return first if len(first) == len(word) else by_chars

    def _char(self, ch: str) -> str:
        cached = self._chars.get(ch)
        if cached is None and self._bulk:
            # What the lookup below decides, from the headwords in memory (read once):
            # a form no entry has, or some entry's simplified form, stays.
            headwords = self.dictionary.headwords
            if ch in headwords.simplified or ch not in headwords.forms:
                cached = ch
            else:
                cached = headwords.traditional[ch]
            self._chars[ch] = cached
        if cached is None:
            forms = self._simplified_forms(ch)
            cached = ch if not forms or ch in forms else forms[0]
            self._chars[ch] = cached
        return cached


# -- what a token counts as ---------------------------------------------------------------


def is_number(text: str) -> bool:
    """三, 二十, 两万, 第九: tokens made of numeral characters (第 only in front)."""
    body = text[1:] if text.startswith("第") and len(text) > 1 else text
    return bool(body) and NUMERALS.issuperset(body)


def kind(token: Token) -> Kind | None:
    """``word``, ``name``, ``number``, or None for what is not a Hanzi word at all."""
    return word_kind(token.text, token.source)


def word_kind(text: str, source: Source | None) -> Kind | None:
    """:func:`kind` of a token from its text and source alone (:meth:`Annotator.words`)."""
    if HANZI_RUN.fullmatch(text) is None:
        return None
    if is_number(text):
        return "number"
    if source == "characters":
        return "name"
    return "word"


@dataclass(frozen=True, slots=True)
class WordCounts:
    """How often each word (simplified) occurs in a text, and what was left out."""

    words: dict[str, int] = field(default_factory=dict)
    names: int = 0
    numbers: int = 0

    @classmethod
    def from_tokens(cls, tokens: Iterable[Token], simplify: Simplifier) -> WordCounts:
        words: Counter[str] = Counter()
        left_out: Counter[str] = Counter()
        for token in tokens:
            what = kind(token)
            if what == "word":
                words[simplify(token.text)] += 1
            elif what is not None:
                left_out[what] += 1
        return cls(dict(words), left_out["name"], left_out["number"])

    @classmethod
    def from_words(cls, counts: Mapping[str, int], judge: WordJudge) -> WordCounts:
        """From how often each of jieba's words occurs (first seen first): each distinct
        word is split into pieces, judged and simplified once, not once per occurrence.

        The same counts, in the same order, as :meth:`from_tokens` of the annotated text.
        """
        words: dict[str, int] = {}
        left_out = {"name": 0, "number": 0}
        add = words.get
        memo = judge.memo
        for word, count in counts.items():
            # Inlined: 600,000 (word, count) pairs for a novel, 45,000 of them distinct.
            pieces = memo.get(word) or judge(word)
            for what, key in pieces:
                if what == "word":
                    words[key] = add(key, 0) + count
                else:
                    left_out[what] += count
        return cls(words, left_out["name"], left_out["number"])

    def __add__(self, other: WordCounts) -> WordCounts:
        words = Counter(self.words)
        words.update(other.words)
        return WordCounts(dict(words), self.names + other.names, self.numbers + other.numbers)

    @property
    def tokens(self) -> int:
        return sum(self.words.values())


# -- coverage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """Word tokens (and distinct words) of a text by your status of them.

    ``tokens`` = ``known`` + ``learning`` + ``unknown``: Hanzi words, names,
    numbers and ignored words left out (counted in ``names``, ``numbers``,
    ``ignored``). ``share`` is the known share of tokens, the readability
    figure (0.9–0.95: comfortable); 0.0 for a text with no words.
    """

    tokens: int = 0
    known: int = 0
    learning: int = 0
    unknown: int = 0
    distinct: int = 0
    distinct_known: int = 0
    distinct_learning: int = 0
    distinct_unknown: int = 0
    ignored: int = 0
    names: int = 0
    numbers: int = 0

    @property
    def share(self) -> float:
        return self.known / self.tokens if self.tokens else 0.0

    @property
    def distinct_share(self) -> float:
        return self.distinct_known / self.distinct if self.distinct else 0.0

    @property
    def learning_share(self) -> float:
        """Known or learning: how readable the text will be once you have learnt your list."""
        return (self.known + self.learning) / self.tokens if self.tokens else 0.0


_COVERAGE_FIELDS = tuple(f.name for f in fields(Coverage))


def coverage_of(counts: WordCounts, statuses: dict[str, Status]) -> Coverage:
    """Coverage of ``counts`` given the status of each of its words (missing ones are new)."""
    tokens = {s: 0 for s in Status}
    distinct = {s: 0 for s in Status}
    if statuses:
        get, new = statuses.get, Status.NEW
        for word, count in counts.words.items():
            status = get(word, new)
            tokens[status] += count
            distinct[status] += 1
    else:  # nothing marked yet: every word is new
        tokens[Status.NEW] = sum(counts.words.values())
        distinct[Status.NEW] = len(counts.words)
    counted = (Status.KNOWN, Status.LEARNING, Status.NEW)
    return Coverage(
        tokens=sum(tokens[s] for s in counted),
        known=tokens[Status.KNOWN],
        learning=tokens[Status.LEARNING],
        unknown=tokens[Status.NEW],
        distinct=sum(distinct[s] for s in counted),
        distinct_known=distinct[Status.KNOWN],
        distinct_learning=distinct[Status.LEARNING],
        distinct_unknown=distinct[Status.NEW],
        ignored=tokens[Status.IGNORED],
        names=counts.names,
        numbers=counts.numbers,
    )


def top_unknown(
    counts: WordCounts,
    statuses: dict[str, Status],
    limit: int,
    marked: set[str] | None = None,
) -> list[tuple[str, int]]:
    """The ``limit`` most frequent new words (ties: first seen first).

    ``marked``: the words of ``statuses`` that are not new, when the caller has them
    (a novel's 120 sections share one set instead of building it 120 times)."""
    if marked is None:
        marked = marked_words(statuses)
    items = counts.words.items()
    new = items if not marked else (item for item in items if item[0] not in marked)
    # nlargest is sorted(reverse=True)[:limit], ties first seen first, without the sort.
    return heapq.nlargest(limit, new, key=itemgetter(1))


def marked_words(statuses: dict[str, Status]) -> set[str]:
    """The words with a status other than new (what :func:`top_unknown` leaves out)."""
    return {w for w, status in statuses.items() if status is not Status.NEW}


# -- a document's counts, cached -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionCounts:
    id: str
    title: str
    counts: WordCounts


@dataclass(frozen=True, slots=True)
class DocumentCounts:
    title: str
    sha256: str
    #: Sections with words of their own (a part heading over chapters has none).
    sections: tuple[SectionCounts, ...]

    @property
    def total(self) -> WordCounts:
        words: Counter[str] = Counter()
        for section in self.sections:
            words.update(section.counts.words)
        names = sum(s.counts.names for s in self.sections)
        return WordCounts(dict(words), names, sum(s.counts.numbers for s in self.sections))


class WordJudge:
    """A jieba word → the pieces that count, as (kind, simplified form); once per word."""

    def __init__(self, annotator: Annotator, simplify: Simplifier) -> None:
        self.annotator = annotator
        self.simplify = simplify
        #: Judged words (a word with nothing that counts, punctuation, maps to ``()``).
        self.memo: dict[str, tuple[tuple[Kind, str], ...]] = {}

    def __call__(self, word: str) -> tuple[tuple[Kind, str], ...]:
        found = self.memo.get(word)
        if found is None:
            pieces = []
            for piece, source in self.annotator.words_of((word,)):
                what = word_kind(piece, source)
                if what is not None:
                    pieces.append((what, self.simplify(piece) if what == "word" else piece))
            found = self.memo[word] = tuple(pieces)
        return found


def count_document(
    doc: Document,
    annotator: Annotator,
    simplify: Simplifier,
    cancel: threading.Event | None = None,
    *,
    workers: int | None = None,
) -> DocumentCounts:
    """Segment every paragraph of ``doc`` (seconds for a book: see :class:`CountsCache`).

    Only the words are needed, not their pinyin or senses, and each distinct word
    is judged once (:meth:`WordCounts.from_words`); the sections are cut on every
    core where that is safe (:mod:`reader.language.parallel`). Paragraphs, not
    sentences: jieba splits at punctuation anyway, so the tokens are the same.
    ``cancel`` stops between sections (the reader is closing): a ReaderError.
    """
    from reader.language.parallel import count_groups

    annotator.start(pinyin=False)
    walked = list(doc.walk())
    groups = [[p.text for p in section.paragraphs] for section in walked]
    judge = WordJudge(annotator, simplify)
    sections = []
    try:
        counted = count_groups(annotator.segmenter, groups, cancel=cancel, workers=workers)
        for index, (section, words) in enumerate(zip(walked, counted, strict=True)):
            if index == 0:
                # The workers are cutting by now (the first section is back): the
                # headwords (0.2-0.6 s) are read while they go on, not before they start.
                annotator.use_headwords()
            counts = WordCounts.from_words(words, judge)
            if counts.words or counts.names or counts.numbers:
                sections.append(SectionCounts(section.id, section.title, counts))
    except ReaderError:
        if cancel is not None and cancel.is_set():
            raise ReaderError("counting the document's words was cancelled") from None
        raise
    return DocumentCounts(doc.title, doc.source_sha256, tuple(sections))


def segmentation_key(annotator: Annotator) -> str:
    """A hash of everything that changes how a text is cut into words and what they count as."""
    payload = {
        "format": COUNTS_FORMAT,
        "glossary": sorted(t.source for t in annotator.glossary.terms()),
        "splits": sorted((w, list(p)) for w, p in annotator.segmenter.splits.items()),
        "dictionary": annotator.dictionary.index_path().name,
        "jieba": _jieba_stamp(),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _jieba_stamp() -> list[object]:
    """Which jieba cuts: its code and dictionary files' sizes and times, an upgrade changes.

    Found, not imported, and without ``importlib.metadata`` (0.1 s of imports on
    the way to a cached report: email, csv, zipfile)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:  # pragma: no cover - jieba is a dependency
        return ["?"]
    folder = Path(spec.origin).parent
    stamp: list[object] = []
    for name in ("__init__.py", "dict.txt", "finalseg/prob_emit.py"):
        try:
            info = (folder / name).stat()
        except OSError:
            stamp.append([name, None])
        else:
            stamp.append([name, info.st_size, info.st_mtime_ns])
    return stamp


def _counts_json(counts: DocumentCounts) -> str:
    sections = [
        {
            "id": s.id,
            "title": s.title,
            "words": s.counts.words,
            "names": s.counts.names,
            "numbers": s.counts.numbers,
        }
        for s in counts.sections
    ]
    data = {"format": COUNTS_FORMAT, "title": counts.title, "sha256": counts.sha256}
    return json.dumps({**data, "sections": sections}, ensure_ascii=False, separators=(",", ":"))


def _word_counts(words: object) -> dict[str, int]:
    """JSON's object of word counts as it is, checked rather than rebuilt."""
    if not isinstance(words, dict) or not all(type(n) is int for n in words.values()):
        raise TypeError("not word counts")
    return words


def _counts_from_json(text: str, sha256: str) -> DocumentCounts | None:
    try:
        data = json.loads(text)
        if data["format"] != COUNTS_FORMAT or data["sha256"] != sha256:
            return None
        sections = tuple(
            SectionCounts(
                str(s["id"]),
                str(s["title"]),
                WordCounts(_word_counts(s["words"]), int(s["names"]), int(s["numbers"])),
            )
            for s in data["sections"]
        )
        return DocumentCounts(str(data["title"]), sha256, sections)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged cache file: count again


def _coverage_from(data: object) -> Coverage:
    if not isinstance(data, dict):
        raise TypeError("not coverage")
    values = [data[name] for name in _COVERAGE_FIELDS]
    if not all(type(v) is int for v in values):
        raise TypeError("not coverage")
    return Coverage(*values)


def _unknown_from(data: object) -> list[tuple[str, int]]:
    if not isinstance(data, list):
        raise TypeError("not new words")
    out = [(str(word), count) for word, count in data]
    if not all(type(count) is int for _, count in out):
        raise TypeError("not new words")
    return out


def _report_json(report: DocumentCoverage, key: dict[str, object]) -> str:
    data = {
        **key,
        "title": report.title,
        "total": asdict(report.total),
        "unknown": report.unknown,
        "sections": [
            {"id": s.id, "title": s.title, "coverage": asdict(s.coverage), "unknown": s.unknown}
            for s in report.sections
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _report_from_json(text: str, key: dict[str, object]) -> DocumentCoverage | None:
    try:
        data = json.loads(text)
        if any(data.get(name) != value for name, value in key.items()):
            return None  # another document, other statuses, another --top: compute again
        sections = [
            SectionCoverage(
                str(s["id"]),
                str(s["title"]),
                _coverage_from(s["coverage"]),
                _unknown_from(s["unknown"]),
            )
            for s in data["sections"]
        ]
        return DocumentCoverage(
            str(data["title"]),
            _coverage_from(data["total"]),
            _unknown_from(data["unknown"]),
            sections,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged file: compute again


class CountsCache:
    """Per-document word counts in ``CACHE/coverage/``: the second look at a book is instant.

    Disposable like every cache: a damaged or stale file is counted again and
    replaced; a cache that cannot be written only costs time.
    """

    def __init__(self, annotator: Annotator, folder: Path | None = None) -> None:
        self.annotator = annotator
        self.folder = folder or cache_dir() / COUNTS_FOLDER
        self.simplify = Simplifier(annotator.dictionary, bulk=True)
        self._key: str | None = None

    def path(self, sha256: str) -> Path:
        if self._key is None:
            self._key = segmentation_key(self.annotator)
        return self.folder / f"{sha256[:32]}-{self._key}.json"

    def cached(self, sha256: str) -> DocumentCounts | None:
        try:
            text = self.path(sha256).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return _counts_from_json(text, sha256)

    def counts(
        self, doc: Document, cancel: threading.Event | None = None, *, aside: bool = False
    ) -> DocumentCounts:
        """``aside``: a book is counted by another process (:meth:`_count_aside`)."""
        found = self.cached(doc.source_sha256)
        if found is not None:
            return found
        if aside and self._count_aside(doc, cancel):
            found = self.cached(doc.source_sha256)
            if found is not None:
                return found
        counts = count_document(doc, self.annotator, self.simplify, cancel)
        # A read-only cache folder: still correct, only slower next time.
        with contextlib.suppress(ReaderError):
            write_text(self.path(doc.source_sha256), _counts_json(counts))
        return counts

    def _count_aside(self, doc: Document, cancel: threading.Event | None) -> bool:
        """Count a book's words in a process of its own, which keeps them here: True if
        it did. The reader counted a novel in a worker thread, seconds of jieba sharing
        the interpreter with the drawing just as the reading starts; that process has
        its own (and, having one thread, cuts on every core). What it kept is used only
        if it is of this very text cut this very way (the file's hash and
        :func:`segmentation_key` name it); else, or if it could not run, the count is
        made here, the same. ``cancel`` stops the wait, not the count, which is kept
        for the next time."""
        from reader.language.aside import start_python
        from reader.language.parallel import PARALLEL_MIN_CHARS

        if not doc.path or sum(len(p.text) for p in doc.paragraphs()) < PARALLEL_MIN_CHARS:
            return False
        process = start_python(_COUNT_ASIDE, str(doc.path), str(self.folder))
        if process is None:
            return False
        while True:
            try:
                return process.wait(timeout=0.1) == 0
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    raise ReaderError("counting the document's words was cancelled") from None

    def counts_of_file(
        self, path: str | Path, *, counting: Callable[[], None] | None = None
    ) -> DocumentCounts:
        """From the cache by the file's hash before parsing it (parsing a novel takes 0.6 s).

        ``counting`` is called when the words must be counted (a few seconds for a book)."""
        return self._counts_of(path, _file_sha256(path), counting)

    def _counts_of(
        self, path: str | Path, sha256: str, counting: Callable[[], None] | None
    ) -> DocumentCounts:
        from reader.document import load_document

        found = self.cached(sha256) if sha256 else None
        if found is not None:
            return found
        doc = load_document(path)  # a bad file: one line, before anything is announced
        if counting is not None:
            counting()
        return self.counts(doc)

    def report_path(self, sha256: str) -> Path:
        """The file's coverage report: one per document, replaced when statuses change."""
        counts = self.path(sha256)
        return counts.with_name(f"{counts.stem}.report.json")

    def report_of_file(
        self,
        path: str | Path,
        words: KnownWords,
        *,
        top: int = 10,
        counting: Callable[[], None] | None = None,
    ) -> DocumentCoverage:
        """:meth:`KnownWords.document_coverage` of a file, kept until the file or your
        statuses change (:meth:`KnownWords.fingerprint`).

        The second ``reader coverage`` of a novel reads one small file instead of its
        word counts (a megabyte of JSON) and the coverage of 120 sections again.
        """
        sha256 = _file_sha256(path)
        key: dict[str, object] = {
            "format": REPORT_FORMAT,
            "sha256": sha256,
            "statuses": words.fingerprint(),
            "top": top,
        }
        if sha256:
            try:
                text = self.report_path(sha256).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
            else:
                found = _report_from_json(text, key)
                if found is not None:
                    return found
        report = words.document_coverage(self._counts_of(path, sha256, counting), top=top)
        if sha256:
            with contextlib.suppress(ReaderError):
                write_text(self.report_path(sha256), _report_json(report, key))
        return report


def _file_sha256(path: str | Path) -> str:
    """The file's content hash; "" when it cannot be read (the parser then says why)."""
    from reader.document.load import read_input

    try:  # a regular file of a sane size only: a named pipe would hang here
        return hashlib.sha256(read_input(path)).hexdigest()
    except ReaderError:
        return ""


# -- your words, with coverage ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionCoverage:
    id: str
    title: str
    coverage: Coverage
    #: The most frequent new words, with their counts.
    unknown: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class DocumentCoverage:
    title: str
    total: Coverage
    unknown: list[tuple[str, int]]
    sections: list[SectionCoverage]


Item = Token | Unit | str


class KnownWords(WordStatuses):
    """Your word statuses keyed by simplified form, and coverage of texts by them.

    The reader's one object for "which words do I know": the UI marks words
    (:meth:`set`, :meth:`set_many`) and asks :meth:`coverage` of what is on
    screen; ``reader coverage`` asks :meth:`document_coverage`.
    """

    def __init__(self, annotator: Annotator, path: Path | None = None) -> None:
        self.annotator = annotator
        self.simplify = Simplifier(annotator.dictionary)
        super().__init__(path, normalize=self.simplify)

    def counts(self, items: Iterable[Item]) -> WordCounts:
        """Word counts of tokens, or of units or texts (annotated here)."""
        return WordCounts.from_tokens(self._tokens(items), self.simplify)

    def _tokens(self, items: Iterable[Item]) -> Iterator[Token]:
        for item in items:
            if isinstance(item, Token):
                yield item
            else:
                yield from self.annotator.annotate(item.text if isinstance(item, Unit) else item)

    def coverage(self, items: Iterable[Item] | WordCounts) -> Coverage:
        """Coverage of a screen, a section or any text: tokens, units or strings."""
        counts = items if isinstance(items, WordCounts) else self.counts(items)
        return coverage_of(counts, self.by_key(counts.words))

    def document_coverage(self, counts: DocumentCounts, *, top: int = 10) -> DocumentCoverage:
        """Coverage of a document and of each of its sections, from its (cached) counts."""
        total = counts.total
        statuses = self.by_key(total.words)
        marked = marked_words(statuses)
        sections = [
            SectionCoverage(
                s.id,
                s.title,
                coverage_of(s.counts, statuses),
                top_unknown(s.counts, statuses, top, marked),
            )
            for s in counts.sections
        ]
        return DocumentCoverage(
            counts.title,
            coverage_of(total, statuses),
            top_unknown(total, statuses, top, marked),
            sections,
        )

    def fingerprint(self) -> str:
        """A digest of every status you have set: it changes whenever any of them does.

        What a cached coverage report is keyed by. Every row, not a count or the
        latest ``updated`` time: those can stay the same across a change (a word
        removed and another one marked; the clock set back). In key order, so
        it costs one pass over the table (a few ms for 10,000 marked words).
        """
        digest = hashlib.sha256()
        with self._read() as db:
            rows = db.execute("SELECT word, status, level FROM words ORDER BY word")
            for word, status, level in rows:
                digest.update(f"{word}\t{status}\t{level}\n".encode())
        return digest.hexdigest()[:32]


# -- the learning list of a chapter ---------------------------------------------------------


def find_section(doc: Document, spec: str) -> Section:
    """A section by id (``s3``) or number (``3``, the same section)."""
    wanted = spec.strip()
    if wanted.isdigit():
        wanted = f"s{int(wanted)}"
    for section in doc.walk():
        if section.id == wanted:
            return section
    ids = [s.id for s in doc.walk()]
    span = f"{ids[0]} to {ids[-1]}" if ids else "none"
    raise ReaderError(f"no section {spec!r} in {doc.title or 'the document'} (sections: {span})")


@dataclass(slots=True)
class _Seen:
    entry: VocabEntry
    count: int
    order: int


def unknown_words(
    doc: Document,
    words: KnownWords,
    *,
    section: str | None = None,
    style: PinyinStyle = TONE_MARKS,
) -> list[VocabEntry]:
    """The new words of ``doc`` (or of one section and its subsections), most frequent first.

    Each comes with its pinyin, first definition and the first sentence it
    occurs in, as the saved-word list does, so the same exports write it.
    Names, numbers and words no dictionary or glossary defines are left out;
    words you are learning are not new (they are already on your list).
    """
    import datetime

    sections = list(find_section(doc, section).walk()) if section else list(doc.walk())
    today = datetime.date.today().isoformat()
    seen: dict[str, _Seen] = {}
    for part in sections:
        for paragraph in part.paragraphs:
            for sentence in paragraph.sentences:
                for token in words.annotator.annotate(sentence.text):
                    if kind(token) != "word" or not token.definitions:
                        continue
                    key = words.simplify(token.text)
                    if key in seen:
                        seen[key].count += 1
                        continue
                    seen[key] = _Seen(card(token, sentence, doc, style, today), 1, len(seen))
    statuses = words.by_key(seen)
    new = [s for k, s in seen.items() if statuses.get(k, Status.NEW) is Status.NEW]
    return [s.entry for s in sorted(new, key=lambda s: (-s.count, s.order))]
