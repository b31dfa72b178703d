"""Sentences too long for the model, cut at clause boundaries into parts that fit.

Small NMT models translate a 150–300-character policy sentence badly (they loop
or drop clauses), and one sentence past the model's position table fails the
whole batch it is in. The pipeline therefore sends such a sentence in parts,
cut where a human translator would break it: first at the strongest boundary
that helps (``；`` ``：``, a full stop inside quoted speech), then at commas, then
at ``、`` and quotation marks; a stretch with no boundary at all is cut by
length. Cuts never fall inside a ``keep`` span (a glossary term), so every term
reaches the model whole, and the parts put together are exactly the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: Boundaries by strength; a part ends after the mark (and any closing quotes
#: or brackets that follow it), so the mark stays with its clause.
LEVELS = ("。！？!?；;：:", "，,", "、")
#: Quotation marks: the weakest boundary (a quoted term is often short), cut
#: before an opening mark and after a closing one.
OPENERS = "“‘「『《〈【（("
CLOSERS = "”’」』》〉】）)"

Span = tuple[int, int]
#: ``size(start, end)``: how long ``text[start:end]`` is to the model. By span,
#: not by string: the caller knows which terms the span holds and counts what
#: the model will really see (placeholders encode longer than most terms).
Size = Callable[[int, int], int]
Fits = Callable[[int, int], bool]


def split_to_fit(text: str, size: Size, limit: int, keep: Sequence[Span] = ()) -> list[Span]:
    """``text`` as consecutive ``(start, end)`` spans of at most ``limit`` (by ``size``).

    The spans cover ``text`` exactly, in order; a ``keep`` span is never cut,
    even when it alone is longer than ``limit``.
    """

    def fits(start: int, end: int) -> bool:
        return size(start, end) <= limit

    return _split(text, 0, len(text), fits, tuple(keep), 0)


def split_text(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """:func:`split_to_fit` for plain text measured by ``count``: the parts themselves."""
    spans = split_to_fit(text, lambda start, end: count(text[start:end]), limit)
    return [text[start:end] for start, end in spans]


def _split(
    text: str, start: int, end: int, fits: Fits, keep: Sequence[Span], level: int
) -> list[Span]:
    """Cut at this level's boundaries, packing neighbours while they fit; finer where needed."""
    if fits(start, end):
        return [(start, end)]
    if level > len(LEVELS):
        return _cut_by_length(start, end, fits, keep)
    bounds = [start, *_cut_points(text, start, end, level, keep), end]
    if len(bounds) == 2:
        return _split(text, start, end, fits, keep, level + 1)
    out: list[Span] = []
    for part_start, part_end in _pack(bounds, fits):
        out += _split(text, part_start, part_end, fits, keep, level + 1)
    return out


def _cut_points(text: str, start: int, end: int, level: int, keep: Sequence[Span]) -> list[int]:
    """Where a part may end at this level (``level == len(LEVELS)``: quotation marks)."""
    points: list[int] = []
    for index in range(start + 1, end):
        if level < len(LEVELS):
            cut = text[index - 1] in LEVELS[level] and text[index] not in CLOSERS
        else:
            cut = text[index] in OPENERS or (
                text[index - 1] in CLOSERS and text[index] not in CLOSERS
            )
        if (
            cut
            and not _inside(index, keep)
            and text[start:index].strip()
            and text[index:end].strip()
        ):
            points.append(index)
    return points


def _pack(bounds: Sequence[int], fits: Fits) -> list[Span]:
    """Join neighbouring segments greedily while the result fits: fewer, longer parts
    give the model more context. A segment that alone is too long stays one range
    (the caller cuts it finer)."""
    ranges: list[Span] = []
    start = fitting = bounds[0]
    for bound in bounds[1:]:
        if fits(start, bound):
            fitting = bound
            continue
        if fitting > start:
            ranges.append((start, fitting))
            start = fitting
            if fits(start, bound):
                fitting = bound
                continue
        ranges.append((start, bound))
        start = fitting = bound
    if start < bounds[-1]:
        ranges.append((start, bounds[-1]))
    return ranges


def _cut_by_length(start: int, end: int, fits: Fits, keep: Sequence[Span]) -> list[Span]:
    """No boundary left: the longest prefixes that fit, moved off any term they would cut."""
    out: list[Span] = []
    while start < end:
        if fits(start, end):
            out.append((start, end))
            break
        cut = _longest_fit(start, end, fits)
        cut = _outside_terms(cut, start, keep)
        out.append((start, cut))
        start = cut
    return out


def _longest_fit(start: int, end: int, fits: Fits) -> int:
    """Binary search (pieces grow with characters); at least one character."""
    low, high = start + 1, end
    while low < high:
        middle = (low + high + 1) // 2
        if fits(start, middle):
            low = middle
        else:
            high = middle - 1
    return low


def _outside_terms(cut: int, start: int, keep: Sequence[Span]) -> int:
    for term_start, term_end in keep:
        if term_start < cut < term_end:
            # Before the term, unless the part would be empty: then the whole term.
            return term_start if term_start > start else term_end
    return cut


def _inside(index: int, keep: Sequence[Span]) -> bool:
    return any(start < index < end for start, end in keep)
