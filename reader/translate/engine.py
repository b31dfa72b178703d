"""Machine translation with an installed argos package, decoded by CTranslate2 directly.

argostranslate's own ``translate()`` re-splits text into sentences with a model
it downloads on first use, then decodes one short batch per call with beam 4.
reader already has its sentences, so it tokenizes them with the package's
SentencePiece model and sends them to ``ctranslate2.Translator.translate_batch``
in length-sorted batches, int8 on the CPU. Output length is bounded by input
length, repetition is discouraged, and a looping output is retried with
stricter settings or cut back and flagged, so no sentence comes out twenty
times over.

The model's real limits come from its own file: the position tables in
``model.bin`` bound how long a source and a target may be (a converted
OPUS-MT model has 2,048 rows; a small one may have 256). The pipeline splits
sentences to :meth:`ArgosTranslator.max_source_pieces`, and CTranslate2 is
told never to cut an input silently (``max_input_length=0``): an input that
still does not fit fails loudly, and the pipeline isolates it.

Argos packages carry one SentencePiece model, the source side's (OPUS-MT
conversions copy only ``source.spm``): English comes back as pieces of the
model's target vocabulary, which that SentencePiece model may not know, so
they are joined here, ``▁`` marking a space. argostranslate's own decoder
also turns every ``_`` into a space; this one keeps them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.text_safety import strip_controls
from reader.translate.base import (
    REPETITION,
    TRUNCATED,
    Output,
    TranslatorInfo,
    TranslatorUnavailable,
)
from reader.translate.packages import TOKENIZER_FILE, InstalledModel, ModelLimits, model_limits

#: Output tokens allowed per input token (Chinese → English runs about 1:1.5 in
#: SentencePiece pieces), plus a constant for very short inputs.
LENGTH_RATIO = 3.0
LENGTH_EXTRA = 10
MAX_DECODING_LENGTH = 512
#: Sentences decoded together (CTranslate2 splits them among inter_threads workers).
MAX_BATCH = 32
#: Longest input sent in one go, in SentencePiece pieces. NMT quality falls
#: off past about 100–150 pieces (small models loop or drop clauses), so
#: longer sentences are split at clause boundaries even when the model could
#: take them; Chinese runs about 1.3 characters per piece.
MAX_SOURCE_PIECES = 120
#: Positions kept free below a position table's size: the ``</s>`` (and
#: ``<s>``) CTranslate2 adds, a target prefix, placeholders that encode longer
#: than the terms they stand for.
POSITION_MARGIN = 8
#: Target pieces per source piece a split part must leave room for in the
#: decoder's table (zh→en runs about 1:1.5).
SPLIT_EXPANSION = 2
#: End of sentence: CTranslate2 appends it to the source itself when the model
#: wants it (``add_source_eos``), so an input must not carry one already.
EOS = "</s>"
_SPECIAL = {"<s>", EOS, "<pad>", "<blank>"}
_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


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
    #: CTranslate2's device ("cpu", "cuda", "auto"); not in the cache key: the words are the same.
    device: str = "cpu"

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


def detokenize(pieces: Sequence[str]) -> str:
    """English pieces to text: joined, ``▁`` to a space, byte pieces (``<0xE4>``) to their
    UTF-8 character, special tokens dropped; a real ``_`` stays."""
    data = bytearray()
    for piece in pieces:
        if piece in _SPECIAL:
            continue
        byte = _BYTE_PIECE.fullmatch(piece)
        if byte:
            data.append(int(byte.group(1), 16))
        else:
            data += piece.replace("▁", " ").encode("utf-8")
    # A model's vocabulary is data from a download: a control piece (ESC) must not
    # reach the reader's English column or a terminal.
    return strip_controls(data.decode("utf-8", errors="replace")).strip()


class SentencePieceTokenizer:
    """The package's SentencePiece model, for the source side."""

    def __init__(self, path: Path) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(path))

    def encode(self, text: str) -> list[str]:
        pieces: list[str] = self._processor.encode(text, out_type=str)
        while pieces and pieces[-1] == EOS:  # CTranslate2 adds its own
            pieces.pop()
        return pieces

    def decode(self, pieces: Sequence[str]) -> str:
        return detokenize(pieces)


def _load_tokenizer(model: InstalledModel) -> SentencePieceTokenizer:
    path = model.path / TOKENIZER_FILE
    if not path.is_file():
        if (model.path / "bpe.model").is_file():
            raise TranslatorUnavailable(
                f"the model {model.name} tokenizes with BPE (bpe.model), which reader does "
                "not support: install a SentencePiece package"
            )
        raise TranslatorUnavailable(f"the model {model.name} has no {TOKENIZER_FILE}")
    try:
        return SentencePieceTokenizer(path)
    except (RuntimeError, OSError) as exc:
        raise TranslatorUnavailable(
            f"cannot load the tokenizer of {model.name}: {_first_line(exc)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ArgosTranslator:
    """Translator protocol over an installed argos package; loads on first use.

    Also :class:`~reader.translate.base.LengthLimited`: the pipeline asks it how
    long an input may be and how many pieces a text is.
    """

    protects_terms = True

    def __init__(self, model: InstalledModel, options: DecodeOptions | None = None) -> None:
        self.model = model
        self.options = options or DecodeOptions()
        self.info = TranslatorInfo("argos", model.name, model.version)
        self._lock = threading.Lock()
        self._translator: Any = None
        self._tokenizer: SentencePieceTokenizer | None = None
        self._limits: ModelLimits | None = None
        #: Decoding calls made (the cache test counts them).
        self.calls = 0

    def options_key(self) -> str:
        return self.options.cache_key()

    def load(self) -> None:
        """Load the model (seconds for a real package); safe to call from a worker.

        Raises :class:`TranslatorUnavailable`: a model that does not load fails
        every sentence, and the pipeline should not try each one.
        """
        tokenizer = self.tokenizer()
        with self._lock:
            if self._translator is not None:
                return
            try:
                import ctranslate2

                inter, intra = self.options.threads()
                translator = ctranslate2.Translator(
                    str(self.model.path / "model"),
                    device=self.options.device,
                    compute_type=self.options.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise TranslatorUnavailable(
                    f"cannot load the model {self.model.name}: {_first_line(exc)}"
                ) from None
            self._tokenizer = tokenizer
            self._translator = translator

    def tokenizer(self) -> SentencePieceTokenizer:
        """The source tokenizer alone (milliseconds): counting pieces needs no model."""
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = _load_tokenizer(self.model)
            return self._tokenizer

    def limits(self) -> ModelLimits:
        """The position-table sizes, read once from ``model.bin``."""
        with self._lock:
            if self._limits is None:
                self._limits = model_limits(self.model)
            return self._limits

    def max_source_pieces(self) -> int:
        """:data:`MAX_SOURCE_PIECES`, or less where the model's tables are smaller."""
        limits = self.limits()
        bounds = [MAX_SOURCE_PIECES]
        if limits.source_positions is not None:
            bounds.append(limits.source_positions - POSITION_MARGIN)
        if limits.target_positions is not None:
            bounds.append((limits.target_positions - POSITION_MARGIN) // SPLIT_EXPANSION)
        return max(1, min(bounds))

    def count_pieces(self, text: str) -> int:
        return len(self.tokenizer().encode(text))

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        if not sentences:
            return []
        self.load()
        encoded = self._encode(sentences)
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
        return [Output(detokenize(h), flags.get(i)) for i, h in enumerate(hypotheses)]

    def _encode(self, sentences: Sequence[str]) -> list[list[str]]:
        tokenizer = self.tokenizer()
        try:
            return [tokenizer.encode(s) for s in sentences]
        except (RuntimeError, ValueError, TypeError) as exc:
            raise ReaderError(
                f"cannot tokenize for {self.model.name}: {_first_line(exc)}"
            ) from None

    def _prefix(self) -> list[str]:
        """argos's ``target_prefix`` is one target token (``__en__``), forced first."""
        return [self.model.target_prefix] if self.model.target_prefix else []

    def _bound(self, tokens: Sequence[str]) -> int:
        """Output pieces allowed: by input length, and within the decoder's position table."""
        bound = min(MAX_DECODING_LENGTH, int(len(tokens) * LENGTH_RATIO) + LENGTH_EXTRA)
        table = self.limits().target_positions
        if table is not None:
            bound = min(bound, table - POSITION_MARGIN - len(self._prefix()))
        return max(1, bound)

    def _too_long(self, source: Sequence[str], hypothesis: Sequence[str]) -> bool:
        return len(hypothesis) >= self._bound(source)

    def _looping(self, source: Sequence[str], hypothesis: Sequence[str]) -> bool:
        return find_loop(hypothesis) is not None or self._too_long(source, hypothesis)

    def _decode(self, encoded: list[list[str]], options: DecodeOptions) -> list[list[str]]:
        """Decode in length-sorted batches (less padding); results in input order."""
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        prefix = self._prefix()
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
                    # Never cut an input silently (the default is 1,024 pieces): one
                    # that does not fit the position table fails, and is isolated.
                    max_input_length=0,
                    repetition_penalty=options.repetition_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    replace_unknowns=True,
                )
            except (RuntimeError, ValueError, TypeError) as exc:
                raise ReaderError(
                    f"the model {self.model.name} failed: {_first_line(exc)}"
                ) from None
            for i, result in zip(chunk, results, strict=True):
                tokens = list(result.hypotheses[0])
                out[i] = tokens[len(prefix) :] if prefix else tokens
        return out
