"""Every output format reader writes, in one place: names, what each holds, how it is written.

The CLI's ``--format`` choices, the reader's export dialog (which picks a
format from the file's extension), the error messages and the writers all
read these registries, so a format cannot be offered in one and missing in
another. This module imports no writer until one is used: the CLI builds
its argument parser from it on every start.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from reader.export.aligned import AlignedDocument

Layout = Literal["interleaved", "table"]

#: Markdown layouts.
LAYOUTS: dict[Layout, str] = {
    "interleaved": "each Chinese paragraph followed by its English",
    "table": "a two-column table per section (three with pinyin)",
}


@dataclass(frozen=True, slots=True)
class ExportOptions:
    #: Pinyin in Markdown and EPUB; shown at first in HTML.
    pinyin: bool = False
    layout: Layout = "interleaved"


Writer = Callable[["AlignedDocument", Path, ExportOptions], None]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    description: str
    #: Carries pinyin whatever ``--pinyin`` says (so every sentence is annotated).
    always_pinyin: bool
    write: Writer

    def annotates(self, options: ExportOptions) -> bool:
        return self.always_pinyin or options.pinyin


def _text(path: Path) -> TextIO:
    """UTF-8, and ``\n`` written as is (CSV writes its own ``\r\n``)."""
    return open(path, "w", encoding="utf-8", newline="")


def _md(aligned: AlignedDocument, path: Path, options: ExportOptions) -> None:
    from reader.export.markdown import write_markdown

    with _text(path) as out:
        write_markdown(aligned, out, layout=options.layout, pinyin=options.pinyin)


def _html(aligned: AlignedDocument, path: Path, options: ExportOptions) -> None:
    from reader.export.html_format import write_html

    with _text(path) as out:
        write_html(aligned, out, pinyin=options.pinyin)


def _stream(module: str, name: str) -> Writer:
    """A format written as one text stream by ``module.name(aligned, out)``, imported when used."""

    def write(aligned: AlignedDocument, path: Path, options: ExportOptions) -> None:
        writer = getattr(importlib.import_module(f"reader.export.{module}"), name)
        with _text(path) as out:
            writer(aligned, out)

    return write


def _epub(aligned: AlignedDocument, path: Path, options: ExportOptions) -> None:
    from reader.export.epub import write_epub

    write_epub(aligned, path, pinyin=options.pinyin)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("md", "Markdown, interleaved or as a table", False, _md),
        ExportFormat("html", "one standalone page, two columns, pinyin as ruby", True, _html),
        ExportFormat(
            "tmx",
            "TMX 1.4b, one unit per sentence pair (OmegaT, Trados)",
            False,
            _stream("tmx", "write_tmx"),
        ),
        ExportFormat(
            "tsv", "id, section, zh, pinyin, en, translator", True, _stream("table", "write_tsv")
        ),
        ExportFormat("csv", "the same columns as TSV", True, _stream("table", "write_csv")),
        ExportFormat(
            "json", "the whole aligned document", True, _stream("json_format", "write_json")
        ),
        ExportFormat("epub", "EPUB 3, each paragraph before its translation", False, _epub),
    )
}

#: ``reader glossary export FILE``: chosen by the file's extension.
GLOSSARY_FORMATS: dict[str, str] = {
    "tsv": "OmegaT glossary (term, English, note)",
    "tbx": "TBX-Basic term base",
    "csv": "zh, en, note",
}

#: ``reader vocab export --format``.
VOCAB_FORMATS: dict[str, str] = {
    "anki": "TSV with Anki's import headers",
    "tsv": "plain TSV with every field",
    "apkg": "an Anki package",
}


def choose(name: str) -> ExportFormat:
    """The format called ``name`` (a ``--format`` value or a file extension)."""
    found = FORMATS.get(name.lower().lstrip("."))
    if found is None:
        from reader.errors import ReaderError

        raise ReaderError(f"unknown export format {name!r}: choose one of {', '.join(FORMATS)}")
    return found


#: The vocabulary format a file's extension asks for; any other is Anki's TSV.
_VOCAB_EXTENSIONS = {".apkg": "apkg", ".tsv": "tsv"}


def choose_vocab(path: str | Path, name: str | None = None) -> str:
    """``--format`` if given, else the format the extension names: ``x.tsv`` is plain TSV,
    ``x.apkg`` a package, anything else (``cards.txt``) Anki's TSV with its headers.

    ``vocab export x.tsv`` once wrote Anki's format into a file named as plain TSV.
    """
    if name is not None:
        return name
    return _VOCAB_EXTENSIONS.get(Path(path).suffix.lower(), "anki")


def default_out_path(source: str | Path, fmt: str, folder: str | Path = ".") -> Path:
    """``NAME.FORMAT`` in ``folder`` (the current directory by default)."""
    return Path(folder) / f"{Path(source).stem}.{fmt}"
