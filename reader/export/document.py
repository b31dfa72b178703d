"""``export_document``: the aligned document written in one format, atomically.

The CLI's ``reader export`` and the reader's export action both call it with
their :class:`~reader.context.Context`, so the reader's export reuses the
annotator and model it already has loaded. Every format streams: sections are
translated a few hundred sentences at a time (:func:`~reader.export.aligned.align`)
and written as they come, to a temporary file renamed into place at the end
(an existing file is kept unless ``force``; a cancelled export writes nothing).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.context import Context
from reader.document.model import Document
from reader.english.layer import English, FixedEnglish
from reader.errors import ReaderError
from reader.export.aligned import Progress, align
from reader.export.formats import LAYOUTS, ExportOptions, Layout, choose
from reader.store.output import check_target, output_path
from reader.translate.pipeline import Failure, Pipeline


@dataclass
class ExportReport:
    """What an export did that its caller should say: sentences the model failed on."""

    failures: list[Failure] = field(default_factory=list)
    #: Sentences the model (or its cache) translated.
    translated: int = 0
    #: Sentences in the document, and those whose English no model made, by provenance
    #: (edited, human, tm): ``reader batch`` records them per document.
    sentences: int = 0
    fixed: dict[str, int] = field(default_factory=dict)


@contextlib.contextmanager
def _finished(pipeline: Pipeline) -> Iterator[None]:
    """Whatever happens to the export, what was translated is cached."""
    try:
        yield
    finally:
        pipeline.finish()


def fixed_english(
    doc: Document, context: Context, human: dict[str, English] | None = None
) -> FixedEnglish:
    """Your edits of ``doc``, an aligned translation, and the memory: what no model need do."""
    edits = context.edits(doc.source_sha256).all() if doc.source_sha256 else {}
    return FixedEnglish(edits, human, context.memory)


def export_document(
    doc: Document,
    fmt: str,
    out_path: str | Path,
    context: Context,
    *,
    translator: str | None = None,
    pinyin: bool = False,
    force: bool = False,
    layout: str = "interleaved",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    report: ExportReport | None = None,
    human: dict[str, English] | None = None,
) -> Path:
    """Translate ``doc`` and write it as ``fmt`` to ``out_path``; returns the path written.

    ``translator``: ``argos``, ``gloss`` or None (the model if one is installed,
    else the gloss). ``pinyin`` adds pinyin to Markdown and EPUB and shows it at
    first in HTML (JSON, TSV and CSV always have it). ``layout`` (Markdown only):
    one of :data:`~reader.export.formats.LAYOUTS`. ``report``, if given, is filled
    with the sentences the model failed on (they are written with the gloss, flagged).
    ``human``: an aligned translation's English by sentence id (``reader export --english``).
    """
    spec = choose(fmt)
    if layout not in LAYOUTS:
        raise ReaderError(f"unknown layout {layout!r}: choose {' or '.join(LAYOUTS)}")
    chosen: Layout = "table" if layout == "table" else "interleaved"
    options = ExportOptions(pinyin=pinyin, layout=chosen)
    target = check_target(out_path, force=force, source=doc.path)
    pipeline = context.pipeline(translator)
    with output_path(target, force=force, source=doc.path) as temp, _finished(pipeline):
        aligned = align(
            doc,
            pipeline,
            annotator=context.annotator if spec.annotates(options) else None,
            style=context.style,
            fixed=fixed_english(doc, context, human),
            progress=progress,
            cancel=cancel,
        )
        spec.write(aligned, temp, options)
        if cancel is not None and cancel.is_set():
            raise ReaderError("export cancelled; nothing written")
        if report is not None:
            report.failures.extend(aligned.failures)
            report.translated += aligned.translated
            report.sentences += aligned.sentence_count
            for provenance, count in aligned.fixed.items():
                report.fixed[provenance] = report.fixed.get(provenance, 0) + count
    return target
