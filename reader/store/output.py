"""The one way a file the user asked for (an export, a glossary, a memory) reaches the disk.

Every format writes through :func:`output_path` (a temporary file beside the
target, renamed over it only when the whole export succeeded), so a failed or
interrupted export leaves no partial file and keeps an older one intact. An
existing file is kept unless ``force``; a path that cannot be written is a
one-line :class:`~reader.errors.ReaderError`.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from reader.errors import ReaderError
from reader.store.atomic import atomic_path
from reader.text_safety import quote_formula, strip_controls

#: Characters XML 1.0 forbids (C0 controls other than tab, LF, CR; surrogates;
#: U+FFFE/U+FFFF): dropped from XML, XHTML and HTML output.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_BREAK = re.compile(r"[ \t]*[\r\n][\s]*|\t")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def one_line(text: str) -> str:
    """``text`` stripped, tabs and line breaks (with the spaces around them) as one space,
    control characters (ESC, BEL…) dropped: one TSV cell, or one line of a message."""
    text = strip_controls(text)
    # Most cells have no break at all: a regex pass over each was a sixth of a TSV export.
    if "\n" in text or "\t" in text or "\r" in text:
        text = _BREAK.sub(" ", text)
    return text.strip()


def tsv_cell(text: str) -> str:
    """One cell of a TSV a spreadsheet may open: one line, a formula start quoted
    (:func:`~reader.text_safety.spreadsheet_cell`)."""
    return quote_formula(one_line(text))


def csv_cell(text: str) -> str:
    """One cell of a CSV (the :mod:`csv` module quotes it): stripped, controls dropped,
    a formula start quoted."""
    return quote_formula(strip_controls(text).strip())


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is (``st_mode`` of ``lstat``), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_target(path: str | Path, *, force: bool, source: str | Path | None = None) -> Path:
    """``path`` as a Path, or a one-line error if it must not be written.

    Only a regular file is ever replaced, ``force`` or not: the rename would
    put a file where a device (``/dev/full``), a named pipe or a link was.
    """
    target = Path(path)
    if target.is_dir():
        raise ReaderError(f"{target}: is a folder; give a file name")
    try:
        kind = special_kind(os.lstat(target).st_mode)
    except FileNotFoundError:
        kind = None
    except OSError as exc:
        raise ReaderError(f"{target}: cannot write ({exc.strerror or exc})") from None
    if kind is not None:
        raise ReaderError(f"{target}: is {kind}, not a regular file; give another file name")
    if source is not None and target.exists() and _same_file(target, Path(source)):
        raise ReaderError(f"{target}: is the document being exported; choose another name")
    if not force and (target.exists() or target.is_symlink()):
        raise ReaderError(f"{target}: already exists (use --force to replace it)")
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def output_path(
    path: str | Path, *, force: bool = False, source: str | Path | None = None
) -> Iterator[Path]:
    """A temporary path to write to; it becomes ``path`` when the block succeeds."""
    target = check_target(path, force=force, source=source)
    with atomic_path(target) as temp:
        yield temp


@contextlib.contextmanager
def output_text(
    path: str | Path, *, force: bool = False, source: str | Path | None = None
) -> Iterator[TextIO]:
    """A UTF-8 text handle (``\\n`` written as is) whose content becomes ``path``."""
    with (
        output_path(path, force=force, source=source) as temp,
        open(temp, "w", encoding="utf-8", newline="") as handle,
    ):
        yield handle
