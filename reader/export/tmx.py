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

from reader import __version__
from reader.document.units import TITLE_ID
from reader.export.aligned import AlignedDocument, translator_note
from reader.export.output import one_line, xml_safe

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tu(unit_id: str, zh: str, en: str, section: str | None) -> ET.Element:
    tu = ET.Element("tu", tuid=unit_id)
    if section:
        ET.SubElement(tu, "prop", type="x-section").text = section
    for lang, text in ((SOURCE_LANG, zh), (TARGET_LANG, en)):
        tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
        ET.SubElement(tuv, "seg").text = xml_safe(one_line(text))
    return tu


def units(aligned: AlignedDocument) -> Iterator[tuple[str, str, str, str | None]]:
    """``(id, zh, en, section id)`` in reading order: title, headings, sentences."""
    if aligned.title.zh.strip():
        yield TITLE_ID, aligned.title.zh, aligned.title.en, None
    for section in aligned.sections:
        if section.title.zh.strip():
            yield section.id, section.title.zh, section.title.en, section.id
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                if sentence.zh.strip():
                    yield sentence.id, sentence.zh, sentence.en, section.id


def write_tmx(aligned: AlignedDocument, out: TextIO) -> None:
    info = aligned.translator
    header = ET.Element(
        "header",
        {
            "creationtool": "reader",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": SOURCE_LANG,
            "o-tmf": "reader",
        },
    )
    ET.SubElement(header, "note").text = translator_note(info)
    ET.SubElement(header, "prop", type="x-reader-translator").text = info.name
    if info.model:
        ET.SubElement(header, "prop", type="x-reader-model").text = info.label()
    ET.SubElement(header, "prop", type="x-source-sha256").text = aligned.sha256
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  ')
    out.write(ET.tostring(header, encoding="unicode"))
    out.write("\n  <body>\n")
    for unit_id, zh, en, section in units(aligned):
        out.write("    ")
        out.write(ET.tostring(_tu(unit_id, zh, en, section), encoding="unicode"))
        out.write("\n")
    out.write("  </body>\n</tmx>\n")
