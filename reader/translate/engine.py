"""Machine translation with an installed argos package, decoded by CTranslate2 directly.

argostranslate's own ``translate()`` re-splits text into sentences with a model
it downloads on first use, then decodes one short batch per call with beam 4.
reader already has its sentences, so it tokenizes them with the package's
SentencePiece model and sends them to ``ctranslate2.Translator.translate_batch``
in length-sorted batches, int8 on the CPU. Output length is bounded by input
length, repetition is discouraged, and a looping output is retried with
stricter settings or cut back and flagged, so no sentence comes out twenty
times over.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reader.errors import ReaderError
from reader.translate.base import REPETITION, TRUNCATED, Output, TranslatorInfo
from reader.translate.packages import InstalledModel, argos_package

#: Output tokens allowed per input token (Chinese → English runs about 1:1.5 in
#: SentencePiece pieces), plus a constant for very short inputs.
LENGTH_RATIO = 3.0
LENGTH_EXTRA = 10
MAX_DECODING_LENGTH = 512
#: Sentences decoded together (CTranslate2 splits them among inter_threads workers).
MAX_BATCH = 32


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    beam_size: int = 2
    compute_type: str = "int8"
    #: 0: chosen for the machine: two workers (measured on 2 cores: beam 2 went
    #: from 283 to 495 target tokens/s against one worker with two threads).
    inter_threads: int = 0
    intra_threads: int = 0
    repetition_penalty: float = 1.1
    no_repeat_ngram_size: int = 0

    def threads(self) -> tuple[int, int]:
        cpus = _cpus()
        inter = self.inter_threads or min(2, cpus)
        intra = self.intra_threads or max(1, cpus // inter)
        return inter, intra

    def cache_key(self) -> str:
        """What changes the words produced (threads and compute type do not, materially)."""
        return (
            f"beam={self.beam_size} rep={self.repetition_penalty} "
            f"ngram={self.no_repeat_ngram_size} ratio={LENGTH_RATIO}"
        )


def find_loop(tokens: Sequence[str], min_repeats: int = 3, max_n: int = 8) -> int | None:
    """Index where a run of one n-gram repeated ``min_repeats`` times starts repeating, or None.

    ``a b c c c c`` → 3 (keep ``a b c``); ``x y z y z y z`` → 3 (keep ``x y z``).
    """
    length = len(tokens)
    for n in range(1, max_n + 1):
        for start in range(0, length - n * min_repeats + 1):
            gram = tokens[start : start + n]
            repeats = 1
            while tokens[start + repeats * n : start + (repeats + 1) * n] == gram:
                repeats += 1
            if repeats >= min_repeats:
                return start + n
    return None


class ArgosTranslator:
    """Translator protocol over an installed argos package; loads on first use."""

    protects_terms = True

    def __init__(self, model: InstalledModel, options: DecodeOptions | None = None) -> None:
        self.model = model
        self.options = options or DecodeOptions()
        self.info = TranslatorInfo("argos", model.name, model.version)
        self._lock = threading.Lock()
        self._translator: Any = None
        self._tokenizer: Any = None
        #: Decoding calls made (the cache test counts them).
        self.calls = 0

    def options_key(self) -> str:
        return self.options.cache_key()

    def load(self) -> None:
        """Load the model (seconds for a real package); safe to call from a worker."""
        with self._lock:
            if self._translator is not None:
                return
            try:
                import ctranslate2

                package = argos_package(self.model)
                inter, intra = self.options.threads()
                translator = ctranslate2.Translator(
                    str(self.model.path / "model"),
                    device="cpu",
                    compute_type=self.options.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise ReaderError(f"cannot load the model {self.model.name}: {exc}") from None
            self._tokenizer = package.tokenizer
            self._translator = translator

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        if not sentences:
            return []
        self.load()
        encoded = [self._tokenizer.encode(s) for s in sentences]
        hypotheses = self._decode(encoded, self.options)
        # Retry looping or overlong outputs with stricter settings.
        retry = [i for i, h in enumerate(hypotheses) if self._looping(encoded[i], h)]
        flags: dict[int, str] = {}
        if retry:
            strict = replace(
                self.options,
                beam_size=max(4, self.options.beam_size),
                repetition_penalty=max(1.5, self.options.repetition_penalty),
                no_repeat_ngram_size=3,
            )
            again = self._decode([encoded[i] for i in retry], strict)
            for i, hypothesis in zip(retry, again, strict=True):
                cut = find_loop(hypothesis)
                if cut is not None:
                    hypothesis = hypothesis[:cut]
                    flags[i] = REPETITION
                elif self._too_long(encoded[i], hypothesis):
                    hypothesis = hypothesis[: self._bound(encoded[i])]
                    flags[i] = TRUNCATED
                hypotheses[i] = hypothesis
        return [
            Output(self._tokenizer.decode(h).strip(), flags.get(i))
            for i, h in enumerate(hypotheses)
        ]

    @staticmethod
    def _bound(tokens: Sequence[str]) -> int:
        return min(MAX_DECODING_LENGTH, int(len(tokens) * LENGTH_RATIO) + LENGTH_EXTRA)

    def _too_long(self, source: Sequence[str], hypothesis: Sequence[str]) -> bool:
        return len(hypothesis) >= self._bound(source)

    def _looping(self, source: Sequence[str], hypothesis: Sequence[str]) -> bool:
        return find_loop(hypothesis) is not None or self._too_long(source, hypothesis)

    def _decode(self, encoded: list[list[str]], options: DecodeOptions) -> list[list[str]]:
        """Decode in length-sorted batches (less padding); results in input order."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        prefix = (
            self._tokenizer.encode(self.model.target_prefix) if self.model.target_prefix else []
        )
        out: list[list[str]] = [[] for _ in encoded]
        for start in range(0, len(order), MAX_BATCH):
            chunk = order[start : start + MAX_BATCH]
            batch = [encoded[i] for i in chunk]
            self.calls += 1
            try:
                results = self._translator.translate_batch(
                    batch,
                    target_prefix=[prefix for _ in batch] if prefix else None,
                    beam_size=options.beam_size,
                    max_batch_size=max(1, len(batch) // options.threads()[0]),
                    max_decoding_length=max(self._bound(t) for t in batch),
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    replace_unknowns=True,
                )
            except (RuntimeError, ValueError) as exc:
                raise ReaderError(f"the model {self.model.name} failed: {exc}") from None
            for i, result in zip(chunk, results, strict=True):
                tokens = list(result.hypotheses[0])
                out[i] = tokens[len(prefix) :] if prefix else tokens
        return out
