"""One rendering of a dictionary entry, for ``reader lookup`` and the reader's word popup.

The two used to be written separately and drifted (a different number of
character readings, tone numbers in one and not the other). Now both draw
:func:`entry_lines`: a list of lines, each a list of spans tagged with a role,
and each surface only decides how a role looks (brackets in plain text, bold
in the popup).
"""

from __future__ import annotations

from typing import Literal

from reader.language.annotate import Entry
from reader.language.dictionary import CREDIT
from reader.language.hsk import STANDARDS, label
from reader.language.style import PinyinStyle

#: ``word``: the headword; ``reading``: a dictionary reading's pinyin; ``label``:
#: a heading such as "your glossary:"; ``credit``: the dictionary's licence line.
Role = Literal["word", "reading", "label", "text", "credit"]
Span = tuple[str, Role]
Line = list[Span]

#: Readings shown for each character of a word no dictionary has.
CHARACTER_READINGS = 2
CHARACTER_SENSES = 3


def _glossary_kind(origin: str) -> str:
    return {"glossary": "built-in glossary", "document": "document glossary"}.get(
        origin, "your glossary"
    )


def entry_lines(entry: Entry, standard: str, style: PinyinStyle) -> list[Line]:
    """Headword, reading and HSK level, glossary term, every reading and sense, credit."""
    head: Line = [(entry.word, "word")]
    if entry.traditional:
        head.append((f"   traditional {', '.join(entry.traditional)}", "text"))
    lines: list[Line] = [
        head,
        [(f"{style.text(entry.pinyin)}    HSK {label(entry.hsk)} ({STANDARDS[standard]})", "text")],
    ]
    if entry.glossary:
        lines += [[], [(f"{_glossary_kind(entry.glossary.origin)}:", "label")]]
        lines[-1].append((f" {entry.glossary.target}", "text"))
        if entry.glossary.note:
            lines.append([(f"  {entry.glossary.note}", "text")])
    for reading in entry.readings:
        line: Line = [(style.reading(reading), "reading")]
        if reading.traditional != entry.word:
            line.append((f"  {reading.traditional}", "text"))
        lines += [[], line]
        lines += [[(f"  {n}. {sense}", "text")] for n, sense in enumerate(reading.senses, 1)]
        if reading.classifiers:
            lines.append([(f"  measure words: {', '.join(reading.classifiers)}", "text")])
        for ref in reading.references:
            text = f"  → {ref.word} {style.marks(ref.pinyin)}: {'; '.join(ref.senses)}"
            lines.append([(text, "text")])
    if entry.characters:
        lines.append([])
    for ch, readings in entry.characters:
        for reading in readings[:CHARACTER_READINGS]:
            senses = "; ".join(reading.senses[:CHARACTER_SENSES])
            lines.append([(f"{ch} ", "text"), (style.reading(reading), "reading")])
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
