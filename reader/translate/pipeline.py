"""Sentences in, translations out: cache first, then batches, in document order.

Callers iterate :meth:`Pipeline.run` and get one :class:`Translation` per
sentence in the order given, as soon as everything before it is known: cached
sentences arrive at once, the rest after their batch is decoded. Setting the
``cancel`` event stops before the next batch. Glossary terms are protected
through machine translation and every translation reports whether each term's
English made it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from reader.hanzi import hanzi_count
from reader.translate import terms as termlib
from reader.translate.base import Output, Translation, Translator
from reader.translate.cache import TranslationCache, cache_key
from reader.translate.terms import TermMatcher, TermUse

#: Uncached sentences sent to the translator at once: enough for CTranslate2 to
#: batch well, few enough that the first results show quickly.
BATCH_SIZE = 32


@dataclass
class _Item:
    id: str
    zh: str
    source: str  # what the translator sees: whitespace and line breaks flattened
    uses: list[TermUse]
    key: str
    result: Translation | None = None


def model_input(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip()


class Pipeline:
    def __init__(
        self,
        translator: Translator,
        cache: TranslationCache | None,
        matcher: TermMatcher | None = None,
        *,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.translator = translator
        self.cache = cache
        self.matcher = matcher or TermMatcher(())
        self.batch_size = batch_size

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
    ) -> Iterator[Translation]:
        """Translate ``(id, chinese)`` pairs; yields in the same order."""
        info = self.translator.info
        translator_key = f"{info.name}:{info.model}:{info.version}"
        options = self.translator.options_key()
        items: list[_Item] = []
        for sid, zh in sentences:
            source = model_input(zh)
            uses = self.matcher.find(source)
            key = cache_key(translator_key, options, [(u.zh, u.en) for u in uses], source)
            items.append(_Item(sid, zh, source, uses, key))
        cached = self.cache.get_many(i.key for i in items) if self.cache else {}
        for item in items:
            if not hanzi_count(item.source):
                # Punctuation, numbers or Latin text: nothing to translate.
                item.result = Translation(item.id, item.zh, item.source, info, True)
            elif item.key in cached:
                en, flag = cached[item.key]
                checks = tuple(termlib.check(en, item.uses))
                item.result = Translation(item.id, item.zh, en, info, True, checks, flag)

        waiting: list[_Item] = []
        pending: list[_Item] = []
        for item in items:
            waiting.append(item)
            if item.result is None:
                pending.append(item)
            if len(pending) >= self.batch_size:
                if cancel is not None and cancel.is_set():
                    return
                self._translate(pending)
                pending = []
            if not pending:
                yield from (i.result for i in waiting if i.result is not None)
                waiting = []
        if pending:
            if cancel is not None and cancel.is_set():
                return
            self._translate(pending)
        yield from (i.result for i in waiting if i.result is not None)

    def _translate(self, items: Sequence[_Item]) -> None:
        info = self.translator.info
        protect = self.translator.protects_terms
        inputs = [termlib.protect(i.source, i.uses) if protect else i.source for i in items]
        outputs = self.translator.translate(inputs)
        english: list[str | None] = []
        for item, out in zip(items, outputs, strict=True):
            if protect and item.uses:
                english.append(termlib.restore(out.en, item.uses))
            else:
                english.append(termlib.tidy(out.en))
        # Sentences whose placeholders did not survive: translate around the terms.
        redo = [n for n, en in enumerate(english) if en is None]
        if redo:
            parts = {n: termlib.spans(items[n].source, items[n].uses) for n in redo}
            plain = [(n, k, p) for n in redo for k, p in enumerate(parts[n]) if isinstance(p, str)]
            span_out = self.translator.translate([p for _, _, p in plain])
            done: dict[int, dict[int, str]] = {n: {} for n in redo}
            for (n, k, _), out in zip(plain, span_out, strict=True):
                done[n][k] = out.en
            for n in redo:
                english[n] = termlib.splice(parts[n], done[n])
        rows = []
        for item, en, out in zip(items, english, outputs, strict=True):
            assert en is not None
            checks = tuple(termlib.check(en, item.uses))
            item.result = Translation(item.id, item.zh, en, info, False, checks, out.flag)
            rows.append((item.key, info.label(), item.source, en, out.flag))
        if self.cache is not None:
            self.cache.put_many(rows)


__all__ = ["BATCH_SIZE", "Output", "Pipeline", "model_input"]
