"""Real storage faults for tests: damaged SQLite pages, read-only folders, a full disk.

Each works the same as root (CI) and not: root ignores ``chmod``, so a
read-only folder is made by ``chmod`` *and* by dropping, in the child process
only, the capabilities that let root ignore it (``CAP_DAC_OVERRIDE`` and
friends, from the bounding set, so they are gone after ``exec``). A full disk
is ``RLIMIT_FSIZE`` in the child with ``SIGXFSZ`` ignored: every write past
the limit fails with ``EFBIG``, as a full disk fails with ``ENOSPC``.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: prctl(PR_CAPBSET_DROP); CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER.
_PR_CAPBSET_DROP = 24
_ROOT_OVERRIDES = (1, 2, 3)


def damage_pages(path: Path, table: str) -> int:
    """Overwrite every leaf page of ``table`` with garbage; the schema and the other tables
    stay readable, so opening the file and a first look pass. Returns the pages damaged."""
    db = sqlite3.connect(path)
    try:
        pages = [
            n
            for (n,) in db.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
            )
        ]
        size = db.execute("PRAGMA page_size").fetchone()[0]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    assert pages, f"{table} has no leaf pages to damage"
    with open(path, "r+b") as handle:
        for number in pages:
            handle.seek((number - 1) * size)
            handle.write(b"\xa5" * size)
    return len(pages)


def _drop_root_overrides() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _ROOT_OVERRIDES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's permission overrides")


def _disk_full_at(limit: int) -> Callable[[], None]:
    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


def make_read_only(paths: Iterable[Path]) -> None:
    """``chmod a-w`` (files 0o444, folders 0o555); children of :func:`reader_cli` obey it."""
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)


def make_writable(paths: Iterable[Path]) -> None:
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


def reader_cli(
    *args: str,
    home: Path,
    full_at: int | None = None,
    stdin: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``reader ARGS`` in a child process with its folders under ``home``: permissions
    obeyed even as root, and writes limited to ``full_at`` bytes a file if given."""
    env = {
        **os.environ,
        "READER_CONFIG_DIR": str(home / "config"),
        "READER_DATA_DIR": str(home / "data"),
        "READER_CACHE_DIR": str(home / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    steps: list[Callable[[], None]] = []
    if os.geteuid() == 0:
        steps.append(_drop_root_overrides)
    if full_at is not None:
        steps.append(_disk_full_at(full_at))

    def before() -> None:
        for step in steps:
            step()

    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=before,
        cwd=ROOT,
    )


def one_line(stderr: str) -> str:
    """The single line a fault must end in (no traceback, no Python warning source line)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr and "warnings.warn" not in stderr
    return lines[0]


def make_home(folder: Path) -> Path:
    """A reader home (config, data, cache) with the run's dictionary index and jieba cache
    copied in, so a child process starts in a second rather than building them."""
    import shutil

    from reader.language.dictionary import Dictionary
    from reader.store.paths import cache_dir

    index = Dictionary().index_path()
    if not index.exists():
        Dictionary().open()
    for name in ("config", "data", "cache"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    shutil.copy(index, folder / "cache" / index.name)
    jieba_cache = cache_dir() / "jieba.cache"
    if jieba_cache.exists():
        shutil.copy(jieba_cache, folder / "cache" / jieba_cache.name)
    return folder
