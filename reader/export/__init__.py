"""Exports: the aligned bilingual document in seven formats, the glossary, vocabulary.

Pure Python (no UI); the CLI's ``reader export`` and the reader's export
action both call :func:`export_document`. Every format streams: sections are
translated a few hundred sentences at a time (:func:`~reader.export.aligned.align`)
and written as they come, through :func:`~reader.export.output.output_path`
(temporary file, then rename; an existing file is kept unless ``force``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from reader.document.model import Document
from reader.errors import ReaderError
from reader.export.aligned import AlignedDocument, Progress, align
from reader.export.epub import write_epub
from reader.export.html_format import write_html
from reader.export.json_format import write_json
from reader.export.markdown import LAYOUTS, Layout, write_markdown
from reader.export.output import check_target, output_path, output_text
from reader.export.table import write_csv, write_tsv
from reader.export.tmx import write_tmx
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary, document_glossary_path
from reader.settings import Settings, load_settings
from reader.translate.pipeline import Pipeline

Format = Literal["md", "html", "tmx", "tsv", "csv", "json", "epub"]
FORMATS: tuple[Format, ...] = ("md", "html", "tmx", "tsv", "csv", "json", "epub")
#: Formats that always carry pinyin (and so annotate every sentence).
_ALWAYS_PINYIN = frozenset({"json", "tsv", "csv", "html"})


def default_out_path(source: str | Path, fmt: str, folder: str | Path = ".") -> Path:
    """``NAME.FORMAT`` in ``folder`` (the current directory by default)."""
    return Path(folder) / f"{Path(source).stem}.{fmt}"


def document_annotator(doc: Document, settings: Settings | None = None) -> Annotator:
    """An annotator with the user's settings and the document's own glossary, if any."""
    settings = settings or load_settings()
    glossary = Glossary(document_path=document_glossary_path(doc.path)) if doc.path else None
    return Annotator(
        glossary=glossary,
        hsk_standard=settings.hsk_standard,
        tone_numbers=settings.tone_numbers,
        sandhi=settings.tone_sandhi,
    )


def export_document(
    doc: Document,
    fmt: str,
    out_path: str | Path,
    *,
    translator_choice: str | None = None,
    pinyin: bool = False,
    force: bool = False,
    layout: str = "interleaved",
    annotator: Annotator | None = None,
    pipeline: Pipeline | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Translate ``doc`` and write it as ``fmt`` to ``out_path``; returns the path written.

    ``translator_choice``: ``argos``, ``gloss`` or None (the model if one is
    installed, else the gloss); ignored when a ``pipeline`` is given (the UI
    passes its own). ``pinyin`` adds pinyin to Markdown and EPUB and shows it
    at first in HTML (JSON, TSV and CSV always have it). ``layout``
    (Markdown only): ``interleaved`` or ``table``. A cancelled export writes
    nothing.
    """
    if fmt not in FORMATS:
        raise ReaderError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise ReaderError(f"unknown layout {layout!r}: choose interleaved or table")
    target = check_target(out_path, force=force, source=doc.path)
    if annotator is None:
        annotator = document_annotator(doc, settings)
    if pipeline is None:
        from reader.translate.service import make_pipeline, make_translator

        translator = make_translator(translator_choice, annotator, settings or load_settings())
        pipeline = make_pipeline(translator, annotator.glossary)
    annotate = fmt in _ALWAYS_PINYIN or pinyin
    with output_path(target, force=force, source=doc.path) as temp:
        aligned = align(
            doc,
            pipeline,
            annotator=annotator if annotate else None,
            progress=progress,
            cancel=cancel,
        )
        chosen: Layout = "table" if layout == "table" else "interleaved"
        _write(aligned, fmt, temp, pinyin=pinyin, layout=chosen)
        if cancel is not None and cancel.is_set():
            raise ReaderError("export cancelled; nothing written")
    return target


def _write(
    aligned: AlignedDocument, fmt: Format, temp: Path, *, pinyin: bool, layout: Layout
) -> None:
    if fmt == "epub":
        write_epub(aligned, temp, pinyin=pinyin)
        return
    with open(temp, "w", encoding="utf-8", newline="") as out:
        if fmt == "json":
            write_json(aligned, out)
        elif fmt == "md":
            write_markdown(aligned, out, layout=layout, pinyin=pinyin)
        elif fmt == "html":
            write_html(aligned, out, pinyin=pinyin)
        elif fmt == "tmx":
            write_tmx(aligned, out)
        elif fmt == "tsv":
            write_tsv(aligned, out)
        elif fmt == "csv":
            write_csv(aligned, out)


__all__ = [
    "FORMATS",
    "LAYOUTS",
    "AlignedDocument",
    "align",
    "default_out_path",
    "document_annotator",
    "export_document",
    "output_path",
    "output_text",
]
