"""Which documents a batch holds, and where each one's output goes.

A folder is walked recursively for ``.txt`` and ``.md`` files (hidden ones,
the output folder and the English folder left out); a list file names one
path a line. Every document is hashed here, on the client: the output is
named by its content hash, so a rerun knows exactly which outputs are
current, and a document edited since the last run is done again.

Jobs come largest first, so the longest documents start early and the tail
of the batch is short.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError

#: What ``reader`` opens: plain text and Markdown.
DOCUMENT_SUFFIXES = (".txt", ".md")
#: Hex digits of the content hash in an output's name: enough to never collide in a corpus.
HASH_DIGITS = 12
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Job:
    """One document of the batch."""

    #: Absolute path, for the worker to read (on a cluster: the same path on every machine).
    path: str
    #: The path as the user named it (the folder given, joined with the file's place in it):
    #: what messages, the manifest and the exports call the document.
    shown: str
    #: Its place in the batch, ``/``-separated: the manifest's key, the output's folder.
    rel: str
    size: int
    #: SHA-256 of the file's bytes; "" when it could not be read.
    sha256: str
    #: The human translation (``--english-dir``, same relative path), absolute, if there is one.
    english: str | None = None
    english_sha256: str = ""
    #: Why the file cannot even be read here (it is recorded as failed, never submitted).
    error: str | None = None

    def output_name(self, fmt: str) -> str:
        """``a/report.3fa2c9d1e0b8.tmx``: the folder and name kept, the content hash added.

        With a human translation, its hash too: another English is another output.
        """
        rel = Path(self.rel)
        digest = self.sha256[:HASH_DIGITS]
        if self.english_sha256:
            digest += "-" + self.english_sha256[: HASH_DIGITS // 2]
        return (rel.parent / f"{rel.stem}.{digest}.{fmt}").as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and (path == folder or folder in path.parents)


def _walk(folder: Path, skip: Iterable[Path | None]) -> list[Path]:
    """Every document under ``folder``; hidden names and the ``skip`` folders left out."""
    skipped = [s.resolve() for s in skip if s is not None]
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not any(_inside((here / d).resolve(), s) for s in skipped)
        )
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            path = here / name
            if path.is_file():
                found.append(path)
    return found


def _listed(list_file: Path) -> list[Path]:
    """The paths of a list file: one a line, relative ones to the list's folder; ``#`` comments."""
    try:
        text = list_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReaderError(f"{list_file}: not a list of paths (not UTF-8 text)") from None
    except OSError as exc:
        raise ReaderError(f"{list_file}: cannot read ({exc.strerror or exc})") from None
    paths: list[Path] = []
    seen: set[Path] = set()
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        path = Path(entry).expanduser()
        if not path.is_absolute():
            path = Path(os.path.normpath(list_file.parent / path))
        if path.resolve() not in seen:
            seen.add(path.resolve())
            paths.append(path)
    return paths


def _rels(paths: list[Path], base: Path | None) -> list[str]:
    """Each path's place in the batch: below ``base``, else below the paths' common folder."""
    absolute = [Path(os.path.abspath(p)) for p in paths]
    top = Path(os.path.abspath(base)) if base is not None else None
    if top is None or not all(_inside(p, top) for p in absolute):
        top = Path(os.path.commonpath([str(p.parent) for p in absolute]))
    return [p.relative_to(top).as_posix() for p in absolute]


def _job(path: Path, rel: str, english_dir: Path | None) -> Job:
    shown = str(path)
    absolute = os.path.abspath(path)
    try:
        size = path.stat().st_size
        sha = _sha256(path)
    except FileNotFoundError:
        return Job(absolute, shown, rel, 0, "", error=f"{shown}: no such file")
    except IsADirectoryError:
        return Job(absolute, shown, rel, 0, "", error=f"{shown}: is a directory, not a file")
    except OSError as exc:
        return Job(absolute, shown, rel, 0, "", error=f"{shown}: cannot read ({exc.strerror})")
    english, english_sha = None, ""
    if english_dir is not None:
        candidate = english_dir / rel
        if candidate.is_file():
            try:
                english_sha = _sha256(candidate)
                english = str(candidate.absolute())
            except OSError:
                pass  # unreadable: the document is translated by machine instead
    return Job(absolute, shown, rel, size, sha, english, english_sha)


def discover(source: Path, out_dir: Path, english_dir: Path | None = None) -> list[Job]:
    """The documents of ``source`` (a folder, or a list file), largest first."""
    if source.is_dir():
        paths = _walk(source, (out_dir, english_dir))
        if not paths:
            raise ReaderError(f"{source}: no .txt or .md documents in it")
        rels = [p.relative_to(source).as_posix() for p in paths]
    elif source.is_file():
        paths = _listed(source)
        if not paths:
            raise ReaderError(f"{source}: the list names no documents")
        rels = _rels(paths, source.parent)
    elif source.exists():
        raise ReaderError(f"{source}: not a folder or a list of documents")
    else:
        raise ReaderError(f"{source}: no such folder or list file")
    if english_dir is not None and not english_dir.is_dir():
        raise ReaderError(f"--english-dir {english_dir}: no such folder")
    jobs = [_job(path, rel, english_dir) for path, rel in zip(paths, rels, strict=True)]
    return sorted(jobs, key=lambda j: (-j.size, j.rel))
