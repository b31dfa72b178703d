"""``reader known`` and ``reader coverage``: argument parsing only, one core call each.

``reader.cli`` registers these with :func:`add_parsers`. Nothing heavy is
imported until a handler runs. Errors a user can cause are
:class:`~reader.errors.ReaderError` (one line on stderr, exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.errors import ReaderError
from reader.text_safety import print_json, terminal_safe

if TYPE_CHECKING:
    from reader.context import Context
    from reader.language.coverage import Coverage, DocumentCoverage, KnownWords
    from reader.store.words import Status

#: What ``reader coverage DIR`` reads.
DOCUMENT_SUFFIXES = (".txt", ".md")
STATUS_CHOICES = ("known", "learning", "ignored", "new")


def _context(document: str | None = None) -> Context:
    from reader.context import Context

    return Context(document=document)


def _status(args: argparse.Namespace) -> Status:
    from reader.store.words import parse_status

    return parse_status(args.status)


def _marked(count: int, status: Status, level: int | None, words: KnownWords) -> str:
    shown = f"learning {level or 1}" if status == "learning" else str(status)
    return f"marked {count} words {shown} ({words.path})"


# -- reader known --------------------------------------------------------------------------


def cmd_known(args: argparse.Namespace) -> int:
    handlers = {
        "add": _known_add,
        "remove": _known_remove,
        "import": _known_import,
        "export": _known_export,
        "list": _known_list,
        "stats": _known_stats,
    }
    handlers[args.action](args)
    return 0


def _known_add(args: argparse.Namespace) -> None:
    from reader.language.known_import import hsk_words

    context = _context()
    words = list(args.words)
    if args.hsk is not None:
        words += hsk_words(args.hsk, context.settings.hsk_standard)
    if not words:
        raise ReaderError("nothing to add: give words, or --hsk N")
    status = _status(args)
    count = context.words.set_many(words, status, args.level)
    print(_marked(count, status, args.level, context.words))


def _known_remove(args: argparse.Namespace) -> None:
    words = _context().words
    for word in args.words:
        if not words.remove(word):
            raise ReaderError(f"{word!r} has no status (it is new)")
        print(terminal_safe(f"removed {word} (new again)"))


def _known_import(args: argparse.Namespace) -> None:
    from reader.language.known_import import read_words

    context = _context()
    imported = read_words(Path(args.file), context.annotator, args.format, column=args.column)
    words = context.words
    if imported.statuses:
        by_status: dict[tuple[Status, int | None], list[str]] = {}
        for word, key in imported.statuses.items():
            by_status.setdefault(key, []).append(word)
        for (status, level), group in by_status.items():
            print(_marked(words.set_many(group, status, level), status, level, words))
    else:
        status = _status(args)
        print(
            _marked(words.set_many(imported.words, status, args.level), status, args.level, words)
        )
    if imported.skipped:
        print(f"skipped {imported.skipped} lines with no Chinese word ({imported.format})")


def _known_export(args: argparse.Namespace) -> None:
    from reader.language.known_import import EXPORT_HEADER
    from reader.store.output import output_text

    entries = _context().words.entries(_status(args) if args.status else None)
    if not entries:
        raise ReaderError("no marked words to export")
    with output_text(args.file, force=args.force) as out:
        out.write(EXPORT_HEADER + "\n")
        for e in entries:
            out.write(f"{e.word}\t{e.status}\t{e.level or ''}\n")
    print(terminal_safe(f"exported {len(entries)} words to {args.file}"))


def _known_list(args: argparse.Namespace) -> None:
    words = _context().words
    entries = words.entries(_status(args) if args.status else None)
    if args.json:
        rows = [{"word": e.word, "status": str(e.status), "level": e.level} for e in entries]
        print_json(rows)
    elif not entries:
        print(f"no marked words ({words.path})")
    else:
        for e in entries:
            print(terminal_safe(f"{e.word}\t{e.status}{f' {e.level}' if e.level else ''}"))


def _known_stats(args: argparse.Namespace) -> None:
    words = _context().words
    stats = words.stats()
    if args.json:
        data = {
            "known": stats.known,
            "learning": {str(k): v for k, v in stats.learning.items()},
            "ignored": stats.ignored,
            "total": stats.total,
            "path": str(words.path),
        }
        print_json(data)
        return
    levels = ", ".join(f"{level}: {n}" for level, n in stats.learning.items())
    print(f"{stats.known} known, {stats.learning_total} learning, {stats.ignored} ignored")
    if levels:
        print(f"  learning by level: {levels}")
    print(f"  {words.path}")


# -- reader coverage -----------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _coverage_line(c: Coverage) -> str:
    return (
        f"{_percent(c.share)} known of {c.tokens} words "
        f"(learning {_percent(c.learning / c.tokens if c.tokens else 0.0)}, "
        f"{c.distinct_known} of {c.distinct} distinct words known)"
    )


def _coverage_json(c: Coverage) -> dict[str, Any]:
    return {**asdict(c), "share": round(c.share, 4), "distinct_share": round(c.distinct_share, 4)}


def _unknown_text(unknown: list[tuple[str, int]]) -> str:
    return ", ".join(f"{w}×{n}" if n > 1 else w for w, n in unknown)


def _announce(path: str) -> Callable[[], None] | None:
    """On a terminal, say so when a document's words must be counted (seconds for a book)."""
    if not sys.stderr.isatty():
        return None

    def say() -> None:
        print(terminal_safe(f"counting the words of {path} (once; cached after)…"), file=sys.stderr)

    return say


def cmd_coverage(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.is_dir():
        _rank_folder(path, args)
    else:
        _one_document(args.path, args)
    return 0


def _one_document(path: str, args: argparse.Namespace) -> None:
    from reader.language.coverage import CountsCache

    context = _context(path)
    cache = CountsCache(context.annotator)
    report = cache.report_of_file(path, context.words, top=args.top, counting=_announce(path))
    if args.json:
        print_json(_report_json(report, path))
        return
    print(terminal_safe(f"{report.title or path}: {_coverage_line(report.total)}"))
    if report.unknown:
        print(terminal_safe(f"  most frequent new words: {_unknown_text(report.unknown)}"))
    for s in report.sections:
        title = f" {s.title}" if s.title else ""
        print(terminal_safe(f"{s.id}{title}: {_coverage_line(s.coverage)}"))
        if s.unknown:
            print(terminal_safe(f"  new: {_unknown_text(s.unknown)}"))


def _report_json(report: DocumentCoverage, path: str) -> dict[str, Any]:
    return {
        "path": path,
        "title": report.title,
        **_coverage_json(report.total),
        "new_words": [{"word": w, "count": n} for w, n in report.unknown],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                **_coverage_json(s.coverage),
                "new_words": [{"word": w, "count": n} for w, n in s.unknown],
            }
            for s in report.sections
        ],
    }


def _documents(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )


def _rank_folder(folder: Path, args: argparse.Namespace) -> None:
    """Every document under ``folder``, most readable first: a graded-reading pick."""
    from reader.language.coverage import CountsCache

    paths = _documents(folder)
    if not paths:
        raise ReaderError(f"{folder}: no .txt or .md documents in it")
    base = _context()
    words = base.words
    ranked: list[tuple[Path, DocumentCoverage]] = []
    for path in paths:
        try:
            cache = CountsCache(base.for_document(path).annotator)
            report = cache.report_of_file(path, words, top=args.top, counting=_announce(str(path)))
        except ReaderError as exc:
            print(terminal_safe(f"skipped {exc}"), file=sys.stderr)
            continue
        ranked.append((path, report))
    ranked.sort(key=lambda item: (-item[1].total.share, item[1].total.tokens, str(item[0])))
    if args.json:
        print_json([_report_json(r, str(p)) for p, r in ranked])
        return
    for path, report in ranked:
        c = report.total
        print(
            terminal_safe(
                f"{_percent(c.share):>6}  {c.tokens:>8} words  {c.distinct_unknown:>6} new  {path}"
            )
        )


# -- registration --------------------------------------------------------------------------


def _status_options(parser: argparse.ArgumentParser, default: str | None = "known") -> None:
    parser.add_argument(
        "--status", choices=STATUS_CHOICES, default=default, help=f"default: {default}"
    )
    parser.add_argument("--level", type=int, metavar="N", help="learning level 1-4 (default 1)")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``known`` and ``coverage`` on the ``add_subparsers()`` object of ``reader``."""
    p = commands.add_parser(
        "known",
        help="the words you know: mark, import, export, list",
        description="Your status of each word (new, learning 1-4, known, ignored), keyed by "
        "its simplified form; coverage and learning lists are computed from it.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="mark words (or every word up to an HSK level)")
    a.add_argument("words", metavar="WORD", nargs="*")
    a.add_argument(
        "--hsk", type=int, metavar="N", help="every word up to HSK level N (7: the 7-9 band)"
    )
    _status_options(a)
    a = actions.add_parser("remove", help="forget words' statuses (they are new again)")
    a.add_argument("words", metavar="WORD", nargs="+")
    a = actions.add_parser(
        "import",
        help="mark the words of a word list, text, Anki or Pleco export",
        description="One word per line, any Chinese text (every word in it), an Anki "
        "plain-text export (tab-separated; the Hanzi column is detected or --column N), "
        "a Pleco flashcard export, or a file from 'reader known export'.",
    )
    a.add_argument("file", metavar="FILE")
    a.add_argument(
        "--format", choices=["auto", "list", "text", "anki", "pleco", "reader"], default="auto"
    )
    a.add_argument("--column", type=int, metavar="N", help="Anki: the Hanzi column (from 1)")
    _status_options(a)
    a = actions.add_parser("export", help="write every marked word with its status")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--status", choices=STATUS_CHOICES, help="only words with this status")
    a.add_argument("--force", action="store_true", help="replace an existing file")
    a = actions.add_parser("list", help="list marked words")
    a.add_argument("--status", choices=STATUS_CHOICES, help="only words with this status")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = actions.add_parser("stats", help="how many words by status")
    a.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_known)

    p = commands.add_parser(
        "coverage",
        help="how much of a document you know, or rank a folder's documents",
        description="The share of a document's words (Hanzi words; names, numbers and ignored "
        "words left out) that you know, per section, with the most frequent new words. "
        "Given a folder, ranks its .txt and .md documents, most readable first. "
        "Word counts are cached: the second look is instant.",
    )
    p.add_argument("path", metavar="FILE|DIR")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--top", type=int, default=10, metavar="N", help="new words shown (10)")
    p.set_defaults(handler=cmd_coverage)
