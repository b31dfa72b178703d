"""A document being read: its blocks, their English, the reading position, bookmarks, words.

The reader's screens draw a :class:`ReadingSession` and call its methods on
the UI thread; the slow parts (starting jieba and the dictionary, translating)
are split so a worker runs them without touching the session:
:meth:`~ReadingSession.load_language` only warms the context's annotator, and
:meth:`~ReadingSession.translation_job` hands the worker a
:class:`TranslationJob` whose results come back through
:meth:`~ReadingSession.apply`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.context import Context
from reader.document.model import Document
from reader.document.units import Block, Unit, reading_order
from reader.english.layer import English, FixedEnglish
from reader.errors import ReaderError
from reader.language.annotate import Entry, Token
from reader.language.pinyin import toneless
from reader.reading.english import EnglishLayer
from reader.reading.known import ReadingWords
from reader.store import vocab
from reader.store.memory import EDITED
from reader.store.state import DocumentState, load_state, save_state
from reader.translate.base import Translation, TranslatorInfo
from reader.translate.pipeline import Pipeline

if TYPE_CHECKING:
    from reader.english.human import HumanTranslation

GLOSS = TranslatorInfo("gloss")
#: Screens translated ahead of the reader before the rest of the document.
AHEAD_SCREENS = 3
#: Units per pipeline run of a job: a few full batches.
JOB_CHUNK = 256


@dataclass(frozen=True, slots=True)
class Match:
    """A search hit: the block, the sentence in it, and the character offset."""

    block: int
    sentence: int
    offset: int


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """A line of the table of contents: a heading, or a bookmark (``bookmark`` true)."""

    block: int
    text: str
    level: int = 1
    bookmark: bool = False


@dataclass(frozen=True, slots=True)
class TranslationJob:
    """Machine translation of the units still without it, for a worker thread to run.

    In the order a reader needs it: what is on screen, then a few screens ahead,
    then the rest of the document in reading order. Each part is its own pipeline
    run, so the screen's sentences wait for nothing else (the cache lookup of a
    whole novel's 100,000 sentences included).
    """

    pipeline: Pipeline
    #: ``(phase, units)``: ``screen``, ``ahead``, ``document``.
    phases: tuple[tuple[str, tuple[Unit, ...]], ...]

    @property
    def info(self) -> TranslatorInfo:
        return self.pipeline.translator.info

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(u for _, units in self.phases for u in units)

    def size(self, phase: str) -> int:
        return sum(len(units) for name, units in self.phases if name == phase)

    def covers(self, unit_id: str, phases: tuple[str, ...] = ("screen", "ahead")) -> bool:
        return any(u.id == unit_id for name, units in self.phases if name in phases for u in units)

    def run(self, cancel: threading.Event) -> Iterator[tuple[str, Translation]]:
        """``(phase, translation)`` as batches finish (cached ones at once)."""
        if self.info.name == "gloss":
            return
        for phase, units in self.phases:
            # In chunks: a jump cancels within one chunk, and a novel's 100,000 cache
            # lookups never stand between the reader and the next screen.
            for start in range(0, len(units), JOB_CHUNK):
                for translation in self.pipeline.run(units[start : start + JOB_CHUNK], cancel):
                    yield phase, translation
                if cancel.is_set():
                    return


def _occurrences(text: str, query: str) -> list[int]:
    found = []
    start = text.find(query)
    while start >= 0 and query:
        found.append(start)
        start = text.find(query, start + len(query))
    return found


def _pinyin_offsets(text: str, compact: str) -> list[int]:
    """Indices of the characters where the toneless pinyin ``compact`` starts."""
    syllables = [toneless(ch) for ch in text]
    found: list[int] = []
    for start in range(len(text)):
        if syllables[start] and "".join(syllables[start:]).startswith(compact):
            found.append(start)
    return found


def _excerpt(text: str, size: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"


class ReadingSession:
    def __init__(self, doc: Document, context: Context) -> None:
        self.doc = doc
        self.context = context
        self.order = reading_order(doc)
        self.blocks: tuple[Block, ...] = self.order.blocks
        self.language_ready = threading.Event()
        self.english_layer = EnglishLayer(self._gloss)
        #: Which of the document's words you know, and how much of it you can read.
        self.known = ReadingWords(context.words)
        #: An aligned human translation, by sentence id (none until one is opened with it).
        self.human: dict[str, English] = {}
        #: Its file, and which sentences one English sentence translates together.
        self.translation: HumanTranslation | None = None
        self.has_model = context.has_model()
        self.english_layer.expects_mt = self.has_model
        self.translator_info = GLOSS
        #: Sentences, headings and the title: what machine translation covers.
        self.total = sum(len(b.sentences) for b in self.blocks)
        self.state: DocumentState = (
            load_state(doc.source_sha256) if doc.source_sha256 else DocumentState("")
        )
        #: Absolute, so the library can open it again from anywhere.
        self.state.path = str(Path(doc.path).resolve()) if doc.path else ""
        self.state.title = doc.title
        self.state.opened = time.time()

    # -- slow work, for workers -------------------------------------------------------

    def load_language(self) -> dict[str, English]:
        """Start jieba, the dictionary and the glossary (about a second; a worker calls it),
        and find the English no model is needed for: edits and memory hits.

        Returns that English for :meth:`use_fixed` to take on the UI thread.
        """
        self.context.annotator.start()
        self.language_ready.set()
        return self.fixed_english().lookup(self.order.units())

    def fixed_english(self) -> FixedEnglish:
        sha = self.doc.source_sha256
        edits = self.context.edits(sha).all() if sha else {}
        return FixedEnglish(edits, self.human, self.context.memory)

    def open_translation(self, english_path: str) -> HumanTranslation:
        """Align the document with a human translation (seconds; a worker calls it)."""
        from reader.english.human import open_translation

        return open_translation(self.doc, english_path, self.context)

    def use_translation(self, translation: HumanTranslation) -> dict[str, English]:
        """Show an aligned translation (UI thread); returns the English to :meth:`use_fixed`."""
        self.translation = translation
        self.human = translation.english
        layer = self.english_layer.fixed
        for sid in [k for k, e in layer.items() if e.provenance == "human"]:
            del layer[sid]
        return self.fixed_english().lookup(self.order.units())

    def together(self, sentence_id: str) -> tuple[str, ...]:
        """The sentences one English sentence translates together with this one."""
        if self.translation is None:
            return ()
        return self.translation.groups.get(sentence_id, ())

    def use_fixed(self, fixed: dict[str, English]) -> list[int]:
        """Take the fixed English a worker found; returns the blocks to draw again."""
        self.english_layer.fixed.update(fixed)
        return sorted({i for sid in fixed if (i := self.order.block_index(sid)) is not None})

    def translation_job(self, front: int = 0, screen: int = 1) -> TranslationJob:
        """What is left to translate (UI thread), the ``screen`` blocks from block ``front``
        first, then :data:`AHEAD_SCREENS` screens ahead, then the rest; a worker runs it."""
        pipeline = self.context.pipeline()
        self.translator_info = pipeline.translator.info
        layer = self.english_layer

        def missing(blocks: Iterable[Block]) -> tuple[Unit, ...]:
            return tuple(
                u
                for b in blocks
                for u in b.sentences
                if u.id not in layer.translations and u.id not in layer.fixed
            )

        front = max(0, min(front, len(self.blocks) - 1))
        screen = max(1, screen)
        ahead_end = front + screen * (1 + AHEAD_SCREENS)
        on_screen = missing(self.blocks[front : front + screen])
        ahead = missing(self.blocks[front + screen : ahead_end])
        rest = missing(b for i, b in enumerate(self.blocks) if not front <= i < ahead_end)
        return TranslationJob(
            pipeline, (("screen", on_screen), ("ahead", ahead), ("document", rest))
        )

    def apply(self, translations: list[Translation]) -> list[int]:
        """Take a worker's translations; returns the blocks to draw again."""
        changed = set()
        for sid in self.english_layer.add(translations):
            index = self.order.block_index(sid)
            if index is not None:
                changed.add(index)
        return sorted(changed)

    @property
    def translated(self) -> int:
        return len(self.english_layer.translations)

    # -- what the view draws ------------------------------------------------------------

    def section_of(self, block: int) -> str:
        return self.blocks[block].section_id

    def block_index(self, item_id: str) -> int | None:
        return self.order.block_index(item_id)

    def tokens_for(self, text: str) -> list[Token] | None:
        """The words of a sentence, or None while segmentation is loading."""
        if not self.language_ready.is_set():
            return None
        return self.context.annotator.annotate(text)

    def english_for(self, sentence_id: str, text: str) -> English:
        return self.english_layer.get(
            sentence_id, text, language_ready=self.language_ready.is_set()
        )

    def _gloss(self, text: str) -> str:
        from reader.translate.gloss import GlossTranslator

        return GlossTranslator(self.context.annotator).gloss(text)

    # -- post-editing --------------------------------------------------------------------------

    def edit(self, sentence_id: str, english: str) -> English:
        """Save your English for a sentence at once (and in the translation memory).

        Empty English removes the edit: the sentence shows what it had before.
        """
        index = self.order.block_index(sentence_id)
        if index is None or not self.doc.source_sha256:
            raise ReaderError(f"no sentence {sentence_id!r} to edit in this document")
        text = next(u.text for u in self.blocks[index].sentences if u.id == sentence_id)
        edits = self.context.edits(self.doc.source_sha256)
        layer = self.english_layer
        if not english.strip():
            edits.remove(sentence_id)
            layer.fixed.pop(sentence_id, None)
            again = self.fixed_english().lookup([Unit(sentence_id, text)])
            layer.fixed.update(again)
            return self.english_for(sentence_id, text)
        saved = edits.save(sentence_id, text, english)
        layer.fixed[sentence_id] = English(saved.target, "edited", origin=EDITED)
        return layer.fixed[sentence_id]

    def candidates(self, sentence_id: str, text: str) -> list[English]:
        """Every English there is for a sentence, best first, each once: to choose from."""
        found: list[English] = []
        shown = self.english_for(sentence_id, text)
        if shown.provenance != "none":
            found.append(shown)
        if sentence_id in self.human:
            found.append(self.human[sentence_id])
        memory = self.context.memory
        for entry in memory.alternatives(text):
            found.append(English(entry.target, "tm", origin=entry.origin))
        for match in memory.similar(text):
            found.append(
                English(
                    match.entry.target,
                    "tm",
                    origin=match.entry.origin,
                    similarity=match.similarity,
                    source=match.entry.source,
                )
            )
        machine = self.english_layer.machine(sentence_id)
        if machine is not None:
            found.append(machine)
        if self.language_ready.is_set():
            found.append(self.english_layer.gloss(text))
        unique: dict[str, English] = {}
        for english in found:
            if english.text.strip():
                unique.setdefault(" ".join(english.text.split()), english)
        return list(unique.values())

    # -- the glossary and words -------------------------------------------------------------

    def lookup(self, word: str) -> Entry:
        return self.context.annotator.lookup(word)

    def add_term(self, word: str, english: str, note: str = "") -> int:
        """Save a glossary entry; returns how many translations it made stale.

        The annotator notices the edit itself; the gloss is redone, and the
        machine translations whose terms changed are dropped (for
        :meth:`translation_job` to redo).
        """
        self.context.glossary.add(word, english, note)
        return len(self.english_layer.glossary_changed(self.context.pipeline()))

    def save_word(self, word: str, sentence: str, sentence_id: str) -> vocab.VocabEntry:
        """Keep a word for flash cards, with the sentence it was met in."""
        entry = self.lookup(word)
        return vocab.add(
            word=entry.word,
            pinyin=self.context.style.text(entry.pinyin),
            definition=entry.definition,
            sentence=sentence.strip(),
            document=self.doc.title,
            document_sha256=self.doc.source_sha256,
            sentence_id=sentence_id,
        )

    # -- search -------------------------------------------------------------------------------

    def search(self, query: str) -> list[Match]:
        """Every occurrence of ``query`` in Chinese or toneless pinyin (spaces optional),
        else each sentence whose English has it.

        Each lands on the matching word; an English match lands on its sentence's
        first word. Occurrences, not sentences: "match 3 of 41" counts what you see.
        """
        needle = query.lower()
        compact = "".join(needle.split())
        by_pinyin = compact.isascii() and compact.isalpha()
        found: list[Match] = []
        for index, block in enumerate(self.blocks):
            for number, (sid, text) in enumerate(block.sentences):
                offsets = _occurrences(text, query)
                if not offsets and by_pinyin and compact in toneless(text):
                    offsets = _pinyin_offsets(text, compact)
                if not offsets:
                    english = self.english_layer.english_text(sid)
                    if english is not None and needle in english.lower():
                        offsets = [0]
                found.extend(Match(index, number, offset) for offset in offsets)
        return found

    # -- position, bookmarks, contents ---------------------------------------------------------

    def move_to(self, block: int, token: int) -> None:
        """The reader's position: the block, the word cursor in it, the share read."""
        self.state.position = self.blocks[block].id
        self.state.token = token
        self.state.progress = block / max(1, len(self.blocks) - 1)

    def position(self) -> tuple[int, int] | None:
        """Where the reader was (block, word), if it was saved for this text."""
        index = self.order.block_index(self.state.position)
        return None if index is None else (index, self.state.token)

    def toggle_bookmark(self, block: int) -> bool:
        """Bookmark a block, or remove its bookmark; returns whether it is bookmarked now."""
        block_id = self.blocks[block].id
        marks = self.state.bookmarks
        if block_id in marks:
            marks.remove(block_id)
        else:
            marks.append(block_id)
        self.save()
        return block_id in marks

    def contents(self) -> list[ContentsEntry]:
        """The headings, then the bookmarks (each with the paragraph's first words)."""
        entries = [
            ContentsEntry(i, b.text or "…", b.level)
            for i, b in enumerate(self.blocks)
            if b.kind == "heading"
        ]
        for mark in self.state.bookmarks:
            index = self.order.block_index(mark)
            if index is not None:
                text = _excerpt(self.blocks[index].text.strip())
                entries.append(ContentsEntry(index, text, bookmark=True))
        return entries

    def headings(self) -> list[int]:
        return [i for i, b in enumerate(self.blocks) if b.kind == "heading"]

    def save(self) -> None:
        if self.state.sha256:
            save_state(self.state)
