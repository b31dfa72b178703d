"""Read-only and full folders: reading goes on with caches in memory; a change that cannot be
saved is one line naming the folder; nothing already saved is damaged, or moved aside."""

from __future__ import annotations

import contextlib
import resource
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.context import Context
from reader.document import load_document
from reader.errors import ReaderError
from reader.language.glossary import Glossary
from reader.reading.session import ReadingSession
from reader.store import state as state_store
from reader.store import vocab
from reader.store.database import UserDatabase
from reader.store.paths import data_dir
from reader.store.words import WORDS_DB, Status, WordStatuses
from reader.translate.cache import CACHE_FILE, CacheWarning, TranslationCache
from tests.conftest import PARTY_BUILDING
from tests.faults_storage_support import (
    make_home,
    make_read_only,
    make_writable,
    one_line,
    reader_cli,
)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A home with a healthy translation cache (one sentence), a glossary and a vocabulary."""
    folder = make_home(tmp_path / "home")
    cache = TranslationCache(folder / "cache" / CACHE_FILE)
    cache.put_many([("k", "m 1", "源", "source", None)])
    cache.close()  # no -wal left for a child to write through a read-only folder
    Glossary(folder / "config" / "glossary.tsv", builtin=False).add("浙里办", "Zheliban app")
    vocab.add("重要", "zhòng yào", "important", path=folder / "data" / "vocabulary.json")
    words = WordStatuses(folder / "data" / WORDS_DB)
    words.set("重要", Status.KNOWN)
    words.close()
    folders = [folder / "cache", folder / "config", folder / "data"]
    yield folder
    make_writable(folders + [p for f in folders for p in f.iterdir()])


def _everything(home: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_a_read_only_home_reads_on_with_the_cache_in_memory(home: Path) -> None:
    before = _everything(home)
    make_read_only([home / "cache", home / "config", home / "data"])
    translated = reader_cli(
        "translate", "--translator", "gloss", "共同富裕很重要。我们学习。", home=home
    )
    assert translated.returncode == 0
    assert "common prosperity" in translated.stdout
    line = one_line(translated.stderr)
    assert "read-only" in line and "kept in memory" in line
    looked_up = reader_cli("lookup", "行", home=home)
    annotated = reader_cli("annotate", "共同富裕", home=home)
    assert (looked_up.returncode, looked_up.stderr) == (0, "")
    assert (annotated.returncode, annotated.stderr) == (0, "")
    known = reader_cli("known", "list", home=home)  # your own data, read in place
    assert (known.returncode, known.stderr) == (0, "") and "重要" in known.stdout
    stats = reader_cli("cache", "stats", "--json", home=home)
    assert stats.returncode == 0 and '"entries": 1' in stats.stdout  # read in place
    cleared = reader_cli("cache", "clear", home=home)
    assert cleared.returncode == 2
    assert "not cleared" in one_line(cleared.stderr)
    # A healthy cache is never moved aside as "corrupt"; nothing changed at all.
    assert _everything(home) == before


def test_an_empty_read_only_home_builds_the_dictionary_index_in_memory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name in ("cache", "config", "data"):
        (home / name).mkdir(parents=True)
    make_read_only([home / "cache", home / "config", home / "data"])
    try:
        result = reader_cli("lookup", "重要", home=home)
    finally:
        make_writable([home / "cache", home / "config", home / "data"])
    assert result.returncode == 0, result.stderr
    assert "zhòng yào" in result.stdout
    assert "in memory" in one_line(result.stderr)
    assert not list((home / "cache").iterdir())


def test_export_with_a_read_only_cache_writes_the_file_and_blames_the_cache(
    home: Path, tmp_path: Path
) -> None:
    make_read_only([home / "cache"])
    text = tmp_path / "short.txt"
    text.write_text("共同富裕很重要。\n", encoding="utf-8")
    out = tmp_path / "short.md"
    result = reader_cli("export", str(text), "--format", "md", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert "common prosperity" in out.read_text(encoding="utf-8")
    line = one_line(result.stderr)
    assert "translation cache" in line and "--out" not in line


def test_a_read_only_cache_file_is_read_and_left_alone(home: Path) -> None:
    cache = home / "cache" / CACHE_FILE
    before = cache.read_bytes()
    make_read_only([cache])
    result = reader_cli("translate", "--translator", "gloss", "我们学习。", home=home)
    assert result.returncode == 0 and "learn" in result.stdout
    assert "read-only" in one_line(result.stderr)
    assert cache.read_bytes() == before


@pytest.mark.parametrize(
    ("command", "file"),
    [
        (("glossary", "add", "山海协作", "cooperation"), "config/glossary.tsv"),
        (("words", "split", "高质量", "高", "质量"), "config/splits.tsv"),
        (("vocab", "add", "富裕"), "data/vocabulary.json"),
    ],
)
def test_a_change_to_a_read_only_home_is_one_line_and_changes_nothing(
    home: Path, command: tuple[str, ...], file: str
) -> None:
    before = _everything(home)
    make_read_only([home / "cache", home / "config", home / "data"])
    result = reader_cli(*command, home=home)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert str(home / file) in line and "nothing was changed" in line
    assert _everything(home) == before


@pytest.mark.parametrize(
    ("command", "file"),
    [
        (("glossary", "add", "山海协作", "cooperation " * 40), "config/glossary.tsv"),
        (("vocab", "add", "富裕"), "data/vocabulary.json"),
    ],
)
def test_a_full_disk_is_one_line_naming_the_folder_and_nothing_saved_is_damaged(
    home: Path, command: tuple[str, ...], file: str
) -> None:
    path = home / file
    before = _everything(home)
    result = reader_cli(*command, home=home, full_at=path.stat().st_size + 8)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert f"{path.parent}: the disk is full" in line and f"{path.name} was not changed" in line
    assert _everything(home) == before  # the old file, and no temporary file left


def test_a_full_disk_under_sqlite_user_data_changes_nothing(home: Path) -> None:
    assert reader_cli("known", "add", "重要", home=home).returncode == 0
    words = [chr(0x4E00 + n) + chr(0x4E80 + n) for n in range(3000)]
    listing = home / "words.txt"
    listing.write_text("\n".join(words), encoding="utf-8")
    result = reader_cli("known", "import", str(listing), "--format", "list", home=home, full_at=1)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert str(home / "data") in line and "nothing was changed" in line
    after = reader_cli("known", "list", "--json", home=home)
    assert after.returncode == 0 and "重要" in after.stdout and words[0] not in after.stdout


def test_translating_on_a_full_disk_keeps_the_translations_in_memory(home: Path) -> None:
    cache = home / "cache" / CACHE_FILE
    before = cache.read_bytes()
    result = reader_cli(
        "translate", "--translator", "gloss", "我们学习。他们工作。", home=home, full_at=1
    )
    assert result.returncode == 0 and "learn" in result.stdout
    assert "kept in memory" in one_line(result.stderr)
    assert TranslationCache(cache).stats().entries == 1 and cache.read_bytes() == before


@contextlib.contextmanager
def _disk_full_here(limit: int) -> Iterator[None]:
    """This process cannot write past ``limit`` bytes a file (the soft limit, restored)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_the_position_not_saved_on_a_full_disk_is_said_and_the_old_one_kept(
    make_context: Callable[..., Context],
) -> None:
    doc = load_document(PARTY_BUILDING)
    session = ReadingSession(doc, make_context())
    session.move_to(3, 1)
    assert session.save() and session.save_problem == ""
    saved = state_store.load_state(doc.source_sha256)
    session.move_to(len(session.blocks) - 1, 0)
    with _disk_full_here(1):
        assert not session.save()
        assert session.toggle_bookmark(5)  # kept for this session
    folder = data_dir() / state_store.STATE_DIR
    assert session.save_problem.startswith(f"position not saved: {folder}: the disk is full")
    assert state_store.load_state(doc.source_sha256) == saved
    assert session.save() and session.save_problem == ""  # room again: saved, said no more
    assert state_store.load_state(doc.source_sha256).bookmarks == []


def test_a_cache_locked_past_its_timeout_is_not_written_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.sqlite"
    TranslationCache(path).put_many([("old", "m", "源", "kept", None)])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
    try:
        cache = TranslationCache(path, timeout=0.2)
        with pytest.warns(CacheWarning, match="locked"):
            cache.put_many([("new", "m", "源", "in memory", None)])
        found = cache.get_many(["old", "new"])
        assert found == {"old": ("kept", None), "new": ("in memory", None)}
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_user_data_locked_past_its_timeout_is_one_line(tmp_path: Path) -> None:
    schema = "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY);"
    database = UserDatabase(tmp_path / "u.sqlite", schema, 1, "your things", timeout=0.2)
    with database.write() as db:
        db.execute("INSERT INTO t VALUES ('before')")
    holder = sqlite3.connect(tmp_path / "u.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(ReaderError, match=r"locked by another process.*nothing was changed"),
            database.write() as db,
        ):
            db.execute("INSERT INTO t VALUES ('after')")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with database.read() as db:
        assert db.execute("SELECT k FROM t").fetchall() == [("before",)]
