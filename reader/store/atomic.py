"""The one way reader writes a file the user would miss: temp file, fsync, rename.

A crash or a full disk mid-write leaves the old file intact, never half of a
new one. The temporary file lives in the target's folder so the rename stays
on one file system and is atomic.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from reader.errors import ReaderError


def _cannot_write(target: Path, exc: OSError) -> ReaderError:
    return ReaderError(f"{target}: cannot write ({exc.strerror or exc})")


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
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
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


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[TextIO]:
    """Yield a UTF-8 text handle whose content replaces ``path`` on success."""
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8", newline="") as handle:
        yield handle


def write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)
