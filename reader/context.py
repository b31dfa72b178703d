"""The composition root: settings, glossary, annotator, cache and translators, wired once.

Every entry point — the CLI, the reader, exports, benches and tests — gets
its parts from a :class:`Context` instead of assembling them itself. When
each did, they drifted: the reader's export built a second annotator and
loaded the model again, and tone numbers showed in one surface and not the
next. Parts are built on first use (a context costs nothing until then) and
are safe to ask for from worker threads.

A context belongs to at most one document, whose own glossary
(``NAME.glossary.tsv`` beside it) it layers over the user's;
:meth:`Context.for_document` gives another document's context that shares
everything expensive (the dictionary, jieba, the cache, loaded models).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.language.style import PinyinStyle
from reader.settings import Settings, load_settings

if TYPE_CHECKING:
    from reader.document.model import Document
    from reader.language.annotate import Annotator
    from reader.language.coverage import KnownWords
    from reader.language.dictionary import Dictionary
    from reader.language.glossary import Glossary
    from reader.language.segment import Segmenter
    from reader.store.database import EnglishDatabase
    from reader.store.edits import Edits
    from reader.store.memory import TranslationMemory
    from reader.translate.base import Translator
    from reader.translate.cache import TranslationCache
    from reader.translate.pipeline import Pipeline
    from reader.translate.terms import TermMatcher


@dataclass
class _Shared:
    """What every document's context shares: loading it once is the point."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    dictionary: Dictionary | None = None
    segmenter: Segmenter | None = None
    cache: TranslationCache | None = None
    english: EnglishDatabase | None = None
    #: Machine translators by beam size: each holds a loaded model.
    models: dict[int | None, Translator] = field(default_factory=dict)


class Context:
    """Everything a command, the reader or an export needs, built on demand."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        document: str | Path | None = None,
        glossary: Glossary | None = None,
        annotator: Annotator | None = None,
        cache: TranslationCache | None = None,
        translator: Translator | None = None,
        cached: bool = True,
        _shared: _Shared | None = None,
    ) -> None:
        """Everything not given is built from ``settings`` when first asked for.

        A given ``translator`` is used whatever is asked for: benches and tests
        pass one (a fake, a model at hand) to drive the real pipeline with it.
        ``cached=False`` translates without the cache (a cold measurement).
        """
        self.settings = settings if settings is not None else load_settings()
        #: The document whose own glossary is layered over the user's, if any.
        self.document = Path(document) if document is not None else None
        self._shared = _shared or _Shared()
        if cache is not None:
            self._shared.cache = cache
        # A given annotator brings its glossary: terms must match what it segments.
        self._glossary = glossary or (annotator.glossary if annotator is not None else None)
        self._annotator = annotator
        self._gloss: Translator | None = None
        self._fixed = translator
        self._cached = cached
        #: The term matcher and the glossary version it was built for.
        self._matcher: tuple[tuple[int, int], TermMatcher] | None = None

    @classmethod
    def create(cls, *, document: str | Path | None = None, **overrides: Any) -> Context:
        """The user's settings with some overridden (``--tone-numbers``, ``--beam``…)."""
        settings = load_settings()
        chosen = {k: v for k, v in overrides.items() if v is not None}
        return cls(replace(settings, **chosen) if chosen else settings, document=document)

    def for_document(self, doc: Document | str | Path | None) -> Context:
        """A context for ``doc`` (its own glossary) sharing this one's loaded parts."""
        path = doc.path if not isinstance(doc, (str, Path)) and doc is not None else doc
        return Context(self.settings, document=path, _shared=self._shared)

    # -- presentation ------------------------------------------------------------------

    @property
    def style(self) -> PinyinStyle:
        """How pinyin is written on every surface (tokens carry tone marks)."""
        return PinyinStyle(tone_numbers=self.settings.tone_numbers)

    # -- the language layer -------------------------------------------------------------

    @property
    def glossary(self) -> Glossary:
        with self._shared.lock:
            if self._glossary is None:
                from reader.language.glossary import Glossary, document_glossary_path

                own = document_glossary_path(self.document) if self.document else None
                self._glossary = Glossary(document_path=own)
            return self._glossary

    @property
    def annotator(self) -> Annotator:
        """Segmentation, pinyin, definitions and HSK levels, with this context's glossary."""
        with self._shared.lock:
            if self._annotator is None:
                from reader.language.annotate import Annotator
                from reader.language.dictionary import Dictionary
                from reader.language.segment import Segmenter

                shared = self._shared
                shared.dictionary = shared.dictionary or Dictionary()
                shared.segmenter = shared.segmenter or Segmenter()
                self._annotator = Annotator(
                    glossary=self.glossary,
                    dictionary=shared.dictionary,
                    segmenter=shared.segmenter,
                    hsk_standard=self.settings.hsk_standard,
                    sandhi=self.settings.tone_sandhi,
                )
            return self._annotator

    # -- your own English ---------------------------------------------------------------

    @property
    def english_database(self) -> EnglishDatabase:
        with self._shared.lock:
            if self._shared.english is None:
                from reader.store.database import EnglishDatabase

                self._shared.english = EnglishDatabase()
            return self._shared.english

    @property
    def memory(self) -> TranslationMemory:
        """Every pair you edited, aligned or imported, for any document."""
        from reader.store.memory import TranslationMemory

        return TranslationMemory(self.english_database)

    @cached_property
    def words(self) -> KnownWords:
        """Your word statuses (keyed by simplified form) and coverage of texts by them.

        One per context, kept: it holds a connection and the traditional-to-simplified
        lookups already made; it shares this context's annotator and dictionary.
        """
        from reader.language.coverage import KnownWords

        return KnownWords(self.annotator)

    def edits(self, document_sha256: str) -> Edits:
        """Your edits of one document (its ids are only valid for that text)."""
        from reader.store.edits import Edits

        return Edits(self.english_database, document_sha256)

    # -- translation ----------------------------------------------------------------------

    @property
    def cache(self) -> TranslationCache:
        with self._shared.lock:
            if self._shared.cache is None:
                from reader.translate.cache import TranslationCache

                self._shared.cache = TranslationCache()
            return self._shared.cache

    def has_model(self) -> bool:
        from reader.translate.packages import installed

        return bool(installed())

    def translator(self, choice: str | None = None, *, beam: int | None = None) -> Translator:
        """``argos``, ``gloss`` or None (the model if one is installed, else the gloss).

        A model is built once per beam size and shared by every document's context.
        """
        from reader.translate.translators import make_translator

        with self._shared.lock:
            if self._fixed is not None:
                return self._fixed
            if choice != "gloss" and beam in self._shared.models:
                return self._shared.models[beam]
            if choice == "gloss" and self._gloss is not None:
                return self._gloss
            translator = make_translator(choice, self.annotator, self.settings, beam=beam)
            if translator.info.name == "gloss":
                self._gloss = translator
            else:
                self._shared.models[beam] = translator
            return translator

    def term_matcher(self) -> TermMatcher:
        """The glossary's terms as they are now (after an edit, a new matcher)."""
        from reader.translate.translators import term_matcher

        glossary = self.glossary
        annotator = self.annotator
        # Terms match whole words: a split or join (the segmenter's version) changes them.
        version = (glossary.version, annotator.segmenter.version)
        with self._shared.lock:
            if self._matcher is None or self._matcher[0] != version:
                self._matcher = (version, term_matcher(glossary, annotator))
            return self._matcher[1]

    def pipeline(self, choice: str | None = None, *, beam: int | None = None) -> Pipeline:
        """Cache, then the translator, with the glossary's terms protected."""
        from reader.translate.pipeline import Pipeline

        cache = self.cache if self._cached else None
        translator = self.translator(choice, beam=beam)
        # A sentence the model fails on gets the gloss, labelled: never a stalled document.
        fallback = None if translator.info.name == "gloss" else self._gloss_translator()
        return Pipeline(translator, cache, self.term_matcher(), fallback=fallback)

    def _gloss_translator(self) -> Translator:
        with self._shared.lock:
            if self._gloss is None:
                from reader.translate.gloss import GlossTranslator

                self._gloss = GlossTranslator(self.annotator)
            return self._gloss
