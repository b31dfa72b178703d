"""Command line: argument parsing only; each subcommand calls one core function.

Errors a user can cause (``ReaderError``) end in one line on stderr and exit
status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from reader import __version__
from reader.document import load_document
from reader.document.outline import format_outline, outline
from reader.errors import ReaderError
from reader.seeds import bundled_seeds

EXIT_USAGE = 2


def _print_outline(path: str, as_json: bool) -> None:
    data = outline(load_document(path))
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(format_outline(data))


def cmd_outline(args: argparse.Namespace) -> int:
    _print_outline(args.file, args.json)
    return 0


def cmd_default(args: argparse.Namespace) -> int:
    """``reader [FILE]``: until the reader UI lands, print outlines."""
    paths = [args.file] if args.file else [str(p) for p in bundled_seeds()]
    if not paths:
        raise ReaderError("no bundled documents found: the installation is incomplete")
    for i, path in enumerate(paths):
        if i:
            print()
        _print_outline(path, as_json=False)
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
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _default_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reader")
    parser.add_argument("file", metavar="FILE", nargs="?")
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
    try:
        return handler(args)
    except ReaderError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # ``reader outline big.txt | head``: the reader went away; not an error.
        sys.stderr.close()
        return 0
