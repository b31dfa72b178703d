"""Tokens with pinyin, definitions and HSK level: the language layer's one entry point.

``annotate(text)`` segments with jieba (glossary terms kept whole), reads each
word in context, and attaches definitions from the user's glossary, the
built-in glossary or CC-CEDICT. A token jieba makes that no dictionary has
(八个, 第十四届, 是从) is split into the longest dictionary words, as the
Zhongwen and Pleco popups do; a longer token that would fall apart into single
characters (usually a name) stays whole and gets its characters' senses.
Everything loads lazily and is safe to call from a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reader.hanzi import HANZI, HANZI_RUN, hanzi_count, is_hanzi
from reader.language.dictionary import Dictionary, Reading
from reader.language.glossary import Glossary, Term
from reader.language.hsk import DEFAULT_STANDARD, HskLevels
from reader.language.pinyin import PinyinReader
from reader.language.segment import Segmenter

if TYPE_CHECKING:
    import subprocess

Source = Literal["user", "glossary", "cc-cedict", "characters"]
#: A token's fields, in order, as plain values (what crosses to and from worker processes).
TokenRow = tuple[str, tuple[str, ...], tuple[str, ...], "Source | None", "int | None", bool]
#: Sentences whose tokens annotate() keeps (a screen, or an export chunk, many times over).
ANNOTATED_KEPT = 4096
#: What the process :meth:`Annotator.keep_tables` starts runs: jieba's table (from a
#: tokenizer of its own: jieba's words alone) and pypinyin's, each if missing.
_KEEP_TABLES = (
    "import sys; from pathlib import Path; "
    "from reader.language.jieba_table import is_built; "
    "from reader.language.pinyin_table import keep_table; "
    "from reader.language.segment import Segmenter; "
    "folder = Path(sys.argv[1]) if sys.argv[1] else None; "
    "is_built(folder) or Segmenter(jieba_cache=folder).start(); "
    "keep_table()"
)
#: Longest dictionary word tried when splitting an unknown token.
MAX_WORD = 8
#: Tokens with these are numbers and ordinals (第九次), never names.
_NUMERALS = frozenset("第零〇一二三四五六七八九十百千万亿两")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    #: One syllable per Hanzi of :attr:`text`, in tone marks (the one canonical
    #: reading; :class:`~reader.language.style.PinyinStyle` writes it for display);
    #: empty for punctuation and Latin.
    pinyin: tuple[str, ...]
    definitions: tuple[str, ...]
    source: Source | None
    hsk: int | None
    is_hanzi: bool

    def __hash__(self) -> int:
        # Equal tokens agree on these; hashing every sense too made each cache lookup
        # keyed by a token (the gloss's, the view's) cost more than the work it saves.
        return hash((self.text, self.pinyin, self.source))


class TokenNumbers:
    """Tokens numbered in order of first appearance, equal tokens under one number.

    For writing a document's tokens compactly (the annotation cache, a worker's
    answer): a book is 880,000 tokens of a few tens of thousands, and hashing a
    token is a Python call, so each token object is looked up by identity and
    hashed only the first time it is seen (every object seen is kept, so an id
    is never reused while the numbers are in use).
    """

    def __init__(self) -> None:
        #: The distinct tokens, by number.
        self.tokens: list[Token] = []
        self._by_token: dict[Token, int] = {}
        self._by_id: dict[int, int] = {}
        self._seen: list[Token] = []

    def number(self, token: Token) -> int:
        found = self._by_id.get(id(token))
        if found is None:
            found = self._by_token.get(token)
            if found is None:
                found = self._by_token[token] = len(self.tokens)
                self.tokens.append(token)
            self._by_id[id(token)] = found
            self._seen.append(token)
        return found

    def numbers(self, tokens: Sequence[Token]) -> list[int]:
        found = list(map(self._by_id.get, map(id, tokens)))
        if None in found:  # tokens not seen before: the slow way, once each
            return [self.number(t) if n is None else n for t, n in zip(tokens, found, strict=True)]
        return found  # type: ignore[return-value]  # no None left


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything known about one word, for ``reader lookup`` and the popup."""

    word: str
    #: The reading reader shows for the word out of context (tone marks).
    pinyin: tuple[str, ...]
    readings: tuple[Reading, ...]
    glossary: Term | None
    hsk: int | None
    #: For a word no dictionary has: each character with its readings.
    characters: tuple[tuple[str, tuple[Reading, ...]], ...] = ()

    @property
    def definition(self) -> str:
        """The one-line definition a flash card gets: the glossary's, else the first sense."""
        if self.glossary:
            return self.glossary.target
        if self.readings and self.readings[0].senses:
            return self.readings[0].senses[0]
        return ""

    @property
    def traditional(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for reading in self.readings:
            if reading.traditional != self.word:
                seen.setdefault(reading.traditional)
        return tuple(seen)


def _origin_source(term: Term) -> Source:
    return "glossary" if term.origin == "glossary" else "user"


def _senses(readings: tuple[Reading, ...], pinyin: tuple[str, ...]) -> tuple[str, ...]:
    """All senses: the reading that matches ``pinyin`` first, bare variant entries last."""
    wanted = " ".join(pinyin).lower()
    ordered = sorted(
        readings,
        key=lambda r: (
            r.pinyin.lower() != wanted,
            all("variant of" in s for s in r.senses),
            r.pinyin[:1].isupper(),  # names (surname Ye) after the common word (也 also)
        ),
    )
    out: dict[str, None] = {}
    for reading in ordered:
        for sense in reading.senses:
            out.setdefault(sense)
        for ref in reading.references:
            if ref.senses:
                out.setdefault(f"{ref.word}: {'; '.join(ref.senses)}")
    return tuple(out)


class Annotator:
    """Composes segmentation, pinyin, dictionary, glossary and HSK levels."""

    def __init__(
        self,
        *,
        glossary: Glossary | None = None,
        dictionary: Dictionary | None = None,
        segmenter: Segmenter | None = None,
        hsk_standard: str = DEFAULT_STANDARD,
        sandhi: bool = False,
    ) -> None:
        self._glossary = glossary
        self.dictionary = dictionary or Dictionary()
        self.segmenter = segmenter or Segmenter()
        self.hsk = HskLevels(hsk_standard)
        self.sandhi = sandhi
        self.pinyin = PinyinReader(self._cedict_readings)
        self._lock = threading.Lock()
        self._synced_version: tuple[int, int] | None = None
        # Per distinct word, not per occurrence: a novel has 880,000 tokens but only
        # 40,000 distinct words, so pinyin, dictionary and glossary are asked once each.
        #: A jieba word's pieces (dictionary words) with their readings out of context.
        self._split: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
        #: A jieba word's pieces with their sources: the words-only path of :meth:`words`.
        self._sources: dict[str, tuple[tuple[str, Source | None], ...]] = {}
        #: Finished tokens by (piece, reading in context); tokens are immutable.
        self._tokens: dict[tuple[str, tuple[str, ...]], Token] = {}
        #: A jieba word's tokens out of context (most words: their tokens in any sentence).
        self._words: dict[str, tuple[Token, ...]] = {}
        #: Recent annotate() results, oldest first (a bounded cache).
        self._annotated: dict[str, tuple[Token, ...]] = {}
        #: Whether the first text asked for the dictionary index to be built aside.
        self._aside_asked = False
        #: Sentences annotated in an earlier run (:meth:`prime`), until the glossary changes.
        self._primed: Mapping[str, tuple[Token, ...]] = {}
        #: Every CC-CEDICT headword, once :meth:`use_headwords` has read them.
        self._headwords: frozenset[str] | None = None
        #: Whether CC-CEDICT has a word, for the words whose readings were looked up.
        self._looked_up: dict[str, bool] = {}

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = Glossary()
        return self._glossary

    def _cedict_readings(self, word: str) -> list[str]:
        readings = self.dictionary.lookup(word)
        self._looked_up[word] = bool(readings)  # spares has_entry a second query
        return [r.pinyin for r in readings]

    def _sync_glossary(self) -> None:
        """Teach jieba every glossary term (again after an edit)."""
        glossary = self.glossary
        # A split or join of a word (the segmenter's version) changes tokens as well.
        if self._synced_version == (glossary.version, self.segmenter.version):
            return
        with self._lock:
            if self._synced_version != (glossary.version, self.segmenter.version):
                self.segmenter.add_words(t.source for t in glossary.terms())
                self._forget_words()
                self._synced_version = (glossary.version, self.segmenter.version)

    def _forget_words(self) -> None:
        """Drop everything derived from the glossary (an edit changes pieces and senses)."""
        self._split.clear()
        self._sources.clear()
        self._tokens.clear()
        self._words.clear()
        self._annotated.clear()
        self._primed = {}

    def start(self, *, pinyin: bool = True, tables_later: bool = False) -> None:
        """Load jieba, the dictionary and the glossary now (about 1–2 s, once); and the
        pinyin readings (a table on disk, or pypinyin), unless only :meth:`words` will
        be asked for.

        ``tables_later``: the tables short texts are read from next time (jieba's words,
        pypinyin's readings: 1.5 s to write on the first run ever) are not written
        before this returns, but by :meth:`keep_tables` (the reader: after its first
        screen is up); meanwhile jieba and pypinyin answer, with the same words.
        """
        self._sync_glossary()
        # The first run ever builds the dictionary's index on another core meanwhile.
        self.dictionary.build_aside()
        if tables_later:
            from reader.language.pinyin_table import build_later

            build_later()
        self.segmenter.start(table_later=tables_later)
        self.dictionary.open()
        if pinyin:
            self.pinyin.word("中文")  # opens the readings' table (or imports pypinyin)

    def keep_tables(self, *, aside: bool = False) -> subprocess.Popen[bytes] | None:
        """Write the tables :meth:`start` left for later (``tables_later``), if missing.

        ``aside``: by another process, which is returned (the reader: 2.5 s of Python
        beside the drawing on the first run ever, which a quit also waited for); here
        only if it cannot be started. It loads jieba anew, so its table holds jieba's
        own words, as the one written here does (no glossary term, join or split)."""
        from reader.language.pinyin_table import keep_table, table_path

        if not self.segmenter.table_pending() and table_path().exists():
            return None
        if aside:
            from reader.language.aside import start_python

            child = start_python(_KEEP_TABLES, str(self.segmenter.jieba_folder or ""))
            if child is not None:
                self.segmenter.table_written_elsewhere()
                return child
        self.segmenter.keep_table()
        keep_table()
        return None

    # -- words -------------------------------------------------------------

    def use_headwords(self) -> None:
        """Answer "is this a word?" from every CC-CEDICT headword in memory (read once,
        0.1–0.3 s, about 35 MB) instead of a query per word: for counting a book's words,
        where most distinct words are asked about and nothing else is looked up."""
        self._headwords = self.dictionary.headwords.forms

    def has_entry(self, word: str) -> bool:
        return word in self.glossary or self._in_dictionary(word)

    def _in_dictionary(self, word: str) -> bool:
        headwords = self._headwords
        if headwords is not None:
            return word in headwords
        known = self._looked_up.get(word)
        return known if known is not None else word in self.dictionary

    def _pieces(self, token: str) -> list[str]:
        """Split a token without an entry into the longest dictionary words."""
        if len(token) < 2 or HANZI_RUN.fullmatch(token) is None or self.has_entry(token):
            return [token]
        if token in self.segmenter.user_words:
            return [token]  # you joined it (宝钗), or made it a part of your split
        pieces: list[str] = []
        split = self.segmenter.split_words  # you split 但书: 但书中 is 但|书中, not 但书|中
        i = 0
        while i < len(token):
            j = min(len(token), i + MAX_WORD)
            while j - i > 1 and (not self.has_entry(token[i:j]) or token[i:j] in split):
                j -= 1
            pieces.append(token[i:j])
            i = j
        if (
            len(token) >= 3
            and all(len(p) == 1 for p in pieces)
            and not _NUMERALS & set(token)
            and not any(word in token for word in split)
        ):
            return [token]  # a name or a rare compound: keep it whole
        return pieces

    def dictionary_parts(self, word: str) -> list[str]:
        """A word no dictionary has, as the longest dictionary words in it (高质量 / 发展),
        single characters only where no longer word fits: what its popup explains."""
        hanzi = "".join(ch for ch in word if is_hanzi(ch))
        parts: list[str] = []
        i = 0
        while i < len(hanzi):
            j = min(len(hanzi), i + MAX_WORD)
            while j - i > 1 and (hanzi[i:j] == hanzi or hanzi[i:j] not in self.dictionary):
                j -= 1
            parts.append(hanzi[i:j])
            i = j
        return parts

    def _source(self, piece: str) -> Source | None:
        """Where :meth:`_define` finds ``piece``'s senses, without reading them."""
        if HANZI.search(piece) is None:
            return None
        term = self.glossary.get(piece)
        if term is not None:
            return _origin_source(term)
        return "cc-cedict" if self._in_dictionary(piece) else "characters"

    def _define(self, word: str, pinyin: tuple[str, ...]) -> tuple[tuple[str, ...], Source | None]:
        if hanzi_count(word) == 0:
            return (), None
        term = self.glossary.get(word)
        result: tuple[tuple[str, ...], Source]
        if term is not None:
            result = ((term.target,), _origin_source(term))
        elif readings := self.dictionary.lookup(word):
            result = (_senses(readings, pinyin), "cc-cedict")
        else:
            parts = []
            for ch, syllable in zip(
                (c for c in word if is_hanzi(c)), pinyin or ("",) * len(word), strict=False
            ):
                senses = _senses(self.dictionary.lookup(ch), (syllable,))
                if senses:
                    parts.append(f"{ch}: {'; '.join(senses[:3])}")
            result = (tuple(parts), "characters")
        return result

    def _token(self, piece: str, pinyin: tuple[str, ...]) -> Token:
        """The token for ``piece`` read as ``pinyin``, built once per distinct pair."""
        key = (piece, pinyin)
        token = self._tokens.get(key)
        if token is None:
            count = hanzi_count(piece)
            definitions, source = self._define(piece, pinyin)
            hsk = self.hsk.level(piece) if count else None
            token = self._tokens[key] = Token(piece, pinyin, definitions, source, hsk, count > 0)
        return token

    def _split_word(self, word: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """A jieba word's pieces, each with its share of the word's reading."""
        split = self._split.get(word)
        if split is None:
            # Read the word whole (pypinyin knows more phrases than CC-CEDICT has
            # entries), then cut the reading along the pieces.
            syllables = self.pinyin.word(word)
            parts: list[tuple[str, tuple[str, ...]]] = []
            position = 0
            for piece in self._pieces(word):
                count = hanzi_count(piece)
                parts.append((piece, syllables[position : position + count]))
                position += count
            split = self._split[word] = tuple(parts)
        return split

    # -- public API ----------------------------------------------------------

    def annotate(self, text: str) -> list[Token]:
        """Tokens of ``text``; their texts concatenate back to ``text``.

        Recent results are kept: the gloss, the reader's view and the exports'
        pinyin all annotate the same sentences, and should pay for it once.
        """
        if not text:
            return []
        self._sync_glossary()
        cached = self._annotated.get(text) or self._primed.get(text)
        if cached is not None:
            return list(cached)
        tokens = self._annotate(text)
        with self._lock:
            if len(self._annotated) >= ANNOTATED_KEPT:
                self._annotated.pop(next(iter(self._annotated)))
            self._annotated[text] = tuple(tokens)
        return tokens

    def _word_tokens(self, word: str) -> tuple[Token, ...]:
        """A jieba word's tokens as read out of context, made once per distinct word."""
        tokens = self._words.get(word)
        if tokens is None:
            tokens = self._words[word] = tuple(self._token(p, r) for p, r in self._split_word(word))
        return tokens

    def _annotate(self, text: str) -> list[Token]:
        if not self._aside_asked:
            # The first text of a first run ever (``reader annotate``): the dictionary's
            # index is built on another core while this one loads jieba to cut it.
            self._aside_asked = True
            self.dictionary.build_aside()
        return self.assemble(self.segmenter.cut(text))

    def assemble(self, words: Iterable[str]) -> list[Token]:
        """The tokens of a text segmented into ``words`` (jieba's, in order): what
        :meth:`annotate` makes of it, not kept. For a document cut elsewhere
        (:func:`reader.language.parallel.annotate_texts`)."""
        # Each jieba word's tokens are made once (cached); then neighbours decide, and the
        # few tokens whose reading they change (地, 得, 着, the context table) are replaced.
        tokens: list[Token] = []
        word_tokens = self._words.get
        for word in words:
            found = word_tokens(word)
            tokens.extend(found if found is not None else self._word_tokens(word))
        readings = [t.pinyin for t in tokens]
        self.pinyin.apply_context([t.text for t in tokens], readings, sandhi=self.sandhi)
        for i, (token, reading) in enumerate(zip(tokens, readings, strict=True)):
            if reading is not token.pinyin:
                tokens[i] = self._token(token.text, reading)
        return tokens

    def known(self, text: str) -> tuple[Token, ...] | None:
        """``text``'s tokens if they are at hand (annotated lately, or primed), else None."""
        self._sync_glossary()
        return self._annotated.get(text) or self._primed.get(text)

    def has_word(self, word: str) -> bool:
        """Whether a jieba word's tokens are made already (here, or adopted)."""
        return word in self._words

    def word_rows(self, words: Iterable[str]) -> list[tuple[TokenRow, ...]]:
        """Each word's tokens out of context as plain rows (the fields of a token): what a
        worker process sends back for :meth:`adopt_words`.

        The words and their characters (what a word CC-CEDICT lacks is split into) are
        read from the dictionary together first, a few queries for thousands of words.
        """
        words = list(words)
        dictionary = self.dictionary
        dictionary.prefetch([*words, *{ch for word in words for ch in word}])
        try:
            return [
                tuple(
                    (t.text, t.pinyin, t.definitions, t.source, t.hsk, t.is_hanzi)
                    for t in self._word_tokens(word)
                )
                for word in words
            ]
        finally:
            dictionary.forget_prefetched()

    def adopt_words(self, words: Iterable[str], rows: Iterable[tuple[TokenRow, ...]]) -> None:
        """Take the words' tokens as another process made them (:meth:`word_rows`), as if
        made here: an equal token already made here is used, not a copy."""
        tokens = self._tokens
        for word, word_rows in zip(words, rows, strict=True):
            made = []
            for row in word_rows:
                key = (row[0], row[1])
                token = tokens.get(key)
                if (
                    token is None
                    or (
                        token.definitions,
                        token.source,
                        token.hsk,
                        token.is_hanzi,
                    )
                    != row[2:]
                ):
                    token = tokens[key] = Token(*row)
                made.append(token)
            self._words[word] = tuple(made)

    def prime(self, annotated: Mapping[str, tuple[Token, ...]]) -> None:
        """Answer :meth:`annotate` from ``annotated`` (a document's sentences, kept from an
        earlier run by :class:`~reader.language.annotation_cache.AnnotationCache`) until
        the glossary or the segmentation changes; ``{}`` lets them go."""
        self._sync_glossary()
        self._primed = annotated

    def words(self, text: str) -> list[tuple[str, Source | None]]:
        """The pieces :meth:`annotate` makes of ``text`` with their sources, and nothing else.

        What coverage needs, for a fraction of the cost: no pinyin, no senses.
        ``[(t.text, t.source) for t in annotate(text)]`` is the same list.
        """
        self._sync_glossary()
        # A sentence annotated already (an export's, from the annotation cache) is not cut
        # again: the term matcher asks for its words, and would load jieba for them.
        cached = self._annotated.get(text) or self._primed.get(text)
        if cached is not None:
            return [(t.text, t.source) for t in cached]
        return self.words_of(self.segmenter.cut(text))

    def words_of(self, words: Iterable[str]) -> list[tuple[str, Source | None]]:
        """:meth:`words` of text already segmented (jieba's words, in order)."""
        out: list[tuple[str, Source | None]] = []
        sources = self._sources
        for word in words:
            found = sources.get(word)
            if found is None:
                found = sources[word] = tuple((p, self._source(p)) for p in self._pieces(word))
            out.extend(found)
        return out

    def lookup(self, word: str) -> Entry:
        word = word.strip()
        self._sync_glossary()
        readings = self.dictionary.lookup(word)
        pinyin = self.pinyin.word(word)
        characters: tuple[tuple[str, tuple[Reading, ...]], ...] = ()
        if not readings:
            characters = tuple(
                (part, self.dictionary.lookup(part)) for part in self.dictionary_parts(word)
            )
        return Entry(
            word, pinyin, readings, self.glossary.get(word), self.hsk.level(word), characters
        )
