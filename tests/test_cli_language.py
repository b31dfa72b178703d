from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.language.formatting import cell_width
from tests.test_cli import run


def test_annotate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", "--json", "共同富裕很重要。"]) == 0
    tokens = json.loads(capsys.readouterr().out)
    assert [t["text"] for t in tokens] == ["共同富裕", "很", "重要", "。"]
    for token in tokens:
        assert set(token) == {"text", "pinyin", "definitions", "source", "hsk"}
    assert tokens[0]["source"] == "glossary"
    assert tokens[0]["definitions"] == ["common prosperity"]
    assert tokens[2]["pinyin"] == ["zhòng", "yào"]
    assert tokens[3] == {"text": "。", "pinyin": [], "definitions": [], "source": None, "hsk": None}


def test_annotate_tone_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", "--json", "--tone-numbers", "重要的"]) == 0
    tokens = json.loads(capsys.readouterr().out)
    assert [t["pinyin"] for t in tokens] == [["zhong4", "yao4"], ["de5"]]


def test_annotate_plain_aligns_pinyin_over_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", "他慢慢地走过来，推动共同富裕。"]) == 0
    top, bottom = capsys.readouterr().out.splitlines()[:2]
    # Each word starts in the same terminal column as its pinyin.
    for word, reading in [("慢慢", "màn màn"), ("地", "de"), ("共同富裕", "gòng tóng fù yù")]:
        column_text = cell_width(bottom[: bottom.index(word)])
        column_pinyin = cell_width(top[: top.index(reading)])
        assert column_text == column_pinyin, word


def test_annotate_reads_stdin() -> None:
    result = subprocess_run(["annotate", "-", "--json"], "重要")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["pinyin"] == ["zhòng", "yào"]


def subprocess_run(args: list[str], stdin: str):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_lookup_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "行"]) == 0
    out = capsys.readouterr().out
    assert "[xíng]" in out and "[háng]" in out
    assert "CC-CEDICT" in out and "CC BY-SA 4.0" in out


def test_lookup_and_the_popup_draw_the_same_entry(capsys: pytest.CaptureFixture[str]) -> None:
    """One renderer: the plain text is the popup's text with readings in brackets."""
    from reader.context import Context
    from reader.language.entry_view import entry_lines, plain_entry
    from reader.settings import Settings
    from reader.tui.screens.popup import describe

    assert main(["lookup", "--tone-numbers", "行"]) == 0
    out = capsys.readouterr().out.strip()
    assert "[xing2]" in out and "[hang2]" in out and "xíng" not in out
    context = Context(Settings(tone_numbers=True))
    entry = context.annotator.lookup("行")
    lines = entry_lines(entry, "2021", context.style)
    assert out == plain_entry(entry, "2021", context.style)
    popup = describe(entry, "2021", context.style).plain
    assert popup == "\n".join("".join(text for text, _ in line) for line in lines)
    assert len(popup.splitlines()) == len(out.splitlines())


def test_lookup_glossary_term(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "八八战略", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["glossary"]["english"] == "Double Eight Strategy"
    assert data["glossary"]["note"]
    assert data["readings"] == []
    # A term no dictionary has is explained by its words (战略), not its characters.
    assert [c["character"] for c in data["characters"]] == ["八", "八", "战略"]


def test_lookup_json_readings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "国家", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["traditional"] == ["國家"]
    assert data["hsk"] == 1 and data["hsk_standard"] == "2021"
    assert data["readings"][0]["pinyin"] == "guó jiā"


def test_lookup_unknown_word_is_a_one_line_error() -> None:
    result = run("lookup", "xyz")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not in CC-CEDICT" in result.stderr


def test_glossary_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["glossary", "add", "浙里办", "Zheliban app", "--note", "gov services"]) == 0
    assert main(["glossary", "list", "--json"]) == 0
    capsys.readouterr()
    assert main(["glossary", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"term": "浙里办", "english": "Zheliban app", "note": "gov services", "source": "user"}
    ]
    # The new term is used at once.
    assert main(["annotate", "--json", "用浙里办"]) == 0
    tokens = json.loads(capsys.readouterr().out)
    assert tokens[1]["source"] == "user" and tokens[1]["definitions"] == ["Zheliban app"]

    incoming = tmp_path / "in.tsv"
    incoming.write_text("浙里办\tZheli Ban\t\n未来社区\tfuture community\t\n", encoding="utf-8")
    assert main(["glossary", "import", str(incoming), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 new, 1 changed, 0 identical" in out and "nothing written" in out
    assert main(["glossary", "import", str(incoming)]) == 0
    capsys.readouterr()
    exported = tmp_path / "out.tsv"
    assert main(["glossary", "export", str(exported)]) == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["未来社区\tfuture community\t", "浙里办\tZheli Ban\t"]
    # An existing file is kept without --force; an extension it cannot write is refused.
    exported.write_text("mine", encoding="utf-8")
    assert main(["glossary", "export", str(exported)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert exported.read_text(encoding="utf-8") == "mine"
    assert main(["glossary", "export", str(exported), "--force"]) == 0
    assert exported.read_text(encoding="utf-8").splitlines()[1:] == lines[1:]
    assert main(["glossary", "export", str(tmp_path / "terms.xlsx")]) == 2
    assert "unknown glossary format 'xlsx'" in capsys.readouterr().err
    assert not (tmp_path / "terms.xlsx").exists()
    assert main(["glossary", "remove", "浙里办"]) == 0
    capsys.readouterr()
    assert main(["glossary", "list"]) == 0
    assert capsys.readouterr().out == "未来社区\tfuture community\n"


def test_glossary_errors_are_one_line() -> None:
    for args in (
        ["glossary", "remove", "不存在的词"],
        ["glossary", "add", "hello", "world"],
        ["glossary", "import", "/nonexistent/terms.tsv"],
        ["glossary", "export", "/proc/forbidden/out.tsv"],
    ):
        result = run(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_words_split(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", "--json", "高质量的产品"]) == 0
    texts = [t["text"] for t in json.loads(capsys.readouterr().out)]
    assert texts == ["高质量", "的", "产品"]
    assert main(["words", "split", "高质量", "高", "质量"]) == 0
    assert main(["annotate", "--json", "高质量"]) == 0
    capsys.readouterr()
    assert main(["annotate", "--json", "高质量的产品"]) == 0
    texts = [t["text"] for t in json.loads(capsys.readouterr().out)]
    assert texts == ["高", "质量", "的", "产品"]
    assert main(["words", "list"]) == 0
    assert capsys.readouterr().out == "高质量\t高 质量\n"
    assert main(["words", "unsplit", "高质量"]) == 0
    assert run("words", "split", "高质量", "高", "量").returncode == 2
