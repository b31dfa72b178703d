"""TSV and CSV: one row per sentence (title and headings too), streamed.

Columns: ``id, section, zh, pinyin, en, translator``: ``section`` is the
Chinese heading of the sentence's section, ``translator`` says whether the
English is a machine translation (the model) or a ``gloss``. TSV has no
quoting, so tabs and line breaks inside a cell become spaces; CSV is RFC 4180
(quoted where needed, CRLF line ends) through the :mod:`csv` module. Both are
opened in spreadsheets: control characters are dropped and a cell that would
start a formula gets a leading ``'`` (:func:`reader.store.output.tsv_cell`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import TextIO

from reader.document.units import TITLE_ID
from reader.export.aligned import AlignedDocument
from reader.store.output import csv_cell, tsv_cell

COLUMNS = ("id", "section", "zh", "pinyin", "en", "translator", "provenance")


def rows(aligned: AlignedDocument) -> Iterator[tuple[str, ...]]:
    info = aligned.translator
    label = f"{info.name}: {info.label()}" if info.model else info.name
    title = aligned.title
    if title.zh.strip():
        yield TITLE_ID, "", title.zh, title.pinyin, title.en, label, title.provenance
    for section in aligned.sections:
        heading = section.title
        if heading.zh.strip():
            yield (
                section.id,
                heading.zh,
                heading.zh,
                heading.pinyin,
                heading.en,
                label,
                heading.provenance,
            )
        for paragraph in section.paragraphs:
            for s in paragraph.sentences:
                yield s.id, heading.zh, s.zh, s.pinyin, s.en, label, s.provenance


def _cells(aligned: AlignedDocument, clean: Callable[[str], str]) -> Iterator[list[str]]:
    """Each row's cells cleaned; the section, translator and provenance columns repeat
    on every row of a section (or of the file), so each of their values is cleaned once."""
    repeated: dict[str, str] = {}

    def again(text: str) -> str:
        found = repeated.get(text)
        if found is None:
            found = repeated[text] = clean(text)
        return found

    for sid, section, zh, pinyin, en, label, provenance in rows(aligned):
        yield [
            clean(sid),
            again(section),
            clean(zh),
            clean(pinyin),
            clean(en),
            again(label),
            again(provenance),
        ]


def write_tsv(aligned: AlignedDocument, out: TextIO) -> None:
    out.write("\t".join(COLUMNS) + "\n")
    for cells in _cells(aligned, tsv_cell):
        out.write("\t".join(cells) + "\n")


def write_csv(aligned: AlignedDocument, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(aligned, csv_cell))
