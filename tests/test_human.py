"""A human translation beside the Chinese: aligned once, stored, shown as ``human`` English."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.context import Context
from reader.document import load_document
from reader.english.human import ALIGNMENTS, BESIDE, open_translation
from reader.errors import ReaderError
from reader.reading.session import ReadingSession
from reader.settings import Settings
from reader.store.paths import cache_dir

ZH = """《测试》

第一回　老王进城

老王是一个农民。他住在山里。有一天，老王进城去卖菜。城里的人很多，他很高兴。

第二回　小李读书

小李每天读书。他想考大学。他的母亲很支持他。
"""

EN = """CHAPTER I. Old Wang goes to town

Old Wang is a farmer and lives in the mountains. One day, Old Wang went to town to sell
vegetables. There were many people in the town, and he was very happy.

CHAPTER II. Little Li studies

Little Li studies every day. He wants to go to university. His mother supports him a lot.
"""


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    zh, en = tmp_path / "story.txt", tmp_path / "story.en.txt"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    return zh, en


def test_the_translation_is_aligned_once_and_shown_as_human(pair: tuple[Path, Path]) -> None:
    zh, en = pair
    doc = load_document(zh)
    context = Context(Settings())
    translation = open_translation(doc, en, context)
    assert not translation.alignment.mismatch
    stored = list((cache_dir() / ALIGNMENTS).glob(f"{doc.source_sha256[:32]}-*.json"))
    assert len(stored) == 1
    # One English sentence for the first two Chinese ones: the first carries it, both
    # are one group (highlighted together).
    first, second = (s.id for s in list(doc.sentences())[:2])
    assert "farmer" in translation.english[first].text
    assert translation.english[first].provenance == "human"
    assert translation.groups.get(first) == (first, second)
    # Reopening reads the stored alignment: no new alignment is made.
    modified = stored[0].stat().st_mtime
    time.sleep(0.01)
    again = open_translation(doc, en, context)
    assert again.english == translation.english and stored[0].stat().st_mtime == modified
    # In the reading session: human English beside the Chinese, MT or gloss elsewhere.
    session = ReadingSession(doc, context.for_document(doc))
    session.use_fixed(session.load_language())
    session.use_fixed(session.use_translation(translation))
    unit = next(u for u in session.order.units() if u.id == first)
    shown = session.english_for(unit.id, unit.text)
    assert (shown.provenance, shown.origin) == ("human", en.name)
    assert session.together(second) == (first, second)
    title = next(iter(session.order.units()))
    assert session.english_for(title.id, title.text).provenance == "gloss"


def test_an_alignment_kept_beside_the_translation_is_used_when_it_is_of_these_texts(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zh, en = pair
    beside = en.with_name(en.name + BESIDE)
    assert main(["align", str(zh), str(en), "--format", "json", "--out", str(beside)]) == 0
    capsys.readouterr()
    doc = load_document(zh)
    made = open_translation(doc, en, Context(Settings()))
    for stored in (cache_dir() / ALIGNMENTS).glob("*.json"):
        stored.unlink()

    def no_aligning(*args: object, **kwargs: object) -> None:
        raise AssertionError("aligned again")

    monkeypatch.setattr("reader.english.human.align_documents", no_aligning)
    kept = open_translation(doc, en, Context(Settings()))
    assert kept.alignment == made.alignment and kept.english == made.english
    # Of another version of the English (or of the Chinese): not used.
    for stored in (cache_dir() / ALIGNMENTS).glob("*.json"):
        stored.unlink()
    en.write_text(EN.replace("a lot", "very much"), encoding="utf-8")
    with pytest.raises(AssertionError, match="aligned again"):
        open_translation(doc, en, Context(Settings()))


def test_the_bundled_samples_alignment_is_what_the_aligner_makes() -> None:
    """Shipped so that the first open shows Joly's English at once; made again here, so
    that a change to the aligner (or to jieba, CC-CEDICT) cannot leave it stale: after
    one, ``reader align seeds/hongloumeng-chapters-1-3.txt seeds/english/…txt --format
    json --out seeds/english/…txt.alignment.json`` writes it anew."""
    from reader.english.align import align_documents
    from reader.english.links import DocumentAlignment
    from reader.seeds import bundled_seeds, bundled_translation

    (zh,) = [p for p in bundled_seeds() if bundled_translation(p)]
    en = Path(str(bundled_translation(zh)))
    doc = load_document(zh)
    text = en.read_text(encoding="utf-8")
    fresh = align_documents(doc, text, Context(Settings()).for_document(doc))
    shipped = en.with_name(en.name + BESIDE).read_text(encoding="utf-8")
    assert DocumentAlignment.from_json(shipped) == DocumentAlignment.from_json(fresh.to_json())


def test_a_text_that_is_not_the_translation_is_refused(pair: tuple[Path, Path]) -> None:
    zh, _ = pair
    other = zh.parent / "other.txt"
    other.write_text(
        "The quarterly report covers revenue, costs and the outlook for shipping.\n" * 5,
        encoding="utf-8",
    )
    with pytest.raises(ReaderError, match="does not look like a translation") as error:
        open_translation(load_document(zh), other, Context(Settings()))
    assert "confidence" in str(error.value) and "\n" not in str(error.value)


def test_export_with_the_translation(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    zh, en = pair
    out = zh.parent / "story.json"
    assert main(["export", str(zh), "--english", str(en), "-f", "json", "-o", str(out)]) == 0
    sentences = [
        s
        for section in json.loads(out.read_text(encoding="utf-8"))["sections"]
        for p in section["paragraphs"]
        for s in p["sentences"]
    ]
    human = [s for s in sentences if s["provenance"] == "human"]
    assert human and all(s["origin"] == en.name for s in human)
    assert any("university" in s["en"] for s in human)
    assert "aligned with" in capsys.readouterr().err


def test_the_bundled_sample_has_its_translation() -> None:
    from reader.seeds import bundled_seeds, bundled_translation

    with_english = [p for p in bundled_seeds() if bundled_translation(p)]
    assert [p.name for p in with_english] == ["hongloumeng-chapters-1-3.txt"]
    assert bundled_translation(Path("/elsewhere/hongloumeng-chapters-1-3.txt")) is None
