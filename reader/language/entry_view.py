"""One rendering of a dictionary entry, for ``reader lookup`` and the reader's word popup.

The two used to be written separately and drifted (a different number of
character readings, tone numbers in one and not the other). Now both draw
:func:`entry_lines`: a list of lines, each a list of spans tagged with a role,
and each surface only decides how a role looks (brackets in plain text, bold
in the popup).

What a learner reads comes first and CC-CEDICT's conventions do not show
through: markup such as ``軟件|软件[ruan3 jian4]`` is written as pinyin (in the
tone style chosen), a surname reading comes after the common ones, a word
outside the HSK lists says so instead of "HSK -", and a compound no
dictionary has (高质量发展) is shown by its words (高质量 / 发展), not by its
characters.
"""

from __future__ import annotations

from typing import Literal

from reader.language.annotate import Entry
from reader.language.dictionary import CREDIT, Reading, readable_sense
from reader.language.hsk import STANDARDS, label
from reader.language.style import PinyinStyle

#: ``word``: the headword; ``reading``: a dictionary reading's pinyin; ``label``:
#: a heading such as "your glossary:"; ``credit``: the dictionary's licence line.
Role = Literal["word", "reading", "label", "text", "credit"]
Span = tuple[str, Role]
Line = list[Span]

#: Readings shown for each part (word or character) of a word no dictionary has.
CHARACTER_READINGS = 2
CHARACTER_SENSES = 3


def _glossary_kind(origin: str) -> str:
    return {"glossary": "built-in glossary", "document": "document glossary"}.get(
        origin, "your glossary"
    )


def is_name_reading(reading: Reading) -> bool:
    """A proper-noun reading (CC-CEDICT capitalises them: Zēng, surname Zeng)."""
    return reading.pinyin[:1].isupper()


def _only_variant(reading: Reading) -> bool:
    return bool(reading.senses) and all("variant of" in s for s in reading.senses)


def ordered_readings(readings: tuple[Reading, ...]) -> tuple[Reading, ...]:
    """Common readings first, then names and surnames, bare "variant of" entries last;
    otherwise CC-CEDICT's order.

    CC-CEDICT sorts capitals first, so 曾 opened on "surname Zeng" before
    "once; already"; a word that is only a name (浙江) keeps its one reading.
    """
    return tuple(sorted(readings, key=lambda r: (is_name_reading(r), _only_variant(r))))


def hsk_text(level: int | None, standard: str) -> str:
    """``HSK 4 (HSK 3.0, …)``, or ``not in HSK`` for a word outside the lists."""
    if level is None:
        return "not in HSK"
    return f"HSK {label(level)} ({STANDARDS[standard]})"


def entry_lines(entry: Entry, standard: str, style: PinyinStyle) -> list[Line]:
    """Headword, reading and HSK level, glossary term, every reading and sense, credit."""

    def sense(text: str) -> str:
        return readable_sense(text, tone_numbers=style.tone_numbers)

    head: Line = [(entry.word, "word")]
    if entry.traditional:
        head.append((f"   traditional {', '.join(entry.traditional)}", "text"))
    lines: list[Line] = [
        head,
        [(f"{style.text(entry.pinyin)}    {hsk_text(entry.hsk, standard)}", "text")],
    ]
    if entry.glossary:
        lines += [[], [(f"{_glossary_kind(entry.glossary.origin)}:", "label")]]
        lines[-1].append((f" {entry.glossary.target}", "text"))
        if entry.glossary.note:
            lines.append([(f"  {entry.glossary.note}", "text")])
    for reading in ordered_readings(entry.readings):
        line: Line = [(style.reading(reading), "reading")]
        if reading.traditional != entry.word:
            line.append((f"  {reading.traditional}", "text"))
        lines += [[], line]
        lines += [[(f"  {n}. {sense(s)}", "text")] for n, s in enumerate(reading.senses, 1)]
        if reading.classifiers:
            lines.append([(f"  measure words: {', '.join(reading.classifiers)}", "text")])
        for ref in reading.references:
            senses = "; ".join(sense(s) for s in ref.senses)
            lines.append([(f"  → {ref.word} {style.marks(ref.pinyin)}: {senses}", "text")])
    if entry.characters:
        lines.append([])
    # The parts of a word no dictionary has: its dictionary words, else its characters.
    for part, readings in entry.characters:
        useful = [r for r in readings if not _only_variant(r)] or list(readings)
        for reading in ordered_readings(tuple(useful))[:CHARACTER_READINGS]:
            senses = "; ".join(sense(s) for s in reading.senses[:CHARACTER_SENSES])
            lines.append([(f"{part} ", "text"), (style.reading(reading), "reading")])
            lines[-1].append((f": {senses}", "text"))
    if not entry.readings and not entry.glossary and not entry.characters:
        lines.append([("(no entry)", "text")])
    if entry.readings or entry.characters:
        lines += [[], [(CREDIT, "credit")]]
    return lines


def plain_entry(entry: Entry, standard: str, style: PinyinStyle) -> str:
    """The entry as plain text (``reader lookup``): readings in brackets, [xíng]."""
    out = []
    for line in entry_lines(entry, standard, style):
        out.append("".join(f"[{text}]" if role == "reading" else text for text, role in line))
    return "\n".join(out)
