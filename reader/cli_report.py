"""What ``reader translate`` and ``reader export`` say when the model failed on some sentences."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from reader.store.output import one_line

if TYPE_CHECKING:
    from reader.translate.pipeline import Failure

#: Exit status when the model translated nothing at all (every sentence is a gloss).
EXIT_NOTHING_TRANSLATED = 1


def report_failures(failures: Sequence[Failure], translated: int) -> int:
    """A warning line on stderr for sentences the model failed on; the exit status.

    The work still finished (those sentences carry the gloss, flagged ``failed``),
    so it exits 0, unless nothing at all could be translated.
    """
    if not failures:
        return 0
    count = len(failures)
    noun = "sentence" if count == 1 else "sentences"
    print(
        f"reader: warning: {count} {noun} could not be machine-translated and show the "
        f"word-by-word gloss, flagged 'failed' (first: {one_line(failures[0].reason)})",
        file=sys.stderr,
    )
    return EXIT_NOTHING_TRANSLATED if translated == 0 else 0


@contextlib.contextmanager
def sentence_progress(label: str, *, wanted: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr when it is a terminal (sentences done / total, rate, time
    left), for long work such as translating a novel; a no-op otherwise (pipes, CI), or
    when not ``wanted`` (output streaming to the same terminal shows the progress itself)."""
    if not wanted or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sentences · {task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        # The work's own output goes where it was sent (a file, a pipe), never into the bar.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task(label, total=None, rate="")
    start = time.perf_counter()

    def update(done: int, total: int) -> None:
        elapsed = max(time.perf_counter() - start, 1e-6)
        progress.update(task, completed=done, total=total, rate=f"{done / elapsed:.0f}/s")

    with progress:
        yield update
