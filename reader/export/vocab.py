"""Vocabulary for flash cards: Anki-importable TSV, plain TSV, or an Anki package (.apkg).

The Anki TSV starts with the header lines Anki reads (``#separator:tab``,
``#html:false``, ``#columns:...``); fields go through the :mod:`csv` module
so a quotation mark cannot break a row. The ``.apkg`` is built with
``genanki`` (imported only here): one note per word, its GUID derived from the
word, so importing a newer export updates cards instead of duplicating them.

Control characters are dropped from every field. The plain TSV is for
spreadsheets, so a cell that would start a formula gets a leading ``'``; the
Anki TSV is read by Anki only, which evaluates nothing, so a definition such as
``-ism; ideology`` (主义) stays as it is.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from reader.errors import ReaderError
from reader.export.formats import VOCAB_FORMATS
from reader.store.output import one_line, output_path, output_text, tsv_cell
from reader.store.vocab import VocabEntry

ANKI_COLUMNS = ("Word", "Pinyin", "Definition", "Sentence", "Source")
TSV_COLUMNS = (
    "word",
    "pinyin",
    "definition",
    "sentence",
    "document",
    "document_sha256",
    "sentence_id",
    "added",
)
#: Fixed ids (as genanki asks) so every export is the same note type and deck to Anki.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
DECK_NAME = "reader vocabulary"


def _source(entry: VocabEntry) -> str:
    return f"{entry.document} ({entry.sentence_id})" if entry.sentence_id else entry.document


def _anki_fields(entry: VocabEntry) -> list[str]:
    values = [entry.word, entry.pinyin, entry.definition, entry.sentence, _source(entry)]
    return [one_line(v) for v in values]


def export_vocab(
    entries: Sequence[VocabEntry],
    path: str | Path,
    fmt: str = "anki",
    *,
    force: bool = False,
    deck_name: str = DECK_NAME,
) -> int:
    """Write ``entries`` as ``anki`` (TSV with Anki headers), ``tsv`` or ``apkg``; returns the count."""
    if fmt not in VOCAB_FORMATS:
        choices = ", ".join(VOCAB_FORMATS)
        raise ReaderError(f"unknown vocabulary format {fmt!r}: choose {choices}")
    if fmt == "apkg":
        _write_apkg(entries, path, force=force, deck_name=deck_name)
        return len(entries)
    with output_text(path, force=force) as out:
        if fmt == "anki":
            out.write("#separator:tab\n#html:false\n")
            out.write(f"#columns:{chr(9).join(ANKI_COLUMNS)}\n")
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            writer.writerows(_anki_fields(e) for e in entries)
        else:
            out.write("\t".join(TSV_COLUMNS) + "\n")
            for e in entries:
                row = [getattr(e, name) for name in TSV_COLUMNS]
                out.write("\t".join(tsv_cell(v) for v in row) + "\n")
    return len(entries)


def _write_apkg(
    entries: Sequence[VocabEntry], path: str | Path, *, force: bool, deck_name: str
) -> None:
    import genanki  # type: ignore[import-untyped]

    model = genanki.Model(
        MODEL_ID,
        "reader word",
        fields=[{"name": name} for name in ANKI_COLUMNS],
        templates=[
            {
                "name": "Recognise",
                "qfmt": '<div class="word">{{Word}}</div><div class="sentence">{{Sentence}}</div>',
                "afmt": "{{FrontSide}}<hr id=answer>"
                '<div class="pinyin">{{Pinyin}}</div><div>{{Definition}}</div>'
                '<div class="source">{{Source}}</div>',
            }
        ],
        css=".card { font-size: 20px; text-align: center; }\n"
        ".word { font-size: 48px; }\n.sentence, .source { color: #666; font-size: 16px; }\n"
        ".pinyin { font-size: 24px; }\n",
    )
    deck = genanki.Deck(DECK_ID, deck_name)
    for entry in entries:
        deck.add_note(
            genanki.Note(
                model=model,
                # Anki fields are HTML: escape, so "<" in a sentence stays text.
                fields=[html.escape(v) for v in _anki_fields(entry)],
                guid=genanki.guid_for("reader", entry.word),
            )
        )
    with output_path(path, force=force) as temp:
        genanki.Package(deck).write_to_file(str(temp))
