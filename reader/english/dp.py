"""The dynamic programme behind sentence alignment, restricted to a band.

A sentence alignment is a monotone path through the grid of states ``(i, j)``
(``i`` Chinese and ``j`` English sentences consumed), each step a link of some
type ``(a, b)`` (``a`` Chinese sentences with ``b`` English ones). The full
grid of a 6,543 × 4,000 pair is 26 million states, about four minutes in plain
Python; the path only ever runs near a diagonal found cheaply first (anchors,
or the previous pass's path), so each row ``i`` keeps only ``width`` states from
column ``lo[i]``. ``lo`` never decreases, so the step from row ``i - a`` to row
``i`` is a fixed shift of the row: every step type is one slice of a NumPy row,
and a row costs a few dozen vector operations whatever its width.

Skipping English sentences (type ``(0, 1)``) stays within a row; it is a
running minimum (``np.minimum.accumulate``) over cumulative skip costs, not a
loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]
Cell = TypeVar("Cell", np.float64, np.uint64)

INF = float("inf")


@dataclass(frozen=True, slots=True)
class Band:
    """The states kept: row ``i`` holds columns ``lo[i] … lo[i] + width - 1``."""

    lo: IntArray
    width: int

    @property
    def rows(self) -> int:
        return len(self.lo)

    def columns(self) -> IntArray:
        """The English index of every kept state, shape ``(rows, width)``."""
        return self.lo[:, None] + np.arange(self.width)[None, :]

    def widened(self, margin: int) -> Band:
        """The same band grown by ``margin`` columns on each side (for pair statistics)."""
        return Band(self.lo - margin, self.width + 2 * margin)


def full_band(n_zh: int, n_en: int) -> Band:
    """Every state: for small documents, where a band would only add risk."""
    return Band(np.zeros(n_zh + 1, dtype=np.int64), n_en + 1)


def band_around(
    path: Sequence[tuple[int, int]], n_zh: int, n_en: int, half_width: Sequence[int] | int
) -> Band:
    """A band ``half_width`` columns either side of a monotone path through the grid.

    ``path`` is a list of ``(i, j)`` points (anchors, or the states of an earlier
    alignment), interpolated linearly between points; ``(0, 0)`` and
    ``(n_zh, n_en)`` are added. ``half_width`` may be given per row.
    """
    points = sorted({(0, 0), (n_zh, n_en), *path})
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    ys = np.maximum.accumulate(ys)
    rows = np.arange(n_zh + 1, dtype=np.float64)
    centre = np.interp(rows, xs, ys)
    half = np.broadcast_to(np.asarray(half_width, dtype=np.float64), rows.shape)
    # Where the path climbs steeply (many English sentences per Chinese one) a row
    # must also reach back to where the previous row's path was.
    steep = np.concatenate([[0.0], np.diff(centre)])
    low = np.floor(centre - half - steep)
    high = np.ceil(centre + half)
    width = int(min(n_en + 1, max(1.0, float(np.max(high - low))) + 1))
    lo = np.clip(low, 0, max(0, n_en + 1 - width)).astype(np.int64)
    lo = np.maximum.accumulate(lo)
    lo[0] = 0
    lo[-1] = max(0, n_en + 1 - width)
    lo = np.minimum(lo, lo[-1])
    lo = np.maximum.accumulate(lo)
    return Band(lo, width)


def shifted(
    matrix: npt.NDArray[Cell], band: Band, source: Band, rows: int, cols: int, *, clip: bool = False
) -> npt.NDArray[Cell]:
    """``matrix[i + rows, j + cols]`` for every state ``(i, j)`` of ``band``.

    ``matrix`` is laid out on ``source`` (a possibly wider band over the same
    rows). Outside it the value is 0, or with ``clip`` the nearest column's (for
    prefix sums, whose value left of the band is 0 and right of it the total).
    """
    n = band.rows
    out = np.zeros((n, band.width), dtype=matrix.dtype)
    if rows >= matrix.shape[0]:
        return out
    target = np.arange(n - rows)
    source_rows = target + rows
    valid_rows = source_rows < matrix.shape[0]
    target, source_rows = target[valid_rows], source_rows[valid_rows]
    col = band.lo[target, None] + np.arange(band.width)[None, :] + cols
    col -= source.lo[source_rows, None]
    inside = (col >= 0) & (col < source.width)
    picked = matrix[source_rows[:, None], np.clip(col, 0, source.width - 1)]
    out[target] = picked if clip else np.where(inside, picked, 0)
    return out


def best_path(
    band: Band, types: Sequence[tuple[int, int]], costs: FloatArray
) -> list[tuple[int, int, int, int]]:
    """The cheapest path from ``(0, 0)`` to the last state, as ``(i, j, a, b)`` links.

    ``costs[t, i, k]`` is the cost of a link of type ``types[t]`` starting at state
    ``(i, band.lo[i] + k)`` (infinite where it would leave the grid). Only one
    type may have ``a == 0``, and it must be ``(0, 1)``.
    """
    n, width = band.rows, band.width
    lo = band.lo
    total = np.full((n, width), INF)
    back = np.full((n, width), -1, dtype=np.int16)
    # reached[t, i, k]: the cost of the best path to (i, k) followed by a link of type t.
    reached = np.full((len(types), n, width), INF)
    skip = next((t for t, ab in enumerate(types) if ab == (0, 1)), None)
    stacked = np.full((len(types), width), INF)
    for i in range(n):
        row = total[i]
        if i == 0:
            row[0 - lo[0]] = 0.0
        else:
            stacked.fill(INF)
            for t, (a, b) in enumerate(types):
                if a == 0 or a > i:
                    continue
                shift = int(lo[i] - lo[i - a]) - b
                start, stop = max(0, -shift), min(width, width - shift)
                if start < stop:
                    stacked[t, start:stop] = reached[t, i - a, start + shift : stop + shift]
            choice = np.argmin(stacked, axis=0)
            row[:] = stacked[choice, np.arange(width)]
            back[i] = np.where(np.isfinite(row), choice, -1)
        if skip is not None:
            _skip_scan(row, back[i], costs[skip, i], skip)
        reached[:, i, :] = row[None, :] + costs[:, i, :]
    return _trace(band, types, back)


def _skip_scan(row: FloatArray, back: npt.NDArray[np.int16], skip_cost: FloatArray, t: int) -> None:
    """Let row states be reached by skipping English sentences from the left, in place."""
    finite = np.where(np.isfinite(skip_cost), skip_cost, 1e12)
    before = np.concatenate([[0.0], np.cumsum(finite[:-1])])
    best = np.minimum.accumulate(row - before) + before
    wins = best < row - 1e-9
    row[wins] = best[wins]
    back[wins] = t


def _trace(
    band: Band, types: Sequence[tuple[int, int]], back: npt.NDArray[np.int16]
) -> list[tuple[int, int, int, int]]:
    i = band.rows - 1
    j = int(band.lo[i]) + band.width - 1
    links: list[tuple[int, int, int, int]] = []
    while i > 0 or j > 0:
        t = int(back[i, j - band.lo[i]])
        if t < 0:
            raise ValueError("no path through the band")
        a, b = types[t]
        i, j = i - a, j - b
        links.append((i, j, a, b))
    links.reverse()
    return links


def heaviest_chain(pairs: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The strictly increasing chain of ``(i, j, weight)`` pairs with the largest total weight.

    This finds anchors: pairs of sentences that share rare words, of which the
    true ones line up monotonically and the chance ones do not. O(n log n) with a
    Fenwick tree over ``j``.
    """
    if not pairs:
        return []
    size = max(j for _, j, _ in pairs) + 2
    tree_value = [0.0] * (size + 1)
    tree_index = [-1] * (size + 1)
    best_before: list[int] = []
    score: list[float] = []
    ordered = sorted(pairs, key=lambda p: (p[0], -p[1]))
    # Pairs of one row are processed before any is inserted: a chain is strictly
    # increasing in i as well as j.
    start = 0
    while start < len(ordered):
        stop = start
        while stop < len(ordered) and ordered[stop][0] == ordered[start][0]:
            stop += 1
        for _, j, w in ordered[start:stop]:
            value, index = _query(tree_value, tree_index, j)  # best with j' < j
            best_before.append(index)
            score.append(value + w)
        for number in range(start, stop):
            _update(tree_value, tree_index, ordered[number][1] + 1, score[number], number)
        start = stop
    end = max(range(len(score)), key=score.__getitem__)
    chain: list[tuple[int, int]] = []
    while end >= 0:
        chain.append((ordered[end][0], ordered[end][1]))
        end = best_before[end]
    chain.reverse()
    return chain


def _query(values: list[float], indices: list[int], j: int) -> tuple[float, int]:
    best, index = 0.0, -1
    position = j  # positions 1..j hold j' = 0..j-1
    while position > 0:
        if values[position] > best:
            best, index = values[position], indices[position]
        position -= position & -position
    return best, index


def _update(
    values: list[float], indices: list[int], position: int, value: float, index: int
) -> None:
    while position < len(values):
        if value > values[position]:
            values[position], indices[position] = value, index
        position += position & -position
