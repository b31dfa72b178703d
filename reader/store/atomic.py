"""The one way reader writes a file the user would miss: temp file, fsync, rename.

A crash or a full disk mid-write leaves the old file intact, never half of a
new one. The temporary file (``.NAME.<hex>.tmp``) lives in the target's folder
so the rename stays on one file system and is atomic. A process killed
mid-write (``kill -9``) leaves its temporary file behind: the writer holds an
OS lock on it while writing, so :func:`sweep_stale` can tell a dead writer's
file (old, unlocked) from a live one and remove it at the next start.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from reader.errors import ReaderError
from reader.store.faults import FULL_ERRNOS, os_reason
from reader.store.paths import cache_dir, config_dir, data_dir

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

#: A temporary file this module makes: ``.glossary.tsv.3f9a0c1b2d4e.tmp``.
TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
#: A temporary file untouched this long, and unlocked, belongs to a dead writer.
STALE_AFTER = 10 * 60


def _cannot_write(target: Path, exc: OSError) -> ReaderError:
    if exc.errno in FULL_ERRNOS:
        return ReaderError(
            f"{target.parent}: the disk is full ({exc.strerror or exc}); "
            f"{target.name} was not changed"
        )
    return ReaderError(f"{target}: cannot write ({os_reason(exc)}); nothing was changed")


def _lock(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` if the block succeeds.

    For libraries that want a file name (zipfile, sqlite3) rather than a handle.
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 lets the umask decide, as for any file the user creates.
        held = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        # Held until the rename: the mark of a live writer for sweep_stale.
        _lock(held)
        yield temp
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        if target.exists():
            # Keep the permissions the user gave the file.
            os.chmod(temp, target.stat().st_mode & 0o7777)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _cannot_write(target, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        os.close(held)


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[TextIO]:
    """Yield a UTF-8 text handle whose content replaces ``path`` on success."""
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        yield handle


def write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def sweep_stale(folders: Iterable[Path], older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files dead writers left in ``folders``; returns them.

    A file is a dead writer's when it is ours by name, untouched for
    ``older_than`` seconds and not locked by a live writer. Never raises: a
    folder that cannot be read or changed is left as it is.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not TEMPORARY.match(entry.name):
                continue
            try:
                if not entry.is_file(follow_symlinks=False) or entry.stat().st_mtime > cutoff:
                    continue
                if _unlink_unlocked(Path(entry.path)):
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def _unlink_unlocked(path: Path) -> bool:
    if fcntl is None:
        path.unlink()
        return True
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live writer holds it
        path.unlink()
        return True
    finally:
        os.close(fd)


def sweep_user_folders() -> list[Path]:
    """:func:`sweep_stale` on the folders reader writes to (at every start: a few scandirs)."""
    data = data_dir()
    return sweep_stale([config_dir(), data, data / "documents", cache_dir()])
