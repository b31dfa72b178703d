"""TMX 1.4b, the pieces every writer shares: the header and a translation unit.

Exports of a document, the aligner's links and the translation memory all
write TMX for the same CAT tools; they must agree on the header, the
languages and how a segment is made safe for XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from reader import __version__
from reader.store.output import one_line, xml_safe

SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: What comes before the header (written as text, so units can stream after it).
PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  '


def header() -> ET.Element:
    return ET.Element(
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


def unit(
    zh: str, en: str, props: Iterable[tuple[str, str]] = (), tuid: str | None = None
) -> ET.Element:
    """A ``<tu>``: its ``<prop>``\\ s, then the Chinese and the English, each on one line."""
    tu = ET.Element("tu", {"tuid": tuid} if tuid is not None else {})
    for kind, text in props:
        ET.SubElement(tu, "prop", type=kind).text = xml_safe(one_line(text))
    for lang, text in ((SOURCE_LANG, zh), (TARGET_LANG, en)):
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
        ET.SubElement(tuv, "seg").text = xml_safe(one_line(text))
    return tu
