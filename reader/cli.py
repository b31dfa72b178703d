"""Command line: argument parsing only; each subcommand calls one core function.

Errors a user can cause (``ReaderError``) end in one line on stderr and exit
status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from reader import __version__
from reader.cli_align import add_parsers as add_align_parsers
from reader.cli_batch import add_parsers as add_batch_parsers
from reader.cli_export import add_parsers as add_export_parsers
from reader.cli_known import add_parsers as add_known_parsers
from reader.cli_report import report_failures, sentence_progress
from reader.errors import ReaderError
from reader.text_safety import print_json, terminal_safe
from reader.translate.base import TRANSLATORS

if TYPE_CHECKING:
    from reader.context import Context
    from reader.document.units import Unit
    from reader.english.layer import English
    from reader.store.memory import TranslationMemory
    from reader.translate.base import TranslatorInfo
    from reader.translate.pipeline import Pipeline

EXIT_USAGE = 2


def _print_outline(path: str, as_json: bool) -> None:
    from reader.document import load_document
    from reader.document.outline import format_outline, outline

    data = outline(load_document(path))
    if as_json:
        print_json(data)
    else:
        print(terminal_safe(format_outline(data)))


def cmd_outline(args: argparse.Namespace) -> int:
    _print_outline(args.file, args.json)
    return 0


def cmd_default(args: argparse.Namespace) -> int:
    """``reader [FILE]``: open the reader (the library of documents without FILE)."""
    from reader.seeds import bundled_seeds

    if not bundled_seeds():
        raise ReaderError("no bundled documents found: the installation is incomplete")
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        # Not a terminal (a pipe, CI): print what the reader would show instead.
        paths = [args.file] if args.file else [str(p) for p in bundled_seeds()]
        for i, path in enumerate(paths):
            if i:
                print()
            _print_outline(path, as_json=False)
        return 0
    from reader.tui.app import run

    if args.english and not args.file:
        raise ReaderError("--english needs FILE, the Chinese text it translates")
    run(args.file, args.english)
    _leave_at_once()


def _leave_at_once() -> NoReturn:
    """End the process as Python would, less freeing its objects one by one.

    The reader holds jieba's dictionary, the dictionary's and pinyin's tables and
    every layout it drew: tearing them down took 0.15–0.25 s after the terminal was
    given back, a quit that showed the prompt late. Everything a normal exit does
    for others is still done: threads still working are waited for (a write in
    progress ends as it would), exit handlers run and output is flushed; only then
    does the process end (``os._exit``).
    """
    import atexit
    import os

    shutdown = getattr(threading, "_shutdown", None)  # what the interpreter itself calls
    if callable(shutdown):
        shutdown()
    else:  # pragma: no cover - CPython has it
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _context(args: argparse.Namespace, document: str | None = None) -> Context:
    """The composition root, with the settings a command's flags override."""
    from reader.context import Context

    return Context.create(
        document=document,
        tone_numbers=True if getattr(args, "tone_numbers", False) else None,
        tone_sandhi=True if getattr(args, "sandhi", False) else None,
    )


def cmd_annotate(args: argparse.Namespace) -> int:
    from reader.language.formatting import pinyin_lines, token_json

    text = sys.stdin.read() if args.text in (None, "-") else args.text
    context = _context(args)
    tokens = context.annotator.annotate(text.strip("\n"))
    if args.json:
        rows = [token_json(t, context.style) for t in tokens]
        print_json(rows)
    else:
        width = shutil.get_terminal_size((80, 24)).columns
        print(terminal_safe("\n".join(pinyin_lines(tokens, context.style, width))))
    return 0


def cmd_lookup(args: argparse.Namespace) -> int:
    from reader.language.entry_view import plain_entry
    from reader.language.formatting import entry_json

    context = _context(args)
    entry = context.annotator.lookup(args.word)
    if not entry.readings and not entry.glossary and not entry.characters:
        raise ReaderError(f"{args.word!r}: not in CC-CEDICT or the glossary")
    standard = context.settings.hsk_standard
    if args.json:
        print_json(entry_json(entry, standard, context.style))
    else:
        print(terminal_safe(plain_entry(entry, standard, context.style)))
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    from reader.language.glossary import Glossary

    glossary = Glossary()
    if args.action == "add":
        term = glossary.add(args.term, args.english, args.note or "")
        print(terminal_safe(f"added {term.source} → {term.target} ({glossary.user_path})"))
    elif args.action == "list":
        terms = glossary.terms() if args.all else glossary.user_terms()
        if args.json:
            rows = [
                {"term": t.source, "english": t.target, "note": t.note, "source": t.origin}
                for t in terms
            ]
            print_json(rows)
        else:
            for t in terms:
                cells = [t.source, t.target, t.note] if t.note else [t.source, t.target]
                print(terminal_safe("\t".join(cells)))
    elif args.action == "remove":
        if not glossary.remove(args.term):
            raise ReaderError(f"{args.term!r} is not in your glossary ({glossary.user_path})")
        print(terminal_safe(f"removed {args.term}"))
    elif args.action == "import":
        from reader.language.glossary import describe_change

        summary = glossary.plan_import(Path(args.file))
        for line in summary.skipped:
            print(terminal_safe(f"skipped {line}"), file=sys.stderr)
        for old, new in summary.changed:
            print(terminal_safe(f"changed {describe_change(old, new)}"))
        if args.dry_run:
            print(f"dry run: {summary.describe()}; nothing written")
        else:
            if summary.new or summary.changed:
                glossary.apply_import(summary)
            print(terminal_safe(f"imported: {summary.describe()} ({glossary.user_path})"))
    elif args.action == "export":
        from reader.export.termbase import export_glossary

        fmt = Path(args.file).suffix.lower().lstrip(".")
        count = export_glossary(
            glossary, Path(args.file), fmt, include_builtin=args.all, force=args.force
        )
        print(terminal_safe(f"exported {count} terms to {args.file}"))
    return 0


def cmd_words(args: argparse.Namespace) -> int:
    from reader.language.segment import Segmenter

    segmenter = Segmenter()
    if args.action == "split":
        segmenter.split(args.word, tuple(args.parts))
        print(terminal_safe(f"{args.word} → {' '.join(args.parts)}"))
    elif args.action == "join":
        segmenter.join(args.word)
        print(terminal_safe(f"{args.word} is one word everywhere"))
    elif args.action == "unsplit":
        joined = args.word in segmenter.joins
        if not segmenter.unsplit(args.word):
            raise ReaderError(f"no split or join recorded for {args.word!r}")
        again = "jieba decides again" if joined else "one word again"
        print(terminal_safe(f"{args.word}: {again}"))
    else:
        for word, parts in sorted(segmenter.splits.items()):
            shown = "(one word)" if len(parts) == 1 else " ".join(parts)
            print(terminal_safe(f"{word}\t{shown}"))
    return 0


def _english_json(unit: Unit, english: English) -> dict[str, object]:
    return {
        "id": unit.id,
        "zh": unit.text,
        "en": english.text,
        "provenance": english.provenance,
        **({"origin": english.origin} if english.origin else {}),
        "cached": english.cached,
        "terms": [{"zh": c.zh, "en": c.en, "ok": c.ok} for c in english.terms],
        **({"flag": english.flag} if english.flag else {}),
        **({"reason": english.reason} if english.reason else {}),
    }


def _is_path(argument: str) -> bool:
    """Is this argument a file to translate, or text? A path that does not exist is an error."""
    try:
        exists = Path(argument).exists()
    except (OSError, ValueError):  # far too long for a file name, or a NUL: it is text
        return False
    from reader.hanzi import has_hanzi

    looks_like_path = not has_hanzi(argument) and (
        "/" in argument or Path(argument).suffix.lower() in (".txt", ".md")
    )
    if not exists and looks_like_path:
        raise ReaderError(f"{argument}: no such file")
    if not argument.strip():
        raise ReaderError("nothing to translate: give a file, text, or - for standard input")
    return exists


def cmd_translate(args: argparse.Namespace) -> int:
    from reader.document import load_document, parse_text
    from reader.document.units import reading_order
    from reader.english.layer import resolve
    from reader.export.document import fixed_english

    source = args.source
    is_file = source not in (None, "-") and _is_path(source)
    if is_file:
        doc = load_document(source)
    else:
        text = sys.stdin.read() if source in (None, "-") else source
        doc = parse_text(text, name="text")
    # A document's own glossary (NAME.glossary.tsv beside it) wins over the user's.
    context = _context(args, source if is_file else None)
    pipeline = context.pipeline(args.translator, beam=args.beam)
    info = pipeline.translator.info
    # Your edits and the translation memory first; the model only for the rest.
    order = reading_order(doc, title=is_file)
    known = fixed_english(doc, context).lookup(order.units())
    total = sum(len(b.sentences) for b in order.blocks)
    with sentence_progress("translating", wanted=not sys.stdout.isatty()) as progress:
        return _print_translation(
            args, info, resolve(order.units(), known, pipeline), total, progress, pipeline
        )


def _print_translation(
    args: argparse.Namespace,
    info: TranslatorInfo,
    resolved: Iterator[tuple[Unit, English]],
    total: int,
    progress: Callable[[int, int], None],
    pipeline: Pipeline,
) -> int:
    def units() -> Iterator[tuple[Unit, English]]:
        for done, pair in enumerate(resolved, 1):
            progress(done, total)
            yield pair

    if args.json:
        data = {
            "translator": {"name": info.name, "model": info.model, "version": info.version},
            "sentences": [_english_json(unit, english) for unit, english in units()],
        }
        print_json(data)
        return report_failures(pipeline.failures, pipeline.translated)
    if info.name == "gloss":
        print("# word-by-word gloss, not a translation (no model installed)")
    else:
        print(terminal_safe(f"# machine translation: {info.label()}"))
    for unit, english in units():
        marks = [english.flag or "", english.provenance if english.provenance in _FIXED else ""]
        mark = "".join(f"  [{m}]" for m in marks if m)
        missing = [c.zh for c in english.terms if not c.ok]
        note = f"  [term missing: {', '.join(missing)}]" if missing else ""
        print(terminal_safe(f"{unit.text.strip()}\n    {english.text}{mark}{note}"), flush=True)
    return report_failures(pipeline.failures, pipeline.translated)


#: English no model made, marked in ``reader translate``'s plain output.
_FIXED = ("edited", "human", "tm")


def _progress_bar() -> tuple[Callable[[int, int | None], None], Callable[[], None]]:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    task = progress.add_task("downloading", total=None)
    progress.start()

    def update(done: int, total: int | None) -> None:
        progress.update(task, completed=done, total=total)

    return update, progress.stop


def cmd_models(args: argparse.Namespace) -> int:
    from reader.translate import packages

    if args.action == "list":
        models = packages.installed(None, None)
        if args.json:
            rows = [
                {
                    "name": m.name,
                    "from": m.from_code,
                    "to": m.to_code,
                    "version": m.version,
                    "path": str(m.path),
                }
                for m in models
            ]
            print_json(rows)
        elif not models:
            print("no models installed; run: reader models install zh en")
        else:
            for m in models:
                print(terminal_safe(f"{m.name}\t{m.from_code}→{m.to_code}\t{m.version}\t{m.path}"))
    elif args.action == "install":
        if len(args.what) == 1:
            model = packages.install(Path(args.what[0]))
        elif len(args.what) == 2:
            update, stop = _progress_bar()
            try:
                model = packages.download(*args.what, index_url=args.index, progress=update)
            finally:
                stop()
        else:
            raise ReaderError(
                "usage: reader models install FILE.argosmodel | reader models install zh en"
            )
        pair = f"{model.from_code}→{model.to_code}"
        print(terminal_safe(f"installed {model.name} ({pair} {model.version})"))
    elif args.action == "remove":
        model = packages.remove(args.name)
        print(terminal_safe(f"removed {model.name}"))
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from reader.context import Context

    cache = Context().cache
    if args.action == "clear":
        print(f"removed {cache.clear()} cached translations")
        return 0
    stats = cache.stats()
    if args.json:
        data = {
            "path": str(stats.path),
            "entries": stats.entries,
            "bytes": stats.size_bytes,
            "translators": stats.translators,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{stats.path}\n{stats.entries} translations, {stats.size_bytes / 1e6:.1f} MB")
        for name, count in sorted(stats.translators.items()):
            print(f"  {name}: {count}")
    return 0


def _tm_lookup(memory: TranslationMemory, sentence: str, *, as_json: bool) -> int:
    """Exact hits first, then near matches with how alike they are; 1 if there is neither."""
    exact = memory.alternatives(sentence)
    near = memory.similar(sentence, limit=5)
    if as_json:
        rows = [
            {"source": e.source, "target": e.target, "origin": e.origin, "similarity": 1.0}
            for e in exact
        ] + [
            {
                "source": m.entry.source,
                "target": m.entry.target,
                "origin": m.entry.origin,
                "similarity": round(m.similarity, 3),
            }
            for m in near
        ]
        print_json(rows)
    else:
        for entry in exact:
            print(terminal_safe(f"100%  {entry.target}  ({entry.origin})"))
        for match in near:
            hit = match.entry
            print(terminal_safe(f"{match.similarity:4.0%}  {hit.target}  ({hit.origin})"))
            print(terminal_safe(f"      for: {hit.source}"))
        if not exact and not near:
            print("no match in your translation memory", file=sys.stderr)
    return 0 if exact or near else 1


def cmd_tm(args: argparse.Namespace) -> int:
    from reader.context import Context
    from reader.english.memory_files import export_memory, import_memory

    memory = Context().memory
    if args.action == "import":
        result = import_memory(memory, Path(args.file))
        skipped = f", {result.skipped} skipped" if result.skipped else ""
        print(terminal_safe(f"imported {result.added} pairs from {args.file}{skipped}"))
    elif args.action == "export":
        count = export_memory(memory, Path(args.file), force=args.force)
        print(terminal_safe(f"exported {count} pairs to {args.file}"))
    elif args.action == "lookup":
        return _tm_lookup(memory, args.sentence, as_json=args.json)
    else:
        stats = memory.stats()
        if args.json:
            data = {"entries": stats.entries, "sentences": stats.sources, "origins": stats.origins}
            print_json(data)
        else:
            print(f"{stats.entries} pairs for {stats.sources} sentences")
            for origin, count in sorted(stats.origins.items()):
                print(terminal_safe(f"  {origin}: {count}"))
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="Read Chinese text in a terminal with an English translation beside it.",
        epilog="With no command, reader opens FILE (or the bundled sample documents).",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser(
        "outline",
        help="print a document's title, sections and counts",
        description="Print the structure reader finds in FILE: title, nested "
        "sections with their paragraph and sentence counts, and printer's notes.",
    )
    p.add_argument("file", metavar="FILE", help="a UTF-8, UTF-16, GB18030 or Big5 text file")
    p.add_argument("--json", action="store_true", help="print JSON instead of an outline")
    p.set_defaults(handler=cmd_outline)

    p = commands.add_parser(
        "annotate",
        help="segment text and show pinyin, definitions and HSK levels",
        description="Segment Chinese text into words with pinyin (aligned above the text), "
        "or print every token with its definitions as JSON.",
    )
    p.add_argument("text", metavar="TEXT", nargs="?", help="the text; '-' or nothing reads stdin")
    p.add_argument("--json", action="store_true", help="print the tokens as JSON")
    p.add_argument("--tone-numbers", action="store_true", help="zhong4 instead of zhòng")
    p.add_argument("--sandhi", action="store_true", help="apply 一/不 tone sandhi")
    p.set_defaults(handler=cmd_annotate)

    p = commands.add_parser(
        "lookup",
        help="every reading and sense of a word",
        description="Look a word up in CC-CEDICT and the glossaries.",
    )
    p.add_argument("word", metavar="WORD")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--tone-numbers", action="store_true", help="zhong4 instead of zhòng")
    p.set_defaults(handler=cmd_lookup)

    p = commands.add_parser(
        "glossary",
        help="your glossary of terms and their English",
        description="Manage your glossary (OmegaT format: TERM<TAB>ENGLISH<TAB>NOTE). "
        "Your terms override the built-in policy glossary and are kept whole "
        "by segmentation and translation.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="add or change a term")
    a.add_argument("term", metavar="TERM")
    a.add_argument("english", metavar="ENGLISH")
    a.add_argument("--note", help="a short note shown with the term")
    a = actions.add_parser("list", help="list your terms")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.add_argument("--all", action="store_true", help="include the built-in glossary")
    a = actions.add_parser("remove", help="remove one of your terms")
    a.add_argument("term", metavar="TERM")
    a = actions.add_parser("import", help="merge terms from a TSV or CSV file")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--dry-run", action="store_true", help="only say what would change")
    a = actions.add_parser(
        "export", help="write your terms: OmegaT TSV, TBX-Basic or CSV, by the file's extension"
    )
    a.add_argument("file", metavar="FILE", help="FILE.tsv, FILE.tbx or FILE.csv")
    a.add_argument("--all", action="store_true", help="include the built-in glossary")
    a.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(handler=cmd_glossary)

    p = commands.add_parser(
        "words",
        help="fix word segmentation",
        description="Record how a word is split, or that characters are one word (a name: "
        "宝钗), when jieba gets it wrong; it holds in every text. The reader's word popup "
        "does the same with w (split) and j (join with the next word).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("split", help="always cut WORD into PARTs")
    a.add_argument("word", metavar="WORD")
    a.add_argument("parts", metavar="PART", nargs="+")
    a = actions.add_parser("join", help="always keep WORD as one word")
    a.add_argument("word", metavar="WORD")
    a = actions.add_parser("unsplit", help="forget a recorded split or join")
    a.add_argument("word", metavar="WORD")
    actions.add_parser("list", help="list recorded splits and joins")
    p.set_defaults(handler=cmd_words)

    p = commands.add_parser(
        "translate",
        help="translate text or a document offline",
        description="Translate sentence by sentence with the installed argos model (cached), "
        "or show a word-by-word gloss when no model is installed.",
    )
    p.add_argument("source", metavar="TEXT|FILE|-", nargs="?", help="text, a file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--translator", choices=list(TRANSLATORS), help="default: argos if installed")
    p.add_argument("--beam", type=int, metavar="N", help="beam size (default from settings: 2)")
    p.set_defaults(handler=cmd_translate)

    p = commands.add_parser(
        "models",
        help="install, list and remove translation models",
        description="Manage argos translation packages (zh→en).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="installed models")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = actions.add_parser(
        "install",
        help="install FILE.argosmodel, or download: install zh en",
        description="Install a downloaded .argosmodel file (offline), or download the newest "
        "zh→en package from the argos package index (the only time reader uses the network).",
    )
    a.add_argument("what", metavar="FILE | FROM TO", nargs="+")
    a.add_argument("--index", metavar="URL", help="package index URL (default: argos's index)")
    a = actions.add_parser("remove", help="remove an installed model")
    a.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_models)

    add_export_parsers(commands)
    add_align_parsers(commands)
    add_known_parsers(commands)
    add_batch_parsers(commands)

    p = commands.add_parser(
        "tm",
        help="your translation memory: import, export, stats",
        description="Sentence pairs you edited or aligned, or imported from a CAT tool; an exact "
        "match gives a sentence its English in any document.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("import", help="add the pairs of a TMX (OmegaT, Trados), TSV or CSV")
    a.add_argument("file", metavar="FILE")
    a = actions.add_parser("export", help="write every pair as TMX 1.4b or TSV")
    a.add_argument("file", metavar="FILE", help="FILE.tmx or FILE.tsv")
    a.add_argument("--force", action="store_true", help="replace an existing file")
    a = actions.add_parser("stats", help="how many pairs, by origin")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = actions.add_parser(
        "lookup", help="the English the memory has for a sentence, and for sentences like it"
    )
    a.add_argument("sentence", metavar="SENTENCE")
    a.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_tm)

    p = commands.add_parser("cache", help="the translation cache", description="Translation cache.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("stats", help="size and entries")
    a.add_argument("--json", action="store_true", help="print JSON")
    actions.add_parser("clear", help="delete every cached translation")
    p.set_defaults(handler=cmd_cache)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _default_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reader")
    parser.add_argument("file", metavar="FILE", nargs="?")
    parser.add_argument(
        "--english", metavar="EN_FILE", help="a human translation of FILE to show beside it"
    )
    parser.set_defaults(handler=cmd_default)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    # ``reader FILE`` opens a file; anything else is a command or an option.
    if not args_list or (
        args_list[0] not in _command_names(parser) and not args_list[0].startswith("-")
    ):
        args = _default_parser().parse_args(args_list)
    else:
        args = parser.parse_args(args_list)
    handler: Callable[[argparse.Namespace], int] = args.handler
    from reader.store.atomic import sweep_user_folders
    from reader.store.faults import STORAGE_ERRNOS, os_problem

    sweep_user_folders()  # what a killed reader left half-written
    try:
        with _storage_warnings_in_one_line(), _terminate_like_interrupt():
            return handler(args)
    except ReaderError as exc:
        print(f"reader: {terminal_safe(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except _Terminated:
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # ``reader outline big.txt | head``: the reader went away; not an error.
        sys.stderr.close()
        return 0
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            raise
        # A full disk or a read-only folder that a command met outside reader's own stores.
        print(f"reader: {terminal_safe(os_problem(exc))}", file=sys.stderr)
        return EXIT_USAGE


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so every ``finally`` and ``with`` cleans up
    (temporary files, half-installed models) as for Ctrl-C."""


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _storage_warnings_in_one_line() -> Iterator[None]:
    """A cache set aside or not written is one plain line, not Python's two-line warning."""
    from reader.store.faults import StorageWarning

    shown = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, StorageWarning):
            print(f"reader: {terminal_safe(str(message))}", file=sys.stderr)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown
