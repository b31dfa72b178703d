"""EPUB 3: one XHTML file per top-level section, each paragraph followed by its English.

The ``mimetype`` entry comes first and is stored uncompressed; then
``META-INF/container.xml``; the chapters are streamed into the zip one at a
time as they are translated; the table of contents (``nav.xhtml``, built from
the sections and nested like them) and the OPF package are written last,
when every heading's English is known.
"""

from __future__ import annotations

import datetime
import html
import itertools
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from reader import __version__
from reader.export.aligned import (
    AlignedDocument,
    AlignedParagraph,
    AlignedSection,
    Heading,
    translator_note,
)
from reader.export.html_format import ruby
from reader.language.annotate import Token
from reader.store.output import xml_safe

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

CSS = """body { font-family: serif; line-height: 1.6; margin: 0 1em; }
p { margin: 0 0 0.3em; text-indent: 0; }
p.zh { margin-top: 0.8em; }
p.en { color: #333; font-style: italic; margin-bottom: 0.8em; }
p.heading-en { color: #555; font-style: italic; margin-top: -0.3em; }
p.byline { text-align: right; }
p.translator { color: #777; font-size: 0.85em; }
rt { font-size: 0.5em; }
span.term { border-bottom: 1px dotted #8a5a00; }
span.edited { border-bottom: 2px solid #2a7d2a; }
span.human { border-bottom: 2px solid #1f5fa8; }
span.tm { border-bottom: 2px dashed #8a5a00; }
"""

XHTML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
xml:lang="zh-CN" lang="zh-CN">
<head>
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}"/>
</head>
<body>
"""
XHTML_TAIL = "</body>\n</html>\n"
EN = 'lang="en" xml:lang="en"'
#: Every section's (id, level, Chinese title, parent), as in ``AlignedDocument.outline``.
_Outline = tuple[tuple[str, int, str, str | None], ...]


def _e(text: str) -> str:
    return html.escape(xml_safe(text), quote=True)


def _zh(text: str, tokens: tuple[Token, ...], pinyin: bool) -> str:
    body = ruby(tokens) if pinyin and tokens else _e(text)
    return body.replace("\n", "<br/>")


def _paragraph(p: AlignedParagraph, pinyin: bool) -> str:
    extra = " byline" if p.kind == "byline" else ""
    zh = "".join(_zh(s.zh, s.tokens, pinyin) for s in p.sentences).strip() or _e(p.zh.strip())
    out = f'<p id="{_e(p.id)}" class="zh{extra}">{zh}</p>\n'
    if p.en:
        en = p.marked_en(lambda text, kind: f'<span class="{kind}">{_e(text)}</span>', _e)
        out += f'<p id="{_e(p.id)}.en" class="en{extra}" {EN}>{en}</p>\n'
    return out


@dataclass
class _NavItem:
    id: str
    label: str
    href: str
    children: list[_NavItem] = field(default_factory=list)


def _nav_list(items: Iterable[_NavItem], depth: int = 0) -> str:
    pad = "  " * depth
    lines = [f"{pad}<ol>"]
    for item in items:
        inner = f'<a href="{_e(item.href)}">{_e(item.label)}</a>'
        if item.children:
            lines.append(f"{pad}  <li>{inner}\n{_nav_list(item.children, depth + 2)}\n{pad}  </li>")
        else:
            lines.append(f"{pad}  <li>{inner}</li>")
    lines.append(f"{pad}</ol>")
    return "\n".join(lines)


def write_epub(aligned: AlignedDocument, path: Path, *, pinyin: bool = False) -> None:
    """Write the EPUB to ``path`` (a temporary file from :func:`output_path`)."""
    tops = _top_sections(aligned.outline)
    files = _chapter_files(tops)
    note = translator_note(aligned.translator, aligned.fixed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _write_container(zf)
        _write_stylesheet(zf)
        zf.writestr("EPUB/title.xhtml", _title_page(aligned.title, note))
        headings = _write_chapters(zf, aligned, files, note, pinyin)
        # A word-by-word gloss of a heading reads badly, so only a real translation is shown.
        roots = _nav_items(
            aligned.outline, files, headings, show_english=aligned.translator.name != "gloss"
        )
        zf.writestr("EPUB/nav.xhtml", _nav_document(aligned.title, roots))
        zf.writestr("EPUB/package.opf", _package_document(aligned, tops, files, note))


def _top_sections(outline: _Outline) -> list[str]:
    """Only top-level sections start a new chapter file; nested ones go inside it."""
    return [sid for sid, _, _, parent in outline if parent is None]


def _chapter_files(tops: list[str]) -> dict[str, str]:
    """File names are fixed up front, so links can point at chapters not yet written."""
    return {sid: f"text/sec-{n:04d}.xhtml" for n, sid in enumerate(tops, 1)}


def _write_container(zf: zipfile.ZipFile) -> None:
    """Reading systems recognise an EPUB by its first, uncompressed entry and find the OPF here."""
    zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
    zf.writestr("META-INF/container.xml", CONTAINER)


def _write_stylesheet(zf: zipfile.ZipFile) -> None:
    """One shared stylesheet keeps every chapter's Chinese and English styled alike."""
    zf.writestr("EPUB/style.css", CSS)


def _title_page(title: Heading, note: str) -> str:
    """The book opens by saying what the English is, so a gloss is never taken for a translation."""
    return (
        XHTML_HEAD.format(title=_e(title.zh), css="style.css")
        + f'<section epub:type="titlepage">\n<h1>{_e(title.zh)}</h1>\n'
        + (f'<p class="heading-en" {EN}>{_e(title.en)}</p>\n' if title.en else "")
        + f'<p class="translator" {EN}>{_e(note)}</p>\n'
        + f'<p class="translator" {EN}>Made with reader {_e(__version__)}.</p>\n'
        + "</section>\n"
        + XHTML_TAIL
    )


def _write_chapters(
    zf: zipfile.ZipFile,
    aligned: AlignedDocument,
    files: dict[str, str],
    note: str,
    pinyin: bool,
) -> dict[str, str]:
    """Sections are written as they are translated, so a whole novel is never held in memory.

    Returns each titled section's English heading, which the table of contents needs.
    """
    headings: dict[str, str] = {}  # section id -> English heading
    for top, group in itertools.groupby(aligned.sections, key=lambda section: section.top):
        first = next(group)
        label = first.title.zh.strip() or aligned.title.zh
        with _open_chapter(zf, files[top], label, note) as chapter:
            for section in itertools.chain([first], group):
                if section.title.zh.strip() and section.title.en:
                    headings[section.id] = section.title.en
                chapter.write(_section_xhtml(section, pinyin).encode())
            chapter.write(XHTML_TAIL.encode())
    return headings


def _open_chapter(zf: zipfile.ZipFile, href: str, label: str, note: str) -> IO[bytes]:
    """A reader can land on any chapter from the contents, so each repeats the translator note."""
    chapter = zf.open(f"EPUB/{href}", "w")
    chapter.write(
        (
            XHTML_HEAD.format(title=_e(label), css="../style.css")
            + f'<p class="translator" {EN}>{_e(note)}</p>\n'
        ).encode()
    )
    return chapter


def _section_xhtml(section: AlignedSection, pinyin: bool) -> str:
    """Each section is an anchor of its own, so the contents can link into a chapter."""
    parts = [f'<section id="{_e(section.id)}">\n']
    if section.title.zh.strip():
        parts.append(_section_heading(section, pinyin))
    parts.extend(_paragraph(p, pinyin) for p in section.paragraphs)
    parts.append("</section>\n")
    return "".join(parts)


def _section_heading(section: AlignedSection, pinyin: bool) -> str:
    """XHTML has only six heading levels; deeper sections share the last one."""
    level = min(section.level, 6)
    out = f"<h{level}>{_zh(section.title.zh, section.title.tokens, pinyin).strip()}</h{level}>\n"
    if section.title.en:
        out += f'<p class="heading-en" {EN}>{_e(section.title.en)}</p>\n'
    return out


def _nav_items(
    outline: _Outline,
    files: dict[str, str],
    headings: dict[str, str],
    *,
    show_english: bool,
) -> list[_NavItem]:
    """The contents are nested like the sections; an untitled section has nothing to show."""
    top_of: dict[str, str] = {}
    parent_of = {sid: parent for sid, _, _, parent in outline}
    items: dict[str, _NavItem] = {}
    roots: list[_NavItem] = []
    for sid, _, zh, parent in outline:
        top_of[sid] = sid if parent is None else top_of[parent]
        if not zh.strip() or top_of[sid] not in files:
            continue
        english = headings.get(sid) if show_english else None
        item = _NavItem(sid, _nav_label(zh, english), f"{files[top_of[sid]]}#{sid}")
        items[sid] = item
        ancestor = _titled_ancestor(parent, items, parent_of)
        (items[ancestor].children if ancestor is not None else roots).append(item)
    return roots


def _nav_label(zh: str, english: str | None) -> str:
    """A reader's contents menu shows one line per entry: the Chinese, then any English."""
    label = " ".join(zh.split())
    if english:
        label += f" — {english}"
    return label


def _titled_ancestor(
    parent: str | None, items: dict[str, _NavItem], parent_of: dict[str, str | None]
) -> str | None:
    """Untitled sections are skipped, so an entry hangs under its nearest titled ancestor."""
    ancestor = parent
    while ancestor is not None and ancestor not in items:
        ancestor = parent_of[ancestor]
    return ancestor


def _nav_document(title: Heading, roots: list[_NavItem]) -> str:
    """EPUB 3 requires a navigation document whose list is never empty."""
    if not roots:
        roots = [_NavItem("title", title.zh or "Title", "title.xhtml")]
    return (
        XHTML_HEAD.format(title=_e(title.zh), css="style.css")
        + '<nav epub:type="toc" id="toc">\n<h1>目录 Contents</h1>\n'
        + _nav_list(roots)
        + "\n</nav>\n"
        + XHTML_TAIL
    )


def _book_identifier(aligned: AlignedDocument) -> uuid.UUID:
    """The same text and translator give the same identifier, so a re-export replaces the book."""
    info = aligned.translator
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reader:{aligned.sha256}:{info.name}:{info.label()}")


def _modified_now() -> str:
    """EPUB 3 requires dcterms:modified; it is the only part of the book that changes per run."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _manifest_and_spine(tops: list[str], files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Reading systems open only the files listed, in the spine's order."""
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        '<item id="titlepage" href="title.xhtml" media-type="application/xhtml+xml"/>',
    ]
    spine = ['<itemref idref="titlepage"/>']
    for n, sid in enumerate(tops, 1):
        manifest.append(
            f'<item id="sec{n:04d}" href="{files[sid]}" media-type="application/xhtml+xml"/>'
        )
        spine.append(f'<itemref idref="sec{n:04d}"/>')
    return manifest, spine


def _package_document(
    aligned: AlignedDocument, tops: list[str], files: dict[str, str], note: str
) -> str:
    """Reading systems start from the OPF: it carries the book's metadata and its reading order."""
    info = aligned.translator
    title = aligned.title
    identifier = _book_identifier(aligned)
    modified = _modified_now()
    manifest, spine = _manifest_and_spine(tops, files)
    translator = info.label() if info.model else "word-by-word gloss (reader)"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="uid" xml:lang="zh-CN">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="uid">urn:uuid:{identifier}</dc:identifier>\n'
        f"<dc:title>{_e(title.zh or 'Untitled')}</dc:title>\n"
        "<dc:language>zh-CN</dc:language>\n<dc:language>en</dc:language>\n"
        f'<dc:contributor id="translator">{_e(translator)}</dc:contributor>\n'
        f"<dc:description>{_e(note)}</dc:description>\n"
        f'<meta property="dcterms:modified">{modified}</meta>\n'
        "</metadata>\n<manifest>\n"
        + "\n".join(manifest)
        + "\n</manifest>\n<spine>\n"
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )
