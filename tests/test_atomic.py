from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.store.atomic import atomic_writer, write_text


def test_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "notes.tsv"
    write_text(target, "old\n")
    target.chmod(0o600)
    write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_failure_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "glossary.tsv"
    write_text(target, "precious\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of a new fi")
        raise RuntimeError("crash mid-write")
    assert target.read_bytes() == b"precious\n"
    assert list(tmp_path.iterdir()) == [target]


def test_unwritable_folder_is_a_reader_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReaderError, match="cannot write"):
        write_text(blocker / "inside.txt", "data")


def test_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    write_text(target, "ok")
    assert target.read_text() == "ok"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
