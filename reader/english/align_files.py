"""``reader align``'s core: read two files, align them, write the links in a format.

Two ways to read the files:

- *presplit*: each line of each file is one sentence, ids are 0-based line
  numbers (the format of vecalign and bertalign, and of ``../shared/align``);
- a document: the Chinese file is parsed as ``reader`` parses any document
  (sections, paragraphs, sentences with ids ``s3.p2.t4``), the English one read
  as text and split into chapters, paragraphs and sentences.

Formats: ``links`` (``[0,1]:[0]`` a line, ids joined by commas), ``tsv``
(ids, confidence, low, both texts), ``tmx`` (TMX 1.4b, one ``<tu>`` per link
with both sides, confidence as a ``prop``) and ``json`` (the links with
confidences; for a document the stored :class:`~reader.english.links.DocumentAlignment`).
An English file that is not a translation of the Chinese one is an error that
says the confidence, not an alignment.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.document.load import load_text
from reader.english.links import LOW_CONFIDENCE, MISMATCH_CONFIDENCE, DocumentAlignment
from reader.errors import ReaderError
from reader.store import tmx as tmxlib
from reader.store.output import one_line, output_text

if TYPE_CHECKING:
    from reader.context import Context

FORMATS = ("links", "tsv", "tmx", "json")


@dataclass(frozen=True, slots=True)
class Row:
    """One link as every format writes it."""

    zh_ids: tuple[str, ...]
    en_ids: tuple[str, ...]
    zh: str
    en: str
    confidence: float

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True, slots=True)
class AlignedFiles:
    rows: tuple[Row, ...]
    confidence: float
    mismatch: bool
    #: The whole document alignment, when the Chinese file was read as a document.
    document: DocumentAlignment | None = None


def _lines(path: str | Path) -> list[str]:
    """A presplit file's sentences: one a line, any encoding ``reader`` reads."""
    text = load_text(path).text
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def align_files(
    zh_path: str | Path, en_path: str | Path, context: Context, *, presplit: bool
) -> AlignedFiles:
    """Align two files; a mismatch (not a translation) is a one-line ReaderError."""
    result = (
        _presplit(zh_path, en_path, context) if presplit else _document(zh_path, en_path, context)
    )
    if result.mismatch:
        raise ReaderError(
            f"{en_path}: does not read as a translation of {zh_path} (alignment confidence "
            f"{result.confidence:.2f}, under {MISMATCH_CONFIDENCE:.2f})"
        )
    return result


def _presplit(zh_path: str | Path, en_path: str | Path, context: Context) -> AlignedFiles:
    from reader.english.align import align_texts

    zh, en = _lines(zh_path), _lines(en_path)
    result = align_texts(zh, en, context)
    rows = tuple(
        Row(
            tuple(str(i) for i in link.zh),
            tuple(str(j) for j in link.en),
            "".join(zh[i] for i in link.zh),
            " ".join(en[j] for j in link.en),
            link.confidence,
        )
        for link in result.links
    )
    return AlignedFiles(rows, result.confidence, result.mismatch)


def _document(zh_path: str | Path, en_path: str | Path, context: Context) -> AlignedFiles:
    from reader.document import load_document
    from reader.document.units import reading_order
    from reader.english.align import align_documents

    doc = load_document(zh_path)
    english = load_text(en_path).text
    alignment = align_documents(doc, english, context)
    texts = dict(reading_order(doc).units())
    rows = tuple(
        Row(
            link.zh,
            link.en_ids,
            "".join(texts.get(unit, "") for unit in link.zh),
            " ".join(link.en),
            link.confidence,
        )
        for link in alignment.links
    )
    return AlignedFiles(rows, alignment.confidence, alignment.mismatch, alignment)


# -- formats ---------------------------------------------------------------------------------


def write_alignment(result: AlignedFiles, fmt: str, handle: TextIO) -> None:
    if fmt == "links":
        for row in result.rows:
            handle.write(f"[{','.join(row.zh_ids)}]:[{','.join(row.en_ids)}]\n")
    elif fmt == "tsv":
        _write_tsv(result.rows, handle)
    elif fmt == "tmx":
        _write_tmx(result.rows, handle)
    elif fmt == "json":
        _write_json(result, handle)
    else:
        raise ReaderError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _write_tsv(rows: Sequence[Row], handle: TextIO) -> None:
    handle.write("zh_ids\ten_ids\tconfidence\tlow\tzh\ten\n")
    for row in rows:
        fields = [
            ",".join(row.zh_ids),
            ",".join(row.en_ids),
            f"{row.confidence:.3f}",
            "low" if row.low else "",
            one_line(row.zh),
            one_line(row.en),
        ]
        handle.write("\t".join(fields) + "\n")


def _write_tmx(rows: Sequence[Row], handle: TextIO) -> None:
    tmx = ET.Element("tmx", version="1.4")
    tmx.append(tmxlib.header())
    body = ET.SubElement(tmx, "body")
    for row in rows:
        if not row.zh_ids or not row.en_ids:
            continue
        props = [("x-confidence", f"{row.confidence:.3f}")]
        if row.low:
            props.append(("x-low-confidence", "true"))
        props.append(("x-english-ids", ",".join(row.en_ids)))
        body.append(tmxlib.unit(row.zh, row.en, props, tuid=",".join(row.zh_ids)))
    ET.indent(tmx)
    handle.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    handle.write(ET.tostring(tmx, encoding="unicode"))
    handle.write("\n")


def _write_json(result: AlignedFiles, handle: TextIO) -> None:
    if result.document is not None:
        handle.write(result.document.to_json() + "\n")
        return
    data = {
        "confidence": result.confidence,
        "mismatch": result.mismatch,
        "low_confidence_under": LOW_CONFIDENCE,
        "links": [
            {
                "zh": [int(i) for i in row.zh_ids],
                "en": [int(j) for j in row.en_ids],
                "confidence": row.confidence,
                "low": row.low,
            }
            for row in result.rows
        ],
    }
    handle.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def write_output(
    result: AlignedFiles, fmt: str, out: str | None, *, force: bool, out_stream: TextIO
) -> None:
    """Write to ``out`` atomically (kept unless ``force``), or to ``out_stream``."""
    if out is None:
        write_alignment(result, fmt, out_stream)
        return
    with output_text(out, force=force) as handle:
        write_alignment(result, fmt, handle)
