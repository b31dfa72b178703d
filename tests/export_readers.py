"""Read exports back (json, csv, xml.etree, html.parser) into comparable shapes."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

from reader.document.model import Document
from reader.document.units import reading_order


def norm(text: str) -> str:
    """Whitespace normalisation: runs of whitespace are one space, none at the ends."""
    return " ".join(text.split())


def expected_sections(doc: Document) -> list[tuple[str, int, str]]:
    return [(s.id, s.level, norm(s.title)) for s in doc.walk()]


def expected_paragraphs(doc: Document) -> list[tuple[str, str]]:
    return [(p.id, norm(p.text)) for p in doc.paragraphs()]


def expected_sentences(doc: Document) -> list[tuple[str, str]]:
    return [(s.id, norm(s.text)) for s in doc.sentences()]


def expected_units(doc: Document) -> list[tuple[str, str]]:
    """Title, headings and sentences with text, in reading order (TMX, TSV, CSV rows)."""
    return [(uid, norm(text)) for uid, text in reading_order(doc).units() if text.strip()]


class HtmlExport(HTMLParser):
    """Collects the ids and visible text (ruby annotations left out) of an HTML export."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict[str, str | None]] = []
        self.sections: list[str] = []
        self.pairs: list[str] = []
        self.zh: dict[str, str] = {}
        self.en: dict[str, str] = {}
        self.rt: list[str] = []
        self.titles: list[str] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._ruby_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append(a)
        if tag in ("br", "input", "meta"):
            return
        self._stack.append((tag, a))
        if tag == "section":
            self.sections.append(a["id"] or "")
        if tag == "div" and a.get("class") == "pair" and a.get("id"):
            self.pairs.append(a["id"] or "")
        if a.get("class") == "term" and a.get("title"):
            self.titles.append(a["title"] or "")
        if tag in ("rt", "rp"):
            self._ruby_depth += 1

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag in ("rt", "rp"):
                self._ruby_depth -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._ruby_depth:
            if self._stack and self._stack[-1][0] == "rt":
                self.rt.append(data)
            return
        for tag, a in reversed(self._stack):
            if tag == "span" and "s" in (a.get("class") or "").split():
                if a.get("id"):
                    key = a["id"] or ""
                    self.zh[key] = self.zh.get(key, "") + data
                elif a.get("data-id"):
                    key = a["data-id"] or ""
                    self.en[key] = self.en.get(key, "") + data
                break


def read_html(path: Path) -> HtmlExport:
    parser = HtmlExport()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def visible_text(element: ET.Element) -> str:
    """Text of an XHTML element without ``<rt>``/``<rp>`` (ruby annotations)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == XHTML + "br":
            parts.append("\n")
        elif child.tag not in (XHTML + "rt", XHTML + "rp"):
            parts.append(visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class Epub:
    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = ET.fromstring(self.zip.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        assert rootfile is not None
        self.opf_path = rootfile.attrib["full-path"]
        self.base = self.opf_path.rsplit("/", 1)[0] + "/"
        self.opf = ET.fromstring(self.zip.read(self.opf_path))
        manifest = self.opf.find(OPF + "manifest")
        assert manifest is not None
        self.items = {i.attrib["id"]: i.attrib for i in manifest}
        spine = self.opf.find(OPF + "spine")
        assert spine is not None
        self.spine = [self.items[ref.attrib["idref"]]["href"] for ref in spine]

    def xhtml(self, href: str) -> ET.Element:
        return ET.fromstring(self.zip.read(self.base + href))

    def paragraphs(self, cls: str) -> list[tuple[str, str, str]]:
        """(file, id, visible text) of every ``<p class=cls...>`` in spine order."""
        out = []
        for href in self.spine:
            for p in self.xhtml(href).iter(XHTML + "p"):
                if cls in p.attrib.get("class", "").split():
                    out.append((href, p.attrib.get("id", ""), visible_text(p)))
        return out


def md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
