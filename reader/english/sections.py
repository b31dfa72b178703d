"""Which English chapter translates which Chinese section.

Structure comes before sentences: a novel's 第十二回 is Joly's ``CHAPTER XII.``,
and aligning sentences within a chapter pair is both faster and safer than
across a whole book. When both sides number their headings (第…回/章/节, and
``CHAPTER``/``BOOK``/``PART`` with Roman, Arabic or spelled numbers), sections
pair by number. Otherwise they pair by content: a monotone dynamic programme
over (section, chapter) similarities — rare words and names the two share,
weighted by how few English chapters have them — that leaves a section or a
chapter unpaired when nothing stands out (a translation of part of a book, a
preface, a licence).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reader.document.model import Document
from reader.document.units import Unit
from reader.english.english_text import english_chapters
from reader.english.lexicon import Lexicon, chinese_number

_ZH_NUMBER = re.compile(
    r"^\s*(?:#+\s*)?第([零〇一二三四五六七八九十百千万两\d]+)[回章节卷部篇集幕]"
)
#: Sentences read from the start of each side to compare sections by content.
OPENING = 80


@dataclass(frozen=True, slots=True)
class ChineseSide:
    """A Chinese section's units: its heading (id = the section's id), then its sentences."""

    section_id: str
    number: int | None
    units: tuple[Unit, ...]


@dataclass(frozen=True, slots=True)
class EnglishSide:
    """An English chapter's units: heading (``eN.h``) then sentences (``eN.pP.tT``)."""

    index: int
    number: int | None
    heading: str
    units: tuple[Unit, ...]
    #: The heading's word (``chapter``, ``book``…): numbers count within one kind.
    kind: str = ""


def section_number(title: str) -> int | None:
    """第十二回 … → 12; None for a heading without such a number."""
    match = _ZH_NUMBER.match(title)
    if match is None:
        return None
    digits = match.group(1)
    return int(digits) if digits.isdigit() else chinese_number(digits)


def chinese_sides(doc: Document) -> list[ChineseSide]:
    """Every section with text, in document order."""
    sides = []
    for section in doc.walk():
        units = [Unit(section.id, section.title)] if section.title else []
        units.extend(Unit(s.id, s.text) for p in section.paragraphs for s in p.sentences)
        if units:
            sides.append(ChineseSide(section.id, section_number(section.title), tuple(units)))
    return sides


def english_sides(text: str) -> list[EnglishSide]:
    """Every chapter of an English text with text, in order."""
    sides = []
    for index, chapter in enumerate(english_chapters(text)):
        units = [Unit(f"e{index}.h", chapter.heading)] if chapter.heading else []
        for p, paragraph in enumerate(chapter.paragraphs, start=1):
            units.extend(Unit(f"e{index}.p{p}.t{t}", s) for t, s in enumerate(paragraph, start=1))
        if units:
            sides.append(
                EnglishSide(index, chapter.number, chapter.heading, tuple(units), chapter.kind)
            )
    return sides


Pairing = list[tuple[int | None, int | None]]


def pair_by_number(zh: Sequence[ChineseSide], en: Sequence[EnglishSide]) -> Pairing | None:
    """Sections and chapters with the same heading number; None if numbers cannot decide.

    English numbers count within the commonest heading word (``CHAPTER I.``
    under ``BOOK I.``). Numbers decide when no number repeats on a side (a book
    of volumes whose chapters restart at 1 does not) and at least two occur on
    both sides.
    """
    kinds = Counter(s.kind for s in en if s.number is not None)
    if not kinds:
        return None
    kind = kinds.most_common(1)[0][0]
    en = [s if s.kind == kind else replace(s, number=None) for s in en]
    zh_numbers = [s.number for s in zh if s.number is not None]
    en_numbers = [s.number for s in en if s.number is not None]
    if len(set(zh_numbers)) != len(zh_numbers) or len(set(en_numbers)) != len(en_numbers):
        return None
    common = set(zh_numbers) & set(en_numbers)
    if len(common) < 2:
        return None
    en_at = {s.number: k for k, s in enumerate(en) if s.number in common}
    pairs: Pairing = []
    used: set[int] = set()
    last = -1
    for k, side in enumerate(zh):
        target = en_at.get(side.number) if side.number is not None else None
        if target is not None and target > last:
            pairs.append((k, target))
            used.add(target)
            last = target
        else:
            pairs.append((k, None))
    pairs.extend((None, k) for k in range(len(en)) if k not in used)
    return pairs


def pair_by_content(
    zh: Sequence[ChineseSide], en: Sequence[EnglishSide], lexicon: Lexicon
) -> Pairing:
    """Pair sections and chapters by the rare words their openings share.

    A pair's score is the idf-weighted overlap of the two openings' keys (idf
    over the English chapters, so a word every chapter has counts nothing),
    normalised like a cosine. Scores are then compared with the typical
    score of a wrong pair, the median of all: a pair is worth taking when it
    stands out by more than three median absolute deviations, and the
    monotone pairing with the largest total excess wins.
    """
    en_keys = [
        frozenset().union(*(lexicon.english(u.text).keys for u in side.units[:OPENING]))
        for side in en
    ]
    vocabulary = frozenset().union(*en_keys) if en_keys else frozenset()
    zh_keys = [
        frozenset().union(*(lexicon.chinese(u.text).keys for u in side.units[:OPENING]))
        & vocabulary
        for side in zh
    ]
    frequency: Counter[int] = Counter(k for keys in en_keys for k in keys)
    idf = {k: math.log((len(en) + 1) / (f + 0.5)) for k, f in frequency.items()}
    scores = [[_similarity(a, b, idf) for b in en_keys] for a in zh_keys]
    flat = [v for row in scores for v in row]
    if not flat:
        return [(k, None) for k in range(len(zh))] + [(None, k) for k in range(len(en))]
    median = statistics.median(flat)
    spread = statistics.median(abs(v - median) for v in flat) or 1e-6
    excess = [[(v - median) / spread - 3.0 for v in row] for row in scores]
    return _monotone_pairs(excess)


def _similarity(a: frozenset[int], b: frozenset[int], idf: dict[int, float]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(idf[k] for k in a & b)
    return shared / math.sqrt(sum(idf[k] for k in a) * sum(idf[k] for k in b))


def _monotone_pairs(gain: list[list[float]]) -> Pairing:
    """The order-keeping set of pairs with the largest total gain (skips cost nothing)."""
    n = len(gain)
    m = len(gain[0]) if gain else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 pair, 1 skip Chinese, 2 skip English
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j:
                options.append((best[i - 1][j - 1] + max(gain[i - 1][j - 1], -1e9), 0))
            if i:
                options.append((best[i - 1][j], 1))
            if j:
                options.append((best[i][j - 1], 2))
            best[i][j], move[i][j] = max(options)
    pairs: Pairing = []
    i, j = n, m
    while i or j:
        step = move[i][j]
        if step == 0 and gain[i - 1][j - 1] > 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == 0:
            pairs.extend([(i - 1, None), (None, j - 1)])
            i, j = i - 1, j - 1
        elif step == 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs
