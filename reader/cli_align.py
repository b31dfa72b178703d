"""``reader align``: argument parsing only; the work is :mod:`reader.english.align_files`.

``reader.cli`` registers it with :func:`add_parsers`. Errors a user can cause
(a missing, empty or binary file, an English text that is not a translation of
the Chinese one) are :class:`~reader.errors.ReaderError`: one line, exit status 2.
"""

from __future__ import annotations

import argparse
import sys

#: Kept here (not imported) so that building the parser imports nothing heavy.
FORMATS = ("links", "tsv", "tmx", "json")


def cmd_align(args: argparse.Namespace) -> int:
    from reader.context import Context
    from reader.english.align_files import align_files, write_output

    context = Context(document=args.zh_file)
    result = align_files(args.zh_file, args.en_file, context, presplit=args.presplit)
    write_output(result, args.format, args.out, force=args.force, out_stream=sys.stdout)
    if args.out:
        low = sum(row.low for row in result.rows)
        print(
            f"wrote {args.out}: {len(result.rows)} links ({low} low), "
            f"confidence {result.confidence:.2f}",
            file=sys.stderr,
        )
    return 0


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``align`` on the ``add_subparsers()`` object of ``reader``."""
    p = commands.add_parser(
        "align",
        help="link a Chinese text with its English translation, sentence by sentence",
        description="Align ZH_FILE with an existing human translation EN_FILE, offline: "
        "chapters by their headings, then sentences by length and dictionary evidence. "
        "Every link has a confidence; low ones are marked. An English file that is not a "
        "translation of the Chinese one is an error.",
    )
    p.add_argument("zh_file", metavar="ZH_FILE", help="the Chinese text")
    p.add_argument("en_file", metavar="EN_FILE", help="its English translation (plain text)")
    p.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="links",
        help="links: [zh ids]:[en ids] lines; tsv; tmx (TMX 1.4b); json (default: links)",
    )
    p.add_argument("--out", "-o", metavar="PATH", help="write to PATH instead of standard output")
    p.add_argument(
        "--presplit",
        action="store_true",
        help="each line of each file is one sentence; ids are 0-based line numbers",
    )
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(handler=cmd_align)
