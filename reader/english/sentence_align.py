"""The passes of one sentence alignment: anchors, a first band, refit, a final band.

1. *anchors* — sentence pairs that share rare keys, of which the heaviest
   monotone chain is kept (:func:`anchor_pairs`, :func:`~reader.english.dp.heaviest_chain`)
   — give a first band around them (a small document searches the whole grid);
2. a first alignment in that band, with generic link-type priors
   (:mod:`reader.english.scoring`);
3. a word table is learned from its confident links
   (:meth:`~reader.english.lexicon.Lexicon.learn`); then the document's own
   statistics are re-estimated from the same links, measured with the learned
   words (length variance, link-type frequencies, how literal the translation
   is, per word too, and what end marks say about link ends), and the final
   alignment runs in a narrow band around the first.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from reader.english.dp import (
    Band,
    FloatArray,
    IntArray,
    band_around,
    best_path,
    full_band,
    heaviest_chain,
)
from reader.english.lexicon import ChineseSentence, EnglishSentence, Lexicon
from reader.english.links import MISMATCH_CONFIDENCE, Link, SentenceAlignment
from reader.english.scoring import (
    MAX_SPAN,
    TYPES,
    Costs,
    Model,
    PairStats,
    candidate_costs,
    initial_model,
    pair_stats,
    refit,
)

#: Under this many grid states the whole grid is searched (no band, no anchors).
FULL_GRID = 400_000
#: Half-width of the final pass's band around the first pass's path.
FINAL_HALF_WIDTH = 12
#: Links whose confidence is at least this teach the document's word table.
LEARN_CONFIDENCE = 0.8


def align_features(lexicon: Lexicon, zh: Sequence[str], en: Sequence[str]) -> SentenceAlignment:
    """Align two sentence lists with ``lexicon`` (which keeps what it learns)."""
    en_features = [lexicon.english(s) for s in en]  # first: it tells which names to look for
    zh_features = [lexicon.chinese(s) for s in zh]
    return align_read(lexicon, zh_features, en_features)


def align_read(
    lexicon: Lexicon, zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence]
) -> SentenceAlignment:
    """:func:`align_features` on sentences ``lexicon`` has already read (English first)."""
    return _Aligner(lexicon, list(zh), list(en)).run()


class _Aligner:
    """The passes of one alignment (see the module docstring)."""

    def __init__(
        self, lexicon: Lexicon, zh: list[ChineseSentence], en: list[EnglishSentence]
    ) -> None:
        self.lexicon = lexicon
        self.zh = zh
        self.en = en
        self.small = (len(zh) + 1) * (len(en) + 1) <= FULL_GRID

    def run(self) -> SentenceAlignment:
        if not self.zh or not self.en:
            return self._one_sided()
        model = initial_model(self.zh, self.en)
        first_band = full_band(len(self.zh), len(self.en)) if self.small else self._anchor_band()
        links, costs, _ = self._pass(model, first_band)
        self._learn(links, costs)
        path = [(i, j) for i, j, _, _ in links]
        band = band_around(path, len(self.zh), len(self.en), FINAL_HALF_WIDTH)
        # The document's statistics are the first pass's links measured with what was
        # learned from them (a word the dictionary missed but the table has is found
        # now), on the final band, which holds those links.
        stats = pair_stats(self.zh, self.en, band.widened(MAX_SPAN))
        model = refit(model, stats, self.zh, self.en, links)
        costs = candidate_costs(model, self.zh, self.en, band, stats)
        links = best_path(band, TYPES, costs.total)
        final = refit(model, stats, self.zh, self.en, links)
        return self._result(links, costs, final)

    def _one_sided(self) -> SentenceAlignment:
        links = tuple(Link((i,), (), 0.0) for i in range(len(self.zh))) + tuple(
            Link((), (j,), 0.0) for j in range(len(self.en))
        )
        return SentenceAlignment(links, 0.0, True)

    def _pass(
        self, model: Model, band: Band
    ) -> tuple[list[tuple[int, int, int, int]], Costs, PairStats]:
        stats = pair_stats(self.zh, self.en, band.widened(MAX_SPAN))
        costs = candidate_costs(model, self.zh, self.en, band, stats)
        return best_path(band, TYPES, costs.total), costs, stats

    def _learn(self, links: list[tuple[int, int, int, int]], costs: Costs) -> None:
        confident = [
            (self.zh[i : i + a], self.en[j : j + b])
            for i, j, a, b in links
            if a and b and _confidence(costs, i, j, a, b) >= LEARN_CONFIDENCE
        ]
        if self.lexicon.learn(confident):
            self.zh = [self.lexicon.relearned(s) for s in self.zh]

    def _anchor_band(self) -> Band:
        chain = heaviest_chain(anchor_pairs(self.zh, self.en))
        n, m = len(self.zh), len(self.en)
        points = [(0, 0), *[(i, j) for i, j in chain], (n, m)]
        half = [0] * (n + 1)
        for (i1, j1), (i2, j2) in itertools.pairwise(points):
            gap = max(0, min(i2 - i1, j2 - j1))
            width = 8 + min(24, gap // 2)
            for i in range(i1, min(i2, n) + 1):
                half[i] = max(half[i], width)
        return band_around(chain, n, m, half)

    def _result(
        self, links: list[tuple[int, int, int, int]], costs: Costs, model: Model
    ) -> SentenceAlignment:
        out = tuple(
            Link(
                tuple(range(i, i + a)),
                tuple(range(j, j + b)),
                round(_confidence(costs, i, j, a, b), 3),
            )
            for i, j, a, b in links
        )
        confidence = document_confidence(model, out)
        return SentenceAlignment(out, confidence, confidence < MISMATCH_CONFIDENCE)


def _confidence(costs: Costs, i: int, j: int, a: int, b: int) -> float:
    """A link's confidence from its own evidence: words found beyond chance, length fit.

    A link with an empty side claims an omission; there is no evidence for it
    but the absence of any better partner, so it is always marked low.
    """
    if not a or not b:
        return 0.3
    t = TYPES.index((a, b))
    k = j - int(costs.band.lo[i])
    evidence = float(costs.lexical[t, i, k]) - float(costs.length[t, i, k])
    return 1.0 / (1.0 + math.exp(-(evidence - 1.0) / 2.0))


def document_confidence(model: Model, links: Sequence[Link]) -> float:
    """How clearly the English translates the Chinese: 0 (not at all) to 1.

    Two signs: how much more often than chance linked sentences share words
    (the fitted ``p0``; a translation of something else gives almost none), and
    the share of links that are not low.
    """
    literal = min(1.0, max(0.0, (min(model.p0_zh, model.p0_en) - 0.04) / 0.16))
    pairs = [link for link in links if link.zh and link.en]
    sure = sum(not link.low for link in pairs) / len(pairs) if pairs else 0.0
    return round(math.sqrt(literal * sure), 3)


def anchor_pairs(
    zh: Sequence[ChineseSentence], en: Sequence[EnglishSentence], per_sentence: int = 3
) -> list[tuple[int, int, float]]:
    """Candidate anchors: each Chinese sentence's best English matches on rare keys.

    A key counts when at most 1 % of the English sentences (and at least two)
    have it; a Chinese word scores the inverse document frequency of its best
    such key in the English sentence.
    """
    m = len(en)
    frequency: Counter[int] = Counter(k for s in en for k in s.keys)
    rare_limit = max(2, m // 100)
    postings: dict[int, list[int]] = {}
    for j, english in enumerate(en):
        for key in english.keys:
            if frequency[key] <= rare_limit:
                postings.setdefault(key, []).append(j)
    idf = {k: math.log(m / frequency[k]) for k in postings}
    # Per distinct word: the English sentences that have one of its rare keys, each
    # scored by the rarest such key: one weight per word, however many keys match.
    hits: dict[frozenset[int], tuple[IntArray, FloatArray]] = {}
    pairs: list[tuple[int, int, float]] = []
    for i, chinese in enumerate(zh):
        columns: list[IntArray] = []
        weights: list[FloatArray] = []
        for word in chinese.words:
            hit = hits.get(word)
            if hit is None:
                best: dict[int, float] = {}
                for weight, key in sorted(((idf[k], k) for k in word if k in idf), reverse=True):
                    for j in postings[key]:
                        best.setdefault(j, weight)
                hit = hits[word] = (
                    np.fromiter(best.keys(), np.int64, len(best)),
                    np.fromiter(best.values(), np.float64, len(best)),
                )
            if len(hit[0]):
                columns.append(hit[0])
                weights.append(hit[1])
        if not columns:
            continue
        found, where = np.unique(np.concatenate(columns), return_inverse=True)
        scores = np.bincount(where, weights=np.concatenate(weights))
        for k in np.argsort(-scores, kind="stable")[:per_sentence]:
            pairs.append((i, int(found[k]), float(scores[k])))
    return pairs
