"""Sentences in, translations out: cache first, then batches, in document order.

Callers iterate :meth:`Pipeline.run` and get one :class:`Translation` per
sentence in the order given, as soon as everything before it is known: cached
sentences arrive at once, the rest after their batch is decoded. Setting the
``cancel`` event stops before the next batch. Glossary terms are protected
through machine translation and every translation reports whether each term's
English made it.

Nothing one sentence does may stop the rest of the document:

- a sentence longer than the model takes well (:class:`~reader.translate.base.LengthLimited`)
  is sent in clause-sized parts (:mod:`reader.translate.split`, never cutting a
  glossary term) whose English is joined; it is flagged ``split`` and cached
  under the whole sentence;
- a batch that fails is retried sentence by sentence, and a sentence that still
  fails gets the fallback's English (the gloss), flagged ``failed`` with the
  error as its ``reason``, is counted in :attr:`Pipeline.failures` and is not
  cached, so the next run tries it again.

A translator that can do a whole document at once faster than batch by batch
(the gloss, on every core) has a ``prepare`` method: each run hands it every
sentence it will ask for first, and :meth:`Pipeline.prepare` does so for a
whole document that will be asked for a few hundred sentences at a time (an
export). New translations are written to the cache thousands at a time (or
once a second), not one transaction per batch.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, cast, runtime_checkable

from reader.errors import ReaderError
from reader.hanzi import hanzi_count
from reader.translate import terms as termlib
from reader.translate.base import (
    FAILED,
    FLAG_PRIORITY,
    SPLIT,
    LengthLimited,
    Output,
    Translation,
    Translator,
    TranslatorUnavailable,
)
from reader.translate.cache import TranslationCache, cache_key
from reader.translate.split import split_to_fit
from reader.translate.terms import TermMatcher, TermUse

#: Uncached sentences sent to the translator at once: enough for CTranslate2 to
#: batch well, few enough that the first results show quickly.
BATCH_SIZE = 32


#: New translations written to the cache in one transaction, at most; and at most
#: this many seconds after they were made.
STORE_ROWS = 4096
STORE_SECONDS = 1.0

_SPACES = re.compile(r"\s+")

#: A part ending in a clause mark keeps that mark in its English, not the
#: full stop a model puts at the end of whatever it is given.
_CLAUSE_ENDS = {"，": ",", ",": ",", "、": ",", "；": ";", ";": ";", "：": ":", ":": ":"}


@dataclass(frozen=True, slots=True)
class Failure:
    """A sentence the translator could not translate (it got the fallback's English)."""

    id: str
    zh: str
    reason: str


@dataclass(frozen=True, slots=True)
class _Part:
    """What one model input is: a whole sentence, or a clause-sized part of one."""

    text: str
    uses: list[TermUse]  # offsets within ``text``


@dataclass
class _Item:
    id: str
    zh: str
    source: str  # what the translator sees: whitespace and line breaks flattened
    uses: list[TermUse]
    key: str
    result: Translation | None = None
    #: What the cache had for it when :meth:`Pipeline.prepare` asked (``None``: nothing),
    #: if it asked: then the cache is not asked again.
    cached: tuple[str, str | None] | None = None
    looked_up: bool = False


@dataclass(slots=True)
class _Ahead:
    """What :meth:`Pipeline.prepare` found for a sentence, for the runs that ask for it."""

    source: str
    uses: list[TermUse]
    key: str
    cached: tuple[str, str | None] | None
    #: Times the document has the sentence: the runs still to ask for it.
    left: int = 1


def model_input(sentence: str) -> str:
    return _SPACES.sub(" ", sentence).strip()


@runtime_checkable
class Preparing(Protocol):
    """A translator that does many sentences at once faster than batch by batch."""

    def prepare(self, sentences: Sequence[str]) -> None:
        """Translate ``sentences`` ahead (or do nothing): ``translate`` then answers at once."""
        ...


@dataclass
class _Unsaved:
    """A run's new cache rows, written together (a transaction per batch cost seconds)."""

    rows: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        """Time to write: STORE_ROWS rows, or the oldest a second old."""
        return len(self.rows) >= STORE_ROWS or time.monotonic() - self.since >= STORE_SECONDS


class Pipeline:
    def __init__(
        self,
        translator: Translator,
        cache: TranslationCache | None,
        matcher: TermMatcher | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        fallback: Translator | None = None,
    ) -> None:
        """``fallback`` (the gloss) gives the English of a sentence the translator
        fails on; without one such a sentence's English is empty (still flagged)."""
        self.translator = translator
        self.cache = cache
        self.matcher = matcher or TermMatcher(())
        self.batch_size = batch_size
        self.fallback = fallback
        #: The last :meth:`run`'s sentences that failed, in order (reset when a run starts).
        self.failures: list[Failure] = []
        #: The last run's sentences with English from the translator or the cache.
        self.translated = 0
        #: Set when the translator cannot work at all: the run stops asking it.
        self._unavailable: str | None = None
        # Asked once per translator: a runtime Protocol check costs ~60 µs, which per
        # sentence was 4 s of a novel's gloss translation.
        self._checked: Translator | None = None
        self._limited: LengthLimited | None = None
        self._preparing: Preparing | None = None
        #: What :meth:`prepare` found for each sentence, until a run takes it, and the
        #: translator it was for (keys are the translator's).
        self._prepared: dict[str, _Ahead] = {}
        self._prepared_for: Translator | None = None
        #: New rows shared by the runs of a prepared document (None: each run its own).
        self._deferred: _Unsaved | None = None
        self._saving = threading.Lock()

    def is_current(self, translation: Translation) -> bool:
        """Would this sentence be translated the same way now? False after a glossary edit
        that changes a term it uses or adds one it contains.

        The rule is the cache key's own: a translation depends on its sentence and
        the (term, English) pairs found in it, so this is exactly "its cache key
        has not changed", and the reader retranslates what is stale and nothing more.
        """
        uses = self.matcher.find(model_input(translation.zh))
        return sorted((u.zh, u.en) for u in uses) == sorted((c.zh, c.en) for c in translation.terms)

    def run(
        self, sentences: Iterable[tuple[str, str]], cancel: threading.Event | None = None
    ) -> Generator[Translation, None, None]:
        """Translate ``(id, chinese)`` pairs; yields in the same order."""
        self.failures = []
        self.translated = 0
        self._unavailable = None
        items = self._items(sentences)
        self._answer_known(items)
        self._prepare_translator(items)
        deferred = self._deferred
        unsaved = deferred if deferred is not None else _Unsaved()
        try:
            waiting: list[_Item] = []
            pending: list[_Item] = []
            for item in items:
                waiting.append(item)
                if item.result is None:
                    pending.append(item)
                if len(pending) >= self.batch_size:
                    if not self._translate(pending, cancel, unsaved):
                        return
                    pending = []
                if not pending:
                    yield from (i.result for i in waiting if i.result is not None)
                    waiting = []
            if pending and not self._translate(pending, cancel, unsaved):
                return
            yield from (i.result for i in waiting if i.result is not None)
        finally:
            # Also when the caller stops early or is cancelled: what was made is kept. A
            # prepared document's runs (an export's chunks) share one batch of rows, kept
            # until it is full, a second old, or :meth:`finish` (a commit per chunk of
            # 256 sentences was most of a cached novel's store time).
            if unsaved is not deferred or unsaved.due():
                self._save(unsaved)

    def prepare(self, sentences: Iterable[tuple[str, str]]) -> None:
        """Before a document is asked for a chunk at a time: the translator may do every
        sentence not in the cache now (the gloss does the whole novel on every core), the
        cache is asked once, and the runs' new rows are written together. Call
        :meth:`finish` when the document is done."""
        self.finish()
        self._deferred = _Unsaved()
        translator = self._preparer()
        if translator is None:
            return
        items = self._items(sentences)
        cached = self.cache.get_many(i.key for i in items) if self.cache else {}
        translator.prepare(
            [i.source for i in items if i.key not in cached and hanzi_count(i.source)]
        )
        # The runs that follow need these again: terms, keys and what the cache has.
        ahead: dict[str, _Ahead] = {}
        for i in items:
            if i.zh in ahead:
                ahead[i.zh].left += 1
            else:
                ahead[i.zh] = _Ahead(i.source, i.uses, i.key, cached.get(i.key))
        self._prepared = ahead
        self._prepared_for = self.translator

    def finish(self) -> None:
        """The prepared document is done: its last new translations are written to the
        cache, and what :meth:`prepare` kept is let go (calling it again does nothing)."""
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            self._save(deferred)
        self._prepared = {}

    def _preparer(self) -> Preparing | None:
        if self._checked is not self.translator:
            self._check_translator()
        return self._preparing

    def _prepare_translator(self, items: Sequence[_Item]) -> None:
        translator = self._preparer()
        if translator is not None:
            pending = [i.source for i in items if i.result is None]
            if pending:
                translator.prepare(pending)

    def _items(self, sentences: Iterable[tuple[str, str]]) -> list[_Item]:
        info = self.translator.info
        translator_key = f"{info.name}:{info.model}:{info.version}"
        options = self.translator.options_key()
        prepared = self._prepared if self._prepared_for is self.translator else {}
        items: list[_Item] = []
        for sid, zh in sentences:
            made = prepared.get(zh) if prepared else None
            if made is not None:
                made.left -= 1
                if not made.left:
                    del prepared[zh]  # a document's worth is let go as it is read
                items.append(
                    _Item(sid, zh, made.source, made.uses, made.key, None, made.cached, True)
                )
                continue
            source = model_input(zh)
            uses = self.matcher.find(source)
            key = cache_key(translator_key, options, [(u.zh, u.en) for u in uses], source)
            items.append(_Item(sid, zh, source, uses, key))
        return items

    def _answer_known(self, items: Sequence[_Item]) -> None:
        """Pass-through units and cached sentences need no model."""
        info = self.translator.info
        unknown = [i.key for i in items if not i.looked_up]
        cached = self.cache.get_many(unknown) if self.cache and unknown else {}
        for item in items:
            hit = item.cached if item.looked_up else cached.get(item.key)
            if not hanzi_count(item.source):
                # Punctuation, numbers or Latin text: nothing to translate.
                item.result = Translation(item.id, item.zh, item.source, info, True)
            elif hit is not None:
                en, flag = hit
                checks = tuple(termlib.check(en, item.uses))
                item.result = Translation(item.id, item.zh, en, info, True, checks, flag)
                self.translated += 1

    # -- translating a batch, failures isolated ---------------------------------------------

    def _translate(
        self, items: Sequence[_Item], cancel: threading.Event | None, unsaved: _Unsaved
    ) -> bool:
        """Give every item a result; False if cancelled before all have one."""
        if cancel is not None and cancel.is_set():
            return False
        done = True
        try:
            self._decode(items)
        except ReaderError as exc:
            done = self._isolate(items, exc, cancel)
        self._store(items, unsaved)
        return done

    def _isolate(
        self, items: Sequence[_Item], error: ReaderError, cancel: threading.Event | None
    ) -> bool:
        """The batch failed: each sentence alone, so one bad sentence costs only itself.

        A translator says it failed with :class:`ReaderError` (the engine turns
        CTranslate2's and SentencePiece's errors into one); anything else is a
        bug in reader and is not hidden.
        """
        if isinstance(error, TranslatorUnavailable):
            self._unavailable = _reason(error)
        if self._unavailable is not None or len(items) == 1:
            for item in items:
                self._fail(item, error)
            return True
        for item in items:
            if cancel is not None and cancel.is_set():
                return False
            try:
                self._decode([item])
            except ReaderError as exc:
                if isinstance(exc, TranslatorUnavailable):
                    self._unavailable = _reason(exc)
                self._fail(item, exc)
        return True

    def _fail(self, item: _Item, error: ReaderError) -> None:
        reason = _reason(error)
        en, info = "", self.translator.info
        if self.fallback is not None:
            try:
                (out,) = self.fallback.translate([item.source])
                en, info = termlib.tidy(out.en), self.fallback.info
            except ReaderError:  # no fallback English is still a labelled result
                en = ""
        checks = tuple(termlib.check(en, item.uses))
        item.result = Translation(item.id, item.zh, en, info, False, checks, FAILED, reason)
        self.failures.append(Failure(item.id, item.zh, reason))

    def _store(self, items: Sequence[_Item], unsaved: _Unsaved) -> None:
        """Cache what the translator made; never a failure (the next run retries it)."""
        rows = []
        for item in items:
            result = item.result
            if result is None or result.flag == FAILED:
                continue
            self.translated += 1
            rows.append((item.key, result.translator.label(), item.source, result.en, result.flag))
        if self.cache is None:
            return  # nowhere to keep them: not held either
        with self._saving:
            unsaved.rows.extend(rows)
        if unsaved.due():
            self._save(unsaved)

    def _save(self, unsaved: _Unsaved) -> None:
        with self._saving:  # rows another thread adds meanwhile go in the next batch
            rows, unsaved.rows = unsaved.rows, []
            unsaved.since = time.monotonic()
        if self.cache is not None and rows:
            self.cache.put_many(rows)

    # -- decoding: parts, terms, joining ---------------------------------------------------

    def _decode(self, items: Sequence[_Item]) -> None:
        """Translate the items (raises if the translator does; then no result is set)."""
        if self._unavailable is not None:
            raise TranslatorUnavailable(self._unavailable)
        parts = [self._parts(item) for item in items]
        outputs = iter(self._english([p for item_parts in parts for p in item_parts]))
        info = self.translator.info
        results = []
        for item, item_parts in zip(items, parts, strict=True):
            done = [next(outputs) for _ in item_parts]
            en = _join(item_parts, done)
            flag = _flag(done, split=len(item_parts) > 1)
            checks = tuple(termlib.check(en, item.uses))
            results.append(Translation(item.id, item.zh, en, info, False, checks, flag))
        for item, result in zip(items, results, strict=True):
            item.result = result

    def _check_translator(self) -> None:
        self._checked = self.translator
        limited = isinstance(self.translator, LengthLimited)
        self._limited = cast(LengthLimited, self.translator) if limited else None
        preparing = isinstance(self.translator, Preparing)
        self._preparing = cast(Preparing, self.translator) if preparing else None

    def _parts(self, item: _Item) -> list[_Part]:
        """The sentence whole, or cut to the model's length at clause boundaries (never in a term)."""
        if self._checked is not self.translator:
            self._check_translator()
        translator = self._limited
        if translator is None:
            return [_Part(item.source, item.uses)]
        protect = self.translator.protects_terms

        def part(start: int, end: int) -> _Part:
            uses = [
                replace(u, start=u.start - start, end=u.end - start)
                for u in item.uses
                if start <= u.start and u.end <= end
            ]
            return _Part(item.source[start:end], uses)

        def size(start: int, end: int) -> int:
            # What the model will see: with placeholders, when terms are protected.
            piece = part(start, end)
            text = termlib.protect(piece.text, piece.uses) if protect else piece.text
            return translator.count_pieces(text)

        keep = [(u.start, u.end) for u in item.uses]
        spans = split_to_fit(item.source, size, translator.max_source_pieces(), keep)
        return [part(start, end) for start, end in spans]

    def _english(self, parts: Sequence[_Part]) -> list[Output]:
        """One translator call for every part, terms protected; a second for lost terms."""
        protect = self.translator.protects_terms
        inputs = [termlib.protect(p.text, p.uses) if protect else p.text for p in parts]
        outputs = self.translator.translate(inputs)
        # The gloss's English is tidy already (and a novel's worth of tidying costs a second).
        tidy = (lambda en: en) if getattr(self.translator, "tidy_output", False) else termlib.tidy
        english: list[str | None] = []
        for part, out in zip(parts, outputs, strict=True):
            if protect and part.uses:
                english.append(termlib.restore(out.en, part.uses))
            else:
                english.append(tidy(out.en))
        # Parts whose placeholders did not survive: translate around the terms.
        redo = [n for n, en in enumerate(english) if en is None]
        if redo:
            spans = {n: termlib.spans(parts[n].text, parts[n].uses) for n in redo}
            plain = [(n, k, p) for n in redo for k, p in enumerate(spans[n]) if isinstance(p, str)]
            span_out = self.translator.translate([p for _, _, p in plain])
            done: dict[int, dict[int, str]] = {n: {} for n in redo}
            for (n, k, _), out in zip(plain, span_out, strict=True):
                done[n][k] = out.en
            for n in redo:
                english[n] = termlib.splice(spans[n], done[n])
        return [Output(en or "", out.flag) for en, out in zip(english, outputs, strict=True)]


def _join(parts: Sequence[_Part], outputs: Sequence[Output]) -> str:
    """The parts' English as one sentence; a clause's comma or semicolon kept."""
    if len(parts) == 1:
        return outputs[0].en
    pieces = []
    for n, (part, out) in enumerate(zip(parts, outputs, strict=True)):
        en = out.en.strip()
        mark = _CLAUSE_ENDS.get(part.text.rstrip()[-1:])
        if n < len(parts) - 1 and mark and en.endswith(".") and not en.endswith(".."):
            en = en[:-1] + mark
        pieces.append(en)
    return termlib.tidy(" ".join(p for p in pieces if p))


def _flag(outputs: Sequence[Output], *, split: bool) -> str | None:
    """The sentence's one flag: the most important of its parts' flags and ``split``."""
    flags = {o.flag for o in outputs if o.flag} | ({SPLIT} if split else set())
    return next((f for f in FLAG_PRIORITY if f in flags), next(iter(sorted(flags)), None))


def _reason(error: BaseException) -> str:
    """The error's first line: enough to say why, short enough for a status line."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = ["BATCH_SIZE", "Failure", "Output", "Pipeline", "model_input"]
