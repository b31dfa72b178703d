"""Each export format, read back and checked against the document it came from."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from reader.context import Context
from reader.document import Document, load_document
from reader.export.aligned import align
from reader.export.document import export_document
from reader.export.formats import FORMATS
from reader.export.markdown import escape
from reader.hanzi import has_hanzi
from reader.language.annotate import Annotator
from reader.translate.gloss import GlossTranslator
from reader.translate.pipeline import Pipeline
from reader.translate.translators import term_matcher
from tests.export_readers import (
    DC,
    OPF,
    XHTML,
    Epub,
    expected_paragraphs,
    expected_sections,
    expected_sentences,
    expected_units,
    md_unescape,
    norm,
    read_html,
)

TRICKY = """《测试文档》

第一章 总则

这是<script>alert("x")</script>测试。共同富裕很重要！竖线|和&符号#井号。

1. 列表样的开头。*星号*和_下划线_，还有\t制表符。

第二章 分则

（一）小节

他说：“你好”。她笑了。

（二）另一节

最后一段。
"""

Export = Callable[..., Path]


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("docs") / "tricky.txt"
    path.write_text(TRICKY, encoding="utf-8")
    return load_document(path)


@pytest.fixture
def pipeline(annotator: Annotator) -> Pipeline:
    """The gloss, no cache: deterministic and quick."""
    return Pipeline(GlossTranslator(annotator), None, term_matcher(annotator.glossary))


@pytest.fixture
def export(annotator: Annotator, make_context: Callable[..., Context], tmp_path: Path) -> Export:
    context = make_context(translator=GlossTranslator(annotator))

    def run(doc: Document, fmt: str, name: str | None = None, **options: Any) -> Path:
        out = tmp_path / (name or f"out.{fmt}")
        return export_document(doc, fmt, out, context, **options)

    return run


@pytest.fixture(params=["tricky", "party_building"])
def doc(request: pytest.FixtureRequest) -> Document:
    document: Document = request.getfixturevalue(request.param)
    return document


# -- the building block -------------------------------------------------------------------


def test_align_follows_the_document(tricky: Document, pipeline: Pipeline) -> None:
    aligned = align(tricky, pipeline, chunk_sentences=2)
    assert aligned.title.zh == "测试文档" and aligned.title.en
    assert aligned.translator.name == "gloss" and aligned.is_gloss
    sections = list(aligned.sections)
    assert [(s.id, s.level, s.title.zh) for s in sections] == expected_sections(tricky)
    assert [s.parent for s in sections] == [None, None, "s2", "s2"]
    assert [s.top for s in sections] == ["s1", "s2", "s2", "s2"]
    paragraphs = [p for s in sections for p in s.paragraphs]
    assert [(p.id, norm(p.zh)) for p in paragraphs] == expected_paragraphs(tricky)
    for p in paragraphs:
        assert p.en == " ".join(s.en for s in p.sentences if s.en)
        assert all(s.en for s in p.sentences if s.zh.strip())
    assert aligned.sentence_count == len(expected_sentences(tricky))


# -- JSON ---------------------------------------------------------------------------------


def test_json_schema_and_content(doc: Document, export: Export) -> None:
    data = json.loads(export(doc, "json").read_text(encoding="utf-8"))
    assert set(data) == {"title", "source", "translator", "sections"}
    assert data["title"]["zh"] == doc.title and data["title"]["en"]
    assert data["source"] == {
        "path": doc.path,
        "sha256": doc.source_sha256,
        "encoding": doc.encoding,
    }
    assert data["translator"] == {"name": "gloss", "model": None}
    sections = data["sections"]
    assert all(set(s) == {"id", "level", "title", "paragraphs"} for s in sections)
    assert [(s["id"], s["level"], norm(s["title"]["zh"])) for s in sections] == (
        expected_sections(doc)
    )
    paragraphs = [p for s in sections for p in s["paragraphs"]]
    assert all(set(p) == {"id", "zh", "en", "sentences"} for p in paragraphs)
    assert [(p["id"], norm(p["zh"])) for p in paragraphs] == expected_paragraphs(doc)
    sentences = [t for p in paragraphs for t in p["sentences"]]
    assert all(set(t) == {"id", "zh", "en", "pinyin", "provenance"} for t in sentences)
    assert {t["provenance"] for t in sentences} == {"gloss"}
    # Sentences keep their exact source text.
    assert [(t["id"], t["zh"]) for t in sentences] == [(s.id, s.text) for s in doc.sentences()]
    for p in paragraphs:
        assert p["en"] == " ".join(t["en"] for t in p["sentences"] if t["en"])
    with_hanzi = [t for t in sentences if has_hanzi(t["zh"])]
    assert all(t["pinyin"] and t["en"] for t in with_hanzi)


def test_json_pinyin_is_one_syllable_per_hanzi(tricky: Document, export: Export) -> None:
    data = json.loads(export(tricky, "json").read_text(encoding="utf-8"))
    first = data["sections"][0]["paragraphs"][0]["sentences"][1]
    assert first["zh"] == "共同富裕很重要！"
    assert first["pinyin"] == "gòng tóng fù yù hěn zhòng yào"


@pytest.mark.parametrize("fmt", ["json", "md", "html", "tmx", "tsv", "csv"])
def test_two_runs_give_the_same_file(tricky: Document, export: Export, fmt: str) -> None:
    first = export(tricky, fmt, f"one.{fmt}").read_bytes()
    assert export(tricky, fmt, f"two.{fmt}").read_bytes() == first


# -- Markdown -----------------------------------------------------------------------------


def _md_blocks(text: str) -> list[str]:
    return [b for b in text.split("\n\n") if b.strip()]


def test_markdown_interleaved(doc: Document, export: Export) -> None:
    text = export(doc, "md").read_text(encoding="utf-8")
    blocks = _md_blocks(text)
    assert blocks[0] == f"# {escape(doc.title)}"
    assert blocks[2].startswith("> ") and "gloss" in blocks[2] and "not a translation" in blocks[2]
    headings = [b.split(" ", 1) for b in blocks if b.startswith("#")][1:]
    titled = [(level, title) for _, level, title in expected_sections(doc) if title]
    assert [(len(marks) - 1, md_unescape(t)) for marks, t in headings] == titled
    # Chinese paragraphs, in order, each followed by its English.
    expected = [text for _, text in expected_paragraphs(doc)]
    found = [
        n for n, b in enumerate(blocks) if norm(md_unescape(b.replace("\\\n", " "))) in expected
    ]
    assert [norm(md_unescape(blocks[n].replace("\\\n", " "))) for n in found] == expected
    for n in found:
        assert not blocks[n + 1].startswith(("#", "|")) and blocks[n + 1] != blocks[n]


def test_markdown_escapes_what_markdown_would_read(tricky: Document, export: Export) -> None:
    text = export(tricky, "md").read_text(encoding="utf-8")
    assert "<script>" not in text and "\\<script\\>" in text
    assert "竖线\\|和\\&符号\\#井号" in text
    assert "\n1\\. 列表样的开头" in text
    assert "\\*星号\\*和\\_下划线\\_" in text


def test_markdown_table(doc: Document, export: Export) -> None:
    text = export(doc, "md", layout="table", pinyin=True).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    header = [r for r in rows if r.startswith("| 中文 |")]
    assert header and all(r == "| 中文 | Pinyin | English |" for r in header)
    body = [r for r in rows if not r.startswith(("| 中文 |", "|---"))]
    cells = []
    for row in body:
        # Split on unescaped pipes only: an escaped \| stays inside its cell.
        parts = [c.strip() for c in _split_row(row)]
        assert len(parts) == 3, row
        cells.append(parts)
    assert [norm(md_unescape(c[0].replace("<br>", " "))) for c in cells] == [
        t for _, t in expected_paragraphs(doc)
    ]
    assert all(c[1] and c[2] for c in cells)


def _split_row(row: str) -> list[str]:
    cells, current, escaped = [], "", False
    for ch in row.strip()[1:-1]:
        if ch == "|" and not escaped:
            cells.append(current)
            current = ""
        else:
            current += ch
        escaped = ch == "\\" and not escaped
    cells.append(current)
    return cells


# -- HTML ---------------------------------------------------------------------------------


def test_html_aligned_columns(doc: Document, export: Export) -> None:
    page = read_html(export(doc, "html"))
    assert page.sections == [s.id for s in doc.walk()]
    assert page.pairs == [p.id for p in doc.paragraphs()]
    assert list(page.zh) == [s.id for s in doc.sentences()]
    assert [(k, norm(v)) for k, v in page.zh.items()] == expected_sentences(doc)
    assert set(page.en) <= set(page.zh) and page.en
    assert page.rt  # pinyin is there, hidden or not


def test_html_is_standalone_escaped_and_labelled(tricky: Document, export: Export) -> None:
    path = export(tricky, "html")
    page = read_html(path)
    raw = path.read_text(encoding="utf-8")
    assert "script" not in page.tags
    assert page.zh["s1.p1.t1"] == '这是<script>alert("x")</script>测试。'
    assert "&lt;script&gt;" in raw
    assert not any(
        k in ("src", "href") or (v or "").startswith(("http:", "https:", "//"))
        for attrs in page.attrs
        for k, v in attrs.items()
    )
    assert "<link" not in raw and "@import" not in raw and "url(" not in raw
    assert "common prosperity" in page.titles  # 共同富裕, a built-in glossary term
    checkbox = [a for t, a in zip(page.tags, page.attrs, strict=True) if t == "input"]
    assert checkbox == [{"type": "checkbox", "id": "show-pinyin"}]
    assert "not a translation" in raw and "@media print" in raw


def test_html_pinyin_shown_at_first_with_the_option(tricky: Document, export: Export) -> None:
    page = read_html(export(tricky, "html", pinyin=True))
    assert {"type": "checkbox", "id": "show-pinyin", "checked": None} in page.attrs


# -- TMX ----------------------------------------------------------------------------------

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tmx(doc: Document, export: Export) -> None:
    root = ET.parse(export(doc, "tmx")).getroot()
    assert root.tag == "tmx" and root.attrib["version"] == "1.4"
    header = root.find("header")
    assert header is not None
    assert {
        k: header.attrib[k]
        for k in ("creationtool", "srclang", "segtype", "datatype", "o-tmf", "adminlang")
    } == {
        "creationtool": "reader",
        "srclang": "zh-CN",
        "segtype": "sentence",
        "datatype": "plaintext",
        "o-tmf": "reader",
        "adminlang": "en",
    }
    assert header.attrib["creationtoolversion"]
    props = {p.attrib["type"]: p.text for p in header.findall("prop")}
    assert props["x-reader-translator"] == "gloss"
    units = root.findall("body/tu")
    found = []
    for tu in units:
        tuvs = tu.findall("tuv")
        assert [t.attrib[XML_LANG] for t in tuvs] == ["zh-CN", "en"]
        zh, en = (t.findtext("seg") or "" for t in tuvs)
        assert en
        found.append((tu.attrib["tuid"], norm(zh)))
    assert found == expected_units(doc)


# -- TSV and CSV --------------------------------------------------------------------------


def test_tsv(doc: Document, export: Export) -> None:
    lines = export(doc, "tsv").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert rows[0] == ["id", "section", "zh", "pinyin", "en", "translator", "provenance"]
    assert all(len(r) == 7 for r in rows)
    assert [(r[0], norm(r[2])) for r in rows[1:]] == expected_units(doc)
    assert all(r[5] == "gloss" and r[4] and r[6] == "gloss" for r in rows[1:])


def test_tsv_cells_have_no_tabs_or_line_breaks(tricky: Document, export: Export) -> None:
    rows = export(tricky, "tsv").read_text(encoding="utf-8").splitlines()
    row = next(r.split("\t") for r in rows if r.startswith("s1.p2.t3\t"))
    assert row[1] == "第一章 总则"
    assert row[2] == "*星号*和_下划线_，还有 制表符。"


def test_csv_is_rfc4180(doc: Document, export: Export) -> None:
    raw = export(doc, "csv").read_bytes()
    assert raw.endswith(b"\r\n")
    rows = list(csv.reader(raw.decode("utf-8").splitlines(keepends=True)))
    assert rows[0] == ["id", "section", "zh", "pinyin", "en", "translator", "provenance"]
    assert [(r[0], norm(r[2])) for r in rows[1:]] == expected_units(doc)


def test_csv_keeps_a_tab_and_quotes(tricky: Document, export: Export) -> None:
    with open(export(tricky, "csv"), encoding="utf-8", newline="") as handle:
        rows = {r[0]: r for r in csv.reader(handle)}
    assert rows["s1.p2.t3"][2] == "*星号*和_下划线_，还有\t制表符。"
    assert rows["s1.p1.t1"][2] == '这是<script>alert("x")</script>测试。'


# -- EPUB ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pinyin", [False, True])
def test_epub(doc: Document, export: Export, pinyin: bool) -> None:
    path = export(doc, "epub", pinyin=pinyin)
    with zipfile.ZipFile(path) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        assert not first.extra
    book = Epub(path)
    metadata = book.opf.find(OPF + "metadata")
    assert metadata is not None
    assert (metadata.findtext(DC + "identifier") or "").startswith("urn:uuid:")
    assert metadata.findtext(DC + "title") == doc.title
    assert [e.text for e in metadata.findall(DC + "language")] == ["zh-CN", "en"]
    assert "gloss" in (metadata.findtext(DC + "description") or "")
    for item in book.items.values():
        assert book.base + item["href"] in book.zip.namelist()
    # One file per top-level section, after the title page.
    assert len(book.spine) == 1 + len(doc.sections)
    # Every paragraph, in order, each followed by its translation.
    zh = book.paragraphs("zh")
    assert [(pid, norm(text)) for _, pid, text in zh] == expected_paragraphs(doc)
    for href in book.spine[1:]:
        ps = list(book.xhtml(href).iter(XHTML + "p"))
        for n, p in enumerate(ps):
            if "zh" in p.attrib.get("class", "").split():
                following = ps[n + 1]
                assert "en" in following.attrib["class"].split()
                assert following.attrib["id"] == p.attrib["id"] + ".en"
                assert following.attrib["lang"] == "en"
    rubies = [r for href in book.spine for r in book.xhtml(href).iter(XHTML + "rt")]
    assert bool(rubies) == pinyin
    # The table of contents: every titled section, nested, each link resolving.
    nav = book.xhtml("nav.xhtml")
    links = [a for a in nav.iter(XHTML + "a")]
    titled = [(sid, title) for sid, _, title in expected_sections(doc) if title]
    assert [(a.attrib["href"].split("#")[1], norm(a.text or "")) for a in links] == titled
    for a in links:
        href, anchor = a.attrib["href"].split("#")
        ids = {e.attrib.get("id") for e in book.xhtml(href).iter()}
        assert anchor in ids


def test_epub_nav_is_nested_like_the_sections(tricky: Document, export: Export) -> None:
    nav = Epub(export(tricky, "epub")).xhtml("nav.xhtml")
    top = nav.find(f".//{XHTML}nav/{XHTML}ol")
    assert top is not None
    items = top.findall(XHTML + "li")
    assert [li.findtext(XHTML + "a") for li in items] == ["第一章 总则", "第二章 分则"]
    nested = items[1].findall(f"{XHTML}ol/{XHTML}li/{XHTML}a")
    assert [a.text for a in nested] == ["（一）小节", "（二）另一节"]


# -- every format, with an argos model -----------------------------------------------------


def test_machine_translation_is_recorded(
    model_files: dict[str, Path],
    tricky: Document,
    make_context: Callable[..., Context],
    tmp_path: Path,
) -> None:
    from reader.translate.packages import install

    install(model_files["copy"])
    context = make_context()
    out = {}
    for fmt in FORMATS:
        out[fmt] = export_document(tricky, fmt, tmp_path / f"mt.{fmt}", context)
    data = json.loads(out["json"].read_text(encoding="utf-8"))
    assert data["translator"] == {"name": "argos", "model": "translate-zh_en-0_0_2"}
    assert "machine translation (translate-zh_en-0_0_2" in md_unescape(
        out["md"].read_text(encoding="utf-8")
    )
    assert 'data-translator="argos"' in out["html"].read_text(encoding="utf-8")
    header = ET.parse(out["tmx"]).getroot().find("header")
    assert header is not None
    assert {p.attrib["type"]: p.text for p in header.findall("prop")}["x-reader-model"] == (
        "translate-zh_en-0_0_2 0.0.2"
    )
    assert (
        out["tsv"]
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .endswith("\targos: translate-zh_en-0_0_2 0.0.2\tmt")
    )
    assert "gloss" not in Epub(out["epub"]).zip.read("EPUB/package.opf").decode()
