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
from collections.abc import Sequence
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

#: Words (Chinese) or keys (English) of a sentence that the evidence tracks: one bit
#: each in a 64-bit mask, so that a merged candidate's found words are an exact
#: bitwise OR of its sentence pairs' (a word found twice counts once).
MASK_BITS = 64
_NIBBLE_BITS = np.array([[(v >> t) & 1 for v in range(16)] for t in range(4)], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class PairStats:
    """Which words of each sentence pair in a band found each other, and how rare that is."""

    band: Band
    #: Bit ``t`` of ``zh_mask[i, k]``: word ``t`` of Chinese sentence ``i`` has a key in
    #: English sentence ``lo[i] + k``.
    zh_mask: UIntArray
    #: Bit ``t`` of ``en_mask[i, k]``: key ``t`` of that English sentence is a key of ``i``.
    en_mask: UIntArray
    #: ``zh_chance[i, t]``: how often word ``t`` of ``i`` is found in the English
    #: sentences around its translation (its chance of being found in a wrong one).
    zh_chance: FloatArray
    en_chance: FloatArray
    #: Words (keys) per sentence that have a bit.
    zh_bits: FloatArray
    en_bits: FloatArray


def pair_stats(
    zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence], band: Band
) -> PairStats:
    """Found-word masks of every sentence pair in ``band``, and local chance rates.

    Done with postings, not pair by pair: each key's English sentences (and
    Chinese ones) are one Python integer used as a bitset, each Chinese word's
    English sentences the OR of its keys' (once per distinct word), and a
    band row is read off those bitsets and turned into per-pair masks by NumPy.
    """
    n, m = len(zh), len(en)
    rows = max(n, 1)
    zh_mask = np.zeros((rows, band.width), dtype=np.uint64)
    en_mask = np.zeros((rows, band.width), dtype=np.uint64)
    en_postings: dict[int, int] = {}
    for j, sentence in enumerate(en):
        for key in sentence.keys:
            en_postings[key] = en_postings.get(key, 0) | (1 << j)
    _fill_zh_masks(zh, band, en_postings, zh_mask, m)
    _fill_en_masks(zh, en, band, frozenset(en_postings), en_mask)
    zh_count = np.array([min(MASK_BITS, len(s.words)) for s in zh] or [0], dtype=np.float64)
    en_count = np.array([min(MASK_BITS, len(s.keys)) for s in en] or [0], dtype=np.float64)
    zh_chance, en_chance = _local_chance(band, zh_mask, en_mask, n, m)
    return PairStats(band, zh_mask, en_mask, zh_chance, en_chance, zh_count, en_count)


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
    zh: Sequence[ChineseSentence], band: Band, postings: dict[int, int], out: UIntArray, m: int
) -> None:
    found: dict[frozenset[int], int] = {}
    for i, sentence in enumerate(zh):
        lo = int(band.lo[i])
        first, last = max(0, lo), min(m, lo + band.width)
        if first >= last or not sentence.words:
            continue
        window = (1 << (last - first)) - 1
        bitsets = []
        for word in sentence.words[:MASK_BITS]:
            sentences = found.get(word)
            if sentences is None:
                sentences = 0
                for key in word:
                    sentences |= postings.get(key, 0)
                found[word] = sentences
            bitsets.append((sentences >> first) & window)
        out[i, first - lo : last - lo] = _transpose(bitsets, last - first)


def _fill_en_masks(
    zh: Sequence[ChineseSentence],
    en: Sequence[EnglishSentence],
    band: Band,
    vocabulary: frozenset[int],
    out: UIntArray,
) -> None:
    n = len(zh)
    postings: dict[int, int] = {}
    for i, sentence in enumerate(zh):
        for key in sentence.keys & vocabulary:
            postings[key] = postings.get(key, 0) | (1 << i)
    lo = band.lo[:n]
    ends = lo + band.width
    for j, english in enumerate(en):
        # The band rows that hold column j: a contiguous run, as lo never decreases.
        first = int(np.searchsorted(ends, j, side="right"))
        last = int(np.searchsorted(lo, j, side="right"))
        if first >= last or not english.keys:
            continue
        window = (1 << (last - first)) - 1
        bitsets = [(postings.get(k, 0) >> first) & window for k in sorted(english.keys)[:MASK_BITS]]
        rows = np.arange(first, last)
        out[rows, j - lo[first:last]] = _transpose(bitsets, last - first)


def _bit(masks: UIntArray, t: int) -> UIntArray:
    result: UIntArray = (masks >> np.uint64(t)) & np.uint64(1)
    return result


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


def _local_chance(
    band: Band, zh_mask: UIntArray, en_mask: UIntArray, n: int, m: int
) -> tuple[FloatArray, FloatArray]:
    """How often each word is found among the sentences of its band row (or column).

    One finding is discounted as the word's own translation; the rest is what a
    wrong neighbour would show. Neighbours share names and topic words more than
    far-apart sentences do, and a band around the path holds exactly the
    neighbours a link competes with.
    """
    cols = band.columns()[: zh_mask.shape[0]]
    inside = (cols >= 0) & (cols < m)
    cells_per_row = np.maximum(1.0, inside.sum(axis=1).astype(np.float64))
    flat_cols = np.clip(cols, 0, max(0, m - 1))[inside]
    cells_per_col = np.bincount(flat_cols, minlength=max(m, 1)).astype(np.float64)
    # Bits no sentence uses are never found: their chance is the floor, computed once.
    zh_found = _bit_counts(zh_mask)
    zh_chance = (np.maximum(zh_found - 1, 0) + 0.5) / (cells_per_row[:, None] + 1)
    inside_masks = en_mask[inside]
    en_found = np.zeros((max(m, 1), MASK_BITS))
    for t in range(_highest_bit(inside_masks)):
        en_found[:, t] = np.bincount(
            flat_cols, weights=_bit(inside_masks, t).astype(np.float64), minlength=max(m, 1)
        )
    en_chance = (np.maximum(en_found - 1, 0) + 0.5) / (np.maximum(cells_per_col, 1)[:, None] + 1)
    return zh_chance, en_chance


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


def _gain_tables(chance: FloatArray, bits: FloatArray, p0: FloatArray, size: int) -> _GainTable:
    """Per sentence, tables of what finding each word is worth (nats).

    ``log(p_t / p_r) − log(1 − p0)``, where ``p_r = 1 − (1 − d)^size`` is the
    chance of finding the word (chance ``d`` per sentence) among ``size``
    sentences of the other side and ``p_t = 1 − (1 − p0)(1 − p_r)`` the chance
    in a true translation: finding a rare word is strong evidence, a word that
    every neighbour has is weak, and a larger other side makes every find
    weaker.
    """
    miss = (1 - chance) ** size
    gain = np.log1p(p0 * miss / (1 - miss)) - np.log1p(-p0)
    gain[np.arange(MASK_BITS)[None, :] >= bits[:, None]] = 0.0
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
    zh_rows = [(r, j, b) for i, j, a, b in two_sided for r in range(i, i + a)]
    en_cols = [(c, i, a) for i, j, a, b in two_sided for c in range(j, j + b)]
    zh_ids, zh_texts = _word_ids([s.texts for s in zh])
    zh_found, zh_room, zh_seen = _side_records(
        stats.zh_mask, stats.band, zh_rows, stats.zh_chance, stats.zh_bits, zh_ids, across=True
    )
    en_ids, en_keys = _word_ids([sorted(s.keys) for s in en])
    en_found, en_room, en_seen = _side_records(
        stats.en_mask, stats.band, en_cols, stats.en_chance, stats.en_bits, en_ids, across=False
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
    band: Band,
    members: Sequence[tuple[int, int, int]],
    chance: FloatArray,
    bits: FloatArray,
    ids: IntArray,
    *,
    across: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per word number: finds beyond chance, the room chance leaves, and occurrences.

    A member ``(s, start, size)`` is sentence ``s`` linked with ``size`` sentences
    of the other side from ``start``; its found words are the OR of its masks
    with them. ``across``: ``masks`` has the sentence on its rows (Chinese);
    else on its columns (English), one row per sentence of the other side.
    """
    size = max(1, int(ids.max()) + 1) if ids.size else 1
    if not members:
        return np.zeros(size), np.zeros(size), np.zeros(size)
    own, start, count = (np.array(x, dtype=np.int64) for x in zip(*members, strict=True))
    found = np.zeros(len(own), dtype=np.uint64)
    for offset in range(int(count.max())):
        take = offset < count
        row = own if across else start + offset
        col = start + offset if across else own
        k = col - band.lo[np.minimum(row, len(band.lo) - 1)]
        take &= (k >= 0) & (k < band.width) & (row < masks.shape[0])
        found[take] |= masks[row[take], k[take]]
    hit = ((found[:, None] >> _SHIFTS[None, :]) & np.uint64(1)).astype(np.float64)
    by_chance = 1 - (1 - chance[own]) ** count[:, None]
    used = np.arange(MASK_BITS)[None, :] < bits[own][:, None]
    words = ids[own][used]
    excess = np.bincount(words, weights=(hit - by_chance)[used], minlength=size).astype(float)
    room = np.bincount(words, weights=(1 - by_chance)[used], minlength=size).astype(float)
    seen = np.bincount(words, minlength=size).astype(float)
    return excess, room, seen


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
    for t, (a, b) in enumerate(TYPES):
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


class _Evidence:
    """The lexical log-likelihood ratio of every candidate block of a band.

    For a block of ``a`` Chinese and ``b`` English sentences, each Chinese
    sentence's found words are the OR of its masks with the ``b`` English
    sentences, and each English sentence's the OR over the ``a`` Chinese ones;
    a found word earns its gain against an other side of that size
    (:func:`_gain_tables`), and every word, found or not, pays ``log(1 − p0)``,
    the price of being missed. Each side's terms are computed once per
    (offset, size) and shared by every type that needs them.
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
            [sorted(s.keys) for s in en],
            stats.en_bits,
            model.p0_en if model.en_unseen_p0 is None else model.en_unseen_p0,
        )
        # What every word pays for being missed, summed per sentence (see _gain_tables).
        used = np.arange(MASK_BITS)[None, :]
        zh_miss = np.where(used < stats.zh_bits[:, None], np.log1p(-self.zh_p0), 0.0).sum(axis=1)
        en_miss = np.where(used < stats.en_bits[:, None], np.log1p(-self.en_p0), 0.0).sum(axis=1)
        self.zh_words, self.en_keys = _prefix(list(zh_miss[:n])), _prefix(list(en_miss[:m]))
        self.rows = np.arange(band.rows)[:, None]
        self.cols = band.columns()
        self._cells: dict[tuple[str, int, int], UIntArray] = {}
        pairs = [(a, b) for a, b in TYPES if a and b]
        self._zh = self._zh_terms(pairs)
        self._en = self._en_terms(pairs)
        self._cells.clear()

    def _cell(self, side: str, r: int, c: int) -> UIntArray:
        key = (side, r, c)
        if key not in self._cells:
            masks = self.stats.zh_mask if side == "zh" else self.stats.en_mask
            self._cells[key] = shifted(masks, self.band, self.stats.band, r, c)
        return self._cells[key]

    def _zh_terms(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], FloatArray]:
        """Evidence from Chinese sentence ``i + r`` against English ``j … j + b − 1``."""
        out: dict[tuple[int, int], FloatArray] = {}
        stats = self.stats
        for b in sorted({b for _, b in pairs}):
            table = _gain_tables(stats.zh_chance, stats.zh_bits, self.zh_p0, b)
            for r in range(max(a for a, bb in pairs if bb == b)):
                masks = self._cell("zh", r, 0)
                for c in range(1, b):
                    masks = masks | self._cell("zh", r, c)
                index = np.minimum(self.rows + r, len(table.low) - 1)
                out[r, b] = _weighted(masks, table, index)
        return out

    def _en_terms(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], FloatArray]:
        """Evidence from English sentence ``j + c`` against Chinese ``i … i + a − 1``."""
        out: dict[tuple[int, int], FloatArray] = {}
        stats = self.stats
        for a in sorted({a for a, _ in pairs}):
            table = _gain_tables(stats.en_chance, stats.en_bits, self.en_p0, a)
            for c in range(max(b for aa, b in pairs if aa == a)):
                masks = self._cell("en", 0, c)
                for r in range(1, a):
                    masks = masks | self._cell("en", r, c)
                index = np.clip(self.cols + c, 0, len(table.low) - 1)
                out[c, a] = _weighted(masks, table, index)
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
