"""JSON: the whole aligned document, written one section at a time.

Schema (issue 6)::

    {"title": {"zh", "en"}, "source": {"path", "sha256", "encoding"},
     "translator": {"name", "model"},
     "sections": [{"id", "level", "title": {"zh", "en"},
                   "paragraphs": [{"id", "zh", "en",
                                   "sentences": [{"id", "zh", "en", "pinyin"}]}]}]}

``translator.name`` is ``"gloss"`` for a word-by-word gloss, ``"argos"`` for
machine translation (``model`` is then the model's name and version).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from reader.export.aligned import FIXED_PROVENANCE, AlignedDocument, AlignedSection


def section_json(section: AlignedSection) -> dict[str, Any]:
    return {
        "id": section.id,
        "level": section.level,
        "title": {
            "zh": section.title.zh,
            "en": section.title.en,
            "provenance": section.title.provenance,
        },
        "paragraphs": [
            {
                "id": p.id,
                "zh": p.zh,
                "en": p.en,
                "sentences": [
                    {
                        "id": s.id,
                        "zh": s.zh,
                        "en": s.en,
                        "pinyin": s.pinyin,
                        "provenance": s.provenance,
                        **({"origin": s.origin} if s.provenance in FIXED_PROVENANCE else {}),
                    }
                    for s in p.sentences
                ],
            }
            for p in section.paragraphs
        ],
    }


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_json(aligned: AlignedDocument, out: TextIO) -> None:
    info = aligned.translator
    out.write("{\n")
    out.write(f'  "title": {_dump({"zh": aligned.title.zh, "en": aligned.title.en})},\n')
    source = {"path": aligned.path or "", "sha256": aligned.sha256, "encoding": aligned.encoding}
    out.write(f'  "source": {_dump(source)},\n')
    out.write(f'  "translator": {_dump({"name": info.name, "model": info.model})},\n')
    out.write('  "sections": [')
    for number, section in enumerate(aligned.sections):
        out.write(",\n    " if number else "\n    ")
        out.write(_dump(section_json(section)))
    out.write("\n  ]\n}\n")
