"""What a candidate link costs: link-type prior, length, and dictionary evidence.

Every candidate link — ``a`` consecutive Chinese sentences with ``b`` English
ones — gets a cost in nats, the negative log of how likely it is to be a true
link rather than a chance pairing:

``cost = −log P(type) + length(δ) − lexical_weight · LLR(words) + ends``

- **type**: how often links of that shape occur (1–1 most, then 1–2/2–1, …),
  a generic prior re-estimated from the document's own first-pass links;
- **length** (Gale & Church 1993): ``δ = (l_en − c·l_zh) / sqrt(s² · m)`` with
  ``m = (l_zh + l_en / c) / 2``, where ``c`` (English characters per Chinese
  one) and ``s²`` are estimated from the document itself; the cost is
  ``−log P(|X| ≥ |δ|)`` for a standard normal ``X``;
- **words**: each Chinese word of the link either found one of its keys on
  the English side or not, and each English key was either found among the
  Chinese side's keys or not. A word is found by chance with probability
  ``p_r(L) = 1 − (1 − q)^L`` when the other side has ``L`` keys, and in a true
  translation with ``p_t(L) = 1 − (1 − p0)(1 − q)^L``; both ``q`` (chance) and
  ``p0`` (how literal the translation is) are estimated per document, ``p0``
  also per word once a pass has linked it (:func:`literalness`: a name is
  nearly always translated, a particle's dictionary senses almost never). The
  log-likelihood ratio of the found/not-found counts is the lexical evidence.
  Occurrences are counted, not sets: a word's second occurrence in a link is
  found only if the other side has two for it, at the chance of a second find
  given a first (:data:`LEVELS`, :func:`_chance_tails`).
  Because ``p_r`` grows with ``L``, a merged candidate is paid less per found
  word than a small one: merging must find more than chance would. Marks that
  survive translation (``?``, ``!``, quotation marks) are words too
  (:func:`~reader.english.lexicon.chinese_marks`);
- **ends**: what the marks that end a link's last sentences say about a link
  ending there, and about the two ends going together, learned from the first
  pass's links (:class:`Boundaries`): in a text split at commas as well as full
  stops, a line ending in a comma is continued in the same link; and what the
  same links say about a sentence that recurs word for word (a formula) opening
  a link or continuing one (:func:`recurring_forms`).

All of this is computed for every state of a band at once (NumPy arrays of
shape ``(types, rows, width)``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np

from reader.english.dp import INF, Band, FloatArray, IntArray, UIntArray, shifted
from reader.english.lexicon import ChineseSentence, EnglishSentence

Key = TypeVar("Key", str, int)

#: The link types considered, ``(Chinese sentences, English sentences)``.
TYPES: tuple[tuple[int, int], ...] = (
    (1, 1),
    (1, 0),
    (0, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (1, 3),
    (3, 1),
    (2, 3),
    (3, 2),
    (3, 3),
    (2, 4),
    (4, 2),
    (1, 4),
    (4, 1),
    (1, 5),
    (5, 1),
    (1, 6),
    (6, 1),
)
MAX_SPAN = 6
#: Share of Gale–Church's length cost an omission (1–0, 0–1) pays. The full cost
#: prices a long sentence's omission as if its translation were an empty one,
#: which makes leaving out a long sentence all but impossible and pushes it into
#: a neighbour's link instead; none at all makes omissions too cheap.
OMISSION_LENGTH = 0.35

#: Generic link-type frequencies, before a document's own are known: 1–1 is the
#: rule; a Chinese sentence (ending at 。) often becomes two English ones and
#: Chinese editions often split what a translation keeps whole, so both
#: directions of merging are common; omissions are rare.
GENERIC_PRIOR: dict[tuple[int, int], float] = {
    (1, 1): 0.55,
    (1, 2): 0.13,
    (2, 1): 0.13,
    (2, 2): 0.02,
    (1, 3): 0.04,
    (3, 1): 0.04,
    (2, 3): 0.005,
    (3, 2): 0.005,
    (3, 3): 0.002,
    (2, 4): 0.002,
    (4, 2): 0.002,
    (1, 4): 0.012,
    (4, 1): 0.012,
    (1, 5): 0.004,
    (5, 1): 0.004,
    (1, 6): 0.002,
    (6, 1): 0.002,
    (1, 0): 0.01,
    (0, 1): 0.01,
}
#: How many links' worth of weight the generic prior keeps against a document's counts.
PRIOR_STRENGTH = 30.0
#: How many sentences' worth of weight the document-wide rate keeps against one
#: end-mark class's own counts (:func:`boundaries`): a class seen a handful of
#: times says little.
BOUNDARY_STRENGTH = 10.0


@dataclass(frozen=True, slots=True)
class Boundaries:
    """What the marks that end sentences say about where links end, in nats.

    Learned from a pass's links: ``zh_final[c]`` is ``−log`` of how much more
    (or less) often than average a Chinese sentence ending in class ``c``
    (:func:`~reader.english.lexicon.end_mark`) is the last of its link, and
    ``zh_inner[c]`` the same for being followed by another sentence of the
    same link; ``pair[c, d]`` is ``−log`` of how much more often than chance a
    link's Chinese side ends in ``c`` when its English side ends in ``d`` (a
    question is translated by a question, a quotation closes on both sides).
    ``zh_first[f]`` and ``zh_next[f]`` are the same for a recurring sentence
    ``f`` (:func:`recurring_forms`) being the first of its link or continuing
    the previous sentence's: a formula that closes a speech (*this is what the
    Lord says*) continues what came before, a speaker's tag may open a link.
    Being relative to the average, they leave the link-type prior its meaning.
    """

    zh_final: dict[str, float]
    zh_inner: dict[str, float]
    en_final: dict[str, float]
    en_inner: dict[str, float]
    pair: dict[tuple[str, str], float]
    zh_first: dict[str, float] = field(default_factory=dict)
    zh_next: dict[str, float] = field(default_factory=dict)
    en_first: dict[str, float] = field(default_factory=dict)
    en_next: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Model:
    """The per-document statistics a pass aligns with."""

    #: English characters per Chinese character (Gale–Church ``c``).
    ratio: float
    #: Gale–Church ``s²``, in English characters per Chinese character.
    variance: float
    #: ``−log P(type)`` for each of :data:`TYPES`.
    type_cost: tuple[float, ...]
    #: Share of words found in a true translation beyond chance.
    p0_zh: float
    p0_en: float
    lexical_weight: float = 1.0
    #: Learned from the first pass; None before (no evidence from end marks).
    boundaries: Boundaries | None = None
    #: ``p0`` of each Chinese word (by text) and English key that a pass's links
    #: had enough of to tell: 耶和华 is nearly always translated, 的 almost never.
    zh_word_p0: dict[str, float] = field(default_factory=dict)
    en_key_p0: dict[int, float] = field(default_factory=dict)
    #: ... and of a word they have no record of (None: the side's ``p0``).
    zh_unseen_p0: float | None = None
    en_unseen_p0: float | None = None


def prior_costs(prior: dict[tuple[int, int], float]) -> tuple[float, ...]:
    total = sum(prior[t] for t in TYPES)
    return tuple(-math.log(prior[t] / total) for t in TYPES)


def initial_model(zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence]) -> Model:
    """Statistics from the two texts alone, before any alignment is known."""
    ratio = _ratio(zh, en)
    return Model(
        ratio=ratio,
        variance=2.7 * ratio * ratio,
        type_cost=prior_costs(GENERIC_PRIOR),
        p0_zh=0.3,
        p0_en=0.3,
    )


def _ratio(zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence]) -> float:
    zh_chars = sum(s.length for s in zh)
    en_chars = sum(s.length for s in en)
    return en_chars / zh_chars if zh_chars and en_chars else 3.0


# -- sentence-pair evidence on a band ------------------------------------------------------

#: Words (Chinese) or key occurrences (English) of a sentence that the evidence
#: tracks: one bit each in a 64-bit mask, so that a merged candidate's evidence is
#: exact bitwise arithmetic on its sentence pairs' masks.
MASK_BITS = 64
#: Occurrences the evidence counts up to. Within a link each occurrence of a word
#: needs an occurrence of its own on the other side: the second 耶和华 of a link is
#: found only if its English has *Lord* twice, and a second *Lord* only if the
#: Chinese has a second word that says it. Otherwise one *Lord* confirms 耶和华 in
#: every Chinese sentence it is merged with, and a formula (*saith the Lord*) finds
#: the same words in either neighbour. Counts above this many are this many (a
#: third occurrence needs two): counting to three was no better and a fifth slower.
LEVELS = 2
_NIBBLE_BITS = np.array([[(v >> t) & 1 for v in range(16)] for t in range(4)], dtype=np.float64)

Planes = list[UIntArray]


@dataclass(frozen=True, slots=True)
class PairStats:
    """How often the words of each sentence pair in a band find each other, and how rare that is.

    Counts are kept as threshold planes: plane ``q`` of a count has bit ``t``
    where word ``t``'s count is at least ``q + 1``, so that summing the counts
    of a merged candidate is bitwise (:func:`_add_counts`).
    """

    band: Band
    #: Bit ``t`` of ``zh_mask[q, i, k]``: word ``t`` of Chinese sentence ``i`` has ``q + 1``
    #: or more occurrences in English sentence ``lo[i] + k`` (of its most frequent key there).
    zh_mask: UIntArray
    #: Bit ``t`` of ``en_mask[q, i, k]``: occurrence ``t`` of that English sentence's keys
    #: is a key of ``q + 1`` or more words of ``i``.
    en_mask: UIntArray
    #: Bit ``t`` of ``zh_rank[q, r, i]``: word ``t`` of sentence ``i + r`` is at least
    #: the ``q + 2``-th occurrence of its word in a link that starts at sentence ``i``.
    zh_rank: UIntArray
    en_rank: UIntArray
    #: ``zh_chance[q, i, t]``: how often word ``t`` of ``i`` is found ``q + 1`` or more
    #: times in one English sentence around its translation (its chance in a wrong one).
    zh_chance: FloatArray
    en_chance: FloatArray
    #: Words (key occurrences) per sentence that have a bit.
    zh_bits: FloatArray
    en_bits: FloatArray


def pair_stats(
    zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence], band: Band
) -> PairStats:
    """Occurrence-count masks of every sentence pair in ``band``, ranks, and local chance rates.

    Done with postings, not pair by pair: each key's English sentences (and
    Chinese ones) that have it at least ``q + 1`` times are one Python integer
    used as a bitset, each Chinese word's the OR of its keys' (once per
    distinct word), and a band row is read off those bitsets and turned into
    per-pair masks by NumPy.
    """
    n, m = len(zh), len(en)
    rows = max(n, 1)
    zh_mask = np.zeros((LEVELS, rows, band.width), dtype=np.uint64)
    en_mask = np.zeros((LEVELS, rows, band.width), dtype=np.uint64)
    en_items = [s.key_occurrences()[:MASK_BITS] for s in en]
    en_postings = _postings([[(k,) for k in s.key_occurrences()] for s in en])
    _fill_zh_masks(zh, band, en_postings, zh_mask, m)
    vocabulary = frozenset(en_postings[0])
    known: dict[frozenset[int], frozenset[int]] = {}
    zh_items = [[known.setdefault(w, w & vocabulary) for w in s.words] for s in zh]
    _fill_en_masks(en_items, band, _postings(zh_items), en_mask, n)
    zh_rank = _ranks([s.words[:MASK_BITS] for s in zh])
    en_rank = _ranks(en_items)
    zh_count = np.array([min(MASK_BITS, len(s.words)) for s in zh] or [0], dtype=np.float64)
    en_count = np.array([len(items) for items in en_items] or [0], dtype=np.float64)
    zh_own = _multiplicity([s.words[:MASK_BITS] for s in zh])
    en_own = _multiplicity(en_items)
    zh_chance, en_chance = _local_chance(band, zh_mask, en_mask, (zh_own, en_own), m)
    return PairStats(
        band, zh_mask, en_mask, zh_rank, en_rank, zh_chance, en_chance, zh_count, en_count
    )


def _postings(sentences: Sequence[Sequence[Iterable[int]]]) -> list[dict[int, int]]:
    """``out[q][key]``: the sentences (bits of an int) where ``q + 1`` or more of the
    sentence's items (key sets) have ``key``."""
    out: list[dict[int, int]] = [{} for _ in range(LEVELS)]
    first = out[0]
    for s, items in enumerate(sentences):
        bit = 1 << s
        counts = Counter(k for keys in items for k in keys)
        for key in counts:
            first[key] = first.get(key, 0) | bit
        for key, count in counts.items():
            for q in range(1, min(count, LEVELS)):
                out[q][key] = out[q].get(key, 0) | bit
    return out


def _ranks(sentences: Sequence[Sequence[Hashable]]) -> UIntArray:
    """``out[q, r, s]``: the bits of sentence ``s + r`` that are at least the ``q + 2``-th
    occurrence of their item in sentences ``s … s + r`` (a link that starts at ``s``).

    Items are a Chinese word's key set (words that say the same compete for the
    same English) or an English key. With every occurrence sorted by (item,
    sentence, bit), an occurrence's rank in a link is its place in that order
    less the place of its item's first occurrence from the link's start on.
    """
    n = max(1, len(sentences))
    out = np.zeros((LEVELS - 1, MAX_SPAN, n), dtype=np.uint64)
    numbers: dict[Hashable, int] = {}
    item = np.array(
        [numbers.setdefault(x, len(numbers)) for items in sentences for x in items], np.int64
    )
    if not len(item):
        return out
    sentence = np.repeat(np.arange(len(sentences)), [len(items) for items in sentences])
    bit = np.concatenate([np.arange(len(items)) for items in sentences]).astype(np.uint64)
    order = np.lexsort((bit, sentence, item))
    item, sentence, bit = item[order], sentence[order], bit[order]
    keys = item * (n + 1) + sentence
    place = np.arange(len(item))
    for r in range(MAX_SPAN):
        start = sentence - r
        rank = place - np.searchsorted(keys, item * (n + 1) + start, side="left")
        for q in range(LEVELS - 1):
            chosen = (start >= 0) & (rank > q)
            np.bitwise_or.at(out[q, r], start[chosen], np.uint64(1) << bit[chosen])
    return out


_SHIFTS = np.arange(MASK_BITS, dtype=np.uint64)


def _transpose(bitsets: Sequence[int], span: int) -> UIntArray:
    """``out[c]`` has bit ``t`` set when ``bitsets[t]`` has bit ``c``: rows to columns."""
    size = (span + 7) // 8
    raw = b"".join(x.to_bytes(size, "little") for x in bitsets)
    bits = np.unpackbits(
        np.frombuffer(raw, dtype=np.uint8).reshape(len(bitsets), size), axis=1, bitorder="little"
    )
    shifted_bits = bits[:, :span].astype(np.uint64) << _SHIFTS[: len(bitsets), None]
    out: UIntArray = np.bitwise_or.reduce(shifted_bits, axis=0)
    return out


def _fill_zh_masks(
    zh: Sequence[ChineseSentence],
    band: Band,
    postings: list[dict[int, int]],
    out: UIntArray,
    m: int,
) -> None:
    found: dict[frozenset[int], list[int]] = {}
    for i, sentence in enumerate(zh):
        lo = int(band.lo[i])
        first, last = max(0, lo), min(m, lo + band.width)
        if first >= last or not sentence.words:
            continue
        window = (1 << (last - first)) - 1
        bitsets: list[list[int]] = [[] for _ in range(LEVELS)]
        for word in sentence.words[:MASK_BITS]:
            sentences = found.get(word)
            if sentences is None:
                sentences = found[word] = [_any_posting(level, word) for level in postings]
            for q in range(LEVELS):
                bitsets[q].append((sentences[q] >> first) & window)
        for q in range(LEVELS):
            if q == 0 or any(bitsets[q]):
                out[q, i, first - lo : last - lo] = _transpose(bitsets[q], last - first)


def _any_posting(postings: dict[int, int], keys: frozenset[int]) -> int:
    """The sentences that have any of ``keys`` (often enough, for a level's postings)."""
    sentences = 0
    for key in keys:
        sentences |= postings.get(key, 0)
    return sentences


def _fill_en_masks(
    en_items: Sequence[Sequence[int]],
    band: Band,
    postings: list[dict[int, int]],
    out: UIntArray,
    n: int,
) -> None:
    lo = band.lo[:n]
    ends = lo + band.width
    for j, items in enumerate(en_items):
        # The band rows that hold column j: a contiguous run, as lo never decreases.
        first = int(np.searchsorted(ends, j, side="right"))
        last = int(np.searchsorted(lo, j, side="right"))
        if first >= last or not items:
            continue
        window = (1 << (last - first)) - 1
        rows = np.arange(first, last)
        for q, level in enumerate(postings):
            bitsets = [(level.get(k, 0) >> first) & window for k in items]
            if q == 0 or any(bitsets):
                out[q, rows, j - lo[first:last]] = _transpose(bitsets, last - first)


def _add_counts(x: Planes, y: Planes) -> Planes:
    """The threshold planes of the sum of two counts given as threshold planes.

    The sum is at least ``q`` where one count is at least ``u`` and the other
    at least ``q − u``; it saturates at :data:`LEVELS`.
    """
    out = []
    for q in range(1, LEVELS + 1):
        plane = x[q - 1] | y[q - 1]
        for u in range(1, q):
            plane = plane | (x[u - 1] & y[q - u - 1])
        out.append(plane)
    return out


def _rank_classes(counts: Planes, ranks: Planes) -> Planes:
    """``out[q]``: the bits that are the ``q + 1``-th occurrence of their item and are found.

    The ``q + 1``-th occurrence of a word in a link is found when the other side
    has ``q + 1`` occurrences for it; the last class holds every later one too.
    """
    out = []
    for q in range(LEVELS):
        plane = counts[q]
        if q:
            plane = plane & ranks[q - 1]
        if q < LEVELS - 1:
            plane = plane & ~ranks[q]
        out.append(plane)
    return out


def _bit(masks: UIntArray, t: int) -> UIntArray:
    result: UIntArray = (masks >> np.uint64(t)) & np.uint64(1)
    return result


def _unpacked(masks: UIntArray) -> FloatArray:
    """``out[..., t]``: bit ``t`` of each mask, as 0.0 or 1.0."""
    as_bytes = np.ascontiguousarray(masks).view(np.uint8).reshape(*masks.shape, 8)
    bits: FloatArray = np.unpackbits(as_bytes, axis=-1, bitorder="little").astype(np.float64)
    return bits


def _bit_counts(masks: UIntArray) -> FloatArray:
    """``out[i, t]``: in how many cells of row ``i`` bit ``t`` is set."""
    as_bytes = np.ascontiguousarray(masks).view(np.uint8).reshape(*masks.shape, 8)
    bits = np.unpackbits(as_bytes, axis=2, bitorder="little")  # little-endian uint64
    counts: FloatArray = bits.sum(axis=1, dtype=np.float64)
    return counts


def _highest_bit(masks: UIntArray) -> int:
    """One more than the highest bit set anywhere in ``masks`` (0 when none is)."""
    combined = int(np.bitwise_or.reduce(masks, axis=None)) if masks.size else 0
    return combined.bit_length()


def _multiplicity(sentences: Sequence[Sequence[Hashable]]) -> FloatArray:
    """``out[s, t]``: how often bit ``t``'s item occurs in sentence ``s`` itself."""
    out = np.zeros((max(1, len(sentences)), MASK_BITS))
    for s, items in enumerate(sentences):
        counts = Counter(items)
        out[s, : len(items)] = [counts[item] for item in items]
    return out


def _local_chance(
    band: Band,
    zh_mask: UIntArray,
    en_mask: UIntArray,
    own: tuple[FloatArray, FloatArray],
    m: int,
) -> tuple[FloatArray, FloatArray]:
    """How often each word is found (``q + 1`` times) among the sentences of its band row.

    One finding is discounted as the word's own translation, which has ``q + 1``
    matches where the word's own sentence has it ``q + 1`` times (``own``, per
    side); the rest is what a wrong neighbour would show. Neighbours share names and topic words more than
    far-apart sentences do, and a band around the path holds exactly the
    neighbours a link competes with.
    """
    cols = band.columns()[: zh_mask.shape[1]]
    inside = (cols >= 0) & (cols < m)
    cells_per_row = np.maximum(1.0, inside.sum(axis=1).astype(np.float64))
    flat_cols = np.clip(cols, 0, max(0, m - 1))[inside]
    cells_per_col = np.bincount(flat_cols, minlength=max(m, 1)).astype(np.float64)
    zh_own, en_own = own
    zh_chance = np.empty((LEVELS, zh_mask.shape[1], MASK_BITS))
    en_chance = np.empty((LEVELS, max(m, 1), MASK_BITS))
    for q in range(LEVELS):
        zh_found = _bit_counts(zh_mask[q])
        zh_found = zh_found - (zh_own[: len(zh_found)] > q)
        zh_chance[q] = (np.maximum(zh_found, 0) + 0.5) / (cells_per_row[:, None] + 1)
        inside_masks = en_mask[q][inside]
        en_found = np.zeros((max(m, 1), MASK_BITS))
        # Bits no sentence uses are never found: their chance is the floor.
        for t in range(_highest_bit(inside_masks)):
            en_found[:, t] = np.bincount(
                flat_cols, weights=_bit(inside_masks, t).astype(np.float64), minlength=max(m, 1)
            )
        en_found = en_found - (en_own[: len(en_found)] > q)
        en_chance[q] = (np.maximum(en_found, 0) + 0.5) / (np.maximum(cells_per_col, 1)[:, None] + 1)
    return zh_chance, en_chance


def _chance_tails(chance: FloatArray, sizes: int) -> list[FloatArray]:
    """``out[size - 1][q]``: the chance that ``size`` wrong sentences find a word's
    ``q + 1``-th occurrence, given that they found its ``q``-th.

    ``chance[q]`` is one sentence's chance of ``q + 1`` or more finds; sentences
    are taken as independent, and a count of :data:`LEVELS` or more as
    :data:`LEVELS`. With ``q = 0`` this is ``1 − (1 − d)^size``. Later
    occurrences are conditional (``P(≥ q + 1) / P(≥ q)``): a found occurrence's
    rarity is credited once, to the first, and a word that recurs in the
    neighbours (a topic word, a formula) makes a second find likely wherever the
    first one is. Every size up to ``sizes`` is one more convolution of the one
    before.
    """
    single = np.empty((LEVELS + 1, *chance.shape[1:]))
    single[0] = 1 - chance[0]
    for q in range(1, LEVELS):
        single[q] = np.maximum(chance[q - 1] - chance[q], 0.0)
    single[LEVELS] = chance[LEVELS - 1]
    total = single
    out = []
    for size in range(1, sizes + 1):
        if size > 1:
            summed = np.zeros_like(single)
            for u in range(LEVELS + 1):
                for v in range(LEVELS + 1):
                    summed[min(u + v, LEVELS)] += total[u] * single[v]
            total = summed
        tails = np.clip(np.cumsum(total[::-1], axis=0)[::-1][1:], 1e-9, 1.0)
        tails[1:] = np.clip(tails[1:] / tails[:-1], 1e-9, 1.0)
        out.append(tails)
    return out


@dataclass(frozen=True, slots=True)
class _GainTable:
    """Per sentence, what finding each set of its words is worth, by bit groups.

    ``low[s, p, v]`` sums the gains of the bits set in byte value ``v`` at byte
    ``p`` of the low :data:`_LOW_BITS` bits; ``high[s, p, v]`` the same for
    nibble ``p`` above them (few sentences have that many words, and a byte
    table for every bit would cost more to build than it saves).
    """

    low: FloatArray
    high: FloatArray


_LOW_BITS = 16
_BYTE_BITS = np.array([[(v >> t) & 1 for v in range(256)] for t in range(8)], dtype=np.float64)


def _gains(by_chance: FloatArray, bits: FloatArray, p0: FloatArray) -> FloatArray:
    """Per sentence and bit, what finding that occurrence is worth (nats).

    ``log(p_t / p_r) − log(1 − p0)``, where ``p_r`` is the chance of finding it
    among the other side's sentences (:func:`_chance_tails`) and
    ``p_t = 1 − (1 − p0)(1 − p_r)`` the chance in a true translation: finding
    a rare word is strong evidence, a word that every neighbour has is weak,
    and a larger other side makes every find weaker.
    """
    gain = np.log1p(p0 * (1 - by_chance) / by_chance) - np.log1p(-p0)
    gain[np.arange(MASK_BITS)[None, :] >= bits[:, None]] = 0.0
    result: FloatArray = gain
    return result


def _gain_table(gain: FloatArray) -> _GainTable:
    rows = len(gain)
    low = gain[:, :_LOW_BITS].reshape(rows, _LOW_BITS // 8, 8) @ _BYTE_BITS
    high = gain[:, _LOW_BITS:].reshape(rows, -1, 4) @ _NIBBLE_BITS
    return _GainTable(low.astype(np.float32), high.astype(np.float32))


def _weighted(masks: UIntArray, table: _GainTable, index: IntArray) -> FloatArray:
    """Σ gains of the bits set in ``masks``; ``index`` picks each cell's table row.

    Most sentences have far fewer than 64 words: the bits above
    :data:`_LOW_BITS` are zero in nearly every cell, so they are summed over
    the few cells that have any.
    """
    index = np.broadcast_to(index, masks.shape)
    gains = np.zeros(masks.shape, dtype=np.float32)
    for p in range(_LOW_BITS // 8):
        byte = ((masks >> np.uint64(8 * p)) & np.uint64(255)).astype(np.intp)
        gains += table.low[index, p, byte]
    high = masks >> np.uint64(_LOW_BITS)
    cells = np.nonzero(high)
    if len(cells[0]):
        rest, rows = high[cells], index[cells]
        extra = np.zeros(len(rows), dtype=np.float32)
        for p in range(table.high.shape[1]):
            nibble = ((rest >> np.uint64(4 * p)) & np.uint64(15)).astype(np.intp)
            extra += table.high[rows, p, nibble]
        gains[cells] += extra
    return gains.astype(np.float64)


def _sparse_weighted(masks: UIntArray, gain: FloatArray, index: IntArray) -> FloatArray:
    """Σ ``gain[index, t]`` over the bits ``t`` set in ``masks``, which are zero in most cells.

    A word's later occurrences in a link are few: a cell's bits are taken
    lowest first, as many rounds as the fullest cell has bits.
    """
    index = np.broadcast_to(index, masks.shape)
    out = np.zeros(masks.shape)
    cells = np.nonzero(masks)
    rest, rows = masks[cells], index[cells]
    active = np.arange(len(rest))
    sums = np.zeros(len(rest))
    while len(active):
        lowest = rest & (~rest + np.uint64(1))
        sums[active] += gain[rows, np.log2(lowest.astype(np.float64)).astype(np.intp)]
        rest ^= lowest
        left = np.nonzero(rest)[0]
        active, rest, rows = active[left], rest[left], rows[left]
    out[cells] = sums
    return out


def refit(
    model: Model,
    stats: PairStats,
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    links: Sequence[tuple[int, int, int, int]],
) -> Model:
    """The model re-estimated from a pass's links: variance, link types, literalness."""
    counts = Counter((a, b) for _, _, a, b in links)
    prior = {
        t: (counts.get(t, 0) + PRIOR_STRENGTH * GENERIC_PRIOR[t]) / (len(links) + PRIOR_STRENGTH)
        for t in TYPES
    }
    variance = _variance(model.ratio, zh, en, links) or model.variance
    literal = literalness(stats, zh, en, links)
    return replace(
        model,
        variance=variance,
        type_cost=prior_costs(prior),
        p0_zh=literal.p0_zh,
        p0_en=literal.p0_en,
        boundaries=boundaries(zh, en, links),
        zh_word_p0=literal.zh_words,
        en_key_p0=literal.en_keys,
        zh_unseen_p0=literal.zh_unseen,
        en_unseen_p0=literal.en_unseen,
    )


def boundaries(
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    links: Sequence[tuple[int, int, int, int]],
) -> Boundaries:
    """How each end-mark class goes with link ends in ``links`` (see :class:`Boundaries`).

    Every sentence of a link is either its last or followed by another; per
    class, the share that are last is smoothed towards the document's overall
    share with :data:`BOUNDARY_STRENGTH` sentences' weight, and so is each
    pair of classes at the ends of a two-sided link towards independence.
    """
    zh_final, zh_inner = _side_ends([[zh[r].end for r in range(i, i + a)] for i, _, a, _ in links])
    en_final, en_inner = _side_ends([[en[c].end for c in range(j, j + b)] for _, j, _, b in links])
    zh_first, zh_next = _link_starts(recurring_forms(zh), [(i, a) for i, _, a, _ in links])
    en_first, en_next = _link_starts(recurring_forms(en), [(j, b) for _, j, _, b in links])
    ends = [(zh[i + a - 1].end, en[j + b - 1].end) for i, j, a, b in links if a and b]
    pair: dict[tuple[str, str], float] = {}
    if ends:
        total = len(ends)
        first = Counter(z for z, _ in ends)
        second = Counter(e for _, e in ends)
        joint = Counter(ends)
        for z, pz in first.items():
            for e, pe in second.items():
                expected = pz * pe / total
                p = (joint[z, e] + BOUNDARY_STRENGTH * expected / total) / (
                    total + BOUNDARY_STRENGTH
                )
                pair[z, e] = -math.log(p * total * total / (pz * pe))
    return Boundaries(
        zh_final, zh_inner, en_final, en_inner, pair, zh_first, zh_next, en_first, en_next
    )


#: A sentence whose text occurs this often in a document is a formula
#: (:func:`recurring_forms`).
RECURRING = 3


def recurring_forms(sentences: Sequence[ChineseSentence] | Sequence[EnglishSentence]) -> list[str]:
    """Each sentence's text when it recurs (:data:`RECURRING` times or more), else ``""``.

    A formula is attached the same way wherever it occurs, and one occurrence
    seldom has the evidence to tell which way: the words of *this is what the
    Lord says* are in the verse before it and in the verse after. The first
    pass's links, mostly right, say how the document attaches it.
    """
    counts = Counter(s.form for s in sentences)
    return [s.form if s.form and counts[s.form] >= RECURRING else "" for s in sentences]


def _link_starts(
    forms: list[str], spans: list[tuple[int, int]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per recurring form, the cost of starting a link and of continuing one (one side).

    A link's first sentence is the last of the link read backwards; sentences
    that do not recur (form ``""``) keep no costs of their own.
    """
    first, inner = _side_ends([[forms[r] for r in range(s + k - 1, s - 1, -1)] for s, k in spans])
    first.pop("", None)
    inner.pop("", None)
    return first, inner


def _side_ends(groups: list[list[str]]) -> tuple[dict[str, float], dict[str, float]]:
    """Per end class, the cost of ending a link and of not ending one (one side)."""
    final: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for group in groups:
        if not group:
            continue
        seen.update(group)
        final[group[-1]] += 1
    total = sum(seen.values())
    if not total:
        return {}, {}
    rate = sum(final.values()) / total
    final_cost, inner_cost = {}, {}
    for mark, count in seen.items():
        share = (final[mark] + BOUNDARY_STRENGTH * rate) / (count + BOUNDARY_STRENGTH)
        final_cost[mark] = -math.log(share / rate)
        inner_cost[mark] = -math.log((1 - share) / (1 - rate)) if rate < 1 else 0.0
    return final_cost, inner_cost


def _variance(
    ratio: float,
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    links: Sequence[tuple[int, int, int, int]],
) -> float | None:
    """Gale–Church ``s²`` from the 1–1 links, robustly (median of squared residuals)."""
    values = []
    for i, j, a, b in links:
        if (a, b) != (1, 1):
            continue
        lz, le = zh[i].length, en[j].length
        mean = max(1.0, (lz + le / ratio) / 2)
        values.append((le - ratio * lz) ** 2 / mean)
    if len(values) < 10:
        return None
    # The median of a squared standard normal is 0.455.
    return max(0.1 * ratio * ratio, float(np.median(values)) / 0.455)


#: How many occurrences' worth of weight a side's ``p0`` keeps against one word's
#: own record (:func:`literalness`).
WORD_P0_STRENGTH = 5.0
#: Words seen at most this often in a pass's links say what an unknown word's
#: ``p0`` is: once or twice seen words are mostly content words, as a word the
#: links have not seen (yet) is, while the side's average is pulled down by
#: particles seen in every sentence.
RARE_WORD = 2


@dataclass(frozen=True, slots=True)
class Literalness:
    """How much of each side linked sentences find beyond chance (see :func:`literalness`)."""

    p0_zh: float
    p0_en: float
    zh_words: dict[str, float]
    en_keys: dict[int, float]
    #: The ``p0`` of a word without a record of its own (:data:`RARE_WORD`).
    zh_unseen: float
    en_unseen: float


def literalness(
    stats: PairStats,
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    links: Sequence[tuple[int, int, int, int]],
) -> Literalness:
    """``p0`` for each side, and for each Chinese word and English key of it.

    ``p0`` is the share of words linked sentences find beyond chance: a
    translation of another text finds about what chance gives (``p0`` near 0),
    a close translation most of its words. The document-wide figure averages
    words that a translation always renders (names, 耶和华 → *Lord*) with words
    it seldom does (particles whose dictionary senses are never the
    translator's words); with its own ``p0`` a reliable word's find counts for
    more and its absence costs more. A word's record is smoothed with
    :data:`WORD_P0_STRENGTH` occurrences' weight towards what rare words find,
    which is also the ``p0`` of a word the links have not seen.
    """
    two_sided = [(i, j, a, b) for i, j, a, b in links if a and b]
    zh_rows = [(i + r, j, b, r, i) for i, j, a, b in two_sided for r in range(a)]
    en_cols = [(j + c, i, a, c, j) for i, j, a, b in two_sided for c in range(b)]
    zh_ids, zh_texts = _word_ids([s.texts for s in zh])
    zh_found, zh_room, zh_seen = _side_records(
        stats.zh_mask,
        stats.zh_rank,
        stats,
        zh_rows,
        stats.zh_chance,
        stats.zh_bits,
        zh_ids,
        across=True,
    )
    en_ids, en_keys = _word_ids([s.key_occurrences() for s in en])
    en_found, en_room, en_seen = _side_records(
        stats.en_mask,
        stats.en_rank,
        stats,
        en_cols,
        stats.en_chance,
        stats.en_bits,
        en_ids,
        across=False,
    )
    p0_zh = _share(float(zh_found.sum()), float(zh_room.sum()))
    p0_en = _share(float(en_found.sum()), float(en_room.sum()))
    zh_rare = _rare_share(zh_found, zh_room, zh_seen, p0_zh)
    en_rare = _rare_share(en_found, en_room, en_seen, p0_en)
    return Literalness(
        p0_zh,
        p0_en,
        _smoothed(zh_texts, zh_found, zh_room, zh_seen, zh_rare),
        _smoothed(en_keys, en_found, en_room, en_seen, en_rare),
        zh_rare,
        en_rare,
    )


def _rare_share(excess: FloatArray, room: FloatArray, seen: FloatArray, default: float) -> float:
    rare = (seen > 0) & (seen <= RARE_WORD)
    return _share(float(excess[rare].sum()), float(room[rare].sum())) if rare.any() else default


def _share(excess: float, room: float) -> float:
    return min(0.9, max(0.02, excess / room)) if room > 0 else 0.02


def _word_ids(sentences: Sequence[Sequence[Key]]) -> tuple[IntArray, list[Key]]:
    """``ids[s, t]``: a number for bit ``t``'s word of sentence ``s`` (−1 past its words)."""
    numbers: dict[Key, int] = {}
    ids = np.full((max(1, len(sentences)), MASK_BITS), -1, dtype=np.int64)
    for s, words in enumerate(sentences):
        for t, word in enumerate(words[:MASK_BITS]):
            ids[s, t] = numbers.setdefault(word, len(numbers))
    return ids, list(numbers)


def _side_records(
    masks: UIntArray,
    ranks: UIntArray,
    stats: PairStats,
    members: Sequence[tuple[int, int, int, int, int]],
    chance: FloatArray,
    bits: FloatArray,
    ids: IntArray,
    *,
    across: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per word number: finds beyond chance, the room chance leaves, and occurrences.

    A member ``(s, start, size, offset, first)`` is sentence ``s``, the
    ``offset``-th of a link that starts at ``first``, linked with ``size``
    sentences of the other side from ``start``; an occurrence of it is found
    as in a candidate's evidence (:class:`_Evidence`), and its chance is that of
    its rank. ``across``: ``masks`` has the sentence on its rows (Chinese);
    else on its columns (English), one row per sentence of the other side.
    """
    band = stats.band
    size = max(1, int(ids.max()) + 1) if ids.size else 1
    if not members:
        return np.zeros(size), np.zeros(size), np.zeros(size)
    own, start, count, offset, first = (
        np.array(x, dtype=np.int64) for x in zip(*members, strict=True)
    )
    counts: Planes = [np.zeros(len(own), dtype=np.uint64) for _ in range(LEVELS)]
    for step in range(int(count.max())):
        take = step < count
        row = own if across else start + step
        col = start + step if across else own
        k = col - band.lo[np.minimum(row, len(band.lo) - 1)]
        take &= (k >= 0) & (k < band.width) & (row < masks.shape[1])
        cells: Planes = []
        for q in range(LEVELS):
            plane = np.zeros(len(own), dtype=np.uint64)
            plane[take] = masks[q, row[take], k[take]]
            cells.append(plane)
        counts = _add_counts(counts, cells)
    rank_planes = [ranks[q, offset, first] for q in range(LEVELS - 1)]
    found = _rank_classes(counts, rank_planes)
    hit = sum(_unpacked(plane) for plane in found)
    rank = sum((_unpacked(plane) for plane in rank_planes), np.zeros((len(own), MASK_BITS)))
    by_chance = np.zeros((len(own), MASK_BITS))
    for number, tails in enumerate(_chance_tails(chance[:, own], int(count.max())), start=1):
        chosen = count == number
        picked = tails[:, chosen]
        by_chance[chosen] = np.take_along_axis(picked, rank[chosen][None].astype(np.intp), 0)[0]
    # A later occurrence is a trial only where the one before it was found (see
    # _chance_tails): where it was not, this one cannot be.
    before = np.stack([np.ones((len(own), MASK_BITS)), *(_unpacked(c) for c in counts[:-1])])
    trial = np.take_along_axis(before, rank[None].astype(np.intp), 0)[0]
    used = np.arange(MASK_BITS)[None, :] < bits[own][:, None]
    words = ids[own][used]
    excess = np.bincount(words, weights=((hit - by_chance) * trial)[used], minlength=size)
    room = np.bincount(words, weights=((1 - by_chance) * trial)[used], minlength=size)
    seen = np.bincount(words, minlength=size).astype(float)
    return excess.astype(float), room.astype(float), seen


def _smoothed(
    words: list[Key], excess: FloatArray, room: FloatArray, seen: FloatArray, prior: float
) -> dict[Key, float]:
    """Each word's ``p0`` from its record, smoothed towards ``prior``.

    A word seen once keeps none: its only record is the very link the next
    pass re-decides, and a sentence wrongly merged in the first pass would
    otherwise learn that its words are seldom translated and stay merged.
    """
    strength = WORD_P0_STRENGTH
    shares = np.clip((excess + strength * prior) / (room + strength), 0.02, 0.9)
    return {w: p for w, p, n in zip(words, shares.tolist(), seen.tolist(), strict=True) if n > 1}


def _p0_table(
    own: dict[Key, float], sentences: Sequence[Sequence[Key]], bits: FloatArray, default: float
) -> FloatArray:
    """``table[s, t]``: the ``p0`` of bit ``t`` of sentence ``s`` (the default past its bits)."""
    table = np.full((max(1, len(sentences)), MASK_BITS), default)
    if own:
        for s, keys in enumerate(sentences):
            for t, key in enumerate(keys[: int(bits[s])]):
                table[s, t] = own.get(key, default)
    return table


# -- the cost of every candidate in a band ----------------------------------------------


def _log_erfc_tail(delta: FloatArray) -> FloatArray:
    """``−log P(|X| ≥ |δ|)`` for a standard normal, stable for large ``δ``.

    ``P(|X| ≥ x) = erfc(x/√2)``; Numerical Recipes' ``erfcc`` (relative error
    below 1.2e-7) written in logs so that it never underflows.
    """
    x = np.abs(delta) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.5 * x)
    coefficients = (
        -1.26551223,
        1.00002368,
        0.37409196,
        0.09678418,
        -0.18628806,
        0.27886807,
        -1.13520398,
        1.48851587,
        -0.82215223,
        0.17087277,
    )
    poly = np.full_like(t, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        poly = c + t * poly
    result: FloatArray = -(np.log(t) - x * x + poly)
    return result


def _prefix(values: Sequence[float]) -> FloatArray:
    return np.concatenate([[0.0], np.cumsum(np.asarray(values, dtype=np.float64))])


@dataclass(frozen=True, slots=True)
class Costs:
    """Every candidate's cost on a band, and the parts that make link confidences."""

    band: Band
    total: FloatArray
    #: The lexical log-likelihood ratio alone (before :attr:`Model.lexical_weight`).
    lexical: FloatArray
    length: FloatArray


def candidate_costs(
    model: Model,
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    band: Band,
    stats: PairStats,
) -> Costs:
    """``costs[t, i, k]`` for a link of type ``TYPES[t]`` starting at state ``(i, lo[i] + k)``."""
    n, m = len(zh), len(en)
    rows = np.arange(band.rows)[:, None]
    cols = band.columns()
    zh_len, en_len = _prefix([s.length for s in zh]), _prefix([s.length for s in en])
    clipped_rows, clipped_cols = np.minimum(rows, n), np.clip(cols, 0, m)
    shape = (len(TYPES), band.rows, band.width)
    total, lexical, length = np.full(shape, INF), np.zeros(shape), np.zeros(shape)
    evidence = _Evidence(model, band, stats, zh, en)
    ends = _EndCosts(model.boundaries, zh, en, rows, cols) if model.boundaries else None

    def fill(t: int) -> None:
        a, b = TYPES[t]
        valid = (rows + a <= n) & (cols >= 0) & (cols + b <= m)
        lz = zh_len[np.minimum(rows + a, n)] - zh_len[clipped_rows]
        le = en_len[np.clip(cols + b, 0, m)] - en_len[clipped_cols]
        length[t] = _length_cost(model, lz, le) * (1.0 if a and b else OMISSION_LENGTH)
        if a and b:
            lexical[t] = evidence.llr(a, b)
        cost = model.type_cost[t] + length[t] - model.lexical_weight * lexical[t]
        if ends is not None:
            cost = cost + ends.cost(a, b)
        total[t] = np.where(valid, cost, INF)

    # Each type's costs are its own slices, NumPy's work mostly outside the interpreter.
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(fill, range(len(TYPES))))
    return Costs(band, total, lexical, length)


class _EndCosts:
    """The :class:`Boundaries` costs of every candidate of a band."""

    def __init__(
        self,
        boundaries: Boundaries,
        zh: Sequence[ChineseSentence],
        en: Sequence[EnglishSentence],
        rows: IntArray,
        cols: IntArray,
    ) -> None:
        self.n, self.m, self.rows, self.cols = len(zh), len(en), rows, cols
        zh_classes = sorted({s.end for s in zh})
        en_classes = sorted({s.end for s in en})
        self.zh_class = np.array([zh_classes.index(s.end) for s in zh] or [0])
        self.en_class = np.array([en_classes.index(s.end) for s in en] or [0])
        self.zh_final = np.array([boundaries.zh_final.get(s.end, 0.0) for s in zh] or [0.0])
        self.en_final = np.array([boundaries.en_final.get(s.end, 0.0) for s in en] or [0.0])
        self.zh_inner = _prefix([boundaries.zh_inner.get(s.end, 0.0) for s in zh])
        self.en_inner = _prefix([boundaries.en_inner.get(s.end, 0.0) for s in en])
        zh_open, en_open = recurring_forms(zh), recurring_forms(en)
        self.zh_first = np.array([boundaries.zh_first.get(o, 0.0) for o in zh_open] or [0.0])
        self.en_first = np.array([boundaries.en_first.get(o, 0.0) for o in en_open] or [0.0])
        self.zh_next = _prefix([boundaries.zh_next.get(o, 0.0) for o in zh_open])
        self.en_next = _prefix([boundaries.en_next.get(o, 0.0) for o in en_open])
        self.pair = np.array(
            [[boundaries.pair.get((z, e), 0.0) for e in en_classes] for z in zh_classes]
        )

    def cost(self, a: int, b: int) -> FloatArray:
        n, m = self.n, self.m
        result = np.zeros(self.cols.shape)
        if a:
            last = np.clip(self.rows + a - 1, 0, n - 1)
            first = np.minimum(self.rows, n)
            result = result + self.zh_inner[last] - self.zh_inner[first] + self.zh_final[last]
            after = np.minimum(self.rows + a, n)
            following = np.minimum(self.rows + 1, n)
            result = result + self.zh_first[np.minimum(self.rows, n - 1)]
            result = result + self.zh_next[after] - self.zh_next[following]
        if b:
            last_col = np.clip(self.cols + b - 1, 0, m - 1)
            first_col = np.clip(self.cols, 0, m)
            result = result + self.en_inner[last_col] - self.en_inner[first_col]
            result = result + self.en_final[last_col]
            after_col = np.clip(self.cols + b, 0, m)
            following_col = np.clip(self.cols + 1, 0, m)
            result = result + self.en_first[np.clip(self.cols, 0, m - 1)]
            result = result + self.en_next[after_col] - self.en_next[following_col]
        if a and b:
            result = result + self.pair[self.zh_class[last], self.en_class[last_col]]
        return result


def _length_cost(model: Model, lz: FloatArray, le: FloatArray) -> FloatArray:
    mean = np.maximum(1.0, (lz + le / model.ratio) / 2)
    delta = (le - model.ratio * lz) / np.sqrt(model.variance * mean)
    return _log_erfc_tail(delta)


@dataclass(frozen=True, slots=True)
class _SideGains:
    """What a side's occurrences are worth against an other side of one size (nats)."""

    #: The first occurrence of a word in a link, as a table (:func:`_weighted`).
    first: _GainTable
    #: Each later one, per bit (:func:`_sparse_weighted`): few cells have any.
    later: list[FloatArray]


def _side_gains(tails: FloatArray, bits: FloatArray, p0: FloatArray) -> _SideGains:
    return _SideGains(
        _gain_table(_gains(tails[0], bits, p0)), [_gains(t, bits, p0) for t in tails[1:]]
    )


class _Evidence:
    """The lexical log-likelihood ratio of every candidate block of a band.

    For a block of ``a`` Chinese and ``b`` English sentences, each Chinese
    word's count of matching English occurrences is the sum of its counts in
    the ``b`` English sentences, and the ``q``-th occurrence of a word in the
    block's Chinese is found when that count is at least ``q``; the same for
    English key occurrences over the ``a`` Chinese sentences. A found
    occurrence earns its gain against an other side of that size, at its rank
    (:func:`_gains`), and every one, found or not, pays ``log(1 − p0)``, the
    price of being missed. Each side's terms are computed once per (offset,
    size) and shared by every type that needs them.
    """

    def __init__(
        self,
        model: Model,
        band: Band,
        stats: PairStats,
        zh: Sequence[ChineseSentence],
        en: Sequence[EnglishSentence],
    ) -> None:
        n, m = len(zh), len(en)
        self.band, self.stats, self.n, self.m = band, stats, n, m
        self.model = model
        self.zh_p0 = _p0_table(
            model.zh_word_p0,
            [s.texts for s in zh],
            stats.zh_bits,
            model.p0_zh if model.zh_unseen_p0 is None else model.zh_unseen_p0,
        )
        self.en_p0 = _p0_table(
            model.en_key_p0,
            [s.key_occurrences() for s in en],
            stats.en_bits,
            model.p0_en if model.en_unseen_p0 is None else model.en_unseen_p0,
        )
        # What every word pays for being missed, summed per sentence (see _gains).
        used = np.arange(MASK_BITS)[None, :]
        zh_miss = np.where(used < stats.zh_bits[:, None], np.log1p(-self.zh_p0), 0.0).sum(axis=1)
        en_miss = np.where(used < stats.en_bits[:, None], np.log1p(-self.en_p0), 0.0).sum(axis=1)
        self.zh_words, self.en_keys = _prefix(list(zh_miss[:n])), _prefix(list(en_miss[:m]))
        self.rows = np.arange(band.rows)[:, None]
        self.cols = band.columns()
        self._cells: dict[tuple[str, int, int], Planes] = {}
        pairs = [(a, b) for a, b in TYPES if a and b]
        # The two sides' terms are independent, and NumPy lets go of the interpreter
        # for most of their work: on two cores at once.
        with ThreadPoolExecutor(2) as pool:
            zh_terms = pool.submit(self._zh_terms, pairs)
            self._en = self._en_terms(pairs)
            self._zh = zh_terms.result()
        self._cells.clear()

    def _cell(self, side: str, r: int, c: int) -> Planes:
        key = (side, r, c)
        if key not in self._cells:
            masks = self.stats.zh_mask if side == "zh" else self.stats.en_mask
            self._cells[key] = [
                shifted(masks[q], self.band, self.stats.band, r, c) for q in range(LEVELS)
            ]
        return self._cells[key]

    def _term(
        self,
        side: str,
        cells: Sequence[tuple[int, int]],
        ranks: Planes,
        index: IntArray,
        gains: _SideGains,
    ) -> FloatArray:
        """A sentence's evidence against a block: its found occurrences' gains by rank."""
        counts = self._cell(side, *cells[0])
        for r, c in cells[1:]:
            counts = _add_counts(counts, self._cell(side, r, c))
        found = _rank_classes(counts, ranks)
        index = np.broadcast_to(index, counts[0].shape)
        out = _weighted(found[0], gains.first, index)
        for q in range(1, LEVELS):
            out += _sparse_weighted(found[q], gains.later[q - 1], index)
        return out

    def _zh_terms(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], FloatArray]:
        """Evidence from Chinese sentence ``i + r`` against English ``j … j + b − 1``."""
        out: dict[tuple[int, int], FloatArray] = {}
        stats = self.stats
        start = np.minimum(self.rows[:, 0], stats.zh_rank.shape[2] - 1)
        sizes = sorted({b for _, b in pairs})
        by_size = _chance_tails(stats.zh_chance, max(sizes))
        for b in sizes:
            gains = _side_gains(by_size[b - 1], stats.zh_bits, self.zh_p0)
            for r in range(max(a for a, bb in pairs if bb == b)):
                ranks = [stats.zh_rank[q, r, start][:, None] for q in range(LEVELS - 1)]
                index = np.minimum(self.rows + r, stats.zh_chance.shape[1] - 1)
                out[r, b] = self._term("zh", [(r, c) for c in range(b)], ranks, index, gains)
        return out

    def _en_terms(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], FloatArray]:
        """Evidence from English sentence ``j + c`` against Chinese ``i … i + a − 1``."""
        out: dict[tuple[int, int], FloatArray] = {}
        stats = self.stats
        start = np.clip(self.cols, 0, stats.en_rank.shape[2] - 1)
        sizes = sorted({a for a, _ in pairs})
        by_size = _chance_tails(stats.en_chance, max(sizes))
        for a in sizes:
            gains = _side_gains(by_size[a - 1], stats.en_bits, self.en_p0)
            for c in range(max(b for aa, b in pairs if aa == a)):
                ranks = [stats.en_rank[q, c][start] for q in range(LEVELS - 1)]
                index = np.clip(self.cols + c, 0, stats.en_chance.shape[1] - 1)
                out[c, a] = self._term("en", [(r, c) for r in range(a)], ranks, index, gains)
        return out

    def llr(self, a: int, b: int) -> FloatArray:
        rows, cols, n, m = self.rows, self.cols, self.n, self.m
        words = self.zh_words[np.minimum(rows + a, n)] - self.zh_words[np.minimum(rows, n)]
        keys = self.en_keys[np.clip(cols + b, 0, m)] - self.en_keys[np.clip(cols, 0, m)]
        result: FloatArray = words + keys
        for r in range(a):
            result = result + self._zh[r, b]
        for c in range(b):
            result = result + self._en[c, a]
        return result
