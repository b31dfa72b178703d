"""Your own English: edits and the translation memory in SQLite, the order of trust, exports."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.context import Context
from reader.document import Document, load_document
from reader.document.units import Unit, reading_order
from reader.english.layer import English, FixedEnglish, resolve
from reader.english.memory_files import export_memory, import_memory
from reader.errors import ReaderError
from reader.export.document import export_document
from reader.language.annotate import Annotator
from reader.settings import Settings
from reader.store.database import EnglishDatabase
from reader.store.edits import Edits
from reader.store.memory import TranslationMemory, memory_key
from reader.translate.gloss import GlossTranslator
from tests.conftest import RESOLUTION
from tests.export_readers import Epub, read_html

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_edits_and_memory_persist_and_one_save_writes_both(tmp_path: Path) -> None:
    db = EnglishDatabase(tmp_path / "english.sqlite")
    edits = Edits(db, "sha")
    edits.save("s1.p1.t1", "共同富裕很重要。", "  Common  prosperity matters. ")
    db.close()
    again = EnglishDatabase(tmp_path / "english.sqlite")
    (edit,) = Edits(again, "sha").all().values()
    assert (edit.sentence, edit.target) == ("s1.p1.t1", "Common prosperity matters.")
    assert Edits(again, "other").all() == {}
    memory = TranslationMemory(again)
    hit = memory.lookup("共同富裕 很重要。")  # spacing does not matter
    assert hit is not None and (hit.target, hit.origin) == ("Common prosperity matters.", "edited")
    assert memory_key("ＡＢ 共同\n富裕") == "AB共同富裕"
    assert Edits(again, "sha").remove("s1.p1.t1") and not Edits(again, "sha").all()
    assert memory.lookup("共同富裕很重要。") is not None  # the memory keeps the pair


def test_reading_never_creates_the_file(tmp_path: Path) -> None:
    db = EnglishDatabase(tmp_path / "english.sqlite")
    assert TranslationMemory(db).is_empty() and Edits(db, "x").all() == {}
    assert not (tmp_path / "english.sqlite").exists()


def _add_pairs(path: str, start: int) -> None:
    memory = TranslationMemory(EnglishDatabase(Path(path)))
    for n in range(start, start + 100):
        memory.add(f"第{n}句话。", f"sentence {n}", "test")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "english.sqlite")
    TranslationMemory(EnglishDatabase(Path(path))).add("开始。", "start", "test")
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_add_pairs, args=(path, n * 1000)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(w.exitcode == 0 for w in workers)
    assert TranslationMemory(EnglishDatabase(Path(path))).stats().entries == 201


def test_a_full_disk_is_one_line_and_keeps_what_was_saved(tmp_path: Path) -> None:
    db = EnglishDatabase(tmp_path / "english.sqlite")
    edits = Edits(db, "sha")
    edits.save("s1", "第一句。", "the first")
    with db.write() as connection:  # the file may not grow any more: as good as a full disk
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(ReaderError) as error:
        edits.save("s2", "第二句。" * 2000, "x " * 20000)
    assert "\n" not in str(error.value) and "full" in str(error.value)
    assert {e.target for e in Edits(db, "sha").all().values()} == {"the first"}


def test_a_damaged_file_is_an_error_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "english.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ReaderError, match="cannot use your saved English"):
        Edits(EnglishDatabase(path), "sha").all()
    assert path.read_bytes().startswith(b"not a database")


class CountingGloss(GlossTranslator):
    def __init__(self, annotator: Annotator) -> None:
        super().__init__(annotator)
        self.asked: list[str] = []

    def translate(self, sentences):  # type: ignore[no-untyped-def]
        self.asked.extend(sentences)
        return super().translate(sentences)


def test_the_order_of_trust_and_the_model_is_asked_only_for_the_rest(
    annotator: Annotator, make_context: Callable[..., Context], tmp_path: Path
) -> None:
    units = [Unit("a", "共同富裕很重要。"), Unit("b", "我们学习。"), Unit("c", "他们工作。")]
    units.append(Unit("d", "大家休息。"))
    db = EnglishDatabase(tmp_path / "e.sqlite")
    edits = Edits(db, "sha")
    edits.save("a", "共同富裕很重要。", "my own")
    edits.save("b", "以前的句子。", "written for another text")  # no longer matches: ignored
    memory = TranslationMemory(db)
    memory.add("我们学习。", "we study (memory)", "book.tmx")
    memory.add("共同富裕很重要。", "memory loses to your edit", "x.tmx")
    human = {"c": English("they work (Joly)", "human", origin="joly.txt")}
    memory.add("他们工作。", "memory loses to the human translation", "x.tmx")
    fixed = FixedEnglish(edits.all(), human, memory)
    known = fixed.lookup(units)
    assert {k: (e.provenance, e.text) for k, e in known.items()} == {
        "a": ("edited", "my own"),
        "b": ("tm", "we study (memory)"),
        "c": ("human", "they work (Joly)"),
    }
    gloss = CountingGloss(annotator)
    context = make_context(translator=gloss, cached=False)
    resolved = list(resolve(units, known, context.pipeline()))
    assert [u.id for u, _ in resolved] == ["a", "b", "c", "d"]
    assert resolved[3][1].provenance == "gloss" and gloss.asked == ["大家休息。"]


def test_every_export_says_where_each_english_comes_from(
    resolution: Document, make_context: Callable[..., Context], annotator: Annotator, tmp_path: Path
) -> None:
    context = make_context(translator=GlossTranslator(annotator))
    first, second, third = list(resolution.sentences())[:3]
    context.edits(resolution.source_sha256).save(first.id, first.text, "MY OWN ENGLISH")
    context.memory.add(second.text, "FROM THE MEMORY", "omegat.tmx")
    out = {
        fmt: export_document(resolution, fmt, tmp_path / f"r.{fmt}", context)
        for fmt in ("json", "tmx", "tsv", "md", "html", "epub")
    }
    data = json.loads(out["json"].read_text(encoding="utf-8"))
    sentences = {
        s["id"]: s for sec in data["sections"] for p in sec["paragraphs"] for s in p["sentences"]
    }
    assert sentences[first.id]["provenance"] == "edited"
    assert (sentences[second.id]["provenance"], sentences[second.id]["origin"]) == (
        "tm",
        "omegat.tmx",
    )
    assert sentences[third.id]["provenance"] == "gloss"
    root = ET.parse(out["tmx"]).getroot()
    props = {
        tu.get("tuid"): {p.get("type"): p.text for p in tu.findall("prop")}
        for tu in root.iter("tu")
    }
    assert props[first.id]["x-reader-provenance"] == "edited"
    assert props[second.id]["x-reader-origin"] == "omegat.tmx"
    assert props[third.id]["x-reader-provenance"] == "gloss"
    note = root.find("header/note")
    assert note is not None and "1 sentences with your own English" in (note.text or "")
    rows = {r.split("\t")[0]: r.split("\t") for r in out["tsv"].read_text("utf-8").splitlines()}
    assert rows[first.id][-1] == "edited" and rows[third.id][-1] == "gloss"
    markdown = out["md"].read_text(encoding="utf-8")
    assert "MY OWN ENGLISH \\[edited\\]" in markdown and "FROM THE MEMORY \\[tm\\]" in markdown
    html = out["html"].read_text(encoding="utf-8")
    assert f'class="s edited" data-id="{first.id}"' in html and 'class="legend"' in html
    assert read_html(out["html"]).en[first.id] == "MY OWN ENGLISH"
    book = Epub(out["epub"])
    chapters = "".join(
        book.zip.read(n).decode() for n in book.zip.namelist() if n.endswith(".xhtml")
    )
    assert '<span class="edited">MY OWN ENGLISH</span>' in chapters


def test_tmx_from_a_cat_tool_imports_and_exports(tmp_path: Path) -> None:
    memory = TranslationMemory(EnglishDatabase(tmp_path / "e.sqlite"))
    source = tmp_path / "omegat.tmx"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh-CN"/>'
        "<body>"
        '<tu><tuv xml:lang="ZH-CN"><seg>共同<bpt i="1">&lt;b&gt;</bpt>富裕<ept i="1"/></seg></tuv>'
        '<tuv xml:lang="en-US"><seg>common prosperity</seg></tuv></tu>'
        '<tu><tuv lang="zh-Hans"><seg>我们学习。</seg></tuv><tuv lang="EN"><seg>We study.</seg></tuv></tu>'
        '<tu><tuv xml:lang="fr"><seg>bonjour</seg></tuv><tuv xml:lang="en"><seg>hello</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    result = import_memory(memory, source)
    assert (result.added, result.skipped) == (2, 1)
    hit = memory.lookup("共同富裕")
    assert hit is not None and (hit.target, hit.origin) == ("common prosperity", "omegat.tmx")
    out = tmp_path / "out.tmx"
    assert export_memory(memory, out) == 2
    tus = ET.parse(out).getroot().findall("body/tu")
    assert sorted(
        tuv.findtext("seg") or ""
        for tu in tus
        for tuv in tu.findall("tuv")
        if tuv.get(_XML_LANG) == "en"
    ) == [
        "We study.",
        "common prosperity",
    ]
    with pytest.raises(ReaderError, match="already exists"):
        export_memory(memory, out)
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("zh\ten\n他们工作。\tThey work.\n只有一栏\n", encoding="utf-8")
    assert import_memory(memory, tsv).added == 1
    assert memory.stats().origins == {"omegat.tmx": 2, "pairs.tsv": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<tmx><body><tu>", "not a TMX file"),
        ('<tmx><body><tu><tuv xml:lang="fr"><seg>x</seg></tuv></tu></body></tmx>', "no Chinese"),
    ],
)
def test_bad_memory_files_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    memory = TranslationMemory(EnglishDatabase(tmp_path / "e.sqlite"))
    with pytest.raises(ReaderError, match=message) as error:
        import_memory(memory, bad)
    assert "\n" not in str(error.value)
    with pytest.raises(ReaderError, match="no such file"):
        import_memory(memory, tmp_path / "missing.tmx")
    with pytest.raises(ReaderError, match=r"import a \.tmx"):
        import_memory(memory, Path(__file__))


def test_the_tm_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main
    from tests.test_cli import run

    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("共同富裕很重要。\tCommon prosperity matters a lot.\n", encoding="utf-8")
    assert main(["tm", "import", str(pairs)]) == 0
    assert main(["tm", "stats", "--json"]) == 0
    capsys.readouterr()
    assert main(["tm", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["origins"] == {"pairs.tsv": 1}
    # A memory hit gives the sentence its English in any document, with its provenance.
    assert main(["translate", "--json", "共同富裕很重要。我们学习。"]) == 0
    first, second = json.loads(capsys.readouterr().out)["sentences"]
    assert (first["en"], first["provenance"], first["origin"]) == (
        "Common prosperity matters a lot.",
        "tm",
        "pairs.tsv",
    )
    assert second["provenance"] == "gloss"
    assert main(["tm", "export", str(tmp_path / "all.tmx")]) == 0
    result = run("tm", "import", str(tmp_path / "nothing.tmx"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_session_edit_survives_a_restart_and_reaches_other_documents(
    tmp_path: Path,
) -> None:
    from reader.reading.session import ReadingSession

    doc = load_document(RESOLUTION)
    session = ReadingSession(doc, Context(Settings()).for_document(doc))
    session.use_fixed(session.load_language())
    unit = next(u for u in reading_order(doc).units() if u.id.count(".") == 2)
    assert session.english_for(unit.id, unit.text).provenance == "gloss"
    edited = session.edit(unit.id, "  OUR ENGLISH  ")
    assert (edited.provenance, edited.text) == ("edited", "OUR ENGLISH")
    candidates = session.candidates(unit.id, unit.text)
    assert [c.provenance for c in candidates][:2] == ["edited", "gloss"]
    # A new process: the edit is read back.
    again = ReadingSession(doc, Context(Settings()).for_document(doc))
    again.use_fixed(again.load_language())
    assert again.english_for(unit.id, unit.text).text == "OUR ENGLISH"
    # The same sentence in another document: a memory hit.
    other = tmp_path / "other.txt"
    other.write_text(f"《别的》\n\n{unit.text.strip()}\n", encoding="utf-8")
    doc2 = load_document(other)
    third = ReadingSession(doc2, Context(Settings()).for_document(doc2))
    third.use_fixed(third.load_language())
    sid = next(u.id for u in reading_order(doc2).units() if u.text.strip() == unit.text.strip())
    shown = third.english_for(sid, unit.text)
    assert (shown.provenance, shown.text, shown.origin) == ("tm", "OUR ENGLISH", "edited")
    # Empty English removes the edit: back to the gloss.
    assert again.edit(unit.id, "").provenance == "tm"  # the memory still has the pair
    with pytest.raises(ReaderError):
        again.edit("s99.p9.t9", "x")


def test_sqlite_is_real(tmp_path: Path) -> None:
    """The database is an ordinary SQLite file another tool can read."""
    db = EnglishDatabase(tmp_path / "e.sqlite")
    Edits(db, "sha").save("s1", "一。", "one")
    db.close()
    rows = sqlite3.connect(tmp_path / "e.sqlite").execute("SELECT target FROM edits").fetchall()
    assert rows == [("one",)]
