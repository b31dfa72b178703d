"""The term base: built-in policy vocabulary, the user's glossary, a document's glossary.

All three use OmegaT's glossary format (UTF-8, tab-separated: source, target,
comment; ``#`` starts a comment line) so a translator can share one file
between reader and a CAT tool. Precedence: a document's glossary
(``NAME.glossary.tsv`` beside it) over the user's over the built-in one.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal, TextIO

from reader.errors import ReaderError
from reader.hanzi import has_hanzi
from reader.store.atomic import atomic_writer
from reader.store.locking import locked
from reader.store.paths import config_dir
from reader.text_safety import restore_cell, strip_controls

Origin = Literal["document", "user", "glossary"]
USER_GLOSSARY = "glossary.tsv"
_HEADER = "# reader glossary (OmegaT format): source<TAB>target<TAB>comment\n"
_HEADER_WORDS = frozenset({"source", "term", "chinese", "zh", "src", "源", "原文", "术语"})


@dataclass(frozen=True, slots=True)
class Term:
    source: str
    target: str
    note: str = ""
    origin: Origin = "user"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    new: tuple[Term, ...]
    changed: tuple[tuple[Term, Term], ...]  # (old, new)
    identical: tuple[Term, ...]
    skipped: tuple[str, ...]  # lines that are not terms, with the reason

    def describe(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.identical)} identical"
            + (f", {len(self.skipped)} skipped" if self.skipped else "")
        )


def describe_change(old: Term, new: Term) -> str:
    """``重要: crucial → vital; note "house style" → "ours"``: what an import changes."""
    parts = []
    if old.target != new.target:
        parts.append(f"{old.target} → {new.target}")
    if old.note != new.note:
        if not new.note:
            parts.append(f"note {old.note!r} dropped")
        else:
            parts.append(
                f"note {old.note!r} → {new.note!r}" if old.note else f"note {new.note!r} added"
            )
    return f"{new.source}: {'; '.join(parts)}"


def _clean(field: str) -> str:
    """No tab or newline may enter a field: they would break the TSV; no control character
    (ESC, BEL) either: a shared glossary's English reaches the terminal."""
    return " ".join(strip_controls(field).split())


def check_term(source: str, target: str) -> tuple[str, str]:
    source, target = _clean(source), _clean(target)
    if not has_hanzi(source):
        raise ReaderError(f"glossary term {source!r} has no Chinese characters")
    if not target:
        raise ReaderError(f"glossary term {source!r} needs an English rendering")
    return source, target


def _rows_to_terms(
    rows: Iterable[list[str]],
    origin: Origin,
    skipped: list[str] | None = None,
    noted: set[str] | None = None,
) -> Iterator[Term]:
    """Terms of ``rows``; ``noted`` collects the sources whose row has a note column."""
    for number, row in enumerate(rows, 1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() in _HEADER_WORDS:
            continue
        if len(row) < 2 or not row[1].strip():
            if skipped is not None:
                skipped.append(f"line {number}: no English rendering")
            continue
        try:
            source, target = check_term(row[0], row[1])
        except ReaderError as exc:
            if skipped is not None:
                skipped.append(f"line {number}: {exc}")
            continue
        note = _clean(row[2]) if len(row) > 2 else ""
        if noted is not None and len(row) > 2:
            noted.add(source)
        yield Term(source, target, note, origin)


def parse_glossary(
    text: str,
    origin: Origin,
    *,
    csv_format: bool = False,
    skipped: list[str] | None = None,
    noted: set[str] | None = None,
) -> list[Term]:
    if csv_format:
        # A CSV reader exported quotes a formula-like cell ('-ism): take it off again.
        rows: Iterable[list[str]] = (
            [restore_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text))
        )
    else:
        rows = (line.split("\t") for line in text.splitlines())
    return list(_rows_to_terms(rows, origin, skipped, noted))


def read_glossary(path: Path, origin: Origin) -> list[Term]:
    """Read a glossary file; a missing file is an empty glossary."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise ReaderError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from None
    return parse_glossary(text, origin, csv_format=path.suffix.lower() == ".csv")


def write_terms(handle: TextIO, terms: Iterable[Term]) -> None:
    """Terms in OmegaT TSV, sorted, with a comment header OmegaT skips."""
    handle.write(_HEADER)
    for term in sorted(terms, key=lambda t: t.source):
        handle.write(f"{term.source}\t{term.target}\t{term.note}\n")


def write_glossary(path: Path, terms: Iterable[Term]) -> None:
    """Write terms in OmegaT TSV, atomically."""
    with atomic_writer(path) as handle:
        write_terms(handle, terms)


def builtin_terms() -> list[Term]:
    text = (files("reader") / "data" / "glossary.tsv").read_text(encoding="utf-8")
    return parse_glossary(text, "glossary")


def document_glossary_path(document: str | Path) -> Path:
    """``report.txt`` → ``report.glossary.tsv`` beside it."""
    p = Path(document)
    return p.with_name(f"{p.stem}.glossary.tsv")


class Glossary:
    """The merged term base; changes to the user glossary are saved at once."""

    def __init__(
        self,
        user_path: Path | None = None,
        document_path: Path | None = None,
        *,
        builtin: bool = True,
    ) -> None:
        self.user_path = user_path or config_dir() / USER_GLOSSARY
        self.document_path = document_path
        self._lock = threading.Lock()
        self._builtin = {t.source: t for t in builtin_terms()} if builtin else {}
        self._user = {t.source: t for t in read_glossary(self.user_path, "user")}
        self._document = (
            {t.source: t for t in read_glossary(document_path, "document")} if document_path else {}
        )
        #: Bumped on every change, so caches keyed on it notice edits.
        self.version = 0

    def get(self, source: str) -> Term | None:
        return self._document.get(source) or self._user.get(source) or self._builtin.get(source)

    def __contains__(self, source: object) -> bool:
        return isinstance(source, str) and self.get(source) is not None

    def terms(self) -> list[Term]:
        """Every effective term (overrides applied), sorted by source."""
        merged = {**self._builtin, **self._user, **self._document}
        return [merged[k] for k in sorted(merged)]

    def user_terms(self) -> list[Term]:
        return [self._user[k] for k in sorted(self._user)]

    def _saved_user(self) -> dict[str, Term]:
        """The user glossary as saved now: another process may have changed it since we read
        it. Called under the file lock, so a change is made to the latest file."""
        return {t.source: t for t in read_glossary(self.user_path, "user")}

    def add(self, source: str, target: str, note: str = "") -> Term:
        """Add or replace a user term and save the user glossary."""
        source, target = check_term(source, target)
        term = Term(source, target, _clean(note), "user")
        with self._lock, locked(self.user_path):
            updated = {**self._saved_user(), source: term}
            write_glossary(self.user_path, updated.values())
            self._user = updated
            self.version += 1
        return term

    def remove(self, source: str) -> bool:
        """Remove a user term; built-in terms cannot be removed, only overridden."""
        with self._lock, locked(self.user_path):
            saved = self._saved_user()
            if source not in saved:
                self._user = saved
                return False
            updated = {k: v for k, v in saved.items() if k != source}
            write_glossary(self.user_path, updated.values())
            self._user = updated
            self.version += 1
        return True

    def plan_import(self, path: Path) -> ImportSummary:
        """Compare a TSV or CSV file with the user glossary; nothing is written."""
        from reader.document.load import read_input  # a regular file of a sane size only

        try:
            text = read_input(path).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReaderError(f"{path}: cannot read ({exc})") from None
        skipped: list[str] = []
        is_csv = path.suffix.lower() == ".csv" or ("\t" not in text and "," in text)
        noted: set[str] = set()
        incoming = parse_glossary(text, "user", csv_format=is_csv, skipped=skipped, noted=noted)
        new: list[Term] = []
        changed: list[tuple[Term, Term]] = []
        identical: list[Term] = []
        for term in {t.source: t for t in incoming}.values():
            old = self._user.get(term.source)
            if old is not None and old.note and term.source not in noted:
                # A row without a note column merges: your note is kept, not dropped
                # (an empty note column does drop it, and the change says so).
                term = Term(term.source, term.target, old.note, term.origin)
            if old is None:
                new.append(term)
            elif (old.target, old.note) == (term.target, term.note):
                identical.append(term)
            else:
                changed.append((old, term))
        return ImportSummary(tuple(new), tuple(changed), tuple(identical), tuple(skipped))

    def apply_import(self, summary: ImportSummary) -> None:
        with self._lock, locked(self.user_path):
            updated = self._saved_user()
            updated.update({t.source: t for t in summary.new})
            updated.update({new.source: new for _, new in summary.changed})
            write_glossary(self.user_path, updated.values())
            self._user = updated
            self.version += 1
