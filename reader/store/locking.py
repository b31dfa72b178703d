"""One process at a time through a read-modify-write of a user file.

The glossary, the vocabulary, the word splits and a document's bookmarks are
each one file rewritten whole. Two ``reader`` processes that each read it,
change it and write it back lose one another's change (two processes adding
200 glossary entries each kept 397 of 400); a thread lock cannot see the
other process. :func:`locked` holds an OS file lock (the ``filelock``
library: ``flock`` on POSIX, ``LockFileEx`` on Windows) on a hidden
``.NAME.lock`` beside the file for the whole read-change-write, so the second
writer reads what the first wrote.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from reader.errors import ReaderError
from reader.store.faults import os_problem

#: Seconds to wait for another process before saying so (as SQLite's busy timeout).
LOCK_TIMEOUT = 30.0


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock of ``path`` for the block; one line if it cannot be had.

    Never nest two ``locked`` blocks of the same file in one thread: the second
    would wait for the first.
    """
    # Imported here: about 20 ms, and only a change needs it (not the reader's first frame).
    from filelock import FileLock, Timeout

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path(path), timeout=timeout)
        lock.acquire()
    except Timeout:
        raise ReaderError(
            f"{path}: another reader has been changing it for more than {timeout:.0f} s; "
            "nothing was changed"
        ) from None
    except OSError as exc:
        raise ReaderError(f"{os_problem(exc, path)}; nothing was changed") from None
    try:
        yield
    finally:
        lock.release()
