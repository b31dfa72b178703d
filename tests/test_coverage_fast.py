"""Coverage's fast path gives the annotator's answers, and its report cache follows your statuses.

``reader coverage`` counts a document's words without the annotator (jieba's
words judged once each, sections cut in worker processes) and keeps the
report until the file or a word status changes (issue 14). Each is checked
against the straightforward way: annotate every paragraph and count its
tokens, on 阿Q正传 (small enough for the suite, long enough for every kind of
token: names, numbers, traditional forms, punctuation).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

import pytest

import reader.cli
from reader.context import Context
from reader.document import Document
from reader.language.annotate import Annotator
from reader.language.coverage import (
    CountsCache,
    Coverage,
    DocumentCoverage,
    KnownWords,
    Simplifier,
    count_document,
    kind,
)
from reader.store.words import Status

CHAPTERS = (
    "# 第一章\n\n老师说学习很重要。我们今天去学校学习中文。\n\n"
    "# 第二章\n\n经济发展需要科学技术。科学技术推动经济发展，经济发展改善生活。\n"
)


@pytest.fixture
def words(make_context: Callable[..., Context]) -> KnownWords:
    return make_context().words


def _slow_counts(annotator: Annotator, texts: Iterable[str], simplify: Simplifier) -> Counter[str]:
    """The annotator's way: every token of every paragraph, simplified, first seen first."""
    counts: Counter[str] = Counter()
    for text in texts:
        for token in annotator.annotate(text):
            if kind(token) == "word":
                counts[simplify(token.text)] += 1
    return counts


def _slow_top(counts: Counter[str], words: KnownWords, limit: int) -> list[tuple[str, int]]:
    statuses = words.by_key(counts)
    new = [(w, n) for w, n in counts.items() if statuses.get(w, Status.NEW) is Status.NEW]
    return sorted(new, key=lambda item: -item[1])[:limit]  # stable: ties first seen first


def _mark_some(words: KnownWords, counts: Counter[str]) -> None:
    """Every status on a spread of the text's words, frequent ones and rare ones."""
    ranked = [w for w, _ in counts.most_common()]
    words.set_many(ranked[0:40:2], Status.KNOWN)
    words.set_many(ranked[1:40:4], Status.LEARNING, 2)
    words.set_many(ranked[3:40:8], Status.IGNORED)
    words.set_many(ranked[200::7], Status.KNOWN)


def test_fast_counts_give_the_annotators_coverage_per_section(
    words: KnownWords, annotator: Annotator, aq: Document
) -> None:
    simplify = Simplifier(annotator.dictionary)
    sections = [s for s in aq.walk() if s.paragraphs]
    everything = _slow_counts(annotator, (p.text for p in aq.paragraphs()), simplify)
    _mark_some(words, everything)

    counts = count_document(aq, annotator, Simplifier(annotator.dictionary, bulk=True), workers=1)
    report = words.document_coverage(counts, top=8)

    assert [s.id for s in report.sections] == [s.id for s in sections]
    for section, got in zip(sections, report.sections, strict=True):
        texts = [p.text for p in section.paragraphs]
        # The slow path as the reader used it before: coverage of annotated text.
        assert got.coverage == words.coverage(texts), section.id
        slow = _slow_counts(annotator, texts, simplify)
        ignored = {w for w, s in words.by_key(slow).items() if s is Status.IGNORED}
        assert got.coverage.tokens + got.coverage.ignored == sum(slow.values()), section.id
        assert got.coverage.distinct + len(ignored) == len(slow), section.id
        assert got.unknown == _slow_top(slow, words, 8), section.id
    assert report.total == words.coverage([p.text for p in aq.paragraphs()])
    assert report.unknown == _slow_top(everything, words, 8)
    assert 0 < report.total.share < 1 and report.total.learning and report.total.ignored


PARALLEL = r"""
import json, sys
from collections import Counter
from reader.context import Context
from reader.document import load_document
from reader.language.coverage import Simplifier, count_document, kind
from reader.language.parallel import worker_count

doc = load_document(sys.argv[1])
annotator = Context(document=sys.argv[1]).annotator
assert worker_count(10**6, 2) == 2, "one thread: the pool must be used"
counted = count_document(doc, annotator, Simplifier(annotator.dictionary, bulk=True), workers=2)
fast = [[s.id, list(s.counts.words.items()), s.counts.names, s.counts.numbers]
        for s in counted.sections]
simplify = Simplifier(annotator.dictionary)
slow = []
for section in doc.walk():
    tokens = [t for p in section.paragraphs for t in annotator.annotate(p.text)]
    words = Counter(simplify(t.text) for t in tokens if kind(t) == "word")
    names = sum(kind(t) == "name" for t in tokens)
    numbers = sum(kind(t) == "number" for t in tokens)
    if words or names or numbers:
        slow.append([section.id, list(words.items()), names, numbers])
print(json.dumps({"fast": fast, "slow": slow}, ensure_ascii=False))
"""


def test_counts_cut_in_worker_processes_are_the_annotators() -> None:
    """In a fresh process (pytest's own may have threads, where reader never forks)."""
    from tests.conftest import AQ

    done = subprocess.run(
        [sys.executable, "-c", PARALLEL, str(AQ)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["fast"]) > 5
    # The same words, counts and first-seen order, names and numbers, section by section.
    assert result["fast"] == result["slow"]


# -- the report, cached until a status changes ---------------------------------------------


def test_the_fingerprint_changes_with_every_status_change(words: KnownWords) -> None:
    empty = words.fingerprint()
    assert words.fingerprint() == empty  # reading makes no file and changes nothing
    seen = {empty}

    def changed() -> None:
        now = words.fingerprint()
        assert now not in seen
        seen.add(now)

    words.set("学习", Status.KNOWN)
    changed()
    words.set("学习", Status.LEARNING, 1)
    changed()
    words.set("学习", Status.LEARNING, 3)
    changed()
    words.set("学习", Status.IGNORED)
    changed()
    words.set_many(["老师", "学校"], Status.KNOWN)
    before = words.fingerprint()
    assert words.set_many(["老师"], Status.LEARNING, only_new=True) == 1
    assert words.fingerprint() == before  # nothing changed: the same report holds
    # One word forgotten and another marked: as many rows as before.
    assert words.remove("老师")
    words.set("中文", Status.KNOWN)
    changed()
    words.set_many(["中文"], Status.NEW)
    changed()


def _report(cache: CountsCache, path: Path, words: KnownWords, top: int = 5) -> DocumentCoverage:
    return cache.report_of_file(path, words, top=top)


def test_the_report_is_kept_until_the_file_or_a_status_changes(
    tmp_path: Path, words: KnownWords, annotator: Annotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chapters.md"
    path.write_text(CHAPTERS, encoding="utf-8")
    cache = CountsCache(annotator, tmp_path / "cache")
    first = _report(cache, path, words)
    counts = cache.counts_of_file(path)
    assert first == words.document_coverage(counts, top=5)
    computed: list[int] = []
    real = words.document_coverage

    def counting(*args: object, **options: object) -> DocumentCoverage:
        computed.append(1)
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(words, "document_coverage", counting)
    assert _report(cache, path, words) == first and computed == []  # from the cache

    words.set("学习", Status.KNOWN)
    second = _report(cache, path, words)
    assert computed == [1] and second != first
    assert second.sections[0].coverage.known == 2  # 学习 twice in the first chapter
    assert all(w != "学习" for w, _ in second.sections[0].unknown)
    assert _report(cache, path, words) == second and computed == [1]

    words.set("学习", Status.LEARNING, 2)
    third = _report(cache, path, words)
    assert (third.sections[0].coverage.known, third.sections[0].coverage.learning) == (0, 2)
    words.remove("学习")
    assert _report(cache, path, words) == first  # back to no statuses: the first figures

    assert len(_report(cache, path, words, top=1).unknown) == 1  # another --top
    calls = len(computed)
    cache.report_path(first_sha(path)).write_text("{damaged", encoding="utf-8")
    assert _report(cache, path, words) == first and len(computed) == calls + 1

    path.write_text(CHAPTERS + "\n# 第三章\n\n新的一章。\n", encoding="utf-8")
    assert len(_report(cache, path, words).sections) == 3  # the file changed
    assert len(list((tmp_path / "cache").glob("*.report.json"))) == 2  # one per document


def first_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_coverage_command_reads_the_cached_report_and_follows_statuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chapters.md"
    path.write_text(CHAPTERS, encoding="utf-8")
    assert reader.cli.main(["coverage", str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["known"] == 0

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(KnownWords, "document_coverage", fail)
    assert reader.cli.main(["coverage", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    monkeypatch.undo()

    assert reader.cli.main(["known", "add", "学习", "经济"]) == 0
    capsys.readouterr()
    assert reader.cli.main(["coverage", str(path), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["known"] == 2 + 3  # 学习 twice, 经济 three times
    assert [s["known"] for s in after["sections"]] == [2, 3]


def test_coverage_figures_round_trip_through_the_report_file(
    tmp_path: Path, words: KnownWords, annotator: Annotator
) -> None:
    path = tmp_path / "chapters.md"
    path.write_text(CHAPTERS, encoding="utf-8")
    words.set_many(["学习", "经济"], Status.KNOWN)
    words.set("发展", Status.LEARNING, 4)
    words.set("老师", Status.IGNORED)
    fresh = _report(CountsCache(annotator, tmp_path / "cache"), path, words)
    kept = _report(CountsCache(annotator, tmp_path / "cache"), path, words)
    assert kept == fresh
    assert asdict(kept.total) == asdict(fresh.total) and isinstance(kept.total, Coverage)
    assert kept.total.ignored == 1 and kept.total.learning == 3


def test_a_book_counted_by_another_process_is_counted_as_here(
    aq: Document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's known words: a book's counts come from a process of its own
    (:meth:`CountsCache._count_aside`), the same as counted here; where it fails, here."""
    from reader.language import coverage

    annotator = Context().for_document(aq).annotator
    here = CountsCache(annotator, tmp_path / "here").counts(aq)
    monkeypatch.setattr("reader.language.parallel.PARALLEL_MIN_CHARS", 0)  # aq is a book
    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 2)
    counted: list[bool] = []
    real = CountsCache._count_aside

    def spy(self: CountsCache, doc: Document, cancel: object) -> bool:
        counted.append(real(self, doc, cancel))  # type: ignore[arg-type]
        return counted[-1]

    monkeypatch.setattr(CountsCache, "_count_aside", spy)
    aside = CountsCache(annotator, tmp_path / "aside")
    assert aside.counts(aq, aside=True) == here and counted == [True]
    assert aside.cached(aq.source_sha256) == here  # kept by that process
    monkeypatch.setattr(coverage, "_COUNT_ASIDE", "import sys; sys.exit(2)")
    failed = CountsCache(annotator, tmp_path / "failed")
    assert failed.counts(aq, aside=True) == here and counted == [True, False]
