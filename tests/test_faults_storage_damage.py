"""Damaged files: a cache is set aside and rebuilt, the user's own data is refused, untouched.

The damage is inside table pages (the schema page is intact), so opening the
file and a first query pass and the damage shows mid-use: the case that
crashed ``translate``, ``cache clear``, ``annotate`` and the reader.
"""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest

from reader.language.dictionary import Dictionary
from reader.store.faults import StorageWarning
from reader.translate.cache import CACHE_FILE, CacheWarning, TranslationCache
from tests.faults_storage_support import damage_pages, make_home, one_line, reader_cli


def _healthy(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(db.execute("PRAGMA quick_check").fetchone()[0] == "ok")
    finally:
        db.close()


def _cache_with_rows(path: Path, rows: int = 3000) -> list[str]:
    cache = TranslationCache(path)
    keys = [f"key-{n:05}" for n in range(rows)]
    cache.put_many([(k, "m 1", f"源 {k}", f"English {k} " * 4, None) for k in keys])
    cache.close()
    return keys


def test_a_dictionary_index_damaged_inside_its_pages_is_rebuilt(tmp_path: Path) -> None:
    shared = Dictionary().index_path()
    if not shared.exists():
        Dictionary().open()
    damaged = Dictionary(index_dir=tmp_path)
    shutil.copy(shared, damaged.index_path())
    damage_pages(damaged.index_path(), "entries")
    with pytest.warns(StorageWarning, match="damaged.*rebuilt"):
        (reading,) = damaged.lookup("重要")
    assert reading.pinyin == "zhòng yào"
    assert damaged.lookup("行")  # and every later lookup
    assert _healthy(damaged.index_path())
    assert len(list(tmp_path.glob("*.corrupt"))) == 1


def test_annotate_translate_and_export_survive_a_damaged_dictionary_index(
    tmp_path: Path,
) -> None:
    home = make_home(tmp_path / "home")
    (index,) = (home / "cache").glob("cc-cedict-*.sqlite")
    damage_pages(index, "entries")
    annotated = reader_cli("annotate", "共同富裕很重要", home=home)
    assert annotated.returncode == 0, annotated.stderr
    assert "gòng tóng fù yù" in annotated.stdout
    assert one_line(annotated.stderr).startswith("reader: dictionary index")
    damage_pages(index, "entries")
    text = tmp_path / "short.txt"
    text.write_text("共同富裕很重要。\n", encoding="utf-8")
    out = tmp_path / "short.md"
    exported = reader_cli("export", str(text), "--format", "md", "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    assert "common prosperity" in out.read_text(encoding="utf-8")
    assert "dictionary index" in one_line(exported.stderr)
    translated = reader_cli("translate", "--translator", "gloss", "共同富裕。", home=home)
    assert translated.returncode == 0 and "common prosperity" in translated.stdout
    assert translated.stderr == ""  # the index rebuilt last time is healthy


def test_a_translation_cache_damaged_inside_its_pages_is_set_aside_mid_use(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.sqlite"
    keys = _cache_with_rows(path)
    damage_pages(path, "translations")
    cache = TranslationCache(path)
    with pytest.warns(CacheWarning, match="damaged"):
        assert cache.get_many(keys[:50]) == {}
    cache.put_many([("new", "m 1", "源", "source", None)])
    assert cache.get_many(["new"]) == {"new": ("source", None)}
    assert _healthy(path)
    assert len(list(tmp_path.glob("t.sqlite.corrupt-*"))) == 1


def test_translate_with_a_damaged_cache_says_one_plain_line(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home")
    _cache_with_rows(home / "cache" / CACHE_FILE)
    damage_pages(home / "cache" / CACHE_FILE, "translations")
    result = reader_cli("translate", "--translator", "gloss", "共同富裕很重要。", home=home)
    assert result.returncode == 0
    assert "common prosperity" in result.stdout
    line = one_line(result.stderr)  # not Python's two-line warning with its source line
    assert line.startswith("reader: translation cache") and "damaged" in line


@pytest.mark.parametrize("damage", ["pages", "garbage"])
def test_cache_clear_works_on_any_state_of_the_file(tmp_path: Path, damage: str) -> None:
    home = make_home(tmp_path / "home")
    path = home / "cache" / CACHE_FILE
    _cache_with_rows(path)
    if damage == "pages":
        damage_pages(path, "translations")
    else:
        path.write_bytes(b"\x00not sqlite\xff" * 5000)
    result = reader_cli("cache", "clear", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("removed ")
    assert "Traceback" not in result.stderr
    stats = reader_cli("cache", "stats", "--json", home=home)
    assert stats.returncode == 0 and '"entries": 0' in stats.stdout, stats.stderr
    assert stats.stderr == ""
    assert not list((home / "cache").glob("*.corrupt-*"))


def test_a_cache_from_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, english TEXT)")
    db.execute("INSERT INTO translations VALUES ('k', 'old layout')")
    db.execute("PRAGMA user_version = 7")
    db.commit()
    db.close()
    cache = TranslationCache(path)
    with pytest.warns(CacheWarning, match="another version"):
        assert cache.get_many(["k"]) == {}
    cache.put_many([("k", "m 1", "源", "new layout", None)])
    assert TranslationCache(path).get_many(["k"]) == {"k": ("new layout", None)}


def test_a_cache_from_before_schema_versions_is_migrated_keeping_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE translations (key TEXT PRIMARY KEY, translator TEXT NOT NULL, "
        "source TEXT NOT NULL, target TEXT NOT NULL, flag TEXT, created REAL NOT NULL)"
    )
    db.execute("INSERT INTO translations VALUES ('k', 'm 1', '源', 'kept', NULL, 0)")
    db.commit()
    db.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: nothing was lost
        assert TranslationCache(path).get_many(["k"]) == {"k": ("kept", None)}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("command", "database", "table", "seed"),
    [
        (("known", "list"), "data/words.sqlite", "words", ("known", "add", "重要", "富裕")),
        (("tm", "stats"), "data/english.sqlite", "memory", ("tm", "import", "PAIRS")),
    ],
)
def test_damaged_user_data_is_refused_in_one_line_and_never_replaced(
    tmp_path: Path, command: tuple[str, ...], database: str, table: str, seed: tuple[str, ...]
) -> None:
    home = make_home(tmp_path / "home")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"第{n}句话。\tSentence {n}.\n" for n in range(400)), encoding="utf-8")
    seeded = reader_cli(*[str(pairs) if a == "PAIRS" else a for a in seed], home=home)
    assert seeded.returncode == 0, seeded.stderr
    if table == "words":
        words = [chr(0x4E00 + n) + chr(0x4E80 + n) for n in range(400)]
        assert reader_cli("known", "add", *words, home=home).returncode == 0
    path = home / database
    damage_pages(path, table)
    before = path.read_bytes()
    result = reader_cli(*command, home=home)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert f"{path}: damaged" in line  # says what is wrong and names the file
    assert path.read_bytes() == before  # refused, not set aside, not rebuilt
    assert not list(path.parent.glob("*.corrupt*"))


def test_a_splits_file_that_is_not_utf8_is_one_line_and_kept(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home")
    splits = home / "config" / "splits.tsv"
    before = "高质量\t高 质量\n".encode("gb18030")
    splits.write_bytes(before)
    for command in (
        ("words", "list"),
        ("annotate", "高质量发展"),
        ("words", "split", "发展", "发", "展"),
    ):
        result = reader_cli(*command, home=home)
        assert result.returncode == 2
        line = one_line(result.stderr)
        assert str(splits) in line and "not UTF-8" in line
    assert splits.read_bytes() == before
