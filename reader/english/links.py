"""The alignment model: links between Chinese and English, with confidences.

Two levels, both frozen dataclasses:

- :class:`Link` and :class:`SentenceAlignment`: indices into two sentence
  lists, what :func:`~reader.english.align.align_sentences` and
  ``reader align --presplit`` produce;
- :class:`DocumentAlignment`: a parsed Chinese document against an English
  text — which English chapter each Chinese section was paired with
  (:class:`SectionPair`), and :class:`DocumentLink`\\ s from Chinese unit ids
  (``s3.p2.t4``, or a heading's section id ``s3``) to English sentences, kept
  as text with their position (``e12.p3.t1``: chapter 12 of the English text,
  paragraph 3, sentence 1; ``e12.h``: its heading line). It is stored as JSON
  (:meth:`DocumentAlignment.to_json`, :meth:`DocumentAlignment.from_json`)
  together with the hashes of both texts, so a stored alignment is known to be
  stale when either text changes.

A link is never dropped for being doubtful: links under :data:`LOW_CONFIDENCE`
are :attr:`~Link.low`, shown and marked. A whole alignment can be a
:attr:`~DocumentAlignment.mismatch`: the English is probably not a translation
of this Chinese text, whatever its links say.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from reader.errors import ReaderError

#: Links with a confidence under this are low: shown, but marked for a reader to
#: check. It is about where a link is as likely wrong as right on the
#: development sets (strictly: exactly these sentences, no more, no fewer).
LOW_CONFIDENCE = 0.5
#: An alignment whose overall confidence is under this is a mismatch.
MISMATCH_CONFIDENCE = 0.35
#: Bumped when the JSON layout changes; older files are rejected, not misread.
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Link:
    """Chinese sentences ``zh`` translated by English sentences ``en`` (0-based indices).

    One side may be empty: a sentence left untranslated, or English with no
    Chinese behind it.
    """

    zh: tuple[int, ...]
    en: tuple[int, ...]
    #: 0..1: how sure the aligner is that exactly these sentences belong together.
    confidence: float

    @property
    def low(self) -> bool:
        """Under :data:`LOW_CONFIDENCE`: show it, but mark it as doubtful."""
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    """Links covering every sentence of both lists in order, and the overall verdict."""

    links: tuple[Link, ...]
    #: 0..1: how clearly the English translates the Chinese at all.
    confidence: float
    #: True when :attr:`confidence` is under :data:`MISMATCH_CONFIDENCE`.
    mismatch: bool


@dataclass(frozen=True, slots=True)
class SectionPair:
    """A Chinese section and the English chapter it was paired with (either may be missing)."""

    #: The Chinese section's id (``s3``), or None for an English chapter left unpaired.
    section_id: str | None
    #: Index of the English chapter in the text (0 is what comes before the first
    #: heading), or None for a Chinese section with no English.
    en_index: int | None
    #: The numbers their headings carry (第十二回 → 12, ``CHAPTER XII.`` → 12), if any.
    zh_number: int | None
    en_number: int | None
    #: The English chapter's heading line ("" when it has none).
    en_heading: str
    #: The sentence alignment's confidence within the pair (0 when unpaired).
    confidence: float
    #: How the pair was made: ``number`` (same heading number), ``content``, or ``none``.
    paired_by: str


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """Chinese units and the English sentences that translate them."""

    #: Chinese sentence ids (``s3.p2.t4``), or a section id (``s3``) for its heading.
    zh: tuple[str, ...]
    #: The English sentences, as text.
    en: tuple[str, ...]
    #: Where each English sentence is: ``e12.p3.t1``, or ``e12.h`` for a heading.
    en_ids: tuple[str, ...]
    confidence: float

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True, slots=True)
class DocumentAlignment:
    """A Chinese document aligned with an English text."""

    #: SHA-256 of the Chinese file's bytes (the document's) and of the English text.
    source_sha256: str
    english_sha256: str
    sections: tuple[SectionPair, ...]
    links: tuple[DocumentLink, ...]
    #: 0..1, over the whole text: low when the English is not a translation of it.
    confidence: float
    mismatch: bool

    def english_for(self) -> dict[str, DocumentLink]:
        """Every linked Chinese unit id → its link (for an English layer)."""
        return {unit: link for link in self.links if link.en for unit in link.zh}

    def to_json(self) -> str:
        data = {"format": FORMAT_VERSION, **asdict(self)}
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> DocumentAlignment:
        """Read what :meth:`to_json` wrote; anything else is a one-line ReaderError."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT_VERSION:
                raise ReaderError(f"alignment: unknown format {data.get('format')!r}")
            return cls(
                source_sha256=str(data["source_sha256"]),
                english_sha256=str(data["english_sha256"]),
                sections=tuple(SectionPair(**s) for s in data["sections"]),
                links=tuple(_link(link) for link in data["links"]),
                confidence=float(data["confidence"]),
                mismatch=bool(data["mismatch"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReaderError(f"alignment: not a stored alignment ({exc})") from None


def _link(data: dict[str, Any]) -> DocumentLink:
    return DocumentLink(
        tuple(data["zh"]), tuple(data["en"]), tuple(data["en_ids"]), float(data["confidence"])
    )
