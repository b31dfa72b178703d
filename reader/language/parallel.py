"""Segmentation of a whole book on every core: jieba is pure Python, one core per process.

Counting a novel's words is a cut of 880,000 characters; on a machine with
more than one core, worker processes cut sections at once. They are forked
from this process after jieba is loaded, so they start at once and cut
exactly as this process does (the same dictionary, glossary terms, splits and
joins: the same tokens, only sooner).

Forking is only safe from a process with one thread: the child gets a copy of
the calling thread alone, and a lock another thread held at that moment stays
held in the child forever. So the pool is used only then (``reader
coverage``, ``reader export``, batch work), never from the reader's worker
threads, and never for small inputs, where starting processes costs more than
it saves; everything else cuts in-process, with the same result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.language.segment import Segmenter

#: Below this many characters one process is quicker than starting others.
PARALLEL_MIN_CHARS = 150_000
#: At most this many workers (each holds a copy-on-write view of jieba's dictionary).
MAX_WORKERS = 8

Result = TypeVar("Result")

#: The segmenter the forked workers inherit (set just before forking).
_SEGMENTER: Segmenter | None = None


def cpu_count() -> int:
    """The cores this process may run on (its affinity, where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def can_fork() -> bool:
    """One thread, a system with fork, and not a daemon (which may not have children)."""
    return (
        threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def worker_count(chars: int, workers: int | None = None) -> int:
    """How many processes to cut ``chars`` characters with (1: in this process)."""
    if workers is None:
        workers = min(cpu_count(), MAX_WORKERS) if chars >= PARALLEL_MIN_CHARS else 1
    return workers if workers > 1 and can_fork() else 1


def cut_texts(segmenter: Segmenter, texts: Sequence[str]) -> list[list[str]]:
    return [segmenter.cut(text) for text in texts]


def count_texts(segmenter: Segmenter, texts: Sequence[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(segmenter.cut(text))
    return counts


def _cut_in_worker(texts: Sequence[str]) -> list[list[str]]:
    assert _SEGMENTER is not None
    return cut_texts(_SEGMENTER, texts)


def _count_in_worker(texts: Sequence[str]) -> Counter[str]:
    assert _SEGMENTER is not None
    return count_texts(_SEGMENTER, texts)


def cut_groups(
    segmenter: Segmenter,
    groups: Sequence[Sequence[str]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[list[list[str]]]:
    """Each group's texts cut into words, group by group in order."""
    return _map(cut_texts, _cut_in_worker, segmenter, groups, cancel, workers)


def count_groups(
    segmenter: Segmenter,
    groups: Sequence[Sequence[str]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[Counter[str]]:
    """How often each word occurs in each group's texts (first seen first), in order."""
    return _map(count_texts, _count_in_worker, segmenter, groups, cancel, workers)


def _map(
    here: Callable[[Segmenter, Sequence[str]], Result],
    there: Callable[[Sequence[str]], Result],
    segmenter: Segmenter,
    groups: Sequence[Sequence[str]],
    cancel: threading.Event | None,
    workers: int | None,
) -> Iterator[Result]:
    """``here(segmenter, group)`` for each group in order, or ``there(group)`` in workers."""
    global _SEGMENTER
    segmenter.start()  # loaded once, here, and inherited by every worker
    count = worker_count(sum(len(t) for g in groups for t in g), workers)
    if count <= 1 or len(groups) < 2:
        for group in groups:
            _check(cancel)
            yield here(segmenter, group)
        return
    _SEGMENTER = segmenter
    # Objects that exist now are never collected in the workers: their pages stay
    # shared with this process instead of being copied when the collector walks them.
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(min(count, len(groups)))
    finally:
        gc.unfreeze()
    try:
        for result in pool.imap(there, groups):
            _check(cancel)
            yield result
    finally:
        pool.terminate()
        pool.join()
        _SEGMENTER = None


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ReaderError("cancelled")
