"""Plain-text and JSON shapes of tokens and entries, for the CLI and exports.

Pinyin is aligned above the text by terminal cell width: a Hanzi takes two
cells, a tone-marked vowel one (wcwidth's reading; some terminals draw those
ambiguous-width letters wide, which is why tone numbers are a setting).
"""

from __future__ import annotations

from typing import Any

from wcwidth import wcswidth

from reader.language.annotate import Entry, Token
from reader.language.style import PinyinStyle


def cell_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def token_json(token: Token, style: PinyinStyle) -> dict[str, Any]:
    return {
        "text": token.text,
        "pinyin": list(style.syllables(token.pinyin)),
        "definitions": list(token.definitions),
        "source": token.source,
        "hsk": token.hsk,
    }


def pinyin_lines(tokens: list[Token], style: PinyinStyle, width: int = 80) -> list[str]:
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
            reading = style.text(token.pinyin) if len(parts) == 1 else ""
            cells = max(cell_width(part), cell_width(reading))
            gap = 1 if token.pinyin else 0
            if used and used + cells + gap > width:
                flush()
            top.append(reading + " " * (cells - cell_width(reading) + gap))
            bottom.append(part + " " * (cells - cell_width(part) + gap))
            used += cells + gap
    flush()
    return lines


def entry_json(entry: Entry, standard: str, style: PinyinStyle) -> dict[str, Any]:
    return {
        "word": entry.word,
        "pinyin": list(style.syllables(entry.pinyin)),
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
