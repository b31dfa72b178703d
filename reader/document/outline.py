"""The outline of a document: the figures ``reader outline`` prints."""

from __future__ import annotations

from typing import Any

from reader.document.model import Document

#: Shown for the untitled front matter before the first heading.
FRONT_MATTER = "(front matter)"


def outline(doc: Document) -> dict[str, Any]:
    """Sections flattened in document order; counts are each section's own."""
    sections = [
        {
            "id": section.id,
            "title": section.title,
            "level": section.level,
            "paragraphs": len(section.paragraphs),
            "sentences": sum(p.sentence_count for p in section.paragraphs),
        }
        for section in doc.walk()
    ]
    return {
        "title": doc.title,
        "encoding": doc.encoding,
        "paragraphs": sum(s["paragraphs"] for s in sections),
        "sentences": sum(s["sentences"] for s in sections),
        "notes": [note.text for note in doc.notes],
        "sections": sections,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def format_outline(data: dict[str, Any]) -> str:
    """The plain-text outline: one indented line per section."""
    lines = [
        data["title"],
        f"{data['encoding']}, {_count(data['paragraphs'], 'paragraph')}, "
        f"{_count(data['sentences'], 'sentence')}",
    ]
    for section in data["sections"]:
        indent = "  " * section["level"]
        title = section["title"] or FRONT_MATTER
        lines.append(
            f"{indent}{section['id']}  {title}  "
            f"[{section['paragraphs']} ¶, {_count(section['sentences'], 'sentence')}]"
        )
    for note in data["notes"]:
        lines.append(f"note: {note}")
    return "\n".join(lines)
