"""Terminology: glossary terms keep their glossary English through machine translation.

A sentence's terms are first replaced by placeholders the model usually copies
through (``ZT1Z``), which keeps the sentence whole for the model; if a
placeholder does not come back exactly once, the sentence is translated in
spans around the terms and the glossary English is spliced in, which cannot
lose a term. Either way the result is checked and the check is reported.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

#: Placeholder shape: Latin letters and digits survive SentencePiece and are
#: copied by NMT models far more reliably than brackets or private-use characters.
PLACEHOLDER = "ZT{}Z"
_PLACEHOLDER_RE = re.compile(r"ZT(\d+)Z")


@dataclass(frozen=True, slots=True)
class TermUse:
    zh: str
    en: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TermCheck:
    zh: str
    en: str
    ok: bool


#: Cuts a sentence into words (the annotator's); the words concatenate back to it.
Cut = Callable[[str], Sequence[str]]
#: Sentences whose words a matcher keeps: a document's worth of is_current checks.
CUTS_KEPT = 8192


class TermMatcher:
    """Finds glossary terms in sentences: longest match first, no overlaps.

    With ``cut`` (the annotator's segmentation) a term matches only whole
    words: 民生 is not a term of 人民生活 (人民|生活), which once forced "people's
    wellbeing" into a translation and then reported the term missing. The
    segmenter keeps glossary terms whole where its cut falls on their ends,
    so a term is used exactly where the reader shows it as one word.
    """

    def __init__(self, terms: Iterable[tuple[str, str]], cut: Cut | None = None) -> None:
        self._english = dict(terms)
        ordered = sorted(self._english, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(t) for t in ordered)) if ordered else None
        self._cut = cut
        self._prefixes = frozenset(t[:n] for t in self._english for n in range(1, len(t) + 1))
        self._cuts: dict[str, Sequence[str]] = {}
        self._lock = threading.Lock()

    def find(self, sentence: str) -> list[TermUse]:
        if self._pattern is None:
            return []
        found = [
            TermUse(m.group(0), self._english[m.group(0)], m.start(), m.end())
            for m in self._pattern.finditer(sentence)
        ]
        if not found or self._cut is None:
            return found
        whole = self._whole_words(sentence, self._words(sentence))
        return found if whole is None else whole

    def _words(self, sentence: str) -> Sequence[str]:
        words = self._cuts.get(sentence)
        if words is None:
            words = self._cut(sentence) if self._cut is not None else (sentence,)
            with self._lock:  # workers and the UI thread share a matcher
                if len(self._cuts) >= CUTS_KEPT:
                    self._cuts.pop(next(iter(self._cuts)))
                self._cuts[sentence] = words
        return words

    def _whole_words(self, sentence: str, words: Sequence[str]) -> list[TermUse] | None:
        """Terms spelled by runs of whole words, the longest at each word, left to right;
        None if ``words`` do not spell the sentence."""
        starts = [0]
        for word in words:
            starts.append(starts[-1] + len(word))
        if starts[-1] != len(sentence):
            return None
        uses: list[TermUse] = []
        i, n = 0, len(words)
        while i < n:
            joined, k = words[i], i + 1
            best = k if joined in self._english else 0
            while k < n and joined in self._prefixes:
                joined += words[k]
                k += 1
                if joined in self._english:
                    best = k
            if best:
                zh = sentence[starts[i] : starts[best]]
                uses.append(TermUse(zh, self._english[zh], starts[i], starts[best]))
                i = best
            else:
                i += 1
        return uses


def protect(sentence: str, uses: Sequence[TermUse]) -> str:
    """The sentence with each term replaced by its numbered placeholder."""
    out: list[str] = []
    position = 0
    for number, use in enumerate(uses, 1):
        out.append(sentence[position : use.start])
        out.append(f" {PLACEHOLDER.format(number)} ")
        position = use.end
    out.append(sentence[position:])
    return "".join(out)


def restore(english: str, uses: Sequence[TermUse]) -> str | None:
    """Put the terms' English back; None if any placeholder is lost or doubled."""
    found = [int(n) for n in _PLACEHOLDER_RE.findall(english)]
    if sorted(found) != list(range(1, len(uses) + 1)):
        return None
    restored = _PLACEHOLDER_RE.sub(lambda m: uses[int(m.group(1)) - 1].en, english)
    return tidy(restored)


def spans(sentence: str, uses: Sequence[TermUse]) -> list[str | TermUse]:
    """The sentence cut into plain spans and terms, in order (empty spans dropped)."""
    out: list[str | TermUse] = []
    position = 0
    for use in uses:
        if sentence[position : use.start].strip():
            out.append(sentence[position : use.start])
        out.append(use)
        position = use.end
    if sentence[position:].strip():
        out.append(sentence[position:])
    return out


def splice(parts: Sequence[str | TermUse], translated: dict[int, str]) -> str:
    """Join translated spans (by index in ``parts``) and the terms' English."""
    pieces = [translated[i] if isinstance(p, str) else p.en for i, p in enumerate(parts)]
    return tidy(" ".join(piece.strip() for piece in pieces if piece.strip()))


def tidy(text: str) -> str:
    """Collapse spaces, and none before punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([,.;:!?)\]])", r"\1", text)


def check(english: str, uses: Sequence[TermUse]) -> list[TermCheck]:
    lowered = english.lower()
    return [TermCheck(u.zh, u.en, u.en.lower() in lowered) for u in uses]
