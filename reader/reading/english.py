"""The reader's English layer: what each sentence shows now, while translations arrive.

The order of trust is :mod:`reader.english.layer`'s (edited > human > tm > mt
> gloss); this class adds what only a reader has: machine translations that
arrive while you read, the gloss shown until they do, and your edits made
in place. Only the UI thread calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reader.english.layer import English
from reader.translate.base import FAILED, Translation
from reader.translate.pipeline import Pipeline


class EnglishLayer:
    def __init__(self, gloss: Callable[[str], str]) -> None:
        self._gloss_of = gloss
        self._gloss: dict[str, str] = {}
        #: Edits, aligned human English and memory hits, by sentence id.
        self.fixed: dict[str, English] = {}
        self.translations: dict[str, Translation] = {}
        #: Machine translation is expected (a model is installed).
        self.expects_mt = False

    def get(self, sentence_id: str, text: str, *, language_ready: bool) -> English:
        fixed = self.fixed.get(sentence_id)
        if fixed is not None:
            return fixed
        translation = self.translations.get(sentence_id)
        if translation is not None and (
            translation.translator.name != "gloss" or translation.flag == FAILED
        ):
            # A sentence the model failed on: its gloss, flagged, not "still coming".
            return English.of(translation)
        return self.gloss(text, language_ready=language_ready)

    def gloss(self, text: str, *, language_ready: bool = True) -> English:
        if not language_ready:
            return English("…", "none", pending=True)
        gloss = self._gloss.get(text)
        if gloss is None:
            gloss = self._gloss[text] = self._gloss_of(text.strip()) if text.strip() else ""
        return English(gloss, "gloss", pending=self.expects_mt)

    def machine(self, sentence_id: str) -> English | None:
        """The machine translation of a sentence, if it has arrived (a candidate)."""
        translation = self.translations.get(sentence_id)
        if translation is None or translation.translator.name == "gloss":
            return None
        return English.of(translation)

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
        """The English shown for a sentence that is not a gloss, for searching in English."""
        fixed = self.fixed.get(sentence_id)
        if fixed is not None:
            return fixed.text
        translation = self.translations.get(sentence_id)
        return translation.en if translation is not None else None
