"""Short texts are cut from jieba's table on disk before its dictionary is loaded, with
exactly jieba's tokens: the same terms, joins and splits as the loaded dictionary."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.document import Document
from reader.language.jieba_table import table_path
from reader.language.segment import LIGHT_CHARS, Segmenter

TERMS = ["共同富裕", "阿Q正传", "赵太爷", "土谷祠", "示范区建设"]


def _segmenter(splits: Path) -> Segmenter:
    segmenter = Segmenter(splits_path=splits)
    segmenter.add_words(TERMS)
    return segmenter


def test_short_texts_cut_from_the_table_as_from_the_dictionary(
    aq: Document, tmp_path: Path
) -> None:
    splits = tmp_path / "splits.tsv"
    full = _segmenter(splits)
    full.join("小D")
    full.split("时候", ("时", "候"))
    full.start()  # loads the dictionary, and writes its table if there is none
    assert table_path().exists()
    light = _segmenter(splits)
    texts = [s.text for s in aq.sentences()]
    texts += ["我们要实现共同富裕，建设示范区。", "Ｑ  2021年 abc，hello world!", ""]
    assert all(len(text) <= LIGHT_CHARS for text in texts)
    differ = [(t, light.cut(t), full.cut(t)) for t in texts if light.cut(t) != full.cut(t)]
    assert differ == []
    assert light._tokenizer is None, "a short text loaded the whole dictionary"
    # A long text does load it (a query per prefix is for short texts only).
    long_text = "".join(texts)[: LIGHT_CHARS + 1]
    assert light.cut(long_text) == full.cut(long_text)
    assert light._tokenizer is not None


def test_a_term_added_later_reaches_the_light_cut(tmp_path: Path) -> None:
    Segmenter(splits_path=tmp_path / "s.tsv").start()  # the table exists
    segmenter = Segmenter(splits_path=tmp_path / "s.tsv")
    assert "干在实处" not in segmenter.cut("我们干在实处走在前列")
    segmenter.add_words(["干在实处"])
    assert "干在实处" in segmenter.cut("我们干在实处走在前列")
    assert segmenter._tokenizer is None


def test_a_damaged_table_means_the_dictionary_is_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "jieba"
    Segmenter(splits_path=tmp_path / "s.tsv", jieba_cache=folder).start()
    path = table_path(folder)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE meta")
    segmenter = Segmenter(splits_path=tmp_path / "s.tsv", jieba_cache=folder)
    assert segmenter.cut("共同富裕") == ["共同富裕"]
    assert segmenter._tokenizer is not None


def test_the_first_screen_has_its_words_before_the_language_layer_loads() -> None:
    from reader.context import Context
    from reader.document import load_document
    from reader.reading.session import ReadingSession
    from reader.settings import Settings
    from tests.conftest import RESOLUTION

    Segmenter().start()  # the table exists in the run's cache folder
    doc = load_document(RESOLUTION)
    session = ReadingSession(doc, Context(Settings()).for_document(doc))
    _, text = session.blocks[3].sentences[0]
    assert session.tokens_for(text) is None  # nothing yet: the view draws characters
    assert session.annotate_first(range(0, 5))
    tokens = session.tokens_for(text)
    assert tokens is not None and any(t.pinyin for t in tokens)
    assert not session.language_ready.is_set()
    assert session.context.annotator.segmenter._tokenizer is None
    # The same words once the dictionary has loaded.
    session.load_language()
    session.context.annotator._annotated.clear()
    assert session.tokens_for(text) == tokens


def test_the_first_run_writes_jiebas_own_words_after_the_load(tmp_path: Path) -> None:
    """``table_later``: the load does not wait for the table; :meth:`keep_table` writes
    it then, with jieba's words as loaded (no glossary term, join or split of yours)."""
    folder = tmp_path / "jieba"
    splits = tmp_path / "s.tsv"
    segmenter = Segmenter(splits_path=splits, jieba_cache=folder)
    segmenter.add_words(["示范区建设"])
    segmenter.join("小D")
    segmenter.split("时候", ("时", "候"))
    segmenter.start(table_later=True)
    assert not table_path(folder).exists()
    cut = segmenter.cut("那时候示范区建设")
    assert "示范区建设" in cut and "时候" not in cut
    segmenter.keep_table()
    with sqlite3.connect(table_path(folder)) as db:
        freq = dict(
            db.execute(
                "SELECT word, freq FROM freq WHERE word IN (?, ?, ?)", ("示范区建设", "小D", "时候")
            )
        )
    assert freq.get("示范区建设", 0) == 0 and freq.get("小D", 0) == 0
    assert freq["时候"] > 0  # split by you, still jieba's word in its own table
    # The next start cuts short texts from it, as the loaded dictionary does.
    light = Segmenter(splits_path=splits, jieba_cache=folder)
    light.add_words(["示范区建设"])
    assert light.cut("那时候示范区建设") == segmenter.cut("那时候示范区建设")
    assert light._tokenizer is None
    segmenter.keep_table()  # once only: nothing more to write


def test_many_short_texts_load_the_dictionary(aq: Document, tmp_path: Path) -> None:
    """A whole book a sentence at a time (a word list of it) is not cut from the table: a
    query per prefix, about four times slower than the loaded dictionary past its load."""
    from reader.language.segment import LIGHT_BUDGET

    Segmenter(splits_path=tmp_path / "s.tsv").start()  # the table exists
    segmenter = Segmenter(splits_path=tmp_path / "s.tsv")
    full = Segmenter(splits_path=tmp_path / "s.tsv")
    full.start()
    texts = [s.text for s in aq.sentences()] * 3  # a short story three times over
    assert sum(map(len, texts)) > LIGHT_BUDGET
    cut = 0
    for text in texts:
        assert segmenter.cut(text) == full.cut(text)
        cut += len(text)
        if cut <= LIGHT_BUDGET // 2:
            assert segmenter._tokenizer is None  # a screen or two: from the table
    assert segmenter._tokenizer is not None


def test_the_readers_first_run_writes_both_tables_in_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's first run ever: jieba's table and pypinyin's are written by another
    process (a quit does not wait for them, the drawing does not share the interpreter
    with them); this one may not write them here. jieba's has jieba's own words."""
    from reader.language import jieba_table, pinyin_table
    from reader.language.annotate import Annotator

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 2)
    pinyin_table.forget_shared_table()
    try:
        annotator = Annotator(segmenter=Segmenter(splits_path=tmp_path / "s.tsv"))
        annotator.segmenter.add_words(["示范区建设"])
        annotator.start(tables_later=True)
        assert annotator.segmenter.table_pending()
        assert not jieba_table.table_path().exists() and not pinyin_table.table_path().exists()

        def not_here(*args: object) -> None:
            raise AssertionError("written in this process")

        monkeypatch.setattr(jieba_table, "build", not_here)
        monkeypatch.setattr(pinyin_table, "build", not_here)
        child = annotator.keep_tables(aside=True)
        assert child is not None and child.wait(timeout=120) == 0
        assert jieba_table.table_path().exists() and pinyin_table.table_path().exists()
        assert not annotator.segmenter.table_pending()
        with sqlite3.connect(jieba_table.table_path()) as db:
            words = dict(db.execute("SELECT word, freq FROM freq WHERE word = '示范区建设'"))
        assert words.get("示范区建设", 0) == 0
        assert annotator.keep_tables(aside=True) is None  # nothing left to write
    finally:
        pinyin_table.forget_shared_table()
