"""``reader batch``: argument parsing only; the work is :mod:`reader.batch`.

``reader.cli`` registers it with :func:`add_parsers`. Nothing heavy is imported
until the command runs (Dask least of all: it is optional, ``reader[cluster]``).
Errors a user can cause (no documents, an output folder that is a file, a
scheduler that cannot be reached) are one line and exit status 2; a document
that fails is recorded and reported, and never stops the batch.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.export.formats import FORMATS
from reader.translate.base import TRANSLATORS

if TYPE_CHECKING:
    from reader.batch.discovery import Job
    from reader.batch.engine import BatchResult, Runner
    from reader.batch.manifest import Summary
    from reader.settings import Settings

#: Kept here (not imported from reader.settings) so that the parser stays light.
DEVICES = ("cpu", "cuda", "auto")
#: What to install for the cluster engine.
CLUSTER_EXTRA = "pip install 'reader[cluster]'"
#: Exit status when documents were found but every one of them failed.
EXIT_ALL_FAILED = 1
EXIT_INTERRUPTED = 130


def cmd_batch(args: argparse.Namespace) -> int:
    if args.status:
        if args.source:
            raise ReaderError("--status OUT_DIR takes no DIR or LIST_FILE")
        return _print_status(Path(args.status), as_json=args.json)
    for option, value in (("DIR or LIST_FILE", args.source), ("--format", args.format)):
        if not value:
            raise ReaderError(f"reader batch needs {option} (or --status OUT_DIR)")
    if not args.out:
        raise ReaderError("reader batch needs --out OUT_DIR, the folder the outputs go to")
    if args.workers is not None and args.workers < 1:
        raise ReaderError(f"--workers must be 1 or more, got {args.workers}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ReaderError(f"--out {out}: is a file, not a folder")
    from dataclasses import replace

    from reader.batch.discovery import discover
    from reader.settings import load_settings

    settings = load_settings()
    if args.device:
        settings = replace(settings, device=args.device)
    english = Path(args.english_dir) if args.english_dir else None
    jobs = discover(Path(args.source), out, english)
    try:
        import distributed  # noqa: F401
    except ImportError:
        if args.cluster:
            raise ReaderError(f"--cluster needs Dask: {CLUSTER_EXTRA}") from None
        from reader.batch.engine import InProcess

        print(
            "reader: Dask is not installed: documents are done here, one at a time "
            f"({CLUSTER_EXTRA} for parallel workers, --workers and --cluster)",
            file=sys.stderr,
        )
        return _run(args, jobs, out, settings, InProcess())
    from reader.batch.cluster import connect

    with connect(args.cluster, args.workers) as runner:
        return _run(args, jobs, out, settings, runner)


def _run(
    args: argparse.Namespace,
    jobs: list[Job],
    out: Path,
    settings: Settings,
    runner: Runner,
) -> int:
    from reader.batch.engine import run_batch
    from reader.batch.progress import summary_line
    from reader.batch.tasks import BatchConfig

    translator = args.translator
    if translator is None:
        translator = "argos" if runner.has_model(BatchConfig(args.format, "argos")) else "gloss"
    config = BatchConfig(args.format, translator, settings)
    print(
        f"reader: {len(jobs)} documents → {out} ({args.format}, {translator}, "
        f"{runner.description})",
        file=sys.stderr,
    )
    result = run_batch(jobs, out, config, runner, force=args.force)
    _warn_sentence_failures(result)
    stopped = result.interrupted or result.stopped is not None
    print(summary_line(result.tally, str(out), interrupted=stopped))
    if result.stopped:
        raise ReaderError(f"batch stopped, the rest left for the next run: {result.stopped}")
    if result.interrupted:
        return EXIT_INTERRUPTED
    tally = result.tally
    if tally.failed and not tally.done and not tally.skipped:
        return EXIT_ALL_FAILED
    return 0


def _warn_sentence_failures(result: BatchResult) -> None:
    counts = [o.provenance.get("failed", 0) for _, o in result.outcomes if o.ok]
    sentences = sum(counts)
    if sentences:
        documents = sum(1 for c in counts if c)
        print(
            f"reader: warning: {sentences} sentences in {documents} documents could not be "
            "machine-translated and have the word-by-word gloss, flagged 'failed'",
            file=sys.stderr,
        )


def _when(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _print_status(out: Path, *, as_json: bool) -> int:
    from reader.batch.manifest import Manifest

    if not out.is_dir():
        raise ReaderError(f"{out}: no such folder")
    with Manifest(out, create=False) as manifest:
        summary = manifest.summary()
    if as_json:
        from reader.text_safety import print_json

        print_json(_status_json(summary))
    else:
        print(_status_text(summary))
    return 0


def _status_json(summary: Summary) -> dict[str, object]:
    run = summary.last_run
    return {
        "manifest": str(summary.path),
        "documents": summary.documents,
        "status": dict(summary.by_status),
        "formats": dict(summary.formats),
        "sentences": summary.sentences,
        "provenance": dict(summary.provenance),
        "seconds": round(summary.seconds, 3),
        "failures": [{"document": r.source, "error": r.error} for r in summary.failures],
        "last_run": None
        if run is None
        else {
            "started": _when(run.started),
            "finished": None if run.finished is None else _when(run.finished),
            "engine": run.engine,
            "done": run.done,
            "failed": run.failed,
            "skipped": run.skipped,
            "interrupted": run.interrupted,
        },
    }


def _status_text(summary: Summary) -> str:
    from reader.text_safety import terminal_safe

    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.by_status.items()))
    formats = ", ".join(f"{n} {f}" for f, n in sorted(summary.formats.items()))
    lines = [f"{summary.path}: {summary.documents} documents: {statuses} ({formats})"]
    if summary.sentences:
        sources = ", ".join(f"{k} {v:,}" for k, v in summary.provenance.most_common())
        lines.append(
            f"{summary.sentences:,} sentences ({sources}); {summary.seconds:.1f} s of work"
        )
    run = summary.last_run
    if run is not None:
        state = "interrupted" if run.interrupted else "finished"
        if run.finished is None:
            state = "still running, or stopped without a word"
        lines.append(
            f"last run {_when(run.started)} ({run.engine}): {run.done} done, {run.failed} "
            f"failed, {run.skipped} already done; {state}"
        )
    if summary.failures:
        lines.append("failed:")
        lines += [f"  {terminal_safe(r.error or r.source)}" for r in summary.failures]
    return "\n".join(lines)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``batch`` on the ``add_subparsers()`` object of ``reader``."""
    p = commands.add_parser(
        "batch",
        help="translate and export a whole folder of documents, on Dask (resumable)",
        description="Every .txt and .md document under DIR (or named in LIST_FILE, one path a "
        "line) is translated and exported to OUT_DIR, one file per document named by its "
        "content hash, on a local Dask cluster (one worker per core) or the scheduler at "
        "--cluster. A manifest in OUT_DIR records each document; running it again does only "
        f"what is missing. Without Dask ({CLUSTER_EXTRA}) it runs in this process.",
    )
    p.add_argument("source", metavar="DIR|LIST_FILE", nargs="?", help="documents to do")
    p.add_argument("--format", "-f", choices=list(FORMATS), help="the output format")
    p.add_argument("--out", "-o", metavar="OUT_DIR", help="folder for the outputs and manifest")
    p.add_argument("--translator", choices=list(TRANSLATORS), help="default: argos if installed")
    p.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: cores)"
    )
    p.add_argument("--cluster", metavar="ADDRESS", help="a running Dask scheduler, tcp://HOST:PORT")
    p.add_argument(
        "--english-dir",
        metavar="DIR",
        help="human translations at the same relative paths: aligned instead of translated",
    )
    p.add_argument("--force", action="store_true", help="do every document again")
    p.add_argument(
        "--device", choices=DEVICES, help="where CTranslate2 runs the model (default: settings)"
    )
    p.add_argument("--status", metavar="OUT_DIR", help="summarise the manifest of OUT_DIR")
    p.add_argument("--json", action="store_true", help="with --status: print JSON")
    p.set_defaults(handler=cmd_batch)
