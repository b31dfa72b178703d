"""What a batch shows while it runs, and the line it ends with.

On a terminal, a rich progress bar on stderr: documents done of all, sentences
done, their rate, the time left and the failures so far. The bar advances by
bytes, not documents: the largest documents go first, so counting documents
would promise the end far too early. Each failure is one line above the bar
(the first :data:`FAILURES_SHOWN`; the manifest has them all). Off a terminal
(a pipe, a log file, CI) only the failures and the closing line are printed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from reader.text_safety import terminal_safe

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: Failures printed one line each; past this, a count and where to find the rest.
FAILURES_SHOWN = 20


@dataclass
class Tally:
    """What this run did so far."""

    documents: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    sentences: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class BatchProgress:
    """The bar (on a terminal) and the failure lines, as each document comes back."""

    def __init__(self, total_documents: int, total_bytes: int, *, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.tally = Tally(documents=total_documents)
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._shown_failures = 0
        if self.stream.isatty() and total_documents:
            self._start_bar(total_documents, total_bytes)

    def _start_bar(self, total_documents: int, total_bytes: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("batch"),
            BarColumn(),
            TextColumn("{task.fields[docs]}/{task.fields[all]} documents"),
            TextColumn("{task.fields[sentences]:,} sentences · {task.fields[rate]}"),
            TimeRemainingColumn(),
            TextColumn("[red]{task.fields[failed]}"),
            console=Console(file=self.stream),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._bar.add_task(
            "batch",
            total=max(total_bytes, 1),
            docs=0,
            all=total_documents,
            sentences=0,
            rate="",
            failed="",
        )
        self._bar.start()

    def advance(self, size: int, *, sentences: int = 0, failure: str | None = None) -> None:
        """One document came back (``failure``: why it failed)."""
        tally = self.tally
        if failure is None:
            tally.done += 1
            tally.sentences += sentences
        else:
            tally.failed += 1
            self._report(failure)
        if self._bar is not None and self._task is not None:
            rate = tally.sentences / max(tally.seconds, 1e-6)
            self._bar.update(
                self._task,
                advance=size,
                docs=tally.done + tally.failed,
                sentences=tally.sentences,
                rate=f"{rate:,.1f}/s" if rate < 10 else f"{rate:,.0f}/s",
                failed=f"{tally.failed} failed" if tally.failed else "",
            )

    def _report(self, failure: str) -> None:
        self._shown_failures += 1
        if self._shown_failures > FAILURES_SHOWN:
            return
        line = f"reader: failed: {terminal_safe(failure)}"
        if self._shown_failures == FAILURES_SHOWN:
            line += " (more failures: see reader batch --status)"
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def note(self, line: str) -> None:
        """A line for the user (above the bar when there is one)."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def summary_line(tally: Tally, out_dir: str, *, interrupted: bool = False) -> str:
    """``batch: 17 done, 3 failed, 0 already done · 1,234 sentences in 12.3 s (98/s) → out``."""
    seconds = tally.seconds
    rate = tally.sentences / seconds if seconds > 0 else 0.0
    head = "batch interrupted" if interrupted else "batch"
    parts = [f"{tally.done} done", f"{tally.failed} failed", f"{tally.skipped} already done"]
    left = tally.documents - tally.done - tally.failed - tally.skipped
    if interrupted and left > 0:
        parts.append(f"{left} left (run it again to finish)")
    return (
        f"{head}: {', '.join(parts)} · {tally.sentences:,} sentences in {seconds:.1f} s "
        f"({rate:,.0f}/s) → {terminal_safe(out_dir)}"
    )
