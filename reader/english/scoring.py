"""What a candidate link costs: link-type prior, length, and dictionary evidence.

Every candidate link — ``a`` consecutive Chinese sentences with ``b`` English
ones — gets a cost in nats, the negative log of how likely it is to be a true
link rather than a chance pairing:

``cost = −log P(type) + length(δ) − lexical_weight · LLR(words)``

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
  ``p0`` (how literal the translation is) are estimated per document. The
  log-likelihood ratio of the found/not-found counts is the lexical evidence.
  Because ``p_r`` grows with ``L``, a merged candidate is paid less per found
  word than a small one: merging must find more than chance would.

All of this is computed for every state of a band at once (NumPy arrays of
shape ``(types, rows, width)``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from reader.english.dp import INF, Band, FloatArray, IntArray, UIntArray, shifted
from reader.english.lexicon import ChineseSentence, EnglishSentence

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
_NIBBLES = MASK_BITS // 4
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
    zh_chance = np.zeros((zh_mask.shape[0], MASK_BITS))
    en_chance = np.zeros((max(m, 1), MASK_BITS))
    for t in range(MASK_BITS):
        zh_found = _bit(zh_mask, t).sum(axis=1).astype(np.float64)
        zh_chance[:, t] = (np.maximum(zh_found - 1, 0) + 0.5) / (cells_per_row + 1)
        en_found = np.bincount(
            flat_cols, weights=_bit(en_mask, t)[inside].astype(np.float64), minlength=max(m, 1)
        )
        en_chance[:, t] = (np.maximum(en_found - 1, 0) + 0.5) / (np.maximum(cells_per_col, 1) + 1)
    return zh_chance, en_chance


def _gain_tables(chance: FloatArray, bits: FloatArray, p0: float, size: int) -> FloatArray:
    """Per sentence, nibble tables of what finding each word is worth (nats).

    ``log(p_t / p_r) − log(1 − p0)``, where ``p_r = 1 − (1 − d)^size`` is the
    chance of finding the word (chance ``d`` per sentence) among ``size``
    sentences of the other side and ``p_t = 1 − (1 − p0)(1 − p_r)`` the chance
    in a true translation: finding a rare word is strong evidence, a word that
    every neighbour has is weak, and a larger other side makes every find
    weaker. ``table[s, p, v]`` sums the gains of the bits set in nibble value
    ``v`` at nibble position ``p``.
    """
    miss = (1 - chance) ** size
    gain = np.log1p(p0 * miss / (1 - miss)) - math.log(1 - p0)
    gain[np.arange(MASK_BITS)[None, :] >= bits[:, None]] = 0.0
    table: FloatArray = (gain.reshape(len(gain), _NIBBLES, 4) @ _NIBBLE_BITS).astype(np.float32)
    return table


def _weighted(masks: UIntArray, table: FloatArray, index: IntArray) -> FloatArray:
    """Σ gains of the bits set in ``masks``; ``index`` picks each cell's table row."""
    gains = np.zeros(masks.shape, dtype=np.float32)
    for p in range(_NIBBLES):
        nibble = ((masks >> np.uint64(4 * p)) & np.uint64(15)).astype(np.intp)
        gains += table[index, p, nibble]
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
    p0_zh, p0_en = literalness(stats, links)
    return replace(model, variance=variance, type_cost=prior_costs(prior), p0_zh=p0_zh, p0_en=p0_en)


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


def literalness(
    stats: PairStats, links: Sequence[tuple[int, int, int, int]]
) -> tuple[float, float]:
    """``p0`` for each side: the share of words linked sentences find beyond chance.

    A translation of another text finds about what chance gives (``p0`` near 0);
    a close translation finds most of its words.
    """
    band = stats.band
    excess = [0.0, 0.0]
    room = [0.0, 0.0]
    for i, j, a, b in links:
        if not a or not b:
            continue
        en_or = [0] * b
        for r in range(i, i + a):
            found = 0
            for c in range(j, j + b):
                k = c - int(band.lo[r])
                if 0 <= k < band.width:
                    found |= int(stats.zh_mask[r, k])
                    en_or[c - j] |= int(stats.en_mask[r, k])
            bits = int(stats.zh_bits[r])
            chance = 1 - (1 - stats.zh_chance[r, :bits]) ** b
            excess[0] += bin(found).count("1") - float(chance.sum())
            room[0] += bits - float(chance.sum())
        for c in range(j, j + b):
            bits = int(stats.en_bits[c])
            chance = 1 - (1 - stats.en_chance[c, :bits]) ** a
            excess[1] += bin(en_or[c - j]).count("1") - float(chance.sum())
            room[1] += bits - float(chance.sum())
    p0 = [min(0.9, max(0.02, e / r)) if r > 0 else 0.02 for e, r in zip(excess, room, strict=True)]
    return p0[0], p0[1]


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
    evidence = _Evidence(model, band, stats, n, m)
    for t, (a, b) in enumerate(TYPES):
        valid = (rows + a <= n) & (cols >= 0) & (cols + b <= m)
        lz = zh_len[np.minimum(rows + a, n)] - zh_len[clipped_rows]
        le = en_len[np.clip(cols + b, 0, m)] - en_len[clipped_cols]
        length[t] = _length_cost(model, lz, le) * (1.0 if a and b else OMISSION_LENGTH)
        if a and b:
            lexical[t] = evidence.llr(a, b)
        cost = model.type_cost[t] + length[t] - model.lexical_weight * lexical[t]
        total[t] = np.where(valid, cost, INF)
    return Costs(band, total, lexical, length)


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

    def __init__(self, model: Model, band: Band, stats: PairStats, n: int, m: int) -> None:
        self.band, self.stats, self.n, self.m = band, stats, n, m
        self.model = model
        self.miss_zh, self.miss_en = math.log(1 - model.p0_zh), math.log(1 - model.p0_en)
        self.zh_words, self.en_keys = _prefix(list(stats.zh_bits)), _prefix(list(stats.en_bits))
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
            table = _gain_tables(stats.zh_chance, stats.zh_bits, self.model.p0_zh, b)
            for r in range(max(a for a, bb in pairs if bb == b)):
                masks = self._cell("zh", r, 0)
                for c in range(1, b):
                    masks = masks | self._cell("zh", r, c)
                index = np.minimum(self.rows + r, len(table) - 1)
                out[r, b] = _weighted(masks, table, index)
        return out

    def _en_terms(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], FloatArray]:
        """Evidence from English sentence ``j + c`` against Chinese ``i … i + a − 1``."""
        out: dict[tuple[int, int], FloatArray] = {}
        stats = self.stats
        for a in sorted({a for a, _ in pairs}):
            table = _gain_tables(stats.en_chance, stats.en_bits, self.model.p0_en, a)
            for c in range(max(b for aa, b in pairs if aa == a)):
                masks = self._cell("en", 0, c)
                for r in range(1, a):
                    masks = masks | self._cell("en", r, c)
                index = np.clip(self.cols + c, 0, len(table) - 1)
                out[c, a] = _weighted(masks, table, index)
        return out

    def llr(self, a: int, b: int) -> FloatArray:
        rows, cols, n, m = self.rows, self.cols, self.n, self.m
        words = self.zh_words[np.minimum(rows + a, n)] - self.zh_words[np.minimum(rows, n)]
        keys = self.en_keys[np.clip(cols + b, 0, m)] - self.en_keys[np.clip(cols, 0, m)]
        result: FloatArray = words * self.miss_zh + keys * self.miss_en
        for r in range(a):
            result = result + self._zh[r, b]
        for c in range(b):
            result = result + self._en[c, a]
        return result
