"""The batch itself: what is left to do, done by a runner, each outcome recorded as it comes.

A runner turns jobs into outcomes, in whatever order they finish: in this
process one after another (:class:`InProcess`, when Dask is not installed),
or on a Dask cluster (:class:`reader.batch.cluster.DaskRunner`). Whichever
it is, this module alone writes the manifest, removes outputs a changed
document made stale, and keeps the tally the progress bar and the closing
line show. Ctrl-C stops the runner (a Dask one cancels what is queued); what
was recorded stays recorded, and the next run starts from there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from reader.batch.discovery import Job
from reader.batch.manifest import Manifest
from reader.batch.progress import BatchProgress, Tally
from reader.batch.tasks import BatchConfig, Outcome, failed, process


class Runner(Protocol):
    """Does jobs somewhere; yields each with its outcome as it finishes."""

    #: How the work runs, for the manifest and messages ("in-process", "dask: 2 workers").
    description: str

    def has_model(self, config: BatchConfig) -> bool:
        """Can the workers translate with a model (is one installed where they run)?"""
        ...

    def outcomes(
        self, jobs: Sequence[Job], out_dir: str, config: BatchConfig
    ) -> Iterator[tuple[Job, Outcome]]: ...


class InProcess:
    """Every document in this process, one after another: the runner without Dask."""

    description = "in-process"

    def has_model(self, config: BatchConfig) -> bool:
        from reader.translate.packages import installed

        return bool(installed())

    def outcomes(
        self, jobs: Sequence[Job], out_dir: str, config: BatchConfig
    ) -> Iterator[tuple[Job, Outcome]]:
        for job in jobs:
            yield job, process(job, out_dir, config)


#: A chunk (one Dask task) holds documents up to this many bytes together, or this many
#: documents: enough work to dwarf a task's scheduling cost, little enough to redo.
CHUNK_BYTES = 64 * 1024
CHUNK_DOCUMENTS = 64
#: ...and the batch has at least this many chunks per worker thread, so the load
#: balances and the batch does not end waiting on one worker.
CHUNKS_PER_SLOT = 4


def chunked(jobs: Sequence[Job], slots: int) -> list[list[Job]]:
    """``jobs`` (largest first) in consecutive chunks: a large document alone, small ones
    together, and at least :data:`CHUNKS_PER_SLOT` chunks for each of ``slots`` threads
    where there are documents enough."""
    wanted = max(1, slots) * CHUNKS_PER_SLOT
    total = sum(j.size for j in jobs)
    budget = min(CHUNK_BYTES, max(1, total // wanted))
    most = min(CHUNK_DOCUMENTS, max(1, len(jobs) // wanted))
    chunks: list[list[Job]] = []
    current: list[Job] = []
    size = 0
    for job in jobs:
        if current and (size + job.size > budget or len(current) >= most):
            chunks.append(current)
            current, size = [], 0
        current.append(job)
        size += job.size
    if current:
        chunks.append(current)
    return chunks


def job_key(job: Job, config: BatchConfig) -> str:
    """What an output depends on: the text, its English, the format and the translator."""
    return f"{job.sha256}:{job.english_sha256}:{config.fmt}:{config.translator}"


@dataclass(frozen=True, slots=True)
class Plan:
    #: To do, largest first.
    todo: list[Job]
    #: Done in an earlier run, output still there.
    skipped: list[Job]
    #: Could not be read at all: failed without being sent anywhere.
    unreadable: list[Job]


def plan(
    jobs: Sequence[Job], manifest: Manifest, config: BatchConfig, out_dir: Path, *, force: bool
) -> Plan:
    done = {} if force else manifest.done(config.fmt)
    todo: list[Job] = []
    skipped: list[Job] = []
    unreadable: list[Job] = []
    for job in jobs:
        if job.error:
            unreadable.append(job)
            continue
        recorded = done.get(job.rel)
        if (
            recorded is not None
            and recorded[0] == job_key(job, config)
            and (out_dir / recorded[1]).is_file()
        ):
            skipped.append(job)
        else:
            todo.append(job)
    return Plan(todo, skipped, unreadable)


@dataclass
class BatchResult:
    tally: Tally
    interrupted: bool = False
    #: Why the batch stopped early: the translator cannot work at all (see Outcome.fatal).
    stopped: str | None = None
    #: This run's outcomes, in the order they came back.
    outcomes: list[tuple[Job, Outcome]] = field(default_factory=list)


def run_batch(
    jobs: Sequence[Job],
    out_dir: Path,
    config: BatchConfig,
    runner: Runner,
    *,
    force: bool = False,
    stream: TextIO | None = None,
    on_outcome: Callable[[Job, Outcome], None] | None = None,
) -> BatchResult:
    """Do what ``jobs`` still need in ``out_dir``; returns what this run did.

    Progress and failures go to ``stream`` (stderr). ``on_outcome`` is called
    after each document is recorded. KeyboardInterrupt ends the run early
    (``interrupted``), and so does a translator that cannot work at all
    (``stopped``, with the reason): everything recorded until then stays, so
    running it again finishes it.
    """
    with Manifest(out_dir) as manifest:
        work = plan(jobs, manifest, config, out_dir, force=force)
        todo_bytes = sum(j.size for j in work.todo)
        progress = BatchProgress(len(work.todo) + len(work.unreadable), todo_bytes, stream=stream)
        result = BatchResult(progress.tally)
        result.tally.documents = len(jobs)
        result.tally.skipped = len(work.skipped)
        run = secrets.token_hex(8)
        manifest.start_run(
            run,
            engine=runner.description,
            fmt=config.fmt,
            translator=config.translator,
            documents=len(jobs),
            skipped=len(work.skipped),
        )

        def record(job: Job, outcome: Outcome) -> None:
            stale = manifest.record(
                rel=job.rel,
                fmt=config.fmt,
                source=job.shown,
                key=job_key(job, config),
                outcome=outcome,
                run=run,
            )
            if stale:
                (out_dir / stale).unlink(missing_ok=True)
            result.outcomes.append((job, outcome))
            progress.advance(
                job.size, sentences=outcome.sentences, failure=None if outcome.ok else outcome.error
            )
            if on_outcome is not None:
                on_outcome(job, outcome)

        try:
            for job in work.unreadable:
                record(job, failed(job.error or f"{job.shown}: cannot read"))
            outcomes = runner.outcomes(work.todo, str(out_dir.absolute()), config)
            try:
                for job, outcome in outcomes:
                    if outcome.fatal:
                        # Not this document's fault: it is left for the next run, as is the rest.
                        result.stopped = outcome.error
                        break
                    record(job, outcome)
            finally:
                close = getattr(outcomes, "close", None)
                if callable(close):
                    close()
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            progress.close()
            tally = result.tally
            manifest.finish_run(
                run, done=tally.done, failed=tally.failed, interrupted=result.interrupted
            )
    return result
