"""The fast paths give the slow paths' answers: same tokens, same counts, same forms.

Issue 13 made segmentation, annotation and counting faster by restating jieba's
algorithm, judging each distinct word once, reading CC-CEDICT's headwords at
once and cutting a book on every core. Each is checked here against the
straightforward way on real text (阿Q正传 and odd strings); bench/speed.py
checks the whole novel.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.context import Context
from reader.document import Document
from reader.language.annotate import Annotator
from reader.language.coverage import Simplifier, WordCounts, count_document
from reader.language.dictionary import _parse, find_data_file, read_headwords
from reader.language.jieba_fast import FastCut, import_jieba, supported
from reader.language.segment import Segmenter
from reader.reading.session import Match, ReadingSession
from reader.store.paths import cache_dir

ODD = [
    "",
    "Hello world 123 abc中文def",
    "  \n \r\n\t",
    "😀👍，。！？",
    "𠀀𠀁是古字",
    "3.14%的人说ok-吧 C++ & C#",
    "中国共产党浙江省第十四届委员会第九次全体会议",
    "傳統文化很重要，後來說著乾淨",
    "贾宝玉林黛玉薛宝钗王熙凤刘姥姥",  # names: jieba's HMM decides
    "他说：“我们中出了一个叛徒。”",
]


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    """A private jieba tokenizer: the tests change its words."""
    jieba = import_jieba()
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir())
    tokenizer.initialize()
    return tokenizer


def _texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs()] + ODD


def test_fast_cut_is_jiebas_cut(tokenizer: Any, aq: Document) -> None:
    assert supported()
    fast = FastCut(tokenizer)
    for text in _texts(aq):
        assert fast.cut(text) == list(tokenizer.cut(text)), text


def test_fast_cut_follows_added_and_deleted_words(tokenizer: Any) -> None:
    fast = FastCut(tokenizer)
    text = "共同富裕示范区高质量发展建设，贾宝玉笑道"
    before = fast.cut(text)
    tokenizer.add_word("共同富裕示范区")
    tokenizer.del_word("高质量")  # a forced split for the HMM too
    try:
        after = fast.cut(text)
        assert after == list(tokenizer.cut(text))
        assert "共同富裕示范区" in after and "共同富裕示范区" not in before
        assert "高质量" not in after
    finally:
        tokenizer.del_word("共同富裕示范区")
        tokenizer.add_word("高质量")


def test_words_are_annotates_pieces_and_sources(annotator: Annotator, aq: Document) -> None:
    for text in _texts(aq)[:200] + ODD:
        assert annotator.words(text) == [(t.text, t.source) for t in annotator.annotate(text)]


def test_counts_from_words_are_counts_from_tokens(annotator: Annotator, aq: Document) -> None:
    simplify = Simplifier(annotator.dictionary)
    counted = count_document(aq, annotator, Simplifier(annotator.dictionary, bulk=True), workers=1)
    expected = []
    for section in aq.walk():
        tokens = [t for p in section.paragraphs for t in annotator.annotate(p.text)]
        counts = WordCounts.from_tokens(tokens, simplify)
        if counts.words or counts.names or counts.numbers:
            expected.append((section.id, list(counts.words.items()), counts.names, counts.numbers))
    got = [
        (s.id, list(s.counts.words.items()), s.counts.names, s.counts.numbers)
        for s in counted.sections
    ]
    assert got == expected  # the same words, counts and first-seen order


def test_headwords_are_the_index_forms() -> None:
    rows = list(_parse(find_data_file()))
    headwords = read_headwords(find_data_file())
    assert headwords.forms == {f for trad, simp, _, _ in rows for f in (trad, simp)}
    assert headwords.simplified == {simp for _, simp, _, _ in rows}
    first: dict[str, str] = {}
    for trad, simp, _, _ in rows:
        first.setdefault(trad, simp)
    assert headwords.traditional == first


def test_bulk_simplifier_decides_as_the_lookups_do(annotator: Annotator, aq: Document) -> None:
    words = {t.text for p in aq.paragraphs() for t in annotator.annotate(p.text) if t.is_hanzi}
    words |= {"後來", "傳統", "說", "著", "乾", "乾淨", "裡", "們", "臺灣", "張三", "髮", "發"}
    slow, fast = Simplifier(annotator.dictionary), Simplifier(annotator.dictionary, bulk=True)
    assert {w: fast(w) for w in words} == {w: slow(w) for w in words}
    assert fast("後來") == "后来" and fast("說") == "说" and fast("著") == "著"


PARALLEL = r"""
import json, sys
from reader.document import load_document
from reader.language.parallel import count_groups, cut_groups, worker_count
from reader.language.segment import Segmenter
from reader.reading.session import Match, ReadingSession

segmenter = Segmenter()
doc = load_document(sys.argv[1])
groups = [[p.text for p in s.paragraphs][:12] for s in list(doc.walk())[:4]]
assert worker_count(10**6, 2) == 2, "one thread: the pool must be used"
together = [dict(c) for c in count_groups(segmenter, groups, workers=2)]
alone = [dict(c) for c in count_groups(segmenter, groups, workers=1)]
cuts = list(cut_groups(segmenter, groups, workers=2))
print(json.dumps([together == alone, [list(c) for c in together] == [list(c) for c in alone],
                  cuts == [[segmenter.cut(t) for t in g] for g in groups]]))
"""


def test_sections_cut_in_worker_processes_as_in_this_one(tmp_path: Path) -> None:
    """In a fresh process: pytest's own may have threads, where reader never forks."""
    from tests.conftest import AQ

    done = subprocess.run(
        [sys.executable, "-c", PARALLEL, str(AQ)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, True, True]


def test_no_pool_from_a_process_with_threads() -> None:
    import threading

    from reader.language.parallel import worker_count

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert worker_count(10**7, 4) == 1
    finally:
        stop.set()
        thread.join()


def test_segmenter_uses_the_fast_cut(annotator: Annotator) -> None:
    segmenter = annotator.segmenter
    assert isinstance(segmenter, Segmenter)
    segmenter.start()
    assert segmenter._fast is not None


def _scan(session: ReadingSession, query: str) -> list[Match]:
    """The search as it was: pypinyin asked for every sentence's reading, every time."""
    from reader.language.pinyin import toneless
    from reader.reading.session import _occurrences, _pinyin_offsets

    needle = query.lower()
    compact = "".join(needle.split())
    by_pinyin = compact.isascii() and compact.isalpha()
    found: list[Match] = []
    for index, block in enumerate(session.blocks):
        for number, (sid, text) in enumerate(block.sentences):
            offsets = _occurrences(text, query)
            if not offsets and by_pinyin and compact in toneless(text):
                offsets = _pinyin_offsets(text, compact)
            if not offsets:
                english = session.english_layer.english_text(sid)
                if english is not None and needle in english.lower():
                    offsets = [0]
            found.extend(Match(index, number, offset) for offset in offsets)
    return found


QUERIES = ["weizhuang", "Zhao Taiye", "geming", "wu", "a", "阿Q", "未庄", "xyzzy", "", "Q"]


def test_pinyin_search_finds_what_the_scan_found(
    aq: Document, make_context: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = ReadingSession(aq, make_context().for_document(aq))
    for query in QUERIES:
        assert session.search(query) == _scan(session, query), query
    assert len(session.search("weizhuang")) > 10
    # A second session of the same document reads the readings from the cache.
    monkeypatch.setattr("reader.reading.search.toneless", _no_pypinyin)
    again = ReadingSession(aq, make_context().for_document(aq))
    assert again.search("weizhuang") == session.search("weizhuang")


def _no_pypinyin(text: str) -> str:
    raise AssertionError("the cached readings were not used")


def test_a_damaged_search_cache_is_computed_again(tmp_path: Path) -> None:
    from reader.reading.search import PinyinIndex, _path

    texts = ["未庄的人", "赵太爷。", "Hello"]
    _path("ab" * 32, tmp_path).write_text('[1, ["x"]', encoding="utf-8")
    index = PinyinIndex.of(texts, "ab" * 32, tmp_path)
    assert list(index.hits("weizhuang")) == [0] and list(index.hits("taiye")) == [1]
    assert PinyinIndex.of(texts, "ab" * 32, tmp_path).readings == index.readings


def test_a_second_export_reuses_the_annotations(
    resolution: Document,
    make_context: Callable[..., Context],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.export.document import export_document
    from reader.language.annotation_cache import annotation_key
    from reader.language.glossary import Glossary

    context = make_context(cached=False)
    first = export_document(resolution, "tsv", tmp_path / "a.tsv", context, translator="gloss")
    # The same document again: nothing is segmented, the file is the same.
    segmenter = context.annotator.segmenter
    monkeypatch.setattr(segmenter, "cut", _no_segmenting)
    again = export_document(resolution, "tsv", tmp_path / "b.tsv", context, translator="gloss")
    assert again.read_bytes() == first.read_bytes()
    # A glossary with another term is another key: its tokens may differ.
    glossary = Glossary(user_path=tmp_path / "glossary.tsv")
    glossary.add("浙江省委", "the Zhejiang Provincial Committee")
    other = Annotator(
        glossary=glossary, dictionary=context.annotator.dictionary, segmenter=segmenter
    )
    assert annotation_key(other) != annotation_key(context.annotator)


def _no_segmenting(text: str) -> list[str]:
    raise AssertionError("annotated again")
