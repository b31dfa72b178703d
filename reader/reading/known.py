"""Which words of the document you know, while you read: statuses kept at hand, coverage live.

The view asks for a word's status for every word it draws, and the status
line wants coverage after every key press; neither can wait for a database
query per word. So the statuses of every word of the document are read once
(with the document's word counts, cached per document) and changed here and
in the database together; coverage is recomputed from the counts in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from reader.document.model import Document
from reader.language.annotate import Token
from reader.language.coverage import (
    CountsCache,
    Coverage,
    DocumentCounts,
    KnownWords,
    WordCounts,
    coverage_of,
    kind,
)
from reader.store.words import Status, WordEntry

Prepared = tuple[DocumentCounts, dict[str, Status]]


class ReadingWords:
    def __init__(self, words: KnownWords) -> None:
        self.words = words
        self.counts: DocumentCounts | None = None
        self._total: WordCounts | None = None
        #: Coverage by section id (None: the document), until a status changes: the
        #: status line asks on every key press, and a novel has 30,000 distinct words.
        self._coverage: dict[str | None, Coverage | None] = {}
        #: Statuses by stored (simplified) form; a word not in it is new once loaded.
        self._status: dict[str, Status] = {}

    # -- slow, for a worker ---------------------------------------------------------

    def prepare(self, doc: Document, cancel: threading.Event | None = None) -> Prepared:
        """The document's word counts (cached after the first time) and your statuses.

        ``cancel`` stops the counting between sections (a ReaderError). A book is
        counted by another process: the reader calls this from a worker thread."""
        counts = CountsCache(self.words.annotator).counts(doc, cancel, aside=True)
        return counts, self.words.by_key(counts.total.words)

    def use(self, prepared: Prepared) -> None:
        """Take what :meth:`prepare` found (UI thread)."""
        self.counts, statuses = prepared
        # Summed once: the view asks for a status per word it draws.
        self._total = self.counts.total
        self._status.update(statuses)
        self._coverage.clear()

    # -- what the view asks ---------------------------------------------------------

    def status_of(self, token: Token) -> str | None:
        """``new``, ``learning``, ``known``, ``ignored``; None for names, numbers, punctuation."""
        if kind(token) != "word":
            return None
        key = self.words.simplify(token.text)
        found = self._status.get(key)
        if found is not None:
            return found.value
        if self._total is None or key not in self._total.words:
            # Not one of the document's counted words (or not loaded yet): ask once.
            found = self.words.by_key([key]).get(key, Status.NEW)
            self._status[key] = found
            return found.value
        return Status.NEW.value

    def entry(self, word: str) -> WordEntry:
        return self.words.entry(word)

    # -- changes ----------------------------------------------------------------------

    def set(self, word: str, status: Status, level: int | None = None) -> WordEntry:
        """Mark a word (saved when this returns)."""
        entry = self.words.set(word, status, level)
        self._status[self.words.simplify(word)] = entry.status
        self._coverage.clear()
        return entry

    def mark_known(self, tokens: Iterable[Token]) -> int:
        """LingQ's page turn: every word still new among ``tokens`` becomes known."""
        new = {t.text for t in tokens if self.status_of(t) == Status.NEW.value}
        if not new:
            return 0
        self.words.set_many(new, Status.KNOWN, only_new=True)
        for word in new:
            self._status[self.words.simplify(word)] = Status.KNOWN
        self._coverage.clear()
        return len(new)

    # -- coverage -----------------------------------------------------------------------

    def coverage(self, section_id: str | None = None) -> Coverage | None:
        """Coverage of a section (its own paragraphs), or of the document; None until loaded."""
        if section_id not in self._coverage:
            self._coverage[section_id] = self._compute(section_id)
        return self._coverage[section_id]

    def _compute(self, section_id: str | None) -> Coverage | None:
        if self.counts is None or self._total is None:
            return None
        if section_id is None:
            return coverage_of(self._total, self._status)
        for section in self.counts.sections:
            if section.id == section_id:
                return coverage_of(section.counts, self._status)
        return None
