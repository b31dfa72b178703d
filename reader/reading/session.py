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
from reader.reading.english import EnglishLayer
from reader.reading.known import ReadingWords
from reader.reading.search import PinyinIndex, pinyin_offsets
from reader.store import vocab
from reader.store.memory import EDITED
from reader.store.state import DocumentState, load_state, save_state, toggle_bookmark
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
        #: The first screen's words are there (cut before the dictionary loaded): short
        #: texts are cut the same way until it has.
        self.first_ready = threading.Event()
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
        self._total: int | None = None
        self.state: DocumentState = (
            load_state(doc.source_sha256) if doc.source_sha256 else DocumentState("")
        )
        #: Absolute, so the library can open it again from anywhere.
        self.state.path = str(Path(doc.path).resolve()) if doc.path else ""
        self.state.title = doc.title
        self.state.opened = time.time()
        #: Why the position or a bookmark could not be saved ("" when it was): the
        #: reader goes on, and its status line says so.
        self.save_problem = ""
        #: Every sentence's toneless pinyin, for pinyin search (:meth:`prepare_search`).
        self._pinyin_index: PinyinIndex | None = None
        self._search_lock = threading.Lock()

    @property
    def total(self) -> int:
        """Sentences, headings and the title: what machine translation covers (counted
        when first asked: it splits every paragraph)."""
        if self._total is None:
            self._total = sum(len(b.sentences) for b in self.blocks)
        return self._total

    # -- slow work, for workers -------------------------------------------------------

    def annotate_first(self, blocks: range) -> bool:
        """Words and pinyin for the first screen, before the language layer loads (a
        worker calls it): cut from jieba's table on disk, so the reader's pinyin shows
        in a fraction of the load's second. False where that table is not there yet
        (the first run ever): the screen then waits for :meth:`load_language`."""
        annotator = self.context.annotator
        if not annotator.segmenter.can_cut_light():
            return False
        for index in blocks:
            if 0 <= index < len(self.blocks):
                for _, text in self.blocks[index].sentences:
                    annotator.annotate(text)
        self.first_ready.set()
        return True

    def load_language(self) -> dict[str, English]:
        """Start jieba, the dictionary and the glossary (about a second; a worker calls it),
        and find the English no model is needed for: edits and memory hits.

        Returns that English for :meth:`use_fixed` to take on the UI thread.
        """
        self.context.annotator.start(tables_later=True)
        self.language_ready.set()
        return self.fixed_english().lookup(self.order.units())

    def keep_tables(self) -> None:
        """Write what the next start reads the first screen's words from, if this was
        the first run ever: by another process (seconds of work, not beside the drawing;
        a quit does not wait for it)."""
        self.context.annotator.keep_tables(aside=True)

    def fixed_english(self) -> FixedEnglish:
        sha = self.doc.source_sha256
        edits = self.context.edits(sha).all() if sha else {}
        return FixedEnglish(edits, self.human, self.context.memory)

    def open_translation(self, english_path: str) -> HumanTranslation:
        """Align the document with a human translation (seconds; a worker calls it)."""
        from reader.english.human import open_translation

        return open_translation(self.doc, english_path, self.context)

    def open_stored_translation(self, english_path: str) -> HumanTranslation | None:
        """The translation as :meth:`open_translation` gives it, where its alignment was
        kept from before (milliseconds, no language layer needed); else None."""
        from reader.english.human import open_stored_translation

        return open_stored_translation(self.doc, english_path)

    def use_translation(self, translation: HumanTranslation) -> dict[str, English]:
        """Show an aligned translation (UI thread); returns the English to :meth:`use_fixed`."""
        self.translation = translation
        self.human = translation.english
        # Saved with the position: the next time it opens with this translation again.
        self.state.english = str(translation.path.resolve())
        self.state.without_english = False
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
        if not (self.language_ready.is_set() or self.first_ready.is_set()):
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

    # -- fixing the segmentation --------------------------------------------------------------

    def split_suggestion(self, word: str) -> tuple[str, ...]:
        """Where ``word`` is cut if you split it: the longest dictionary words in it
        (贾政扶 → 贾政 扶, 秦氏凤姐 → 秦氏 凤姐), else its characters."""
        parts = tuple(self.context.annotator.dictionary_parts(word))
        return parts if "".join(parts) == word and len(parts) > 1 else tuple(word)

    def split_word(self, word: str, parts: Iterable[str]) -> int:
        """Cut ``word`` into ``parts`` in every text from now on (saved at once), as LUTE's
        parser exceptions do; returns how many translations it made stale."""
        self.context.annotator.segmenter.split(word, tuple(parts))
        return self._segmentation_changed()

    def join_next(self, sentence: str, index: int) -> str:
        """Make the word at ``index`` of ``sentence`` and the next one a single word
        everywhere (宝|钗 → 宝钗: a name, once for the whole novel); returns that word."""
        tokens = self.context.annotator.annotate(sentence)
        if not 0 <= index < len(tokens) - 1 or not (
            tokens[index].is_hanzi and tokens[index + 1].is_hanzi
        ):
            raise ReaderError("there is no word right after this one to join it with")
        word = tokens[index].text + tokens[index + 1].text
        self.context.annotator.segmenter.join(word)
        self._segmentation_changed()
        return word

    def unsplit_word(self, word: str) -> bool:
        """Forget your split or join of ``word``: jieba decides again."""
        done = self.context.annotator.segmenter.unsplit(word)
        if done:
            self._segmentation_changed()
        return done

    def _segmentation_changed(self) -> int:
        """Every sentence is cut anew (the annotator notices the segmenter's version): the
        gloss is redone and machine translations whose terms changed are dropped."""
        return len(self.english_layer.glossary_changed(self.context.pipeline()))

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
        # The sentences whose toneless pinyin has the query, from the index (built once).
        spelled = set(self.prepare_search().hits(compact)) if by_pinyin else set()
        english_text = self.english_layer.english_text
        found: list[Match] = []
        flat = 0
        for index, block in enumerate(self.blocks):
            for number, (sid, text) in enumerate(block.sentences):
                offsets = _occurrences(text, query) if query in text else []
                if not offsets and flat in spelled:
                    offsets = pinyin_offsets(text, compact)
                if not offsets:
                    english = english_text(sid)
                    if english is not None and needle in english.lower():
                        offsets = [0]
                found.extend(Match(index, number, offset) for offset in offsets)
                flat += 1
        return found

    def prepare_search(self, cancel: threading.Event | None = None) -> PinyinIndex:
        """The toneless pinyin of every sentence, computed once (seconds for a novel, kept
        in the cache folder for next time): a worker may call this after the document
        opens, so that the first pinyin search takes milliseconds. ``cancel`` stops that
        computing (a ReaderError; the next call starts it again)."""
        with self._search_lock:
            if self._pinyin_index is None:
                texts = [text for block in self.blocks for _, text in block.sentences]
                self._pinyin_index = PinyinIndex.of(texts, self.doc.source_sha256, cancel=cancel)
            return self._pinyin_index

    def search_gloss(self, query: str, cancel: threading.Event | None = None) -> list[Match]:
        """Each sentence whose gloss has ``query`` (English), among those with no other
        English yet (no model, or before its translation came): what the reader shows
        there is the gloss, so an English search must find it (``prosperity`` found
        nothing without a model). Slow on a novel: a worker runs it, ``cancel`` stops it."""
        needle = " ".join(query.lower().split())
        if not needle.isascii() or not needle.strip() or not self.language_ready.is_set():
            return []
        layer = self.english_layer
        found: list[Match] = []
        for index, block in enumerate(self.blocks):
            if cancel is not None and cancel.is_set():
                return found
            for number, (sid, text) in enumerate(block.sentences):
                if layer.english_text(sid) is None and needle in self._gloss(text).lower():
                    found.append(Match(index, number, 0))
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
        if self.state.sha256:
            self._saved(toggle_bookmark(self.state, block_id))
        else:
            marks = self.state.bookmarks
            self.state.bookmarks = (
                [m for m in marks if m != block_id] if block_id in marks else [*marks, block_id]
            )
        return block_id in self.state.bookmarks

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

    def save(self) -> bool:
        """Save the position; False (and :attr:`save_problem` says why) if it could not be."""
        return self._saved(save_state(self.state)) if self.state.sha256 else True

    def _saved(self, problem: str | None) -> bool:
        """Keep the first problem for the status line (a read-only or full home); a later
        successful save clears it."""
        if problem is None:
            self.save_problem = ""
            return True
        self.save_problem = self.save_problem or f"position not saved: {problem}"
        return False
