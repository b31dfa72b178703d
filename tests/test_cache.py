from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.translate.cache import CacheWarning, TranslationCache, cache_key


def test_put_get_stats_clear(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "t.sqlite")
    key = cache_key("argos:m:1", "beam=2", [("共同富裕", "common prosperity")], "共同富裕。")
    assert cache.get_many([key]) == {}
    cache.put_many([(key, "m 1", "共同富裕。", "Common prosperity.", None)])
    assert cache.get_many([key]) == {key: ("Common prosperity.", None)}
    stats = cache.stats()
    assert stats.entries == 1 and stats.translators == {"m 1": 1}
    assert cache.clear() == 1
    assert cache.stats().entries == 0


def test_keys_depend_on_everything_that_changes_the_output() -> None:
    base = cache_key("argos:m:1", "beam=2", [], "你好。")
    assert base != cache_key("argos:m:2", "beam=2", [], "你好。")
    assert base != cache_key("argos:m:1", "beam=4", [], "你好。")
    assert base != cache_key("argos:m:1", "beam=2", [("你好", "hi")], "你好。")
    assert base != cache_key("argos:m:1", "beam=2", [], "你好！")


def test_wal_mode(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "t.sqlite")
    cache.put_many([("k", "m", "s", "t", None)])
    mode = sqlite3.connect(tmp_path / "t.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


WRITER = """
import sys
from pathlib import Path
from reader.translate.cache import TranslationCache
cache = TranslationCache(Path(sys.argv[1]))
tag = sys.argv[2]
for i in range(200):
    cache.put_many([(f"{tag}-{i}", "m", f"src {i}", f"dst {i}", None)])
    assert cache.get_many([f"{tag}-{i}"])
print("ok")
"""


def test_two_processes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag], stdout=subprocess.PIPE, text=True
        )
        for tag in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert outputs == ["ok", "ok"]
    assert [p.returncode for p in procs] == [0, 0]
    assert TranslationCache(path).stats().entries == 400


def test_a_corrupt_cache_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    path.write_bytes(b"garbage, not sqlite" * 200)
    cache = TranslationCache(path)
    with pytest.warns(CacheWarning, match="damaged"):
        cache.put_many([("k", "m", "s", "t", None)])
    assert cache.get_many(["k"]) == {"k": ("t", None)}
    assert len(list(tmp_path.glob("t.sqlite.corrupt-*"))) == 1
