"""What a worker does with one document, and the state each worker keeps between documents.

A worker process builds one :class:`~reader.context.Context` for the batch
(:class:`WorkerState`) and loads the translation model into it once, on the
Dask worker plugin's setup or the first document; every document after that
reuses the model, the dictionary, jieba and the cache. A document is then
read, parsed, translated (cache, glossary terms, long-sentence splitting and
failure isolation, all the pipeline's) and exported exactly as ``reader
export`` does it, through :func:`~reader.export.document.export_document`,
to a temporary file renamed over its content-hash name.

Nothing one document does stops the batch: an unreadable, binary or empty
file, a translation that is not one of the document, even a bug, comes back
as a failed :class:`Outcome` with its one-line reason. This module needs
no Dask: the same :func:`process` runs in this process when Dask is absent
(in a Dask worker it asks the worker how many tasks it runs at once).

The context is kept for the process, not the batch: a second batch on the
same worker (another format, say) starts with everything already loaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.batch.discovery import Job
from reader.context import Context
from reader.document.load import load_text
from reader.document.parse import parse_source
from reader.english.human import open_translation
from reader.errors import ReaderError
from reader.export.document import ExportReport, export_document
from reader.language.glossary import document_glossary_path
from reader.settings import Settings

log = logging.getLogger(__name__)

DONE = "done"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """What every document of a batch is done with; shipped to each worker once per task."""

    fmt: str
    #: ``argos`` or ``gloss`` (resolved before the batch starts, so a rerun compares like
    #: with like).
    translator: str
    #: The client's settings (``--device`` included): every worker translates alike.
    settings: Settings = field(default_factory=Settings)
    #: False: no translation cache (a cold measurement, for benches).
    cached: bool = True

    def key(self) -> str:
        """Names this configuration's state on a worker (two batches can share a cluster)."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one document: small, so it travels back to the client cheaply."""

    status: str
    #: The output's path relative to the output folder ("" when failed).
    output: str = ""
    sentences: int = 0
    #: Sentences by where their English came from: edited, human, tm, mt or gloss, failed.
    provenance: dict[str, int] = field(default_factory=dict)
    #: The translator that made the English (``argos model 1.9``, ``gloss``).
    made_by: str = ""
    seconds: float = 0.0
    #: ``host:pid`` of the process that did it.
    worker: str = ""
    #: The one-line reason, when failed.
    error: str = ""
    #: The translator could not be made to work at all (no model, a model that does not
    #: load, no GPU for ``--device cuda``): every document would fail alike.
    fatal: bool = False
    #: Which context (and so which loaded model) of its process did it: one per process
    #: and settings, numbered from 1, however many documents and batches it does.
    context: int = 0

    @property
    def ok(self) -> bool:
        return self.status == DONE


def failed(reason: str, *, seconds: float = 0.0, worker: str = "", fatal: bool = False) -> Outcome:
    return Outcome(FAILED, error=reason, seconds=seconds, worker=worker, fatal=fatal)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class WorkerState:
    """One worker's context and loaded model, shared by every document it is given."""

    def __init__(self, config: BatchConfig, threads: int | None = None) -> None:
        """``threads``: the tasks this worker runs at once (a Dask worker's nthreads).

        A worker process per core wants a model with one thread per task, not one
        that spreads each batch over every core (what CTranslate2 does by default,
        right for a single process); settings that name thread counts are kept.
        """
        settings = config.settings
        if threads and not settings.inter_threads and not settings.intra_threads:
            settings = replace(settings, inter_threads=threads, intra_threads=1)
        self.config = config
        self.serial, self.context = _shared_context(settings, cached=config.cached)
        self.worker = _worker_name()
        self._lock = threading.Lock()
        self._ready = False

    def warm(self) -> None:
        """Load jieba, the dictionary and the translator (the model, for argos) once;
        raises what loading raises."""
        with self._lock:
            if self._ready:
                return
            translator = self.context.translator(self.config.translator)
            load = getattr(translator, "load", None)
            if callable(load):
                load()
            self.context.annotator.start()
            self._ready = True

    def warm_quietly(self) -> None:
        """:meth:`warm` where nobody waits for it (a plugin's setup): the first document
        tries again, and its outcome says what went wrong."""
        try:
            self.warm()
        except Exception:  # the first document's outcome carries the reason (fatal)
            log.debug("loading the translator failed", exc_info=True)

    def context_for(self, path: str) -> Context:
        """The batch's context, or a document's own when a glossary sits beside it."""
        if document_glossary_path(path).is_file():
            return self.context.for_document(path)
        return self.context

    def run(self, job: Job, out_dir: str) -> Outcome:
        start = time.perf_counter()
        try:
            self.warm()
        except ReaderError as exc:  # no document can be done here: the client stops the batch
            return failed(str(exc), worker=self.worker, fatal=True)
        try:
            outcome = self._run(job, out_dir)
        except ReaderError as exc:
            # Messages name the file as the user did, not by the absolute path read.
            outcome = failed(str(exc).replace(job.path, job.shown))
        except Exception as exc:  # a bug: one document's, never the batch's
            log.exception("reader batch: %s failed", job.shown)
            outcome = failed(f"{type(exc).__name__}: {exc}")
        return replace(outcome, seconds=time.perf_counter() - start, worker=self.worker)

    def _run(self, job: Job, out_dir: str) -> Outcome:
        source = load_text(job.path)
        if job.sha256 and source.sha256 != job.sha256:
            raise ReaderError(f"{job.shown}: changed while the batch ran; run it again")
        doc = parse_source(source, job.shown)
        context = self.context_for(job.path)
        human = None
        if job.english:
            human = open_translation(doc, job.english, context).english
        fmt = self.config.fmt
        output = job.output_name(fmt)
        report = ExportReport()
        export_document(
            doc,
            fmt,
            Path(out_dir) / output,
            context,
            translator=self.config.translator,
            force=True,
            report=report,
            human=human,
        )
        info = context.translator(self.config.translator).info
        provenance = dict(report.fixed)
        made = "gloss" if info.name == "gloss" else "mt"
        provenance[made] = provenance.get(made, 0) + report.translated
        if report.failures:
            provenance["failed"] = len(report.failures)
        return Outcome(
            DONE,
            output=output,
            sentences=report.sentences,
            provenance={k: v for k, v in provenance.items() if v},
            made_by=info.label(),
            context=self.serial,
        )


_STATES: dict[str, WorkerState] = {}
_STATES_LOCK = threading.Lock()
#: This process's context (settings, cache on or off → its serial and the context), kept
#: after a batch: the next batch on the same worker (another format, say) starts with the
#: model, jieba and the dictionary already loaded. Other settings replace it.
_CONTEXT: dict[tuple[Settings, bool], tuple[int, Context]] = {}
_SERIAL = [0]


def _shared_context(settings: Settings, *, cached: bool) -> tuple[int, Context]:
    with _STATES_LOCK:
        found = _CONTEXT.get((settings, cached))
        if found is None:
            _CONTEXT.clear()
            _SERIAL[0] += 1
            found = _CONTEXT[(settings, cached)] = (_SERIAL[0], Context(settings, cached=cached))
        return found


def start_state(config: BatchConfig, threads: int | None = None) -> WorkerState:
    """This process's state for ``config``, made if need be (a worker plugin's setup)."""
    with _STATES_LOCK:
        state = _STATES.get(config.key())
    if state is None:
        made = WorkerState(config, threads)
        with _STATES_LOCK:
            state = _STATES.setdefault(config.key(), made)
    return state


def drop_state(config: BatchConfig) -> None:
    """Forget ``config``'s state: the batch is over (the context stays for the next one)."""
    with _STATES_LOCK:
        _STATES.pop(config.key(), None)


def worker_threads() -> int | None:
    """The tasks the Dask worker running this code runs at once; None outside a worker."""
    if sys.modules.get("distributed") is None:  # never imports Dask: a worker has it loaded
        return None
    from distributed import get_worker

    try:
        return int(get_worker().state.nthreads)
    except ValueError:  # not in a worker
        return None


def process(job: Job, out_dir: str, config: BatchConfig) -> Outcome:
    """Do one document (in this process, without Dask)."""
    return start_state(config, worker_threads()).run(job, out_dir)


def process_chunk(jobs: list[Job], out_dir: str, config: BatchConfig) -> list[Outcome]:
    """Do a few documents, one after another: the task a Dask worker runs.

    Several small documents share one task because a task costs the scheduler
    milliseconds whatever it holds (more on a busy machine): one tiny document
    a task would spend more time scheduling than translating.
    """
    state = start_state(config, worker_threads())
    return [state.run(job, out_dir) for job in jobs]
