"""Reading state per document: position, bookmarks, progress; and the recent list.

Keyed by the document's content hash, so a renamed or moved file keeps its
place and an edited one starts afresh (its ids may no longer mean the same
text). One small JSON file per document in the user data directory, written
atomically, under a file lock: two readers open on the same document each
keep their bookmarks (a toggle re-reads the file), and the position saved is
the last one read. Saving returns a problem (a read-only or full folder)
instead of raising: the reader goes on, and says the position was not saved.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from reader.errors import ReaderError
from reader.store.atomic import write_text
from reader.store.locking import locked
from reader.store.paths import data_dir

STATE_DIR = "documents"


@dataclass
class DocumentState:
    sha256: str
    path: str = ""
    title: str = ""
    #: Id of the paragraph (or heading's section) at the reading position.
    position: str = ""
    #: Token index of the word cursor inside that paragraph.
    token: int = 0
    #: Share of the document read, 0–1, for the library screen.
    progress: float = 0.0
    bookmarks: list[str] = field(default_factory=list)
    opened: float = 0.0
    #: The human translation last read beside it (absolute path, "" for none): the
    #: library and ``reader FILE`` open the document with it again.
    english: str = ""
    #: Detached in the library: read without a translation by choice, so a bundled
    #: sample's own is not brought back either (``english`` is then "").
    without_english: bool = False


def _state_path(sha256: str) -> Path:
    return data_dir() / STATE_DIR / f"{sha256}.json"


def _read_state(path: Path, sha256: str) -> DocumentState | None:
    """The saved state, or None if there is none (or it cannot be read as one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    known = {k: v for k, v in data.items() if k in DocumentState.__dataclass_fields__}
    try:
        state = DocumentState(**{**known, "sha256": sha256})
    except TypeError:
        return None
    if not isinstance(state.bookmarks, list):
        state.bookmarks = []
    return state


def load_state(sha256: str) -> DocumentState:
    return _read_state(_state_path(sha256), sha256) or DocumentState(sha256)


def _write_state(path: Path, state: DocumentState) -> None:
    write_text(path, json.dumps(asdict(state), ensure_ascii=False, indent=1))


def save_state(state: DocumentState) -> str | None:
    """Save the position (bookmarks as saved: only :func:`toggle_bookmark` changes them).

    Returns None when saved, else the one-line problem (nothing already saved is changed).
    """
    state.opened = state.opened or time.time()
    path = _state_path(state.sha256)
    try:
        with locked(path):
            saved = _read_state(path, state.sha256)
            if saved is not None:
                state.bookmarks = saved.bookmarks  # another reader's changes stay
            _write_state(path, state)
    except ReaderError as exc:
        return str(exc)
    return None


def toggle_bookmark(state: DocumentState, block_id: str) -> str | None:
    """Bookmark a block, or remove its bookmark, in the saved state and in ``state``.

    Read, changed and written under the file's lock, so a second reader's
    bookmarks are kept. Returns None when saved, else the problem (``state`` is
    changed all the same, for this session).
    """
    path = _state_path(state.sha256)
    state.opened = state.opened or time.time()
    try:
        with locked(path):
            saved = _read_state(path, state.sha256)
            marks = _toggled(saved.bookmarks if saved else state.bookmarks, block_id)
            _write_state(path, replace(state, bookmarks=marks))
    except ReaderError as exc:
        state.bookmarks = _toggled(state.bookmarks, block_id)
        return str(exc)
    state.bookmarks = marks
    return None


def attached_english(sha256: str) -> str | None:
    """The translation a document was last read with, if its file is still there."""
    english = load_state(sha256).english if sha256 else ""
    return english if english and Path(english).is_file() else None


def detached_english(sha256: str) -> bool:
    """Whether the reader chose to read this document without a translation."""
    return bool(sha256) and load_state(sha256).without_english


def attach_english(sha256: str, english: str) -> str | None:
    """Read this document with ``english`` from now on ("" for none); None when saved,
    else the problem. Only this field changes: the position and bookmarks stay."""
    path = _state_path(sha256)
    try:
        with locked(path):
            saved = _read_state(path, sha256) or DocumentState(sha256)
            saved.english = str(Path(english).resolve()) if english else ""
            saved.without_english = not english
            _write_state(path, saved)
    except ReaderError as exc:
        return str(exc)
    return None


def _toggled(marks: list[str], block_id: str) -> list[str]:
    return [m for m in marks if m != block_id] if block_id in marks else [*marks, block_id]


def recent_documents(limit: int = 20) -> list[DocumentState]:
    """Documents opened before, most recent first (those whose file still exists)."""
    folder = data_dir() / STATE_DIR
    if not folder.is_dir():
        return []
    states = []
    for path in folder.glob("*.json"):
        state = load_state(path.stem)
        if state.path and Path(state.path).exists():
            states.append(state)
    states.sort(key=lambda s: s.opened, reverse=True)
    return states[:limit]


PREFERENCES_FILE = "preferences.json"


def load_preferences() -> dict[str, object]:
    """The reader's view choices (pinyin, tone colours, layout), kept between runs."""
    try:
        data = json.loads((data_dir() / PREFERENCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_preferences(preferences: dict[str, object]) -> str | None:
    """Keep the view choices; returns the problem instead of raising (they are a convenience:
    a read-only or full home must not stop the reader)."""
    try:
        write_text(data_dir() / PREFERENCES_FILE, json.dumps(preferences, indent=1))
    except ReaderError as exc:
        return str(exc)
    return None
