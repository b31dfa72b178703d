"""The glossary for CAT tools: OmegaT TSV, TBX-Basic or CSV.

TBX-Basic in the widely imported TBX 2008 form (``<martif type="TBX-Basic">``,
one ``termEntry`` per term with a ``zh-CN`` and an ``en`` ``langSet``; the
note, if any, as a ``note``); CSV with a ``zh,en,note`` header row, which
``reader glossary import`` reads back. The CSV is for spreadsheets too: a cell
that would start a formula gets a leading ``'``, which the import takes off.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from reader import __version__
from reader.errors import ReaderError
from reader.export.formats import GLOSSARY_FORMATS
from reader.language.glossary import Glossary, Term, write_terms
from reader.store.output import csv_cell, one_line, output_text, xml_safe

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tbx_entry(number: int, term: Term) -> ET.Element:
    entry = ET.Element("termEntry", id=f"t{number}")
    if term.note:
        ET.SubElement(entry, "note").text = xml_safe(term.note)
    for lang, text in (("zh-CN", term.source), ("en", term.target)):
        lang_set = ET.SubElement(entry, "langSet", {_XML_LANG: lang})
        tig = ET.SubElement(lang_set, "tig")
        ET.SubElement(tig, "term").text = xml_safe(text)
    return entry


def _one_line_term(term: Term) -> Term:
    """A term for OmegaT's TSV: control characters dropped (OmegaT evaluates nothing, so
    ``-ism`` stays as it is)."""
    return replace(
        term, source=one_line(term.source), target=one_line(term.target), note=one_line(term.note)
    )


def export_glossary(
    glossary: Glossary,
    path: str | Path,
    fmt: str = "tbx",
    *,
    include_builtin: bool = False,
    force: bool = False,
) -> int:
    """Write your terms (with ``include_builtin``, every effective term); returns the count."""
    if fmt not in GLOSSARY_FORMATS:
        choices = ", ".join(f".{name}" for name in GLOSSARY_FORMATS)
        raise ReaderError(
            f"{path}: unknown glossary format {fmt or 'with no extension'!r}: use {choices}"
        )
    terms = glossary.terms() if include_builtin else glossary.user_terms()
    with output_text(path, force=force) as out:
        if fmt == "tsv":
            write_terms(out, [_one_line_term(t) for t in terms])
            return len(terms)
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(["zh", "en", "note"])
            writer.writerows(
                [csv_cell(t.source), csv_cell(t.target), csv_cell(t.note)] for t in terms
            )
            return len(terms)
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<martif type="TBX-Basic" xml:lang="en">\n'
            "  <martifHeader>\n    <fileDesc>\n"
            "      <titleStmt><title>reader glossary</title></titleStmt>\n"
            f"      <sourceDesc><p>Exported by reader {__version__}</p></sourceDesc>\n"
            "    </fileDesc>\n"
            '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>\n'
            "  </martifHeader>\n  <text>\n    <body>\n"
        )
        for number, term in enumerate(terms, 1):
            out.write("      " + ET.tostring(_tbx_entry(number, term), encoding="unicode") + "\n")
        out.write("    </body>\n  </text>\n</martif>\n")
    return len(terms)
