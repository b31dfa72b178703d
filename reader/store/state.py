"""Reading state per document: position, bookmarks, progress; and the recent list.

Keyed by the document's content hash, so a renamed or moved file keeps its
place and an edited one starts afresh (its ids may no longer mean the same
text). One small JSON file per document in the user data directory, written
atomically.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reader.store.atomic import write_text
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


def _state_path(sha256: str) -> Path:
    return data_dir() / STATE_DIR / f"{sha256}.json"


def load_state(sha256: str) -> DocumentState:
    try:
        data = json.loads(_state_path(sha256).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DocumentState(sha256)
    known = {k: v for k, v in data.items() if k in DocumentState.__dataclass_fields__}
    try:
        return DocumentState(**{**known, "sha256": sha256})
    except TypeError:
        return DocumentState(sha256)


def save_state(state: DocumentState) -> None:
    state.opened = state.opened or time.time()
    write_text(_state_path(state.sha256), json.dumps(asdict(state), ensure_ascii=False, indent=1))


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


def save_preferences(preferences: dict[str, object]) -> None:
    write_text(data_dir() / PREFERENCES_FILE, json.dumps(preferences, indent=1))
