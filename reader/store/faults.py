"""What went wrong with a file or a folder, in words a user can act on.

Storage fails in a few ways that are the environment's fault, not reader's:
a full disk, a read-only folder, a file another process holds locked, a
damaged SQLite file. Each is told apart here once, so every store says it the
same way (one line naming the file or folder) and a cache knows whether to
set a file aside (damaged) or merely stop writing to it (read-only, full).
"""

from __future__ import annotations

import errno
import sqlite3
import time
import warnings
from collections.abc import Callable
from pathlib import Path

#: ``errno`` values that mean "no room": ENOSPC, a quota, or a file size limit.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: ``errno`` values that mean "cannot write here" (read-only, no permission, not a folder).
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST})
#: Every ``errno`` that is the disk's or the folder's doing rather than a bug.
STORAGE_ERRNOS = FULL_ERRNOS | READ_ONLY_ERRNOS | {errno.EIO}

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB, _SQLITE_FORMAT = 26, 24


class StorageWarning(UserWarning):
    """A disposable file (a cache) could not be used as it was; reader went on without it.

    The CLI prints these as one plain line (``reader: …``), not Python's two-line warning.
    """


def warn(message: str, category: type[StorageWarning] = StorageWarning) -> None:
    """Say, in one line, that a cache was set aside or is not being written."""
    warnings.warn(message, category, stacklevel=3)


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", -1) or -1) & 0xFF


def is_damaged(exc: sqlite3.Error) -> bool:
    """Is this SQLite error a damaged (or foreign) file, rather than a full or read-only disk?

    Only damage justifies setting a file aside: moving a healthy cache away because
    its folder is read-only loses it for nothing.
    """
    if isinstance(exc, sqlite3.OperationalError):
        # "no such table", "no such column": another schema, for a cache the same as damage.
        return _code(exc) == 1 and "no such" in str(exc)
    code = _code(exc)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB, _SQLITE_FORMAT):
        return True
    text = str(exc)
    return code == -1 and ("malformed" in text or "not a database" in text)


def is_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in FULL_ERRNOS
    if isinstance(exc, sqlite3.Error):
        return _code(exc) == _SQLITE_FULL or "full" in str(exc)
    return False


def is_locked(exc: sqlite3.Error) -> bool:
    """Another process holds the file (past the busy timeout): a passing state."""
    return _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in str(exc)


def open_when_free(
    open_once: Callable[[], sqlite3.Connection], timeout: float
) -> sqlite3.Connection:
    """``open_once()``, tried again while the file is locked, up to ``timeout`` seconds.

    Two readers opening a new database at once: turning on WAL and creating the
    schema each want the file to themselves, and SQLite answers "locked" at once,
    not after its busy timeout, where waiting could deadlock (two processes
    marking words at their first start lost one's marks). ``open_once`` closes
    what it opened when it fails.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return open_once()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def sqlite_problem(exc: sqlite3.Error, path: Path) -> str:
    """One line for a SQLite failure on ``path`` that is not damage."""
    code = _code(exc)
    if is_full(exc):
        return f"{path.parent}: the disk is full"
    if code == _SQLITE_READONLY or "readonly" in str(exc):
        return f"{path}: read-only"
    if is_locked(exc):
        return f"{path}: locked by another process for too long"
    if code == _SQLITE_CANTOPEN:
        return f"{path}: cannot open (is {path.parent} a writable folder?)"
    if code == _SQLITE_IOERR:
        # SQLite says "full" only for ENOSPC; a quota or a size limit is an I/O error.
        return f"{path.parent}: cannot write {path.name} (disk I/O error: is the disk full?)"
    if code == _SQLITE_PERM:
        return f"{path}: permission denied"
    return f"{path}: {exc}"


def os_reason(exc: OSError) -> str:
    """What an OSError means, without the file name: ``read-only``, ``the disk is full``…"""
    if exc.errno in FULL_ERRNOS:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is in the way of a folder"
    return exc.strerror or str(exc)


def os_problem(exc: OSError, path: Path | None = None) -> str:
    """One line for an OSError on ``path`` (or the file the error names).

    A full disk names the folder (that is where room must be made).
    """
    where = path if path is not None else Path(exc.filename) if exc.filename else None
    if where is None:
        return os_reason(exc)
    if exc.errno in FULL_ERRNOS:
        return f"{where.parent}: the disk is full"
    return f"{where}: {os_reason(exc)}"
