"""The status line, fitted to the terminal: what matters most is never the part cut off.

At 80 columns the line was cut after the English source, so progress and
coverage (the numbers a reader looks for) were the parts that went. Each part
has a short form and a rank: when the line is too long, the least important
parts are shortened first, then dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.language.formatting import cell_width

SEPARATOR = " │ "


@dataclass(frozen=True, slots=True)
class Part:
    text: str
    #: What it says when room is short ("" to drop it instead).
    short: str = ""
    #: Higher stays longer: shortened and dropped last.
    rank: int = 0


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in … if it had to be cut."""
    if cell_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def fit(parts: list[Part], width: int) -> str:
    """The parts in order, joined, in at most ``width`` cells: the least important parts
    shortened first, then dropped; the most important is cut short rather than dropped."""
    shown: list[str | None] = [part.text for part in parts]

    def line() -> str:
        return SEPARATOR.join(text for text in shown if text)

    def fits() -> bool:
        return cell_width(line()) <= width

    by_rank = sorted(range(len(parts)), key=lambda i: parts[i].rank)
    for index in by_rank:  # shorten, least important first
        if fits():
            break
        if parts[index].short:
            shown[index] = parts[index].short
    for index in by_rank[:-1]:  # then drop, least important first; never the last
        if fits():
            break
        shown[index] = None
    if by_rank and not fits():
        last = by_rank[-1]
        shown[last] = _cut(shown[last] or "", width)
    for index in reversed(by_rank):  # the room left: the most important back, or in full
        for candidate in (parts[index].short, parts[index].text):
            if candidate and shown[index] != candidate:
                before, shown[index] = shown[index], candidate
                if not fits():
                    shown[index] = before
    return line()
