"""Terminology: glossary terms keep their glossary English through machine translation.

A sentence's terms are first replaced by placeholders the model usually copies
through (``ZT1Z``), which keeps the sentence whole for the model; if a
placeholder does not come back exactly once, the sentence is translated in
spans around the terms and the glossary English is spliced in, which cannot
lose a term. Either way the result is checked and the check is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


class TermMatcher:
    """Finds glossary terms in sentences: longest match first, no overlaps."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        self._english = dict(terms)
        ordered = sorted(self._english, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(t) for t in ordered)) if ordered else None

    def find(self, sentence: str) -> list[TermUse]:
        if self._pattern is None:
            return []
        return [
            TermUse(m.group(0), self._english[m.group(0)], m.start(), m.end())
            for m in self._pattern.finditer(sentence)
        ]


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
