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
from dataclasses import dataclass
from typing import Literal

from reader.hanzi import hanzi_count, is_hanzi
from reader.language.dictionary import Dictionary, Reading
from reader.language.glossary import Glossary, Term
from reader.language.hsk import DEFAULT_STANDARD, HskLevels
from reader.language.pinyin import PinyinReader
from reader.language.segment import Segmenter

Source = Literal["user", "glossary", "cc-cedict", "characters"]
#: Sentences whose tokens annotate() keeps (a screen, or an export chunk, many times over).
ANNOTATED_KEPT = 4096
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
        self._synced_version: int | None = None
        self._definitions: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], Source]] = {}
        #: Recent annotate() results, oldest first (a bounded cache).
        self._annotated: dict[str, tuple[Token, ...]] = {}

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            self._glossary = Glossary()
        return self._glossary

    def _cedict_readings(self, word: str) -> list[str]:
        return [r.pinyin for r in self.dictionary.lookup(word)]

    def _sync_glossary(self) -> None:
        """Teach jieba every glossary term (again after an edit)."""
        glossary = self.glossary
        if self._synced_version == glossary.version:
            return
        with self._lock:
            if self._synced_version != glossary.version:
                self.segmenter.add_words(t.source for t in glossary.terms())
                self._definitions.clear()
                self._annotated.clear()
                self._synced_version = glossary.version

    def start(self) -> None:
        """Load jieba, the dictionary and the glossary now (about 1–2 s, once)."""
        self._sync_glossary()
        self.dictionary.open()
        self.segmenter.start()
        self.pinyin.word("中文")  # imports pypinyin and loads its phrase data

    # -- words -------------------------------------------------------------

    def has_entry(self, word: str) -> bool:
        return word in self.glossary or word in self.dictionary

    def _pieces(self, token: str) -> list[str]:
        """Split a token without an entry into the longest dictionary words."""
        if hanzi_count(token) != len(token) or len(token) < 2 or self.has_entry(token):
            return [token]
        pieces: list[str] = []
        i = 0
        while i < len(token):
            j = min(len(token), i + MAX_WORD)
            while j - i > 1 and not self.has_entry(token[i:j]):
                j -= 1
            pieces.append(token[i:j])
            i = j
        if len(token) >= 3 and all(len(p) == 1 for p in pieces) and not _NUMERALS & set(token):
            return [token]  # a name or a rare compound: keep it whole
        return pieces

    def _define(self, word: str, pinyin: tuple[str, ...]) -> tuple[tuple[str, ...], Source | None]:
        if hanzi_count(word) == 0:
            return (), None
        key = (word, pinyin)
        cached = self._definitions.get(key)
        if cached is not None:
            return cached
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
        self._definitions[key] = result
        return result

    # -- public API ----------------------------------------------------------

    def annotate(self, text: str) -> list[Token]:
        """Tokens of ``text``; their texts concatenate back to ``text``.

        Recent results are kept: the gloss, the reader's view and the exports'
        pinyin all annotate the same sentences, and should pay for it once.
        """
        if not text:
            return []
        self._sync_glossary()
        cached = self._annotated.get(text)
        if cached is not None:
            return list(cached)
        tokens = self._annotate(text)
        with self._lock:
            if len(self._annotated) >= ANNOTATED_KEPT:
                self._annotated.pop(next(iter(self._annotated)))
            self._annotated[text] = tuple(tokens)
        return tokens

    def _annotate(self, text: str) -> list[Token]:
        words = self.segmenter.cut(text)
        # Read each jieba word whole (pypinyin knows more phrases than CC-CEDICT
        # has entries), then split unknown words, then let neighbours decide.
        pieces: list[str] = []
        readings: list[tuple[str, ...]] = []
        for word in words:
            syllables = self.pinyin.word(word)
            position = 0
            for piece in self._pieces(word):
                count = hanzi_count(piece)
                pieces.append(piece)
                readings.append(syllables[position : position + count])
                position += count
        self.pinyin.apply_context(pieces, readings, sandhi=self.sandhi)
        tokens: list[Token] = []
        for piece, piece_pinyin in zip(pieces, readings, strict=True):
            count = hanzi_count(piece)
            definitions, source = self._define(piece, piece_pinyin)
            tokens.append(
                Token(
                    piece,
                    piece_pinyin,
                    definitions,
                    source,
                    self.hsk.level(piece) if count else None,
                    count > 0,
                )
            )
        return tokens

    def lookup(self, word: str) -> Entry:
        word = word.strip()
        self._sync_glossary()
        readings = self.dictionary.lookup(word)
        pinyin = self.pinyin.word(word)
        characters: tuple[tuple[str, tuple[Reading, ...]], ...] = ()
        if not readings:
            characters = tuple((ch, self.dictionary.lookup(ch)) for ch in word if is_hanzi(ch))
        return Entry(
            word, pinyin, readings, self.glossary.get(word), self.hsk.level(word), characters
        )
