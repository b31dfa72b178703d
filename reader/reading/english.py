"""Which English a sentence shows, and why: the reader's English layer.

Today there are two sources, in order: a machine translation once it has
arrived, else the word-by-word gloss (drawn as a gloss, never passed off as a
translation). Aligned human translations, your own edits and translation-memory
hits will rank above both; every surface reads the :class:`English` this layer
gives, so they will all show the provenance without further changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from reader.translate.base import Translation, TranslatorInfo
from reader.translate.pipeline import Pipeline

#: ``mt``: machine translation; ``gloss``: word by word from the glossary and
#: CC-CEDICT; ``none``: nothing yet (segmentation is still loading).
Provenance = Literal["mt", "gloss", "none"]


@dataclass(frozen=True, slots=True)
class English:
    text: str
    provenance: Provenance
    #: A better English is on its way (machine translation will replace this gloss).
    pending: bool = False
    #: Why the English needs a second look (``repetition``, ``truncated``), or None.
    flag: str | None = None
    translator: TranslatorInfo | None = None


class EnglishLayer:
    """Per sentence: the machine translation if it has arrived, else the gloss.

    Only the UI thread calls it; translations reach it through :meth:`add`.
    """

    def __init__(self, gloss: Callable[[str], str]) -> None:
        self._gloss_of = gloss
        self._gloss: dict[str, str] = {}
        self.translations: dict[str, Translation] = {}
        #: Machine translation is expected (a model is installed).
        self.expects_mt = False

    def get(self, sentence_id: str, text: str, *, language_ready: bool) -> English:
        translation = self.translations.get(sentence_id)
        if translation is not None and translation.translator.name != "gloss":
            return English(translation.en, "mt", False, translation.flag, translation.translator)
        if not language_ready:
            return English("…", "none", pending=True)
        gloss = self._gloss.get(text)
        if gloss is None:
            gloss = self._gloss[text] = self._gloss_of(text.strip()) if text.strip() else ""
        return English(gloss, "gloss", pending=self.expects_mt)

    def add(self, translations: Iterable[Translation]) -> list[str]:
        """Keep new translations; returns the ids that were not known yet."""
        added = []
        for translation in translations:
            if translation.id not in self.translations:
                self.translations[translation.id] = translation
                added.append(translation.id)
        return added

    def glossary_changed(self, pipeline: Pipeline) -> list[str]:
        """After a glossary edit: drop what it made stale; returns those sentence ids.

        Stale is the cache key's rule (:meth:`Pipeline.is_current`): a translation
        whose terms no longer match the glossary's. Every gloss is redone.
        """
        self._gloss.clear()
        stale = [k for k, t in self.translations.items() if not pipeline.is_current(t)]
        for key in stale:
            del self.translations[key]
        return stale

    def english_text(self, sentence_id: str) -> str | None:
        """The machine translation of a sentence, for searching in English."""
        translation = self.translations.get(sentence_id)
        return translation.en if translation is not None else None
