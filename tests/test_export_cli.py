"""``reader export`` and ``reader vocab`` through their own parser (see reader/cli_export.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from reader.cli_export import add_parsers
from reader.errors import ReaderError
from tests.conftest import PARTY_BUILDING


def run(argv: list[str]) -> int:
    """What ``reader.cli.main`` does with a handler: one line and status 2 on a ReaderError."""
    parser = argparse.ArgumentParser(prog="reader")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ReaderError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    return code


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("《标题》\n\n第一章 开始\n\n共同富裕很重要。我们学习。\n", encoding="utf-8")
    return path


def test_export_default_path_is_the_current_folder(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert run(["export", str(small), "--format", "json", "--translator", "gloss"]) == 0
    data = json.loads((here / "doc.json").read_text(encoding="utf-8"))
    assert data["translator"]["name"] == "gloss"
    assert [s["id"] for s in data["sections"]] == ["s1"]
    assert "doc.json" in capsys.readouterr().out
    # Again: the file is kept, one line, status 2; --force replaces it.
    assert run(["export", str(small), "--format", "json", "--translator", "gloss"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err
    assert run(["export", str(small), "-f", "json", "--translator", "gloss", "--force"]) == 0


def test_export_options(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.md"
    argv = ["export", str(small), "-f", "md", "-o", str(out), "--translator", "gloss"]
    assert run([*argv, "--layout", "table", "--pinyin"]) == 0
    assert "| 中文 | Pinyin | English |" in out.read_text(encoding="utf-8")
    folder = tmp_path / "outdir"
    folder.mkdir()
    assert run(["export", str(small), "-f", "tsv", "-o", str(folder), "--translator", "gloss"]) == 0
    assert (folder / "doc.tsv").exists()


def test_export_errors(small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    assert run(["export", str(small), "-f", "md", "-o", str(blocked / "x.md")]) == 2
    assert run(["export", str(tmp_path / "missing.txt"), "-f", "md"]) == 2
    assert run(["export", str(small), "-f", "md", "--translator", "argos", "-o", "x.md"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("reader: ") for line in err)
    assert "cannot write" in err[0] and "models install" in err[2]


def test_vocab_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["vocab", "list"]) == 0
    assert "no saved words" in capsys.readouterr().out
    assert run(["vocab", "add", "富裕", "--sentence", "共同富裕很重要。"]) == 0
    assert run(["vocab", "add", "重要"]) == 0
    capsys.readouterr()
    assert run(["vocab", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["word"] for r in rows] == ["富裕", "重要"]
    assert rows[0]["pinyin"] == "fù yù" and rows[0]["definition"]
    assert rows[0]["sentence"] == "共同富裕很重要。"
    out = tmp_path / "cards.txt"
    assert run(["vocab", "export", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("#separator:tab\n#html:false\n#columns:")
    assert run(["vocab", "remove", "富裕"]) == 0
    assert run(["vocab", "remove", "富裕"]) == 2
    assert run(["vocab", "add", "qwerty"]) == 2


def test_vocab_from_a_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hard.apkg"
    argv = ["vocab", "export", str(out), "-f", "apkg", "--from-document", str(PARTY_BUILDING)]
    assert run([*argv, "--hsk-above", "6"]) == 0
    assert "exported" in capsys.readouterr().out and out.stat().st_size > 0
    assert run(["vocab", "export", str(tmp_path / "x.txt"), "--hsk-above", "3"]) == 2
    assert "--from-document" in capsys.readouterr().err
