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
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from reader import __version__
from reader.export.aligned import AlignedDocument, AlignedParagraph, translator_note
from reader.export.html_format import ruby
from reader.export.output import xml_safe
from reader.language.annotate import Token

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
        out += f'<p id="{_e(p.id)}.en" class="en{extra}" {EN}>{_e(p.en)}</p>\n'
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
    info = aligned.translator
    title = aligned.title
    tops = [sid for sid, _, _, parent in aligned.outline if parent is None]
    files = {sid: f"text/sec-{n:04d}.xhtml" for n, sid in enumerate(tops, 1)}
    note = translator_note(info)
    headings: dict[str, str] = {}  # section id -> English heading

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", CONTAINER)
        zf.writestr("EPUB/style.css", CSS)
        zf.writestr(
            "EPUB/title.xhtml",
            XHTML_HEAD.format(title=_e(title.zh), css="style.css")
            + f'<section epub:type="titlepage">\n<h1>{_e(title.zh)}</h1>\n'
            + (f'<p class="heading-en" {EN}>{_e(title.en)}</p>\n' if title.en else "")
            + f'<p class="translator" {EN}>{_e(note)}</p>\n'
            + f'<p class="translator" {EN}>Made with reader {_e(__version__)}.</p>\n'
            + "</section>\n"
            + XHTML_TAIL,
        )
        chapter: IO[bytes] | None = None
        current: str | None = None
        try:
            for section in aligned.sections:
                if section.top != current:
                    if chapter is not None:
                        chapter.write(XHTML_TAIL.encode())
                        chapter.close()
                    current = section.top
                    chapter = zf.open(f"EPUB/{files[current]}", "w")
                    label = section.title.zh.strip() or title.zh
                    chapter.write(
                        (
                            XHTML_HEAD.format(title=_e(label), css="../style.css")
                            + f'<p class="translator" {EN}>{_e(note)}</p>\n'
                        ).encode()
                    )
                assert chapter is not None
                parts = [f'<section id="{_e(section.id)}">\n']
                if section.title.zh.strip():
                    level = min(section.level, 6)
                    parts.append(
                        f"<h{level}>{_zh(section.title.zh, section.title.tokens, pinyin).strip()}"
                        f"</h{level}>\n"
                    )
                    if section.title.en:
                        headings[section.id] = section.title.en
                        parts.append(f'<p class="heading-en" {EN}>{_e(section.title.en)}</p>\n')
                parts.extend(_paragraph(p, pinyin) for p in section.paragraphs)
                parts.append("</section>\n")
                chapter.write("".join(parts).encode())
            if chapter is not None:
                chapter.write(XHTML_TAIL.encode())
        finally:
            if chapter is not None:
                chapter.close()

        # Table of contents, nested like the sections; untitled sections are left out.
        show_english = info.name != "gloss"
        top_of: dict[str, str] = {}
        parent_of = {sid: parent for sid, _, _, parent in aligned.outline}
        items: dict[str, _NavItem] = {}
        roots: list[_NavItem] = []
        for sid, _, zh, parent in aligned.outline:
            top_of[sid] = sid if parent is None else top_of[parent]
            if not zh.strip() or top_of[sid] not in files:
                continue
            label = " ".join(zh.split())
            if show_english and headings.get(sid):
                label += f" — {headings[sid]}"
            item = _NavItem(sid, label, f"{files[top_of[sid]]}#{sid}")
            items[sid] = item
            # Attach to the nearest titled ancestor.
            ancestor = parent
            while ancestor is not None and ancestor not in items:
                ancestor = parent_of[ancestor]
            (items[ancestor].children if ancestor is not None else roots).append(item)
        if not roots:
            roots.append(_NavItem("title", title.zh or "Title", "title.xhtml"))
        zf.writestr(
            "EPUB/nav.xhtml",
            XHTML_HEAD.format(title=_e(title.zh), css="style.css")
            + '<nav epub:type="toc" id="toc">\n<h1>目录 Contents</h1>\n'
            + _nav_list(roots)
            + "\n</nav>\n"
            + XHTML_TAIL,
        )

        identifier = uuid.uuid5(
            uuid.NAMESPACE_URL, f"reader:{aligned.sha256}:{info.name}:{info.label()}"
        )
        modified = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
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
        translator = info.label() if info.model else "word-by-word gloss (reader)"
        opf = (
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
        zf.writestr("EPUB/package.opf", opf)
