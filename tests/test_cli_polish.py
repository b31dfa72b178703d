"""CLI details a walkthrough tripped over: paths, sandhi, imports, HSK choices, formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.document import parse_text
from reader.language.glossary import Glossary, read_glossary

Capture = pytest.CaptureFixture[str]


def test_an_empty_or_missing_path_is_an_error(tmp_path: Path, capsys: Capture) -> None:
    assert main(["translate", "", "--translator", "gloss"]) == 2
    err = capsys.readouterr().err
    assert "nothing to translate" in err and "directory" not in err
    missing = str(tmp_path / "missing.txt")
    assert main(["translate", missing, "--translator", "gloss"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["translate", "missing.txt", "--translator", "gloss"]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err


def test_sandhi_before_a_neutral_syllable(capsys: Capture) -> None:
    assert main(["annotate", "--sandhi", "我有一个问题"]) == 0
    pinyin = capsys.readouterr().out.splitlines()[0]
    assert "yí ge" in pinyin and "yī ge" not in pinyin
    assert main(["annotate", "我有一个问题"]) == 0  # without --sandhi: citation tones
    assert "yī ge" in capsys.readouterr().out


def test_glossary_import_keeps_notes_and_says_what_changed(
    tmp_path: Path, user_dirs: Path, capsys: Capture
) -> None:
    Glossary().add("重要", "crucial", "house style")
    Glossary().add("富裕", "rich", "")
    incoming = tmp_path / "in.tsv"
    incoming.write_text("重要\tcrucial\n富裕\tprosperous\tthe usual rendering\n", encoding="utf-8")
    assert main(["glossary", "import", str(incoming)]) == 0
    out = capsys.readouterr().out
    saved = {t.source: t for t in read_glossary(user_dirs / "config" / "glossary.tsv", "user")}
    # A file without a note merges: the note is kept, and the term is identical.
    assert saved["重要"].note == "house style"
    assert "重要" not in out
    # A change names what changed, the note included.
    assert "changed 富裕: rich → prosperous; note 'the usual rendering' added" in out
    assert "1 changed, 1 identical" in out
    # An empty note column is a choice: the note goes, and the import says so.
    incoming.write_text("重要\tcrucial\t\n", encoding="utf-8")
    assert main(["glossary", "import", str(incoming)]) == 0
    assert "changed 重要: note 'house style' dropped" in capsys.readouterr().out


def _document(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("我们研究问题，阿Q在未庄推动共同富裕，社会主义核心价值观。\n", encoding="utf-8")
    return path


def _words(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines[1:]]


def test_words_without_an_hsk_level_are_their_own_choice(tmp_path: Path, capsys: Capture) -> None:
    doc = str(_document(tmp_path))
    above = tmp_path / "above.tsv"
    assert main(["vocab", "export", str(above), "--from-document", doc, "--hsk-above", "7"]) == 0
    assert _words(above) == []  # nothing is above the 7-9 band; unlisted words are not
    assert "exported 0 words" in capsys.readouterr().out
    unlisted = tmp_path / "unlisted.tsv"
    argv = ["vocab", "export", str(unlisted), "--from-document", doc, "--unlisted"]
    assert main(argv) == 0
    words = _words(unlisted)
    assert "共同富裕" in words and "研究" not in words and "问题" not in words
    both = tmp_path / "both.tsv"
    argv = ["vocab", "export", str(both), "--from-document", doc, "--unlisted", "--hsk-above", "0"]
    assert main(argv) == 0
    assert {"共同富裕", "研究", "问题"} <= set(_words(both))
    capsys.readouterr()
    assert main(["vocab", "export", str(both), "--unlisted"]) == 2
    assert "--unlisted needs --from-document" in capsys.readouterr().err


def test_the_vocabulary_format_follows_the_extension(tmp_path: Path, capsys: Capture) -> None:
    assert main(["vocab", "add", "重要", "--definition", "important"]) == 0
    assert main(["vocab", "export", str(tmp_path / "x.tsv")]) == 0
    assert (tmp_path / "x.tsv").read_text(encoding="utf-8").startswith("word\tpinyin\t")
    assert main(["vocab", "export", str(tmp_path / "cards.txt")]) == 0
    assert (tmp_path / "cards.txt").read_text(encoding="utf-8").startswith("#separator:tab")
    assert main(["vocab", "export", str(tmp_path / "y.tsv"), "--format", "anki"]) == 0
    assert (tmp_path / "y.tsv").read_text(encoding="utf-8").startswith("#separator:tab")
    assert "exported 1 word to" in capsys.readouterr().out


def test_an_ascii_full_stop_ends_a_paragraph() -> None:
    doc = parse_text("第一段的内容到这里结束.\n\n第二段从这里开始。\n", name="t")
    paragraphs = [p.text for s in doc.walk() for p in s.paragraphs]
    assert paragraphs == ["第一段的内容到这里结束.", "第二段从这里开始。"]
    # A paragraph cut mid-sentence at a page break is still joined.
    joined = parse_text("第一段的内容，到这里\n\n还没有结束。\n", name="t")
    assert [p.text for s in joined.walk() for p in s.paragraphs] == [
        "第一段的内容，到这里还没有结束。"
    ]


def test_words_join_list_and_unsplit(user_dirs: Path, capsys: Capture) -> None:
    assert main(["words", "join", "宝钗"]) == 0
    assert main(["words", "split", "但书", "但", "书"]) == 0
    assert main(["words", "list"]) == 0
    out = capsys.readouterr().out
    assert "宝钗\t(one word)" in out and "但书\t但 书" in out
    assert main(["words", "unsplit", "宝钗"]) == 0
    assert "宝钗: jieba decides again" in capsys.readouterr().out
    assert main(["words", "unsplit", "宝钗"]) == 2
    assert main(["words", "join", "宝"]) == 2
    assert "two characters or more" in capsys.readouterr().err
