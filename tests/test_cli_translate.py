from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.translate.packages import install, installed
from tests.conftest import RESOLUTION
from tests.model_factory import build_package
from tests.test_cli import run
from tests.test_packages import _write_index, index_server  # noqa: F401  (fixture)


def test_translate_json_with_the_gloss(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--json", "共同富裕很重要。我们学习。"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["translator"] == {"name": "gloss", "model": None, "version": None}
    first, second = data["sentences"]
    assert set(first) == {"id", "zh", "en", "provenance", "origin", "cached", "terms"}
    assert (first["id"], first["zh"]) == ("s0.p1.t1", "共同富裕很重要。")
    assert first["en"].startswith("common prosperity")
    assert first["terms"] == [{"zh": "共同富裕", "en": "common prosperity", "ok": True}]
    assert second["id"] == "s0.p1.t2"


def test_translate_plain_says_it_is_a_gloss(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "共同富裕很重要。"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# word-by-word gloss, not a translation (no model installed)"
    assert out[1] == "共同富裕很重要。"
    assert out[2].strip().startswith("common prosperity")


def test_translate_a_file_with_a_model(
    model_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    install(model_files["copy"])
    assert main(["translate", str(RESOLUTION), "--json", "--translator", "argos"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["translator"]["name"] == "argos"
    assert data["translator"]["model"] == "translate-zh_en-0_0_2"
    ids = [s["id"] for s in data["sentences"]]
    assert ids[0] == "title" and ids[1] == "s0.p1.t1"
    assert not any(s["cached"] for s in data["sentences"][1:])
    # The second run comes from the cache.
    assert main(["translate", str(RESOLUTION), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert all(s["cached"] for s in again["sentences"])
    assert [s["en"] for s in again["sentences"]] == [s["en"] for s in data["sentences"]]


def test_document_glossary_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text("共同富裕很重要。\n", encoding="utf-8")
    (tmp_path / "note.glossary.tsv").write_text("共同富裕\tshared prosperity\t\n", encoding="utf-8")
    assert main(["translate", str(doc), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # The file has no title: its name ("note") is not translated as a sentence.
    assert [s["zh"] for s in data["sentences"]] == ["共同富裕很重要。"]
    assert data["sentences"][0]["en"].startswith("shared prosperity")


def test_translate_stdin() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "translate", "-", "--json"],
        input="你好。",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sentences"][0]["zh"] == "你好。"


def test_argos_without_a_model_is_a_one_line_error() -> None:
    result = run("translate", "--translator", "argos", "你好")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "reader models install zh en" in result.stderr


def test_models_commands(
    model_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list"]) == 0
    assert "no models installed" in capsys.readouterr().out
    assert main(["models", "install", str(model_files["random"])]) == 0
    assert "installed translate-zh_en-0_0_1" in capsys.readouterr().out
    assert main(["models", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["from"], r["to"], r["version"]) for r in rows] == [
        ("translate-zh_en-0_0_1", "zh", "en", "0.0.1")
    ]
    assert main(["models", "remove", "translate-zh_en-0_0_1"]) == 0
    assert installed() == []
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"nope")
    result = run("models", "install", str(bad))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "not a zip" in result.stderr
    assert run("models", "remove", "nothing").returncode == 2


def test_models_install_from_an_index(
    index_server: tuple[str, Path],  # noqa: F811
    model_files: dict[str, Path],
) -> None:
    base, root = index_server
    digest = hashlib.sha256(model_files["random"].read_bytes()).hexdigest()
    url = _write_index(root, base, digest)
    result = run("models", "install", "zh", "en", "--index", url)
    assert result.returncode == 0, result.stderr
    assert "installed translate-zh_en-0_0_1" in result.stdout
    assert [m.name for m in installed()] == ["translate-zh_en-0_0_1"]


def test_models_install_offline_is_one_clear_line() -> None:
    env = {**os.environ, "READER_MODEL_INDEX": "http://127.0.0.1:9/index.json"}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "models", "install", "zh", "en"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "reader models install FILE" in result.stderr


def test_cache_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "你好。"]) == 0
    assert main(["cache", "stats", "--json"]) == 0
    capsys.readouterr()
    assert main(["cache", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] >= 1 and stats["translators"].get("gloss", 0) >= 1
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert main(["cache", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0


@pytest.mark.parametrize("beam", ["-3", "0"])
def test_an_impossible_beam_is_one_line(beam: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--beam", beam, "你好。"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"reader: --beam must be 1 to 16, got {beam}"]
    assert captured.out == ""


def test_a_long_sentence_translates_with_a_256_position_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    install(build_package(tmp_path / "short.argosmodel", "copy", max_pos=256))
    long = "共同富裕是社会主义的本质要求" * 40 + "。"  # 561 characters, about 460 pieces
    monkeypatch.setattr("sys.stdin", io.StringIO(long))
    assert main(["translate", "--json", "-"]) == 0
    (sentence,) = json.loads(capsys.readouterr().out)["sentences"]
    assert sentence["flag"] == "split"
    assert sentence["en"].count("common prosperity") == 40


def test_a_model_that_fails_still_finishes_with_a_warning(
    model_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.translate.packages import install

    model = install(model_files["copy"])
    (model.path / "model" / "model.bin").write_bytes(b"damaged after install" * 100)
    status = main(["translate", "--json", "共同富裕很重要。我们学习。"])
    captured = capsys.readouterr()
    # Nothing could be machine-translated: every sentence is the gloss, flagged, with why.
    assert status == 1
    sentences = json.loads(captured.out)["sentences"]
    assert [s["flag"] for s in sentences] == ["failed", "failed"]
    assert all(s["provenance"] == "gloss" and s["reason"] and s["en"] for s in sentences)
    warning = captured.err.strip()
    assert warning.startswith("reader: warning: 2 sentences") and "\n" not in warning
    # The export still writes its file, the gloss flagged, with the same warning.
    source = tmp_path / "doc.txt"
    source.write_text("共同富裕很重要。\n", encoding="utf-8")
    out = tmp_path / "doc.json"
    assert main(["export", str(source), "--format", "json", "--out", str(out)]) == 1
    assert out.exists() and "could not be machine-translated" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argument", "message"), [("missing.txt", "no such file"), ("", "nothing to translate")]
)
def test_a_missing_file_or_nothing_is_one_line(argument: str, message: str) -> None:
    result = run("translate", argument)
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert main(["translate", "--json", "长" * 300]) == 0  # long text is text, not a file name
