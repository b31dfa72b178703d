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
from reader.language.jieba_fast import FastCut, import_jieba, initialize, supported
from reader.language.pinyin import toneless
from reader.language.segment import Segmenter
from reader.reading.session import Match, ReadingSession
from reader.store.paths import cache_dir
from reader.translate.pipeline import Pipeline

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


def test_jiebas_cache_read_at_once_is_jiebas_own(tokenizer: Any, tmp_path: Path) -> None:
    """:func:`initialize` reads the cache jieba wrote; a damaged one is jieba's to rebuild."""
    jieba = import_jieba()
    read = jieba.Tokenizer()
    read.tmp_dir = tokenizer.tmp_dir
    initialize(read)
    assert read.initialized and read.total == tokenizer.total and read.FREQ == tokenizer.FREQ
    damaged = tmp_path / "jieba"
    damaged.mkdir()
    (damaged / "jieba.cache").write_bytes(b"\xda\x00 not marshal")
    rebuilt = jieba.Tokenizer()
    rebuilt.tmp_dir = str(damaged)
    initialize(rebuilt)  # jieba builds its dictionary again and writes a good cache
    assert rebuilt.FREQ == tokenizer.FREQ
    again = jieba.Tokenizer()
    again.tmp_dir = str(damaged)
    initialize(again)
    assert again.FREQ == tokenizer.FREQ and list(again.cut("贾宝玉笑道")) == ["贾宝玉", "笑", "道"]


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
    from reader.reading.search import pinyin_offsets
    from reader.reading.session import _occurrences

    needle = query.lower()
    compact = "".join(needle.split())
    by_pinyin = compact.isascii() and compact.isalpha()
    found: list[Match] = []
    for index, block in enumerate(session.blocks):
        for number, (sid, text) in enumerate(block.sentences):
            offsets = _occurrences(text, query)
            if not offsets and by_pinyin and compact in toneless(text):
                offsets = pinyin_offsets(text, compact)
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


def test_a_books_readings_from_other_processes_are_the_same(
    aq: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`readings` on every core: what each text's own reading is, in order; and
    where those processes fail, the same again from this one."""
    from reader.reading import search
    from reader.reading.search import readings

    texts = [s.text for s in aq.sentences()] + ODD
    here = [toneless(text) for text in texts]
    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 3)
    answered: list[tuple[int, list[str] | None]] = []
    real = search._read_aside

    def spy(chunks: list[list[str]], cancel: Any) -> list[str] | None:
        found = real(chunks, cancel)
        answered.append((len(chunks), found))
        return found

    monkeypatch.setattr(search, "_read_aside", spy)
    assert readings(texts, min_chars=0) == here
    assert answered == [(3, here)]  # three processes answered it all
    monkeypatch.setattr(search, "_READ_ASIDE", "import sys; sys.exit(3)")
    assert readings(texts, min_chars=0) == here
    assert answered[-1] == (3, None)  # they failed: read here


def test_leaving_stops_the_readings_and_ends_their_processes(
    aq: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quit does not wait for an index: ``cancel`` ends the processes computing it."""
    import subprocess
    import threading

    from reader.errors import ReaderError
    from reader.reading import search
    from reader.reading.search import readings

    texts = [s.text for s in aq.sentences()]
    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 2)
    monkeypatch.setattr(search, "_READ_ASIDE", "import time; time.sleep(600)")  # never done
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def spy(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", spy)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(ReaderError, match="cancelled"):
        readings(texts, min_chars=0, cancel=cancel)
    assert len(started) == 2 and all(p.returncode is not None for p in started)
    with pytest.raises(ReaderError, match="cancelled"):  # read here (one core): the same
        readings(texts, cancel=cancel)


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


# -- issue 13: gloss and export of a whole document -------------------------------------------


def _old_gloss_line(words: list[str]) -> str:
    """The gloss's sentence as it was put together (regular expressions)."""
    import re

    from reader.translate.terms import tidy

    text = tidy(" ".join(w for w in words if w.strip())).replace("— —", "—")
    return re.sub(r"([“‘(]) | ([”’])", r"\1\2", text)


def test_the_glosss_line_is_what_the_regular_expressions_made(aq: Document) -> None:
    import random

    from reader.translate.gloss import _tidy

    marks = [",", ".", ";", ":", "!", "?", ")", "]", "(", "“", "”", "‘", "’", "—", "— —", "..."]
    blanks = ["", " ", "  ", "\t", "\n", "\u3000"]
    words = ["a", "the man", "Ah Q", "eat  rice", "x\u00a0y", *marks, *blanks]
    rng = random.Random(13)
    for _ in range(3000):
        line = [rng.choice(words) for _ in range(rng.randint(0, 12))]
        assert _tidy(line) == _old_gloss_line(line), line


def test_the_cache_key_is_the_hash_of_its_json() -> None:
    import hashlib

    from reader.translate.cache import cache_key

    def reference(translator: str, options: str, terms: list[tuple[str, str]], src: str) -> str:
        payload = json.dumps([translator, options, sorted(terms), src], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    odd = ['a"b', "\\", "\n\t\x00\x1f\x7f", "\u2028\u2029", "😀", "/", "中文", "", " "]
    for text in odd:
        for terms in ([], [(text, "x")], [("z", text), ("a", "b"), ("a", "a")]):
            args = ("argos:model:1.0", f"beam={text}", terms, f"他说：{text}")
            assert cache_key(*args) == reference(*args), args


def _gloss_pipeline(context: Context, batch_size: int = 8) -> Pipeline:
    pipeline = context.pipeline("gloss")
    return Pipeline(pipeline.translator, pipeline.cache, pipeline.matcher, batch_size=batch_size)


def _counted_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows per transaction the translation cache is written in, from now on in this test
    (and no second-based flush: only a full batch or the end writes)."""
    from reader.translate.cache import TranslationCache

    writes: list[int] = []
    put_many = TranslationCache.put_many

    def counted(self: TranslationCache, rows: Any) -> None:
        rows = list(rows)
        writes.append(len(rows))
        put_many(self, rows)

    monkeypatch.setattr(TranslationCache, "put_many", counted)
    monkeypatch.setattr("reader.translate.pipeline.STORE_SECONDS", 3600.0)
    return writes


def test_new_translations_are_cached_thousands_at_a_time_and_none_is_lost(
    aq: Document, make_context: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.document.units import reading_order

    context = make_context()
    pipeline = _gloss_pipeline(context)
    assert pipeline.cache is not None
    writes = _counted_writes(monkeypatch)
    units = list(reading_order(aq).units())[:400]
    # The caller stops after 100 sentences: what was translated is in the cache all the same.
    run = pipeline.run(units)
    first = [next(run) for _ in range(100)]
    run.close()
    assert len(writes) == 1  # at the end, not one per batch of 8
    stored = pipeline.cache.get_many(
        pipeline._items([(t.id, t.zh) for t in first])[i].key for i in range(100)
    )
    assert len(stored) == sum(1 for t in first if t.en != t.zh)
    writes.clear()
    done = list(pipeline.run(units))
    assert len(done) == len(units) and sum(writes) == sum(1 for t in done if not t.cached)
    assert len(writes) == 1


class _Preparing:
    """A gloss that records what it is asked to prepare."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.info = inner.info
        self.protects_terms = False
        self.prepared: list[list[str]] = []

    def options_key(self) -> str:
        return str(self.inner.options_key())

    def prepare(self, sentences: Any) -> None:
        self.prepared.append(list(sentences))

    def translate(self, sentences: Any) -> Any:
        return self.inner.translate(sentences)


def test_prepare_asks_the_cache_once_and_the_translator_for_what_it_lacks(
    aq: Document, make_context: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.document.units import reading_order
    from reader.translate.cache import TranslationCache
    from reader.translate.pipeline import model_input

    context = make_context()
    plain = context.pipeline("gloss")
    translator = _Preparing(plain.translator)
    pipeline = Pipeline(translator, plain.cache, plain.matcher)
    units = list(reading_order(aq).units())[:300]
    before = [(t.id, t.en) for t in plain.run(units[:100])]  # some cached already
    lookups: list[int] = []
    get_many = TranslationCache.get_many

    def counted(self: TranslationCache, keys: Any) -> Any:
        keys = list(keys)
        lookups.append(len(keys))
        return get_many(self, keys)

    monkeypatch.setattr(TranslationCache, "get_many", counted)
    pipeline.prepare(units)
    assert lookups == [len(units)]
    wanted = [model_input(u.text) for u in units[100:]]
    assert translator.prepared == [[w for w in wanted if any("\u4e00" <= c <= "\u9fff" for c in w)]]
    # The document a chunk at a time, as an export asks: the cache is not asked again,
    # and the chunks' new translations are written together when the document is done.
    writes = _counted_writes(monkeypatch)
    got = [t for start in range(0, len(units), 64) for t in pipeline.run(units[start : start + 64])]
    assert lookups == [len(units)] and writes == []
    pipeline.finish()
    assert writes == [sum(1 for t in got if not t.cached)]
    assert [(t.id, t.en) for t in got[:100]] == before
    assert [t.cached for t in got] == [True] * 100 + [t.en == t.zh for t in got[100:]]
    assert [t.en for t in got] == [t.en for t in plain.run(units)]


def test_prepared_glosses_are_dropped_when_the_glossary_changes(
    make_annotator: Callable[..., Annotator], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections.abc import Iterator, Sequence

    from reader.language.glossary import Glossary
    from reader.translate.gloss import GlossTranslator

    def here(state: Any, work: Any, groups: Sequence[Sequence[str]], **_: Any) -> Iterator[Any]:
        return (work(state, group) for group in groups)  # the pool's work, in this process

    monkeypatch.setattr("reader.language.parallel.map_groups", here)
    monkeypatch.setattr("reader.language.parallel.worker_count", lambda chars, workers=None: 2)
    glossary = Glossary(user_path=tmp_path / "glossary.tsv")
    gloss = GlossTranslator(make_annotator(glossary=glossary))
    sentence = "阿Q正传的作者是鲁迅。"
    gloss.prepare([sentence])
    assert gloss._ready == {sentence: gloss.gloss(sentence)}
    glossary.add("阿Q正传", "The True Story of Ah Q")
    (out,) = gloss.translate([sentence])
    assert "The True Story of Ah Q" in out.en and out.en == gloss.gloss(sentence)


def test_words_of_an_annotated_sentence_are_not_cut_again(
    make_annotator: Callable[..., Annotator], aq: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = make_annotator()
    texts = [p.text for p in aq.paragraphs()][:30]
    expected = [fresh.words(t) for t in texts]
    fresh.prime({t: tuple(fresh.annotate(t)) for t in texts})
    fresh._annotated.clear()
    monkeypatch.setattr(fresh.segmenter, "cut", _no_segmenting)
    assert [fresh.words(t) for t in texts] == expected


def test_tone_numbers_in_an_export_are_each_tokens_own(
    aq: Document, make_context: Callable[..., Context], tmp_path: Path
) -> None:
    from reader.export.document import export_document
    from reader.settings import Settings

    context = make_context(settings=Settings(tone_numbers=True))
    path = export_document(aq, "tsv", tmp_path / "aq.tsv", context, translator="gloss")
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    sentences = {s.id: s.text for p in aq.paragraphs() for s in p.sentences}
    checked = 0
    for row in rows:
        if row[0] in sentences:
            tokens = context.annotator.annotate(sentences[row[0]])
            syllables = [s for t in tokens for s in context.style.token(t).pinyin]
            assert row[3] == " ".join(syllables).strip()
            checked += 1
    assert checked > 500 and any(c.isdigit() for c in rows[5][3])


PARALLEL_EXPORT = r"""
import json, sys
from pathlib import Path
import multiprocessing.context
import reader.language.annotation_cache as annotation_cache
import reader.language.parallel as parallel
import reader.translate.cache as translation_cache
from reader.context import Context
from reader.document import load_document
from reader.document.units import reading_order
from reader.export.document import export_document

pools = []
make_pool = multiprocessing.context.ForkContext.Pool
def counted(self, *args, **kwargs):
    pools.append(args)
    return make_pool(self, *args, **kwargs)
multiprocessing.context.ForkContext.Pool = counted

doc = load_document(sys.argv[1])
out = Path(sys.argv[2])
def run(name, parallel_on):
    parallel.PARALLEL_MIN_CHARS = 0 if parallel_on else 10**12
    parallel.cpu_count = lambda: 2
    parallel.GROUP_CHARS = 3000  # several groups for a short story
    before = len(pools)
    written = {}
    for fmt in ("tsv", "json", "html"):
        # Cold each time: no translations and no annotations kept (this test's own files).
        translation_cache.CACHE_FILE = f"translations-{out.name}-{name}-{fmt}.sqlite"
        annotation_cache.FOLDER = f"annotations-{out.name}-{name}-{fmt}"
        export_document(doc, fmt, out / f"{name}.{fmt}", Context(), translator="gloss")
        written[fmt] = (out / f"{name}.{fmt}").read_bytes().hex()
    translation_cache.CACHE_FILE = f"translations-{out.name}-{name}.sqlite"
    pipeline = Context().pipeline("gloss")
    written["translate"] = [t.en for t in pipeline.run(reading_order(doc).units())]
    return written, len(pools) - before

serial, serial_pools = run("serial", False)
together, parallel_pools = run("parallel", True)
print(json.dumps({"same": serial == together, "pools": [serial_pools, parallel_pools]}))
"""


def test_a_document_annotated_and_glossed_in_worker_processes_exports_the_same_bytes(
    tmp_path: Path,
) -> None:
    """In a fresh process (pytest's own may have threads, where reader never forks)."""
    from tests.conftest import AQ

    done = subprocess.run(
        [sys.executable, "-c", PARALLEL_EXPORT, str(AQ), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr  # workers end quietly
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Annotation is two pools (cut, then each distinct word once): for each of tsv, json
    # and html (whose gloss then reads the tokens made), and for the translation.
    assert result["pools"] == [0, 8]
    assert result["same"]
