"""pypinyin's readings from its table on disk are pypinyin's own, and short commands
read them without importing pypinyin (0.4–0.6 s of tables)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from reader.document import Document
from reader.hanzi import HANZI_RUN
from reader.language.annotate import Annotator
from reader.language.pinyin_table import PinyinTable, build, table_path


def test_readings_are_pypinyins_own(aq: Document, annotator: Annotator, tmp_path: Path) -> None:
    path = tmp_path / "pinyin.sqlite"
    build(path)
    table = PinyinTable(path)
    runs: set[str] = set()
    for sentence in aq.sentences():
        runs.update(HANZI_RUN.findall(sentence.text))  # whole runs: pypinyin's own cut
        for token in annotator.segmenter.cut(sentence.text):
            runs.update(HANZI_RUN.findall(token))  # words, as the annotator asks
    runs.update(["乌油头发", "坐不住", "一百八", "银行行长", "𠀀𠀁", "〇"])
    differ = [
        run
        for run in sorted(runs)
        if table.reading(run) != [item[0] for item in pinyin(run, style=Style.TONE)]
    ]
    assert len(runs) > 5_000 and differ == []
    # Tone conversions as pypinyin does them, for what CC-CEDICT writes.
    from pypinyin.contrib.tone_convert import to_tone, to_tone3

    # ... and each piece between its brackets (功放: abbr. for 功率放大器[gong1 lu : 4 ...]).
    for numbered in ("zhong4", "lu:4", "Li3", "r5", "m2", "xx5", "lu", ":", "4", "A", "-"):
        assert table.converted("marks", numbered) == to_tone(numbered.replace("u:", "v"))
    for marked in ("zhòng", "lǜ", "de", "ḿ"):
        expected = to_tone3(marked, v_to_u=True, neutral_tone_with_five=True)
        assert table.converted("numbers", marked) == expected


def test_a_damaged_or_unwritable_table_falls_back_to_pypinyin(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"not a database" * 100)
    table = PinyinTable.open(damaged)  # set aside and built again
    assert table is not None and table.reading("银行") == ["yín", "háng"]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores the mode: a path under a file
            (tmp_path / "file").write_text("")
            target = tmp_path / "file" / "pinyin.sqlite"
        else:
            target = locked / "pinyin.sqlite"
        assert PinyinTable.open(target) is None
    finally:
        locked.chmod(0o700)


def test_lookup_and_annotate_do_not_import_pypinyin(annotator: Annotator) -> None:
    annotator.lookup("共同富裕")  # the table exists in the run's cache folder
    assert table_path().exists()
    code = (
        "import sys\n"
        "from reader.context import Context\n"
        "c = Context.create()\n"
        "entry = c.annotator.lookup('共同富裕')\n"
        "tokens = c.annotator.annotate('我们要实现共同富裕，银行行长说。')\n"
        # CC-CEDICT's lu:e4 and nu:e4 (略, 虐): converted from the table too.
        "tokens += c.annotator.annotate('战略不是虐待。')\n"
        # Entries pointing to a word written [lu : 4 ...] or [A A zhi4]: from the table too.
        "c.annotator.annotate('功放和七律，AA制。')\n"
        "c.annotator.lookup('七律')\n"
        "print(' '.join(entry.pinyin), '|', ' '.join(s for t in tokens for s in t.pinyin))\n"
        "print(c.annotator.lookup('略').readings[0].pinyin)\n"
        "print('pypinyin' in sys.modules, c.annotator.segmenter._tokenizer is None)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    readings, lue, modules = done.stdout.strip().splitlines()
    assert readings.startswith("gòng tóng fù yù | wǒ men yào shí xiàn gòng tóng fù yù")
    assert readings.endswith("zhàn lüè bù shì nüè dài") and lue == "lüè"
    assert "yín háng háng zhǎng" in readings
    assert modules == "False True", done.stdout


def test_a_table_left_for_later_is_not_built_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`build_later`: pypinyin answers (the same readings) until :func:`keep_table`."""
    from reader.language import pinyin_table

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    pinyin_table.forget_shared_table()
    pinyin_table.build_later()
    assert pinyin_table.shared_table() is None
    assert not pinyin_table.table_path().exists()
    pinyin_table.keep_table()
    assert pinyin_table.table_path().exists()
    assert pinyin_table.shared_table() is None  # this process goes on with pypinyin
    pinyin_table.forget_shared_table()
    assert pinyin_table.shared_table() is not None  # the next one opens it
    pinyin_table.forget_shared_table()
