"""The vocabulary list, words above an HSK level, flash-card exports, and the term base."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from reader.document import Document, Sentence
from reader.errors import ReaderError
from reader.export.termbase import export_glossary
from reader.export.vocab import ANKI_COLUMNS, export_vocab
from reader.language import annotation_cache, parallel
from reader.language.annotate import Annotator
from reader.language.annotation_cache import AnnotationCache
from reader.language.glossary import Glossary
from reader.language.vocabulary import words_above
from reader.store import vocab
from reader.store.paths import data_dir


def test_add_list_remove() -> None:
    assert vocab.load() == []
    first = vocab.add("富裕", "fù yù", "prosperous", "共同富裕很重要。", "决议", "abc", "s1.p1.t1")
    assert first.added and first.document_sha256 == "abc"
    vocab.add("重要", "zhòng yào", "important")
    assert [e.word for e in vocab.load()] == ["富裕", "重要"]
    assert vocab.vocab_path() == data_dir() / "vocabulary.json"
    # Saving a word again updates it in place and keeps its date.
    again = vocab.add("富裕", "fù yù", "rich", "他很富裕。")
    assert (again.definition, again.sentence, again.added) == ("rich", "他很富裕。", first.added)
    assert [e.word for e in vocab.load()] == ["富裕", "重要"]
    assert vocab.remove("富裕") and not vocab.remove("富裕")
    assert [e.word for e in vocab.load()] == ["重要"]
    data = json.loads(vocab.vocab_path().read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["words"][0]["word"] == "重要"
    assert not [p for p in vocab.vocab_path().parent.iterdir() if p.name.endswith(".tmp")]


def test_the_ui_call() -> None:
    """The reading session saves words with these keywords."""
    entry = vocab.add(
        word="共同",
        pinyin="gòng tóng",
        definition="common",
        sentence="  共同富裕\n很重要。 ",
        document="决议",
        sentence_id="s0.p1.t1",
    )
    assert entry.sentence == "共同富裕 很重要。" and entry.sentence_id == "s0.p1.t1"
    assert vocab.load() == [entry]


def test_a_damaged_list_is_an_error_not_overwritten() -> None:
    path = vocab.vocab_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReaderError, match="cannot read the vocabulary list"):
        vocab.add("词", "cí", "word")
    assert path.read_text(encoding="utf-8") == "{not json"
    with pytest.raises(ReaderError, match="no word"):
        vocab.add("  ")


def test_words_above_an_hsk_level(party_building: Document, annotator: Annotator) -> None:
    words = words_above(party_building, 6, annotator)
    assert words and len({w.word for w in words}) == len(words)
    for w in words:
        level = annotator.hsk.level(w.word)
        assert level is None or level > 6
        assert w.pinyin and w.definition and w.document == party_building.title
        sentence = party_building.find(w.sentence_id)
        assert isinstance(sentence, Sentence) and w.word in sentence.text.replace("\n", "")
    everything = words_above(party_building, 0, annotator)
    assert len(everything) > len(words)
    listed_only = words_above(party_building, 6, annotator, unlisted=False)
    assert all(annotator.hsk.level(w.word) == 7 for w in listed_only)
    with pytest.raises(ReaderError, match="HSK level 9"):
        words_above(party_building, 9, annotator)


@pytest.fixture
def own_annotation_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's annotation cache, not the shared cache folder's (where another test
    may have annotated the same document whole)."""
    monkeypatch.setattr(annotation_cache, "cache_dir", lambda: tmp_path / "cache")


def _annotated_whole(doc: Document, annotator: Annotator) -> None:
    """What an export leaves: every sentence of ``doc`` annotated and kept."""
    texts = dict.fromkeys(s.text for s in doc.sentences() if s.text)
    annotated = {text: tuple(annotator.annotate(text)) for text in texts}
    AnnotationCache(annotator).save(doc.source_sha256, annotated)


@pytest.mark.usefixtures("own_annotation_cache")
@pytest.mark.parametrize("workers", [1, 2])
def test_words_above_are_the_cards_of_every_sentence_annotated(
    aq: Document,
    make_annotator: Callable[..., Annotator],
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    """Only the sentences that can give a card are annotated: the same cards, in the
    same order, with the same pinyin, senses and sentence, as annotating them all
    (the list a document annotated before is read from), at every level and with the
    unlisted words; cut in worker processes too."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CHARS", 0 if workers > 1 else 10**9)
    monkeypatch.setattr(parallel, "cpu_count", lambda: workers)
    choices = [(0, False), (4, False), (6, False), (6, True), (7, True)]
    cut = {
        choice: words_above(aq, choice[0], make_annotator(), unlisted=choice[1])
        for choice in choices
    }
    whole = make_annotator()
    _annotated_whole(aq, whole)
    for (level, unlisted), cards in cut.items():
        again = make_annotator()
        monkeypatch.setattr(again.segmenter, "cut", _no_cutting)
        assert cards and words_above(aq, level, again, unlisted=unlisted) == cards
    assert len(cut[(6, True)]) > len(cut[(6, False)]) > 0


def _no_cutting(text: str) -> list[str]:
    raise AssertionError(f"cut again: {text[:20]}")


@pytest.mark.usefixtures("own_annotation_cache")
def test_words_above_are_read_from_a_document_annotated_before(
    party_building: Document,
    make_annotator: Callable[..., Annotator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An export annotated the whole document and kept it: the list cuts nothing."""
    first = words_above(party_building, 6, make_annotator())
    _annotated_whole(party_building, make_annotator())
    again = make_annotator()
    monkeypatch.setattr(again.segmenter, "cut", _no_cutting)
    assert words_above(party_building, 6, again) == first


def _entries() -> list[vocab.VocabEntry]:
    return [
        vocab.VocabEntry("富裕", "fù yù", "prosperous", '他说"富裕"\t<b>', "决议", "", "s1.p1.t1"),
        vocab.VocabEntry("重要", "zhòng yào", "important"),
    ]


def test_anki_tsv(tmp_path: Path) -> None:
    out = tmp_path / "cards.txt"
    assert export_vocab(_entries(), out, "anki") == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["#separator:tab", "#html:false", "#columns:" + "\t".join(ANKI_COLUMNS)]
    rows = list(csv.reader(lines[3:], delimiter="\t"))
    assert rows[0] == ["富裕", "fù yù", "prosperous", '他说"富裕" <b>', "决议 (s1.p1.t1)"]
    assert rows[1][:3] == ["重要", "zhòng yào", "important"]
    with pytest.raises(ReaderError, match="already exists"):
        export_vocab(_entries(), out, "anki")


def test_plain_tsv(tmp_path: Path) -> None:
    out = tmp_path / "words.tsv"
    export_vocab(_entries(), out, "tsv")
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0][:4] == ["word", "pinyin", "definition", "sentence"]
    assert all(len(r) == len(rows[0]) for r in rows)
    assert rows[1][3] == '他说"富裕" <b>'


def test_apkg(tmp_path: Path) -> None:
    out = tmp_path / "words.apkg"
    assert export_vocab(_entries(), out, "apkg") == 2
    with zipfile.ZipFile(out) as zf:
        assert "collection.anki2" in zf.namelist()
        zf.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        fields = [row[0].split("\x1f") for row in db.execute("SELECT flds FROM notes")]
    finally:
        db.close()
    assert sorted(f[0] for f in fields) == ["富裕", "重要"]
    # Fields are HTML in Anki: the sentence's markup is escaped.
    assert any("&lt;b&gt;" in f[3] for f in fields)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unknown_vocab_format(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="unknown vocabulary format"):
        export_vocab(_entries(), tmp_path / "x", "xlsx")


# -- the term base ------------------------------------------------------------------------


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    g = Glossary(user_path=tmp_path / "glossary.tsv")
    g.add("浙里办", "Zheliban app", "government services app")
    g.add("八八战略", "Double Eight Strategy & co <x>")
    return g


def test_tbx(glossary: Glossary, tmp_path: Path) -> None:
    out = tmp_path / "terms.tbx"
    assert export_glossary(glossary, out) == 2
    root = ET.parse(out).getroot()
    assert root.tag == "martif" and root.attrib["type"] == "TBX-Basic"
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    entries = root.findall("text/body/termEntry")
    found = {}
    for entry in entries:
        sets = {ls.attrib[lang]: ls.findtext("tig/term") for ls in entry.findall("langSet")}
        found[sets["zh-CN"]] = (sets["en"], entry.findtext("note"))
    assert found == {
        "八八战略": ("Double Eight Strategy & co <x>", None),
        "浙里办": ("Zheliban app", "government services app"),
    }
    assert export_glossary(glossary, tmp_path / "all.tbx", include_builtin=True) > 100


def test_glossary_csv_reimports(glossary: Glossary, tmp_path: Path) -> None:
    out = tmp_path / "terms.csv"
    export_glossary(glossary, out, "csv")
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["zh", "en", "note"] and len(rows) == 3
    other = Glossary(user_path=tmp_path / "other.tsv")
    summary = other.plan_import(out)
    assert {t.source for t in summary.new} == {"浙里办", "八八战略"} and not summary.skipped
    with pytest.raises(ReaderError, match="unknown glossary format"):
        export_glossary(glossary, tmp_path / "x.xlsx", "xlsx")
