"""Segmentation of a whole book on every core: jieba is pure Python, one core per process.

Counting a novel's words is a cut of 880,000 characters; on a machine with
more than one core, worker processes cut sections at once. They are forked
from this process after jieba is loaded, so they start at once and cut
exactly as this process does (the same dictionary, glossary terms, splits and
joins: the same tokens, only sooner). The same pools annotate a whole document
(:func:`annotate_texts`: for an export, and for the gloss of a book): whatever
a worker needs is the object it was forked with.

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
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.language.annotate import Annotator, Token, TokenRow
    from reader.language.segment import Segmenter

#: Below this many characters one process is quicker than starting others.
PARALLEL_MIN_CHARS = 150_000
#: At most this many workers (each holds a copy-on-write view of jieba's dictionary).
MAX_WORKERS = 8

#: Characters per task sent to a worker: small enough that the workers finish
#: together, large enough that sending a task costs nothing beside its work.
GROUP_CHARS = 20_000

Result = TypeVar("Result")
State = TypeVar("State")

#: What the forked workers work with (set just before forking, in the parent).
_STATE: Any = None


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


def cut_groups(
    segmenter: Segmenter,
    groups: Sequence[Sequence[str]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[list[list[str]]]:
    """Each group's texts cut into words, group by group in order."""
    segmenter.start()  # loaded once, here, and inherited by every worker
    return map_groups(segmenter, cut_texts, groups, cancel=cancel, workers=workers)


def count_groups(
    segmenter: Segmenter,
    groups: Sequence[Sequence[str]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[Counter[str]]:
    """How often each word occurs in each group's texts (first seen first), in order."""
    segmenter.start()
    return map_groups(segmenter, count_texts, groups, cancel=cancel, workers=workers)


def map_groups(
    state: State,
    work: Callable[[State, Sequence[str]], Result],
    groups: Sequence[Sequence[str]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[Result]:
    """``work(state, group)`` for each group, in order: in worker processes forked from
    this one when there is enough text (and forking is safe), else here.

    ``work`` must be a module-level function (the workers are told its name) and
    ``state`` loaded before this is called, so that every worker inherits it ready.
    """
    global _STATE
    count = worker_count(sum(len(t) for g in groups for t in g), workers)
    if count <= 1 or len(groups) < 2:
        for group in groups:
            _check(cancel)
            yield work(state, group)
        return
    _STATE = state
    # Objects that exist now are never collected in the workers: their pages stay
    # shared with this process instead of being copied when the collector walks them.
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(
            min(count, len(groups)), initializer=_worker_signals
        )
    finally:
        gc.unfreeze()
    try:
        for result in pool.imap(_in_worker, ((work, group) for group in groups)):
            _check(cancel)
            yield result
    finally:
        pool.terminate()
        pool.join()
        _STATE = None


def _worker_signals() -> None:
    """A worker ends quietly when the pool is done with it (SIGTERM: ``reader`` turns it
    into an exception with a traceback), and leaves Ctrl-C to this process, which then
    ends the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_worker(task: tuple[Callable[[Any, Sequence[str]], Result], Sequence[str]]) -> Result:
    work, group = task
    return work(_STATE, group)


def text_groups(texts: Iterable[str], chars: int = GROUP_CHARS) -> list[list[str]]:
    """``texts`` in order, cut into groups of about ``chars`` characters (tasks for workers)."""
    groups: list[list[str]] = []
    group: list[str] = []
    size = 0
    for text in texts:
        group.append(text)
        size += len(text)
        if size >= chars:
            groups.append(group)
            group, size = [], 0
    if group:
        groups.append(group)
    return groups


# -- a document's annotation ---------------------------------------------------------------

#: Distinct words per task when the workers read words: a novel has 45,000.
WORD_GROUP = 2_000


def word_rows(annotator: Annotator, words: Sequence[str]) -> list[tuple[TokenRow, ...]]:
    """What a worker does for :func:`annotate_texts`' second step."""
    return annotator.word_rows(words)


def cut_with(annotator: Annotator, texts: Sequence[str]) -> list[list[str]]:
    """What a worker does for :func:`annotate_texts`' first step."""
    return cut_texts(annotator.segmenter, texts)


def annotate_texts(
    annotator: Annotator,
    texts: Iterable[str],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> dict[str, tuple[Token, ...]]:
    """Every distinct text's tokens, exactly as :meth:`Annotator.annotate` makes them: a
    whole document annotated on every core (an export, the gloss of a book).

    In three steps, so that no word is looked up twice: the workers cut the texts
    into words; each distinct word is read (pinyin, dictionary, glossary: most of
    the cost) by one worker, which sends its tokens back; here each text's tokens
    are put together from its words, and neighbours decide the readings they
    change, as :meth:`Annotator.assemble` does for one text. Texts the annotator
    has at hand already (primed from the annotation cache) cost nothing.
    """
    annotator.start()  # jieba, the dictionary and pypinyin loaded once, here, for every worker
    ordered = [t for t in dict.fromkeys(texts) if t]
    known = {t: found for t in ordered if (found := annotator.known(t)) is not None}
    unique = [t for t in ordered if t not in known]
    groups = text_groups(unique)
    # Decided by the texts' size for both steps (a book's distinct words are few characters).
    workers = worker_count(sum(len(t) for t in unique), workers)
    cuts: list[list[str]] = []
    # One string per distinct word (a book's 880,000 words arrive as as many copies).
    distinct: dict[str, str] = {}
    same = distinct.setdefault
    for texts_words in map_groups(annotator, cut_with, groups, cancel=cancel, workers=workers):
        cuts.extend([list(map(same, words, words)) for words in texts_words])
    new = [w for w in distinct if not annotator.has_word(w)]
    word_groups = [new[i : i + WORD_GROUP] for i in range(0, len(new), WORD_GROUP)]
    rows = map_groups(annotator, word_rows, word_groups, cancel=cancel, workers=workers)
    for group, group_rows in zip(word_groups, rows, strict=True):
        annotator.adopt_words(group, group_rows)
    _check(cancel)
    made = {
        text: tuple(annotator.assemble(words)) for text, words in zip(unique, cuts, strict=True)
    }
    return {t: known[t] if t in known else made[t] for t in ordered}


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ReaderError("cancelled")
