"""``reader export`` and ``reader vocab``: argument parsing only, one core call each.

``reader.cli`` registers these with :func:`add_parsers`. Errors a user can
cause are :class:`~reader.errors.ReaderError` (one line, exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.export.formats import FORMATS, LAYOUTS, VOCAB_FORMATS, choose_vocab, default_out_path
from reader.text_safety import print_json, terminal_safe
from reader.translate.base import TRANSLATORS

if TYPE_CHECKING:
    from reader.context import Context
    from reader.document.model import Document
    from reader.english.layer import English
    from reader.export.aligned import Progress
    from reader.export.document import ExportReport
    from reader.store.vocab import VocabEntry


def _context(document: str | None = None) -> Context:
    from reader.context import Context

    return Context(document=document)


def existing_folder(path: Path) -> Path:
    """``path``, if the folder it goes in exists: a mistyped folder is an error, not
    created silently somewhere the user will not look."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise ReaderError(f"{folder}: cannot write there, it is not a folder")
    if not folder.is_dir():
        raise ReaderError(f"{folder}: no such folder (create it first, or choose another path)")
    return path


def cmd_export(args: argparse.Namespace) -> int:
    from reader.cli_report import report_failures, sentence_progress
    from reader.document import load_document
    from reader.export.document import ExportReport

    doc = load_document(args.file)
    out = Path(args.out) if args.out else default_out_path(args.file, args.format)
    if out.is_dir():
        out = default_out_path(args.file, args.format, out)
    existing_folder(out)
    context = _context(args.file)
    human = None
    if args.english:
        from reader.english.human import open_translation

        translation = open_translation(doc, args.english, context)
        human = translation.english
        print(
            f"aligned with {args.english}: {translation.covered} sentences, "
            f"confidence {translation.alignment.confidence:.2f}",
            file=sys.stderr,
        )
    with sentence_progress(f"exporting {Path(args.file).name}") as progress:
        written = _export(args, doc, out, context, human, progress, report := ExportReport())
    print(terminal_safe(f"wrote {written}"))
    return report_failures(report.failures, report.translated)


def _export(
    args: argparse.Namespace,
    doc: Document,
    out: Path,
    context: Context,
    human: dict[str, English] | None,
    progress: Progress,
    report: ExportReport,
) -> Path:
    from reader.export.document import export_document

    return export_document(
        doc,
        args.format,
        out,
        context,
        translator=args.translator,
        pinyin=args.pinyin,
        force=args.force,
        layout=args.layout,
        progress=progress,
        report=report,
        human=human,
    )


def cmd_vocab(args: argparse.Namespace) -> int:
    from reader.store import vocab

    if args.action == "list":
        entries = vocab.load()
        if args.json:
            print_json([asdict(e) for e in entries])
        elif not entries:
            print(f"no saved words ({vocab.vocab_path()})")
        else:
            for e in entries:
                print(terminal_safe("\t".join([e.word, e.pinyin, e.definition])))
    elif args.action == "add":
        entry = _add_word(args)
        print(terminal_safe(f"added {entry.word} {entry.pinyin} ({vocab.vocab_path()})"))
    elif args.action == "remove":
        if not vocab.remove(args.word):
            raise ReaderError(f"{args.word!r} is not in your vocabulary list")
        print(terminal_safe(f"removed {args.word}"))
    elif args.action == "export":
        entries = _export_entries(args)
        from reader.export.vocab import export_vocab

        fmt = choose_vocab(args.path, args.format)
        count = export_vocab(entries, existing_folder(Path(args.path)), fmt, force=args.force)
        words = "word" if count == 1 else "words"
        print(terminal_safe(f"exported {count} {words} to {args.path} ({VOCAB_FORMATS[fmt]})"))
    return 0


def _add_word(args: argparse.Namespace) -> VocabEntry:
    from reader.store import vocab

    context = _context()
    entry = context.annotator.lookup(args.word)
    definition = args.definition or entry.definition
    if not definition and not entry.readings and not entry.glossary:
        raise ReaderError(f"{args.word!r}: not in CC-CEDICT or the glossary (give --definition)")
    return vocab.add(
        args.word,
        context.style.text(entry.pinyin),
        definition,
        args.sentence or "",
        args.document or "",
    )


def _export_entries(args: argparse.Namespace) -> list[VocabEntry]:
    from reader.store import vocab

    for option, given in (
        ("--hsk-above", args.hsk_above is not None),
        ("--unlisted", args.unlisted),
        ("--unknown", args.unknown),
        ("--section", args.section is not None),
    ):
        if given and not args.from_document:
            raise ReaderError(f"{option} needs --from-document FILE")
    if args.unknown and (args.hsk_above is not None or args.unlisted):
        option = "--hsk-above" if args.hsk_above is not None else "--unlisted"
        raise ReaderError(f"choose --unknown or {option}, not both")
    if args.section is not None and not args.unknown:
        raise ReaderError("--section needs --unknown")
    if not args.from_document:
        return vocab.load()
    from reader.document import load_document
    from reader.language.vocabulary import words_above

    doc = load_document(args.from_document)
    context = _context(args.from_document)
    if args.unknown:
        from reader.language.coverage import unknown_words

        entries = unknown_words(doc, context.words, section=args.section, style=context.style)
        if not entries:
            raise ReaderError(f"{args.from_document}: no new words (every word is marked)")
        return entries
    from reader.language.hsk import BAND

    if args.hsk_above is None:
        # Only --unlisted: the words in no list (none is above the band). Neither: all.
        level, unlisted = (BAND, True) if args.unlisted else (0, True)
    else:
        level, unlisted = args.hsk_above, args.unlisted
    return words_above(doc, level, context.annotator, unlisted=unlisted, style=context.style)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export`` and ``vocab`` on the ``add_subparsers()`` object of ``reader``."""
    p = commands.add_parser(
        "export",
        help=f"write a document and its English as {', '.join(FORMATS)}",
        description="Export FILE with its English aligned sentence by sentence. The English is "
        "the installed model's translation, or a word-by-word gloss (labelled as such) when "
        "no model is installed. Writes NAME.FORMAT in the current folder unless --out.",
    )
    p.add_argument("file", metavar="FILE", help="a UTF-8, UTF-16, GB18030 or Big5 text file")
    p.add_argument("--format", "-f", choices=list(FORMATS), required=True)
    p.add_argument("--out", "-o", metavar="PATH", help="file (or folder) to write")
    p.add_argument("--translator", choices=list(TRANSLATORS), help="default: argos if installed")
    p.add_argument(
        "--pinyin",
        action="store_true",
        help="pinyin in md and epub; shown at first in html (json, tsv, csv always have it)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument(
        "--english",
        metavar="EN_FILE",
        help="a human translation of FILE: aligned, and its English used where it covers",
    )
    p.add_argument(
        "--layout",
        choices=list(LAYOUTS),
        default="interleaved",
        help="md: paragraph pairs one after the other, or a two-column table",
    )
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser(
        "vocab",
        help="your vocabulary list, and flash cards from it or from a document",
        description="Words saved while reading, with pinyin, definition and the sentence they "
        "came from; export them for Anki (TSV with Anki's headers, or .apkg) or as plain TSV.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="list saved words")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = actions.add_parser("add", help="save a word")
    a.add_argument("word", metavar="WORD")
    a.add_argument("--sentence", metavar="TEXT", help="the sentence it came from")
    a.add_argument("--definition", metavar="TEXT", help="default: the first dictionary sense")
    a.add_argument("--document", metavar="TITLE", help="where the sentence is from")
    a = actions.add_parser("remove", help="forget a saved word")
    a.add_argument("word", metavar="WORD")
    a = actions.add_parser(
        "export",
        help="write flash cards",
        description="Write the saved words (or, with --from-document, every word of FILE above "
        "an HSK level) as Anki-importable TSV, plain TSV or an Anki package.",
    )
    a.add_argument("path", metavar="PATH")
    a.add_argument(
        "--format",
        "-f",
        choices=list(VOCAB_FORMATS),
        help="default: from PATH's extension (.tsv plain TSV, .apkg a package, else anki)",
    )
    a.add_argument("--from-document", metavar="FILE", help="words from FILE, not your list")
    a.add_argument(
        "--hsk-above",
        metavar="N",
        type=int,
        help="with --from-document: words above HSK level N (0-7; 7 is the 7-9 band)",
    )
    a.add_argument(
        "--unlisted",
        action="store_true",
        help="with --from-document: the words in no HSK list (names, terms), alone or "
        "added to --hsk-above",
    )
    a.add_argument(
        "--unknown",
        action="store_true",
        help="with --from-document: the words you have not marked (see 'reader known'), "
        "most frequent first",
    )
    a.add_argument(
        "--section",
        metavar="ID_OR_NUMBER",
        help="with --unknown: only this section and its subsections (s3, or 3)",
    )
    a.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(handler=cmd_vocab)
