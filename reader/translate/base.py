"""What every translator gives and what the pipeline hands downstream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.translate.terms import TermCheck

#: Flags on a translation that the reader should see: the model looped and the
#: loop was cut, or the output hit the length bound and was cut there.
REPETITION = "repetition"
TRUNCATED = "truncated"

#: The translators a user can choose (``--translator``), with what each gives.
TRANSLATORS: dict[str, str] = {
    "argos": "machine translation with the installed argos model",
    "gloss": "a word-by-word gloss from the glossary and CC-CEDICT (not a translation)",
}


@dataclass(frozen=True, slots=True)
class TranslatorInfo:
    #: "argos" (machine translation) or "gloss" (word-by-word, never presented as MT).
    name: str
    model: str | None = None
    version: str | None = None

    def label(self) -> str:
        if self.model:
            return f"{self.model} {self.version}" if self.version else self.model
        return self.name


@dataclass(frozen=True, slots=True)
class Translation:
    id: str
    zh: str
    en: str
    translator: TranslatorInfo
    cached: bool
    terms: tuple[TermCheck, ...] = ()
    #: None, or why the English needs a second look (``"repetition"``).
    flag: str | None = None


@dataclass(frozen=True, slots=True)
class Output:
    en: str
    flag: str | None = None


class Translator(Protocol):
    info: TranslatorInfo
    #: Machine translation may drop or mistranslate terms; a gloss cannot.
    protects_terms: bool

    def options_key(self) -> str:
        """Everything besides the model that changes the output (for the cache key)."""
        ...

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        """Translate plain sentences (no ids), in order; may be called from a worker."""
        ...
