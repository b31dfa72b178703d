"""Plain-text and JSON shapes of tokens and entries, for the CLI and exports.

Pinyin is aligned above the text by terminal cell width: a Hanzi takes two
cells, a tone-marked vowel one (wcwidth's reading; some terminals draw those
ambiguous-width letters wide, which is why tone numbers are a setting).
"""

from __future__ import annotations

from typing import Any

from wcwidth import wcswidth

from reader.language.annotate import Entry, Token
from reader.language.dictionary import CREDIT
from reader.language.hsk import STANDARDS, label


def cell_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def token_json(token: Token) -> dict[str, Any]:
    return {
        "text": token.text,
        "pinyin": list(token.pinyin),
        "definitions": list(token.definitions),
        "source": token.source,
        "hsk": token.hsk,
    }


def pinyin_lines(tokens: list[Token], width: int = 80) -> list[str]:
    """Pairs of lines, pinyin over text, wrapped at ``width`` cells."""
    lines: list[str] = []
    top: list[str] = []
    bottom: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal used
        if top or bottom:
            lines.append("".join(top).rstrip())
            lines.append("".join(bottom).rstrip())
        top.clear()
        bottom.clear()
        used = 0

    for token in tokens:
        parts = token.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                flush()  # a line break in the text starts a new pair of lines
            if not part:
                continue
            reading = " ".join(token.pinyin) if len(parts) == 1 else ""
            cells = max(cell_width(part), cell_width(reading))
            gap = 1 if token.pinyin else 0
            if used and used + cells + gap > width:
                flush()
            top.append(reading + " " * (cells - cell_width(reading) + gap))
            bottom.append(part + " " * (cells - cell_width(part) + gap))
            used += cells + gap
    flush()
    return lines


def entry_json(entry: Entry, standard: str) -> dict[str, Any]:
    return {
        "word": entry.word,
        "pinyin": list(entry.pinyin),
        "traditional": list(entry.traditional),
        "hsk": entry.hsk,
        "hsk_standard": standard,
        "readings": [
            {
                "traditional": r.traditional,
                "simplified": r.simplified,
                "pinyin": r.pinyin,
                "pinyin_numbers": r.pinyin_numbers,
                "senses": list(r.senses),
                "classifiers": list(r.classifiers),
                "references": [
                    {"word": ref.word, "pinyin": ref.pinyin, "senses": list(ref.senses)}
                    for ref in r.references
                ],
            }
            for r in entry.readings
        ],
        "glossary": (
            {
                "english": entry.glossary.target,
                "note": entry.glossary.note,
                "source": "glossary" if entry.glossary.origin == "glossary" else "user",
            }
            if entry.glossary
            else None
        ),
        "characters": [
            {
                "character": ch,
                "readings": [{"pinyin": r.pinyin, "senses": list(r.senses)} for r in rs],
            }
            for ch, rs in entry.characters
        ],
    }


def format_entry(entry: Entry, standard: str) -> str:
    head = entry.word
    if entry.traditional:
        head += f"  (traditional {', '.join(entry.traditional)})"
    lines = [head, f"  {' '.join(entry.pinyin)}    HSK {label(entry.hsk)} ({STANDARDS[standard]})"]
    if entry.glossary:
        kind = "glossary" if entry.glossary.origin == "glossary" else "your glossary"
        lines.append(f"  {kind}: {entry.glossary.target}")
        if entry.glossary.note:
            lines.append(f"    {entry.glossary.note}")
    for reading in entry.readings:
        form = reading.traditional if reading.traditional != entry.word else ""
        lines.append(f"  [{reading.pinyin}] {form}".rstrip())
        for number, sense in enumerate(reading.senses, 1):
            lines.append(f"    {number}. {sense}")
        if reading.classifiers:
            lines.append(f"    measure words: {', '.join(reading.classifiers)}")
        for ref in reading.references:
            lines.append(f"    → {ref.word} [{ref.pinyin}]: {'; '.join(ref.senses)}")
    for ch, readings in entry.characters:
        for reading in readings[:3]:
            lines.append(f"  {ch} [{reading.pinyin}]: {'; '.join(reading.senses[:4])}")
    if not entry.readings and not entry.glossary and not entry.characters:
        lines.append("  (no entry)")
    if entry.readings or entry.characters:
        lines.append(f"  — {CREDIT}")
    return "\n".join(lines)
