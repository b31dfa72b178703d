"""The batch's manifest: one row per document and format, in SQLite in the output folder.

It says what is done, so an interrupted batch (Ctrl-C, a killed worker, a lost
machine) resumes where it stopped: a document counts as done when its row
says so for the same content, English, format and translator (its ``key``)
and its output file is still there. Each row also keeps what the document
gave (sentences, where their English came from, which translator, how long,
which worker) or why it failed.

Only the client writes it, one transaction per document, so a crash loses at
most the document being recorded; SQLite (WAL, a busy timeout) keeps it whole
when two batches share an output folder.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.batch.tasks import DONE, Outcome
from reader.errors import ReaderError

MANIFEST = "manifest.sqlite"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    rel TEXT NOT NULL,            -- the document's place in the batch
    format TEXT NOT NULL,
    source TEXT NOT NULL,         -- its path, as given
    key TEXT NOT NULL,            -- content hash, English hash, format, translator
    status TEXT NOT NULL,         -- done | failed
    output TEXT NOT NULL,         -- relative to the output folder ('' when failed)
    sentences INTEGER NOT NULL,
    provenance TEXT NOT NULL,     -- JSON: sentences by where their English came from
    made_by TEXT NOT NULL,
    seconds REAL NOT NULL,
    worker TEXT NOT NULL,
    error TEXT NOT NULL,
    finished REAL NOT NULL,       -- Unix time
    run TEXT NOT NULL,
    PRIMARY KEY (rel, format)
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    engine TEXT NOT NULL,
    format TEXT NOT NULL,
    translator TEXT NOT NULL,
    documents INTEGER NOT NULL,   -- found
    skipped INTEGER NOT NULL,     -- already done
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    interrupted INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True, slots=True)
class Record:
    rel: str
    format: str
    source: str
    key: str
    status: str
    output: str
    sentences: int
    provenance: dict[str, int]
    made_by: str
    seconds: float
    worker: str
    error: str
    finished: float
    run: str


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    started: float
    finished: float | None
    engine: str
    format: str
    translator: str
    documents: int
    skipped: int
    done: int
    failed: int
    interrupted: bool


@dataclass
class Summary:
    """What ``reader batch --status`` prints."""

    path: Path
    documents: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    sentences: int = 0
    provenance: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    failures: list[Record] = field(default_factory=list)
    last_run: Run | None = None


class Manifest:
    """``OUT_DIR/manifest.sqlite``; every failure to use it is one line naming the file."""

    def __init__(self, out_dir: Path, *, create: bool = True) -> None:
        self.path = out_dir / MANIFEST
        if not create and not self.path.is_file():
            raise ReaderError(f"{out_dir}: no batch here (no {MANIFEST})")
        try:
            if create:
                out_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL loses no commit when the process dies, and at worst the
            # last few when the machine does (never the file): those documents are done
            # again. FULL would fsync every document's row (7 ms each here).
            self._db.execute("PRAGMA synchronous = NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ReaderError(f"{self.path}: written by a newer reader; upgrade reader")
            if create or version:
                # One script, one transaction: the tables appear whole or not at all.
                self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{_SCHEMA}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
                )
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None
        except OSError as exc:
            raise ReaderError(f"{self.path}: cannot open ({exc.strerror or exc})") from None

    def _error(self, exc: sqlite3.Error) -> ReaderError:
        if isinstance(exc, sqlite3.OperationalError) and "locked" not in str(exc):
            return ReaderError(f"{self.path}: cannot use the manifest ({exc})")
        return ReaderError(
            f"{self.path}: not a batch manifest, or damaged ({exc}); move it away to start afresh"
        )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what is done ---------------------------------------------------------------------

    def done(self, fmt: str) -> dict[str, tuple[str, str]]:
        """Every document done in ``fmt``: its ``rel`` → (key, output)."""
        rows = self._query(
            "SELECT rel, key, output FROM documents WHERE format = ? AND status = ?", (fmt, DONE)
        )
        return {rel: (key, output) for rel, key, output in rows}

    def outputs(self) -> dict[tuple[str, str], str]:
        """Every recorded output by (rel, format), done or not (a failed row keeps none)."""
        rows = self._query("SELECT rel, format, output FROM documents WHERE output != ''", ())
        return {(rel, fmt): output for rel, fmt, output in rows}

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        try:
            return list(self._db.execute(sql, params))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    # -- writing ----------------------------------------------------------------------------

    def record(
        self, *, rel: str, fmt: str, source: str, key: str, outcome: Outcome, run: str
    ) -> str | None:
        """Record ``outcome``; returns the output this document had before, if it is no longer
        any document's (the caller removes the stale file)."""
        try:
            with self._transaction() as db:
                before = db.execute(
                    "SELECT output FROM documents WHERE rel = ? AND format = ?", (rel, fmt)
                ).fetchone()
                # A failed document keeps its previous output: it is still the last good one.
                output = outcome.output if outcome.ok else (before[0] if before else "")
                db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        rel,
                        fmt,
                        source,
                        key,
                        outcome.status,
                        output,
                        outcome.sentences,
                        json.dumps(outcome.provenance, sort_keys=True),
                        outcome.made_by,
                        outcome.seconds,
                        outcome.worker,
                        outcome.error,
                        time.time(),
                        run,
                    ),
                )
                old = before[0] if before else ""
                if not old or old == output:
                    return None
                still = db.execute("SELECT 1 FROM documents WHERE output = ?", (old,)).fetchone()
                return None if still else old
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def start_run(
        self, run: str, *, engine: str, fmt: str, translator: str, documents: int, skipped: int
    ) -> None:
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO runs (id, started, engine, format, translator, documents, "
                    "skipped) VALUES (?,?,?,?,?,?,?)",
                    (run, time.time(), engine, fmt, translator, documents, skipped),
                )
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def finish_run(self, run: str, *, done: int, failed: int, interrupted: bool) -> None:
        try:
            with self._transaction() as db:
                db.execute(
                    "UPDATE runs SET finished = ?, done = ?, failed = ?, interrupted = ? "
                    "WHERE id = ?",
                    (time.time(), done, failed, int(interrupted), run),
                )
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    # -- reading ----------------------------------------------------------------------------

    def records(self) -> list[Record]:
        rows = self._query("SELECT * FROM documents ORDER BY rel, format", ())
        return [_record(row) for row in rows]

    def runs(self) -> list[Run]:
        rows = self._query("SELECT * FROM runs ORDER BY started", ())
        return [_run(row) for row in rows]

    def summary(self) -> Summary:
        summary = Summary(self.path)
        for record in self.records():
            summary.documents += 1
            summary.by_status[record.status] += 1
            summary.formats[record.format] += 1
            if record.status == DONE:
                summary.sentences += record.sentences
                summary.provenance.update(record.provenance)
                summary.seconds += record.seconds
            else:
                summary.failures.append(record)
        runs = self.runs()
        summary.last_run = runs[-1] if runs else None
        return summary


def _record(row: tuple[Any, ...]) -> Record:
    rel, fmt, source, key, status, output, sentences, provenance, made_by = row[:9]
    seconds, worker, error, finished, run = row[9:]
    return Record(
        str(rel),
        str(fmt),
        str(source),
        str(key),
        str(status),
        str(output),
        int(sentences),
        {str(k): int(v) for k, v in json.loads(str(provenance)).items()},
        str(made_by),
        float(seconds),
        str(worker),
        str(error),
        float(finished),
        str(run),
    )


def _run(row: tuple[Any, ...]) -> Run:
    rid, started, finished, engine, fmt, translator, documents, skipped = row[:8]
    done, failed, interrupted = row[8:]
    return Run(
        str(rid),
        float(started),
        None if finished is None else float(finished),
        str(engine),
        str(fmt),
        str(translator),
        int(documents),
        int(skipped),
        int(done),
        int(failed),
        bool(interrupted),
    )
