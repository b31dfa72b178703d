"""Sentence alignment of a Chinese text with its English translation, offline.

:func:`align_sentences` links two lists of sentences; :func:`align_documents`
pairs a parsed Chinese :class:`~reader.document.model.Document` with an English
text, chapter by chapter first (:mod:`reader.english.sections`), then sentence
by sentence within each pair. No neural model: the evidence is length
(Gale–Church, with the character ratio and variance estimated from the document
itself) and words (CC-CEDICT and glossary English of jieba words against
stemmed English words, numbers, and names in pinyin and Wade–Giles), scored as
in :mod:`reader.english.scoring` and searched as in
:mod:`reader.english.sentence_align`.

The model (:class:`Link`, :class:`DocumentAlignment` …) is in
:mod:`reader.english.links`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from reader.english.english_text import split_english
from reader.english.lexicon import Lexicon
from reader.english.links import (
    LOW_CONFIDENCE,
    MISMATCH_CONFIDENCE,
    DocumentAlignment,
    DocumentLink,
    Link,
    SectionPair,
    SentenceAlignment,
)
from reader.english.sections import (
    ChineseSide,
    EnglishSide,
    Pairing,
    chinese_sides,
    english_sides,
    pair_by_content,
    pair_by_number,
)
from reader.english.sentence_align import align_features

if TYPE_CHECKING:
    from reader.context import Context
    from reader.document.model import Document

Side = TypeVar("Side", ChineseSide, EnglishSide)

__all__ = [
    "LOW_CONFIDENCE",
    "MISMATCH_CONFIDENCE",
    "DocumentAlignment",
    "DocumentLink",
    "Link",
    "SectionPair",
    "SentenceAlignment",
    "align_documents",
    "align_features",
    "align_sentences",
    "align_texts",
    "split_english",
]


def align_sentences(zh: Sequence[str], en: Sequence[str], context: Context) -> list[Link]:
    """Link Chinese sentences with the English sentences that translate them.

    Every sentence of both lists is in exactly one link, in order; links may
    be 1–1, 1–2 … 1–6, 2–1 … 6–1, 2–2, 2–3, 3–2, 3–3, 2–4, 4–2, or have an empty side.
    """
    return list(align_texts(zh, en, context).links)


def align_texts(zh: Sequence[str], en: Sequence[str], context: Context) -> SentenceAlignment:
    """:func:`align_sentences` with the overall confidence and mismatch verdict."""
    return align_features(Lexicon(context.annotator), zh, en)


def align_documents(
    doc: Document, english_text: str, context: Context, *, use_numbers: bool = True
) -> DocumentAlignment:
    """Align a Chinese document with an English translation of it (or of part of it).

    Sections pair with English chapters by heading number when both sides have
    them (unless ``use_numbers`` is false), else by content; each pair is then
    aligned sentence by sentence, the section heading taking part as a unit.
    When either side has no structure to pair, the whole texts are aligned as
    one. The result's confidence covers the paired sections only: a translation
    of the first 56 chapters of a 120-chapter novel is not a mismatch.
    """
    lexicon = Lexicon(context.annotator)
    zh_sides, en_sides = chinese_sides(doc), english_sides(english_text)
    if len(zh_sides) == 1 or len(en_sides) == 1:
        zh_sides, en_sides = _whole(zh_sides), _whole(en_sides)
    pairing = _pairing(zh_sides, en_sides, lexicon, use_numbers)
    sections: list[SectionPair] = []
    links: list[DocumentLink] = []
    weights: list[tuple[float, int]] = []
    by = "number" if use_numbers and pair_by_number(zh_sides, en_sides) is not None else "content"
    for zh_index, en_index in pairing:
        zh_side = zh_sides[zh_index] if zh_index is not None else None
        en_side = en_sides[en_index] if en_index is not None else None
        confidence = 0.0
        if zh_side is not None and en_side is not None:
            result = align_features(
                lexicon, [u.text for u in zh_side.units], [u.text for u in en_side.units]
            )
            links.extend(_document_links(result, zh_side.units, en_side.units))
            confidence = result.confidence
            weights.append((confidence, len(zh_side.units)))
        sections.append(_section_pair(zh_side, en_side, confidence, by))
    total = sum(n for _, n in weights)
    overall = round(sum(c * n for c, n in weights) / total, 3) if total else 0.0
    return DocumentAlignment(
        source_sha256=doc.source_sha256,
        english_sha256=hashlib.sha256(english_text.encode("utf-8")).hexdigest(),
        sections=tuple(sections),
        links=tuple(links),
        confidence=overall,
        mismatch=overall < MISMATCH_CONFIDENCE,
    )


def _pairing(
    zh: list[ChineseSide], en: list[EnglishSide], lexicon: Lexicon, use_numbers: bool
) -> Pairing:
    if len(zh) == 1 and len(en) == 1:
        return [(0, 0)]
    if not zh or not en:
        return [(k, None) for k in range(len(zh))] + [(None, k) for k in range(len(en))]
    by_number = pair_by_number(zh, en) if use_numbers else None
    return by_number if by_number is not None else pair_by_content(zh, en, lexicon)


def _whole(sides: list[Side]) -> list[Side]:
    """All of one text's sections as one, when the other text has nothing to pair them with."""
    if not sides:
        return sides
    return [replace(sides[0], units=tuple(u for side in sides for u in side.units))]


def _section_pair(
    zh: ChineseSide | None, en: EnglishSide | None, confidence: float, by: str
) -> SectionPair:
    return SectionPair(
        section_id=zh.section_id if zh else None,
        en_index=en.index if en else None,
        zh_number=zh.number if zh else None,
        en_number=en.number if en else None,
        en_heading=en.heading if en else "",
        confidence=confidence,
        paired_by=by if zh and en else "none",
    )


def _document_links(
    result: SentenceAlignment, zh: Sequence[tuple[str, str]], en: Sequence[tuple[str, str]]
) -> list[DocumentLink]:
    return [
        DocumentLink(
            tuple(zh[i][0] for i in link.zh),
            tuple(en[j][1] for j in link.en),
            tuple(en[j][0] for j in link.en),
            link.confidence,
        )
        for link in result.links
    ]
