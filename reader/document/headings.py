"""Which lines are headings, and how deep each one sits.

A heading's depth comes from its numbering scheme, not from its position:
``（一）`` sits under ``一、``, which sits under ``第一章`` and under any
Markdown heading. Markdown marks are explicit structure and outrank every
Chinese numbering, so ``## 一、…`` is a level-2 Markdown heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A Chinese-numbered line longer than this is body text that merely starts
#: with a number; the longest headings in the seeds are about 50 characters.
MAX_HEADING_CHARS = 64

_CN_NUM = "零〇一二三四五六七八九十百千两"
_NUM = rf"[{_CN_NUM}0-9０-９]+"
_SEP = r"[ \t\u3000:：.．、]*"

_MARKDOWN = re.compile(r"^(#{1,6})[ \t\u3000]+(.*?)(?:[ \t]+#+)?[ \t]*$")

# (pattern, rank) in outline order; the title may be empty only for 第…章 forms.
_NUMBERED: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^第{_NUM}[部编卷篇]{_SEP}(.*)$"), 0),
    (re.compile(rf"^第{_NUM}[章回]{_SEP}(.*)$"), 1),
    (re.compile(rf"^第{_NUM}节{_SEP}(.*)$"), 2),
    (re.compile(rf"^第{_NUM}条{_SEP}(.*)$"), 3),
    (re.compile(rf"^[{_CN_NUM}]+、[ \t\u3000]*(.+)$"), 4),
    (re.compile(rf"^[（(][{_CN_NUM}]+[）)][ \t\u3000]*(.+)$"), 5),
    (re.compile(r"^[0-9０-９]+[、．.](?![0-9])[ \t\u3000]*([^\s0-9].*)$"), 6),
    (re.compile(r"^[（(][0-9０-９]+[）)][ \t\u3000]*(.+)$"), 7),
)
# Arabic "1." followed by a space is a Markdown list item, not a heading.
_MARKDOWN_LIST = re.compile(r"^[0-9]+\.[ \t]")

# A heading never contains a sentence stop, and never ends as a clause does.
_STOPS = re.compile(r"[。！？!?；;]")
_CLAUSE_END = tuple("，,、：:…")


@dataclass(frozen=True, slots=True)
class Heading:
    #: The heading as the reader shows it: Markdown marks removed, numbering kept.
    title: str
    #: Outline rank; lower is higher up. Markdown ``#`` is (0, 1), ``第一章`` (1, 1).
    rank: tuple[int, int]
    #: True for a Chinese-numbered heading (一、, 第一章 …), bare or in Markdown.
    numbered: bool


def _numbered_rank(text: str) -> int | None:
    if _MARKDOWN_LIST.match(text):
        return None
    for pattern, rank in _NUMBERED:
        if pattern.match(text):
            return rank
    return None


def _reads_as_heading(text: str) -> bool:
    return (
        len(text) <= MAX_HEADING_CHARS
        and not _STOPS.search(text)
        and not text.endswith(_CLAUSE_END)
    )


def detect_heading(line: str) -> Heading | None:
    """Return the heading on ``line`` (already stripped), or None for body text."""
    match = _MARKDOWN.match(line)
    if match:
        title = match.group(2).strip()
        if not title:
            return None
        return Heading(title, (0, len(match.group(1))), _numbered_rank(title) is not None)
    rank = _numbered_rank(line)
    if rank is None or not _reads_as_heading(line):
        return None
    return Heading(line, (1, rank), True)
