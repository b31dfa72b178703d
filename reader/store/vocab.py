"""The user's vocabulary list: words saved while reading, with the sentence they came from.

One JSON file (``vocabulary.json`` in the user data folder), rewritten
atomically on every change, each change read, made and written under a file
lock so two readers saving words at once keep all of them. A word is listed once: saving it again updates its
pinyin, definition and sentence and keeps the date it was first added. A file
that cannot be read is an error, never silently replaced.

Storage only: the words of a document above an HSK level, in the same shape,
come from :func:`reader.language.vocabulary.words_above`.
"""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from reader.errors import ReaderError
from reader.store.atomic import write_text
from reader.store.locking import locked
from reader.store.paths import data_dir

VOCAB_FILE = "vocabulary.json"
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class VocabEntry:
    word: str
    pinyin: str = ""
    definition: str = ""
    #: The sentence the word was saved from, as in the document.
    sentence: str = ""
    #: The document's title and content hash (its ids are only valid for that text).
    document: str = ""
    document_sha256: str = ""
    sentence_id: str = ""
    #: ISO date (YYYY-MM-DD) the word was first saved.
    added: str = ""


def vocab_path() -> Path:
    return data_dir() / VOCAB_FILE


def _from_json(row: object) -> VocabEntry | None:
    if not isinstance(row, dict) or not isinstance(row.get("word"), str) or not row["word"]:
        return None
    names = {f.name for f in fields(VocabEntry)}
    return VocabEntry(**{k: str(v) for k, v in row.items() if k in names and v is not None})


def load(path: Path | None = None) -> list[VocabEntry]:
    """Every saved word, oldest first; a missing file is an empty list."""
    path = path or vocab_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise ReaderError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, ValueError) as exc:
        raise ReaderError(f"{path}: cannot read the vocabulary list ({exc})") from None
    rows = data.get("words") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ReaderError(f"{path}: not a vocabulary list")
    return [entry for entry in map(_from_json, rows) if entry is not None]


def _save(entries: list[VocabEntry], path: Path) -> None:
    data = {"version": 1, "words": [asdict(e) for e in entries]}
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def add(
    word: str,
    pinyin: str = "",
    definition: str = "",
    sentence: str = "",
    document: str = "",
    document_sha256: str = "",
    sentence_id: str = "",
    *,
    path: Path | None = None,
) -> VocabEntry:
    """Save a word (again); returns the entry as stored."""
    word = word.strip()
    if not word:
        raise ReaderError("no word to add to the vocabulary list")
    path = path or vocab_path()
    entry = VocabEntry(
        word,
        " ".join(pinyin.split()),
        " ".join(definition.split()),
        " ".join(sentence.split()),
        document.strip(),
        document_sha256.strip(),
        sentence_id.strip(),
        datetime.date.today().isoformat(),
    )
    with _lock, locked(path):
        entries = load(path)
        for n, old in enumerate(entries):
            if old.word == word:
                entry = replace(entry, added=old.added or entry.added)
                entries[n] = entry
                break
        else:
            entries.append(entry)
        _save(entries, path)
    return entry


def remove(word: str, *, path: Path | None = None) -> bool:
    """Forget a word; False if it was not in the list."""
    path = path or vocab_path()
    with _lock, locked(path):
        entries = load(path)
        kept = [e for e in entries if e.word != word.strip()]
        if len(kept) == len(entries):
            return False
        _save(kept, path)
    return True
