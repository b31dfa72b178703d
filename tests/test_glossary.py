from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.language.dictionary import Dictionary
from reader.language.glossary import (
    Glossary,
    builtin_terms,
    document_glossary_path,
    read_glossary,
)

SEED_TERMS_MISSING_FROM_CEDICT = ["共同富裕", "八八战略", "重要窗口", "山海协作", "新质生产力"]


def test_builtin_glossary_covers_the_seed_terms() -> None:
    terms = {t.source: t for t in builtin_terms()}
    assert len(terms) >= 300
    dictionary = Dictionary()
    for source in SEED_TERMS_MISSING_FROM_CEDICT:
        assert source not in dictionary
        assert terms[source].target
    assert terms["共同富裕"].target == "common prosperity"
    assert all(t.origin == "glossary" for t in terms.values())
    assert all("\t" not in t.target and t.target.strip() == t.target for t in terms.values())


def test_user_terms_override_builtin(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "glossary.tsv")
    assert glossary.get("共同富裕").origin == "glossary"  # type: ignore[union-attr]
    glossary.add("共同富裕", "shared prosperity", "my house style")
    term = glossary.get("共同富裕")
    assert term is not None and term.target == "shared prosperity" and term.origin == "user"
    # Saved at once, in OmegaT's format, and read back by a new instance.
    lines = (tmp_path / "glossary.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert lines[1] == "共同富裕\tshared prosperity\tmy house style"
    again = Glossary(tmp_path / "glossary.tsv")
    assert again.get("共同富裕").target == "shared prosperity"  # type: ignore[union-attr]
    assert again.remove("共同富裕")
    assert again.get("共同富裕").origin == "glossary"  # type: ignore[union-attr]
    assert not again.remove("共同富裕")  # built-in terms are overridden, never removed


def test_document_glossary_wins(tmp_path: Path) -> None:
    doc = tmp_path / "report.txt"
    doc_glossary = document_glossary_path(doc)
    assert doc_glossary.name == "report.glossary.tsv"
    doc_glossary.write_text("共同富裕\tcommon wealth\tthis report's usage\n", encoding="utf-8")
    glossary = Glossary(tmp_path / "user.tsv", doc_glossary)
    glossary.add("共同富裕", "shared prosperity")
    assert glossary.get("共同富裕").target == "common wealth"  # type: ignore[union-attr]


def test_fields_are_cleaned_and_checked(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "g.tsv", builtin=False)
    term = glossary.add(" 浙里办 ", "Zhejiang\tGov\nApp", "an\tapp")
    assert (term.source, term.target, term.note) == ("浙里办", "Zhejiang Gov App", "an app")
    with pytest.raises(ReaderError, match="no Chinese"):
        glossary.add("hello", "world")
    with pytest.raises(ReaderError, match="needs an English"):
        glossary.add("浙里办", "  ")


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.tsv"
    glossary = Glossary(path, builtin=False)
    glossary.add("浙里办", "Zhejiang Government Service App")
    before = path.read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ReaderError, match="No space left"):
        glossary.add("山海协作", "mountain-sea cooperation")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["g.tsv"]
    assert glossary.get("山海协作") is None


def test_import_summary_and_dry_run(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "g.tsv", builtin=False)
    glossary.add("浙里办", "Zhejiang Government Service App")
    glossary.add("山海协作", "mountain-sea cooperation")
    incoming = tmp_path / "in.tsv"
    incoming.write_text(
        "source\ttarget\tcomment\n"
        "浙里办\tZheliban app\t\n"  # changed
        "山海协作\tmountain-sea cooperation\n"  # identical
        "未来社区\tfuture community\tZhejiang pilot\n"  # new
        "hello\tworld\n"  # not a Chinese term
        "# a comment\n",
        encoding="utf-8",
    )
    plan = glossary.plan_import(incoming)
    assert [t.source for t in plan.new] == ["未来社区"]
    assert [new.source for _, new in plan.changed] == ["浙里办"]
    assert [t.source for t in plan.identical] == ["山海协作"]
    assert len(plan.skipped) == 1
    assert plan.describe() == "1 new, 1 changed, 1 identical, 1 skipped"
    # Planning writes nothing.
    assert Glossary(tmp_path / "g.tsv", builtin=False).get("未来社区") is None
    glossary.apply_import(plan)
    saved = {t.source: t.target for t in read_glossary(tmp_path / "g.tsv", "user")}
    assert saved == {
        "浙里办": "Zheliban app",
        "山海协作": "mountain-sea cooperation",
        "未来社区": "future community",
    }


def test_import_csv(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "g.tsv", builtin=False)
    incoming = tmp_path / "terms.csv"
    incoming.write_text(
        'term,english,note\n未来社区,"future community, a pilot",""\n', encoding="utf-8"
    )
    plan = glossary.plan_import(incoming)
    assert [(t.source, t.target) for t in plan.new] == [("未来社区", "future community, a pilot")]


def test_import_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="no such file"):
        Glossary(tmp_path / "g.tsv").plan_import(tmp_path / "missing.tsv")


def test_export(tmp_path: Path) -> None:
    from reader.export.termbase import export_glossary

    glossary = Glossary(tmp_path / "g.tsv")
    glossary.add("浙里办", "Zhejiang Government Service App")
    assert export_glossary(glossary, tmp_path / "mine.tsv", "tsv") == 1
    assert export_glossary(glossary, tmp_path / "all.tsv", "tsv", include_builtin=True) > 300
    with pytest.raises(ReaderError, match="already exists"):
        export_glossary(glossary, tmp_path / "mine.tsv", "tsv")
    with pytest.raises(ReaderError, match="unknown glossary format 'xlsx'"):
        export_glossary(glossary, tmp_path / "mine.xlsx", "xlsx")
    assert not (tmp_path / "mine.xlsx").exists()
    rows = read_glossary(tmp_path / "all.tsv", "user")
    assert {"浙里办", "共同富裕"} <= {t.source for t in rows}
