"""Near matches from the translation memory: offered as candidates, never applied by themselves."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.context import Context
from reader.document import load_document
from reader.reading.session import ReadingSession
from reader.store.database import EnglishDatabase
from reader.store.edits import Edits
from reader.store.memory import TranslationMemory, memory_key, similarity

NEAR = "坚持以人民为中心的发展思想。"
ASKED = "坚持以人民为中心的发展理念。"


def _memory(path: Path) -> TranslationMemory:
    return TranslationMemory(EnglishDatabase(path))


def test_near_matches_are_ranked_and_exact_hits_are_not_among_them(tmp_path: Path) -> None:
    memory = _memory(tmp_path / "english.sqlite")
    memory.add(NEAR, "Old English.", "edited")
    memory.add(NEAR, "Adhere to the people-centred philosophy of development.", "edited")
    memory.add("坚持以人民为中心。", "Put the people at the centre.", "human")
    memory.add("今天天气很好。", "The weather is fine today.", "human")
    memory.add(ASKED, "The exact one.", "human")

    found = memory.similar(ASKED, threshold=0.5)
    sources = [m.entry.source for m in found]
    assert ASKED not in sources  # that is an exact hit, not a near one
    assert sources == [NEAR, "坚持以人民为中心。"]
    # One per source: its most recent English.
    assert found[0].entry.target == "Adhere to the people-centred philosophy of development."
    assert found[0].similarity == pytest.approx(similarity(NEAR, ASKED))
    assert found[0].similarity > found[1].similarity
    # The default threshold keeps only matches worth fixing up.
    assert [m.entry.source for m in memory.similar(ASKED)] == [NEAR]
    assert memory.similar("今天") == []  # too short to compare


def test_the_index_follows_every_writer_and_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "english.sqlite"
    db = EnglishDatabase(path)
    # A memory written before the near-match index existed (an older reader).
    Edits(db, "sha").save("s1.p1.t1", NEAR, "Adhere to the people-centred philosophy.")
    db.close()
    memory = _memory(path)
    assert [m.entry.source for m in memory.similar(ASKED)] == [NEAR]
    # Once the index exists, later inserts by any path (an edit save, another
    # process's memory) are in it at once.
    other = EnglishDatabase(path)
    Edits(other, "sha").save("s1.p1.t2", "扎实推动共同富裕。", "Solidly promote common prosperity.")
    other.close()
    assert [m.entry.target for m in memory.similar("扎实推进共同富裕。")] == [
        "Solidly promote common prosperity."
    ]
    with sqlite3.connect(path) as raw:
        keys = {row[0] for row in raw.execute("SELECT key FROM memory_keys")}
    assert keys == {memory_key(NEAR), memory_key("扎实推动共同富裕。")}


def test_a_near_match_is_a_candidate_and_never_the_sentences_english(user_dirs: Path) -> None:
    doc = load_document(_write(user_dirs / "doc.txt", "标题\n\n" + ASKED + "\n"))
    context = Context().for_document(doc)
    context.memory.add(NEAR, "Adhere to the people-centred philosophy.", "edited")
    session = ReadingSession(doc, context)
    block = next(b for b in session.blocks if b.sentences and ASKED in b.text)
    sid, text = block.sentences[0]
    session.load_language()
    assert session.english_for(sid, text).provenance != "tm"
    near = [c for c in session.candidates(sid, text) if c.similarity is not None]
    assert [(c.text, c.provenance, c.source) for c in near] == [
        ("Adhere to the people-centred philosophy.", "tm", NEAR)
    ]


def test_tm_lookup_prints_exact_and_near_matches(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Context().memory.add(NEAR, "Adhere to the people-centred philosophy.", "edited")
    assert main(["tm", "lookup", ASKED, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["source"], row["origin"]) == (NEAR, "edited")
    assert 0.7 <= row["similarity"] < 1
    assert main(["tm", "lookup", NEAR]) == 0
    assert capsys.readouterr().out.startswith("100%  Adhere")
    assert main(["tm", "lookup", "完全不同的一句话。"]) == 1
    assert "no match" in capsys.readouterr().err


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
