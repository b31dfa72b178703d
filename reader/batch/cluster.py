"""The batch on Dask distributed: a local cluster, or a scheduler already running elsewhere.

Without an address, :func:`connect` starts a ``distributed.LocalCluster`` on
127.0.0.1 (one worker process per core, one thread each, no dashboard) and
stops it at the end; with ``tcp://HOST:PORT`` it connects to a scheduler
started with ``dask scheduler``, whose workers (``dask worker``, on as many
machines as you like) have reader installed and see the documents and the
output folder at the same paths.

Each worker gets a :class:`BatchPlugin`: its setup builds the worker's
:class:`~reader.batch.tasks.WorkerState` and starts loading the model in the
background, so the model is loaded once per worker, never per document (a
worker Dask restarts gets the plugin again). Documents are submitted with
their size as priority, largest first, so the batch does not end waiting on
one long novel. A worker that dies mid-document is Dask's to handle: the
scheduler gives the task to another worker; a document that kills three
workers is recorded as failed. Small documents travel a few to a task
(:func:`~reader.batch.engine.chunked`): a task costs the scheduler
milliseconds whatever it holds.

This is the only module of reader that imports Dask (the worker's task asks
``distributed`` for its thread count only where it is loaded already).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from distributed import Client, Future, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from reader.batch.discovery import Job
from reader.batch.engine import chunked
from reader.batch.tasks import (
    BatchConfig,
    Outcome,
    drop_state,
    failed,
    process_chunk,
    start_state,
)
from reader.errors import ReaderError

#: Seconds to reach a scheduler given with ``--cluster`` before saying it cannot be reached.
CONNECT_TIMEOUT = 20


class BatchPlugin(WorkerPlugin):
    """Per-worker state for one batch configuration: the context and its loaded model."""

    idempotent = True

    def __init__(self, config: BatchConfig) -> None:
        self.config = config
        self.name = f"reader-batch-{config.key()}"

    def setup(self, worker: Any) -> None:
        state = start_state(self.config, threads=int(worker.state.nthreads))
        # Runs in the worker's event loop: loading a model there would stall its heartbeats.
        threading.Thread(target=state.warm_quietly, name="reader-model", daemon=True).start()

    def teardown(self, worker: Any) -> None:
        drop_state(self.config)


def _has_model() -> bool:
    from reader.translate.packages import installed

    return bool(installed())


class DaskRunner:
    """Submits jobs to a Dask cluster and yields their outcomes as they finish."""

    def __init__(self, client: Client, description: str) -> None:
        self.client = client
        self.description = description

    def has_model(self, config: BatchConfig) -> bool:
        """True if any worker has a model installed (where the translating happens)."""
        return any(self.client.run(_has_model).values())

    def outcomes(
        self, jobs: Sequence[Job], out_dir: str, config: BatchConfig
    ) -> Iterator[tuple[Job, Outcome]]:
        if not jobs:
            return
        plugin = BatchPlugin(config)
        self.client.register_plugin(plugin)
        batch = secrets.token_hex(4)
        chunks = chunked(jobs, sum(self.client.nthreads().values()))
        pending: dict[Future[list[Outcome]], list[Job]] = {}
        try:
            for index, chunk in enumerate(chunks):
                future = self.client.submit(
                    process_chunk,
                    chunk,
                    out_dir,
                    config,
                    key=f"reader-batch-{batch}-{index}",
                    # Largest first (the order of the chunks), so the tail is short.
                    priority=len(chunks) - index,
                    pure=False,
                )
                pending[future] = chunk
            for future, result in as_completed(pending, with_results=True, raise_errors=False):
                chunk = pending.pop(future)
                if isinstance(result, list):
                    yield from zip(chunk, result, strict=True)
                else:
                    yield from ((job, failed(_task_error(job, result))) for job in chunk)
        finally:
            if pending:
                self.client.cancel(list(pending))
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(plugin.name)


def _task_error(job: Job, error: object) -> str:
    name = type(error).__name__
    if name == "KilledWorker":
        return (
            f"{job.shown}: the workers doing it died three times (it, or a document sent "
            "with it, is too large or crashes them)"
        )
    return f"{job.shown}: {name}: {error}"


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def local_cluster(workers: int, env: dict[str, str] | None = None) -> LocalCluster:
    """The batch's own cluster: one single-threaded process per worker, loopback only."""
    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # The scheduler's HTTP server (health, metrics) on a free loopback port, not 8787.
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
        env=env or {},
    )


@contextlib.contextmanager
def connect(address: str | None, workers: int | None = None) -> Iterator[DaskRunner]:
    """A runner on the scheduler at ``address``, or on a local cluster started for the batch."""
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if address:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ReaderError(f"--cluster {address}: cannot reach the scheduler ({exc})") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except TimeoutError:
                raise ReaderError(f"--cluster {address}: the scheduler has no workers") from None
            count = len(client.scheduler_info().get("workers", {}))
            yield DaskRunner(client, f"dask: {address}, {count} workers")
        return
    count = workers or cores()
    with local_cluster(count) as cluster, Client(cluster) as client:
        yield DaskRunner(client, f"dask: local cluster, {count} workers")
