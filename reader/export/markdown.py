"""Markdown: each heading in Chinese and English, then the paragraphs in one of two layouts.

``interleaved``: the Chinese paragraph, then its English (and, with pinyin,
the pinyin between them in italics). ``table``: a two-column table per section
(three with pinyin). Text is escaped so that nothing in the source turns into
Markdown or HTML: a ``#`` or ``<script>`` in a sentence stays text.
"""

from __future__ import annotations

import re
from typing import TextIO

from reader.export.aligned import AlignedDocument, AlignedParagraph, translator_note
from reader.export.formats import Layout
from reader.text_safety import strip_controls

#: ASCII punctuation that Markdown may read as syntax; backslash-escaped.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
#: Line starts that open a list or a block quote.
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)](?=\s|$))")


def escape(text: str) -> str:
    """One line of Markdown text that renders as ``text`` (control characters dropped)."""
    text = _SPECIAL.sub(r"\\\1", strip_controls(text))
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    mark = match.group(2)
    # ``1.`` is escaped as ``1\.``: a backslash before a digit is kept literally.
    return match.group(1) + mark[:-1] + "\\" + mark[-1]


def _lines(text: str) -> str:
    """A paragraph, its hard line breaks kept as Markdown hard breaks."""
    lines = [escape(line.strip()) for line in text.strip().splitlines() if line.strip()]
    return "\\\n".join(lines)


def _cell(text: str) -> str:
    """A table cell: one line, ``|`` escaped, line breaks as ``<br>``."""
    return "<br>".join(escape(line.strip()) for line in text.strip().splitlines() if line.strip())


def _heading(level: int, text: str) -> str:
    return f"{'#' * min(level, 6)} {escape(' '.join(text.split()))}"


def _interleaved(paragraph: AlignedParagraph, pinyin: bool) -> str:
    parts = [_lines(paragraph.zh)]
    if pinyin and paragraph.pinyin:
        parts.append(f"*{escape(paragraph.pinyin)}*")
    if paragraph.en:
        parts.append(_lines(paragraph.marked_en(_mark)))
    return "\n\n".join(parts) + "\n\n"


def _mark(english: str, provenance: str) -> str:
    """A sentence whose English no model made: ``[edited]``, ``[human]`` or ``[tm]`` after it."""
    return f"{english} [{provenance}]"


def write_markdown(
    aligned: AlignedDocument, out: TextIO, *, layout: Layout = "interleaved", pinyin: bool = False
) -> None:
    title = aligned.title
    out.write(_heading(1, title.zh or "(untitled)") + "\n\n")
    if title.en:
        out.write(f"*{escape(title.en)}*\n\n")
    out.write(f"> {escape(translator_note(aligned.translator, aligned.fixed))}\n\n")
    columns = ["中文", *(["Pinyin"] if pinyin else []), "English"]
    for section in aligned.sections:
        if section.title.zh:
            # The document title is level 1: sections start at level 2.
            out.write(_heading(section.level + 1, section.title.zh) + "\n\n")
            if section.title.en:
                out.write(f"*{escape(section.title.en)}*\n\n")
        if not section.paragraphs:
            continue
        if layout == "interleaved":
            for paragraph in section.paragraphs:
                out.write(_interleaved(paragraph, pinyin))
            continue
        out.write("| " + " | ".join(columns) + " |\n")
        out.write("|" + "---|" * len(columns) + "\n")
        for paragraph in section.paragraphs:
            cells = [_cell(paragraph.zh)]
            if pinyin:
                cells.append(_cell(paragraph.pinyin))
            cells.append(_cell(paragraph.marked_en(_mark)))
            out.write("| " + " | ".join(cells) + " |\n")
        out.write("\n")
