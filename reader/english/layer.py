"""Which English a sentence shows, and why: the English layer every surface reads.

In order of trust: your own edit (``edited``), an aligned human translation
(``human``), an exact translation-memory hit (``tm``), machine translation
(``mt``), the word-by-word gloss (``gloss``). The reader, ``reader translate``
and every export ask this layer, so each shows the same English with the
same provenance; a model is only asked for what nothing better covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from threading import Event
from typing import Literal

from reader.document.units import Unit
from reader.store.edits import Edit
from reader.store.memory import EDITED, TranslationMemory, memory_key
from reader.translate.base import Translation, TranslatorInfo
from reader.translate.pipeline import Pipeline
from reader.translate.terms import TermCheck

#: ``none``: nothing yet (segmentation is still loading).
Provenance = Literal["edited", "human", "tm", "mt", "gloss", "none"]

#: In order of trust; exports print this legend.
PROVENANCE: dict[str, str] = {
    "edited": "your own edit",
    "human": "a human translation, aligned",
    "tm": "from your translation memory",
    "mt": "machine translation",
    "gloss": "a word-by-word gloss, not a translation",
}


@dataclass(frozen=True, slots=True)
class English:
    text: str
    provenance: Provenance
    #: A better English is on its way (machine translation will replace this gloss).
    pending: bool = False
    #: Why the English needs a second look (``repetition``, ``truncated``), or None.
    flag: str | None = None
    #: The model, for ``mt`` and ``gloss``.
    translator: TranslatorInfo | None = None
    #: Where it came from: the translation's file (``human``), the memory entry's
    #: origin (``tm``: ``edited`` elsewhere, or an imported file).
    origin: str = ""
    #: For machine translation: whether each glossary term's English made it.
    terms: tuple[TermCheck, ...] = ()
    #: Machine translation answered from the cache (no model call).
    cached: bool = False
    #: Why the model failed on this sentence (it shows the gloss, flagged ``failed``).
    reason: str | None = None
    #: A near translation-memory match: how alike its source is (0–1) and that source.
    #: Offered among the candidates, never shown as the sentence's English by itself.
    similarity: float | None = None
    source: str = ""

    @classmethod
    def of(cls, translation: Translation) -> English:
        kind: Provenance = "gloss" if translation.translator.name == "gloss" else "mt"
        info = translation.translator
        return cls(
            translation.en,
            kind,
            False,
            translation.flag,
            info,
            info.label(),
            translation.terms,
            translation.cached,
            translation.reason,
        )


class FixedEnglish:
    """The English no model is needed for: edits, an aligned translation, memory hits.

    ``edits`` are this document's (an edit whose Chinese no longer matches the
    sentence is ignored); ``human`` maps sentence ids to an aligned translation.
    """

    def __init__(
        self,
        edits: Mapping[str, Edit] | None = None,
        human: Mapping[str, English] | None = None,
        memory: TranslationMemory | None = None,
    ) -> None:
        self.edits = dict(edits or {})
        self.human = dict(human or {})
        self.memory = memory

    def is_empty(self) -> bool:
        """Nothing to look up: no edits, no aligned translation, an empty memory."""
        return not self.edits and not self.human and (self.memory is None or self.memory.is_empty())

    def lookup(self, units: Iterable[Unit]) -> dict[str, English]:
        """The best fixed English of each unit that has one (one memory query for all)."""
        units = list(units)
        found: dict[str, English] = {}
        rest: list[Unit] = []
        for unit in units:
            edit = self.edits.get(unit.id)
            if edit is not None and memory_key(edit.source) == memory_key(unit.text):
                found[unit.id] = English(edit.target, "edited", origin=EDITED)
            elif unit.id in self.human:
                found[unit.id] = self.human[unit.id]
            else:
                rest.append(unit)
        if self.memory is not None and rest and not self.memory.is_empty():
            hits = self.memory.lookup_many(u.text for u in rest)
            for unit in rest:
                hit = hits.get(memory_key(unit.text))
                if hit is not None:
                    found[unit.id] = English(hit.target, "tm", origin=hit.origin)
        return found


def resolve(
    units: Iterable[Unit],
    known: Mapping[str, English],
    pipeline: Pipeline,
    cancel: Event | None = None,
) -> Iterator[tuple[Unit, English]]:
    """Every unit with its English, in order: the ``known`` (fixed) English first, the
    pipeline for the rest.

    The pipeline streams in batches and is asked only for units nothing better
    covers, so an aligned or edited document costs no model time.
    """
    units = list(units)
    missing = [u for u in units if u.id not in known]
    translated = pipeline.run(missing, cancel)
    for unit in units:
        english = known.get(unit.id)
        if english is None:
            translation = next(translated, None)
            if translation is None:
                return  # cancelled
            english = English.of(translation)
        yield unit, english
