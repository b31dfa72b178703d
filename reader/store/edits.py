"""Your own English for a document's sentences: post-edits, saved the moment you make them.

Keyed by the document's content hash and the sentence id (the ids are only
valid for that exact text). The Chinese is stored too, so an edit is never
shown beside a sentence it was not written for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from reader.store.database import EnglishDatabase
from reader.store.memory import EDITED, memory_key


@dataclass(frozen=True, slots=True)
class Edit:
    sentence: str
    source: str
    target: str
    updated: float


class Edits:
    """The edits of one document."""

    def __init__(self, database: EnglishDatabase, document_sha256: str) -> None:
        self._db = database
        self.document = document_sha256

    def all(self) -> dict[str, Edit]:
        with self._db.read() as db:
            rows = db.execute(
                "SELECT sentence, source, target, updated FROM edits WHERE document = ?",
                (self.document,),
            ).fetchall()
        return {row[0]: Edit(*row) for row in rows}

    def save(self, sentence: str, source: str, target: str, *, remember: bool = True) -> Edit:
        """Save an edit and (with ``remember``) put the pair in the translation memory,
        in one transaction: both are saved, or neither."""
        edit = Edit(sentence, source, " ".join(target.split()), time.time())
        with self._db.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO edits VALUES (?, ?, ?, ?, ?)",
                (self.document, edit.sentence, edit.source, edit.target, edit.updated),
            )
            if remember and memory_key(source) and edit.target:
                db.execute(
                    "INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?, ?)",
                    (memory_key(source), source.strip(), edit.target, EDITED, "", edit.updated),
                )
        return edit

    def remove(self, sentence: str) -> bool:
        with self._db.write() as db:
            cursor = db.execute(
                "DELETE FROM edits WHERE document = ? AND sentence = ?", (self.document, sentence)
            )
        return cursor.rowcount > 0
