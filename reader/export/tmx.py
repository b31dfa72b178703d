"""TMX 1.4b: one ``<tu>`` per sentence pair (title and headings included), streamed.

Importable by CAT tools (OmegaT, Trados, memoQ). The header records the
translator; a word-by-word gloss is labelled as one (``x-reader-translator``
prop and a note) so nobody mistakes it for a translation memory of real
translations. Each unit's ``tuid`` is its reader id.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import TextIO

from reader.document.units import TITLE_ID
from reader.export.aligned import FIXED_PROVENANCE, AlignedDocument, translator_note
from reader.store import tmx


def _tu(
    unit_id: str, zh: str, en: str, section: str | None, provenance: str, origin: str = ""
) -> ET.Element:
    props = [("x-section", section)] if section else []
    props.append(("x-reader-provenance", provenance))
    if origin and provenance in FIXED_PROVENANCE:
        props.append(("x-reader-origin", origin))
    return tmx.unit(zh, en, props, tuid=unit_id)


Unit = tuple[str, str, str, str | None, str, str]


def units(aligned: AlignedDocument) -> Iterator[Unit]:
    """``(id, zh, en, section id, provenance, origin)`` in reading order: title, headings,
    sentences."""
    title = aligned.title
    if title.zh.strip():
        yield TITLE_ID, title.zh, title.en, None, title.provenance, ""
    for section in aligned.sections:
        heading = section.title
        if heading.zh.strip():
            yield section.id, heading.zh, heading.en, section.id, heading.provenance, ""
        for paragraph in section.paragraphs:
            for s in paragraph.sentences:
                if s.zh.strip():
                    yield s.id, s.zh, s.en, section.id, s.provenance, s.origin


def write_tmx(aligned: AlignedDocument, out: TextIO) -> None:
    info = aligned.translator
    header = tmx.header()
    ET.SubElement(header, "note").text = translator_note(info, aligned.fixed)
    ET.SubElement(header, "prop", type="x-reader-translator").text = info.name
    if info.model:
        ET.SubElement(header, "prop", type="x-reader-model").text = info.label()
    ET.SubElement(header, "prop", type="x-source-sha256").text = aligned.sha256
    out.write(tmx.PROLOGUE)
    out.write(ET.tostring(header, encoding="unicode"))
    out.write("\n  <body>\n")
    for unit in units(aligned):
        out.write("    ")
        out.write(ET.tostring(_tu(*unit), encoding="unicode"))
        out.write("\n")
    out.write("  </body>\n</tmx>\n")
