"""What every translator gives and what the pipeline hands downstream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from reader.errors import ReaderError
from reader.translate.terms import TermCheck

#: Flags on a translation that the reader should see: the model looped and the
#: loop was cut, or the output hit the length bound and was cut there.
REPETITION = "repetition"
TRUNCATED = "truncated"
#: The sentence was too long for the model and went through in clause-sized
#: parts whose English was joined: provenance, the words are all there.
SPLIT = "split"
#: The model failed on this sentence: its English is the fallback (the gloss),
#: and :attr:`Translation.reason` says why. Never cached, so it is retried.
FAILED = "failed"
#: One flag per sentence: when several apply, the first of these is kept.
FLAG_PRIORITY = (FAILED, REPETITION, TRUNCATED, SPLIT)

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
    #: None, or why the English needs a second look (``"repetition"``, ``"split"``,
    #: ``"failed"``…; see :data:`FLAG_PRIORITY`).
    flag: str | None = None
    #: For ``flag="failed"``: the first line of the error, for provenance and the CLI.
    reason: str | None = None


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
        """Translate plain sentences (no ids), in order; may be called from a worker.

        A failure to translate is a :class:`ReaderError` (the pipeline then retries
        each sentence alone and gives the ones that still fail the fallback).
        """
        ...


@runtime_checkable
class LengthLimited(Protocol):
    """A translator whose model takes inputs of bounded length, counted in its own pieces.

    The pipeline splits longer sentences at clause boundaries before sending
    them: one sentence past a model's position table fails its whole batch.
    """

    def max_source_pieces(self) -> int:
        """The longest input worth sending in one go (well under the model's hard limit)."""
        ...

    def count_pieces(self, text: str) -> int:
        """How many pieces ``text`` is to the model."""
        ...


class TranslatorUnavailable(ReaderError):
    """The translator cannot work at all (its model does not load): retrying each
    sentence would fail the same way, so the pipeline gives every sentence the fallback."""
