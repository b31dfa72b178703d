"""Two processes changing the same user file at once: every change of both is kept.

Each process adds 50 entries one by one (a read-change-write each), as two
readers open side by side do. Without the file lock one overwrites the other
(two processes adding 200 glossary entries each kept 397 of 400). Both import
everything first and start on one signal, so their writes overlap from the
first entry: 50 each loses entries without the lock as surely as 200 did, in a
quarter of the time (most of it is fsync).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.language.glossary import read_glossary
from reader.language.segment import read_splits
from reader.store import vocab
from reader.store.state import load_state
from tests.faults_storage_support import ROOT

EACH = 50

#: Run in each of the two processes: ``python -c WRITER KIND TAG PATH EACH``.
WRITER = """
import sys
from pathlib import Path
kind, tag, path, each = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
words = [chr(0x4E00 + tag * 1000 + n) + chr(0x9000 + n) for n in range(each)]
# Everything imported before the start line: the first writes of both overlap.
import filelock
from reader.language.glossary import Glossary
from reader.language.segment import Segmenter
from reader.store import vocab
from reader.store.state import DocumentState, save_state, toggle_bookmark
print("ready", flush=True)
sys.stdin.readline()  # both start together
if kind == "glossary":
    glossary = Glossary(path, builtin=False)
    for word in words:
        glossary.add(word, f"term {tag}")
elif kind == "vocabulary":
    for word in words:
        vocab.add(word, definition=f"word {tag}", path=path)
elif kind == "splits":
    segmenter = Segmenter(path)
    for word in words:
        segmenter.split(word, (word[0], word[1]))
elif kind == "bookmarks":
    state = DocumentState("d0c", path="/a/document.txt")
    for n, word in enumerate(words):
        state.position = f"p{n}"
        assert toggle_bookmark(state, f"b{tag}.{n}") is None
        assert save_state(state) is None  # a position saved keeps the other's bookmarks
print("done", flush=True)
"""


def _run_two(kind: str, path: Path, env: dict[str, str] | None = None) -> None:
    import os

    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, kind, str(tag), str(path), str(EACH)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        )
        for tag in (1, 2)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=300) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["done", "done"]


def test_two_processes_adding_glossary_entries_keep_all_of_them(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    _run_two("glossary", path)
    terms = read_glossary(path, "user")
    assert len(terms) == 2 * EACH
    assert {t.target for t in terms} == {"term 1", "term 2"}


def test_two_processes_saving_words_keep_all_of_them(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.json"
    vocab.add("重要", path=path)
    _run_two("vocabulary", path)
    assert len(vocab.load(path)) == 2 * EACH + 1


def test_two_processes_splitting_words_keep_all_of_the_splits(tmp_path: Path) -> None:
    path = tmp_path / "splits.tsv"
    _run_two("splits", path)
    splits = read_splits(path)
    assert len(splits) == 2 * EACH
    assert all(len(parts) == 2 for parts in splits.values())


def test_two_processes_bookmarking_one_document_keep_every_bookmark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    _run_two("bookmarks", tmp_path, env={"READER_DATA_DIR": str(data)})
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    state = load_state("d0c")
    assert len(state.bookmarks) == len(set(state.bookmarks)) == 2 * EACH
    assert state.position in (f"p{EACH - 1}",)
    saved = json.loads((data / "documents" / "d0c.json").read_text(encoding="utf-8"))
    assert saved["path"] == "/a/document.txt"
