"""Text to Document: blocks, headings, page-break repair, notes, sentences.

Parsing runs in three passes over plain lists, which keeps each rule local:
lines become drafts (paragraph text, headings, notes); drafts split by a page
break are joined; the drafts are then numbered into immutable sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader.document.headings import Heading, detect_heading
from reader.document.load import SourceLines, SourceText, read_lines
from reader.document.model import Document, Note, Paragraph, ParagraphKind, Section
from reader.document.sentences import CLOSERS, SENTENCE_FINAL, split_sentences

_INDENT = " \t\u3000\u00a0"
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_THEMATIC_BREAK = re.compile(r"^([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_CN_NUM = "零〇一二三四五六七八九十百千两0-9０-９"
_PRINT_NOTE = rf"[（(][ \t\u3000]*(?:下转|上接|紧接|接|转|续)[ \t\u3000]*第?[ \t\u3000]*[{_CN_NUM}]+[ \t\u3000]*[版页面][ \t\u3000]*[）)]"
_NOTE_LINE = re.compile(rf"^{_PRINT_NOTE}$")
_NOTE_TAIL = re.compile(rf"[ \t\u3000]*({_PRINT_NOTE})$")
_NOTE_HEAD = re.compile(rf"^({_PRINT_NOTE})[ \t\u3000]*")

#: Characters that cannot start a paragraph: a block starting with one of them
#: continues the block before it, whatever that block ends with.
_CONTINUATION_PUNCT = frozenset("，、,；;：:。！？!?…）)」』”’】》")
#: A paragraph that ends with one of these ends a sentence: no page break here.
#: A full stop in ASCII or full width too (mixed or English text): inside a line
#: it may be a decimal point, but not at a paragraph's end.
_PARAGRAPH_END = frozenset(SENTENCE_FINAL + CLOSERS + ".．")
#: Any punctuation inside a line makes it prose rather than an attribution.
_PROSE_PUNCT = re.compile(r"[，。！？；：、,.;:!?“”\"]")
#: Longest line read as a byline (author, organisation, date line).
MAX_BYLINE_CHARS = 50
#: Longest unnumbered first line read as the document's title.
MAX_TITLE_CHARS = 40
#: Longest paragraph kept as one: a longer one (a whole book on one line) becomes
#: several, cut between sentences, in the reader and in exports alike. The longest
#: real paragraph in the corpus (Joly's 红楼梦) has 3,569 characters.
MAX_PARAGRAPH_CHARS = 5000
#: Where a sentence longer than a paragraph may be cut (after the mark).
_CLAUSE_MARKS = "，；、：,;: "


@dataclass
class _Para:
    lines: list[str]
    #: Started on an indented line: the author's own paragraph start.
    indented: bool
    #: The last line ended in a Markdown hard break (two spaces or a backslash).
    hard_break: bool = False
    kind: ParagraphKind = "body"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class _NoteDraft:
    text: str


_Draft = _Para | Heading | _NoteDraft


def _join(left: str, right: str) -> str:
    """Join two pieces of one line: no space in Chinese, one between Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii():
        return left + " " + right
    return left + right


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in _PARAGRAPH_END


def _strip_hard_break(raw: str) -> tuple[str, bool]:
    if raw.endswith("\\"):
        return raw[:-1], True
    stripped = raw.rstrip(" ")
    return stripped, len(raw) - len(stripped) >= 2


def _scan(lines: Iterable[str], markdown: bool) -> list[_Draft]:
    """Lines to drafts; consecutive lines are joined or split by layout alone."""
    drafts: list[_Draft] = []
    open_para: _Para | None = None
    for raw in lines:
        content = raw.strip(_INDENT)
        if not content or _THEMATIC_BREAK.match(content):
            open_para = None
            continue
        heading = detect_heading(content)
        if heading is not None:
            drafts.append(heading)
            open_para = None
            continue
        if _NOTE_LINE.match(content):
            drafts.append(_NoteDraft(content))
            continue
        indented = raw[:1] in _INDENT
        line, hard_break = _strip_hard_break(raw.rstrip("\t\u3000").lstrip(_INDENT))
        line = line.rstrip(" ")
        if open_para is not None:
            if open_para.hard_break:
                open_para.lines.append(line)
                open_para.hard_break = hard_break
                continue
            continues = not indented and (markdown or not _ends_sentence(open_para.lines[-1]))
            if continues:
                open_para.lines[-1] = _join(open_para.lines[-1], line)
                open_para.hard_break = hard_break
                continue
        open_para = _Para([line], indented, hard_break)
        drafts.append(open_para)
    return drafts


def _lift_inline_notes(drafts: list[_Draft]) -> list[_Draft]:
    """Move ``（下转第二版）`` at a paragraph's end (or ``（上接…）`` at its start) out."""
    out: list[_Draft] = []
    for draft in drafts:
        if isinstance(draft, _Para):
            head = _NOTE_HEAD.match(draft.lines[0])
            if head and head.end() < len(draft.lines[0]):
                out.append(_NoteDraft(head.group(1)))
                draft.lines[0] = draft.lines[0][head.end() :]
            last = draft.lines[-1]
            # A note ends the line in a bracket: the search tries every position otherwise.
            tail = _NOTE_TAIL.search(last) if last.endswith(("）", ")")) else None
            if tail and tail.start() > 0:
                draft.lines[-1] = draft.lines[-1][: tail.start()]
                out.append(draft)
                out.append(_NoteDraft(tail.group(1)))
                continue
        out.append(draft)
    return out


def _is_attribution(para: _Para) -> bool:
    text = para.text
    return len(text) <= MAX_BYLINE_CHARS and not _PROSE_PUNCT.search(text)


def _continues(prev: _Para, nxt: _Para) -> bool:
    """Does ``nxt`` carry on the sentence ``prev`` left open at a page break?"""
    if nxt.indented:
        return False
    first = nxt.lines[0]
    if first[0] in _CONTINUATION_PUNCT:
        return True
    if _ends_sentence(prev.lines[-1]):
        return False
    if _is_attribution(prev):
        # A short line with no punctuation is a byline unless the next block
        # plainly continues it (…建设成果 / 的获得者).
        return first.startswith(("的", "们")) and not first.startswith("的确")
    return True


def _repair_page_breaks(drafts: list[_Draft]) -> list[_Draft]:
    """Join paragraphs split mid-sentence; notes between them do not count."""
    out: list[_Draft] = []
    last: _Para | None = None
    for draft in drafts:
        if isinstance(draft, _Para):
            if last is not None and _continues(last, draft):
                last.lines[-1] = _join(last.lines[-1], draft.lines[0])
                last.lines.extend(draft.lines[1:])
                last.hard_break = draft.hard_break
                continue
            last = draft
        elif isinstance(draft, Heading):
            last = None
        out.append(draft)
    return out


def _mark_bylines(drafts: list[_Draft]) -> None:
    """Short unpunctuated lines before a section's first prose are bylines."""
    prose_seen = False
    for draft in drafts:
        if isinstance(draft, Heading):
            prose_seen = False
        elif isinstance(draft, _Para):
            if not prose_seen and not draft.indented and _is_attribution(draft):
                draft.kind = "byline"
            else:
                prose_seen = True


def _first_line(first: _Draft | None, fallback: str) -> str:
    """An untitled document's name: its first line (shortened), else ``fallback``."""
    if isinstance(first, Heading):
        text = first.title
    elif isinstance(first, _Para):
        text = first.lines[0]
    else:
        return fallback
    text = text.strip()
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text or fallback


def _take_title(drafts: list[_Draft], fallback: str) -> tuple[str, list[_Draft], bool]:
    """The document title: an unnumbered first heading or a short first line; and whether
    it is one (an untitled document is named by its first line, which stays in the text)."""
    first = next((d for d in drafts if not isinstance(d, _NoteDraft)), None)
    if isinstance(first, Heading) and not first.numbered:
        drafts = [d for d in drafts if d is not first]
        return first.title, drafts, True
    if isinstance(first, _Para) and len(first.lines) == 1:
        text = first.lines[0]
        index = drafts.index(first)
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        if (
            len(text) <= MAX_TITLE_CHARS
            and not _PROSE_PUNCT.search(text.strip("《》"))
            and isinstance(following, Heading)
        ):
            if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
                text = text[1:-1]
            return text, drafts[:index] + drafts[index + 1 :], True
    return _first_line(first, fallback), drafts, False


@dataclass
class _SectionDraft:
    id: str
    title: str
    level: int
    rank: tuple[int, int]
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_SectionDraft] = field(default_factory=list)

    def freeze(self) -> Section:
        return Section(
            self.id,
            self.title,
            self.level,
            tuple(self.paragraphs),
            tuple(child.freeze() for child in self.children),
        )


def _cut_sentence(sentence: str) -> list[str]:
    """A sentence too long for one paragraph, at clause marks (else anywhere)."""
    pieces: list[str] = []
    while len(sentence) > MAX_PARAGRAPH_CHARS:
        cut = max(sentence.rfind(mark, 0, MAX_PARAGRAPH_CHARS) for mark in _CLAUSE_MARKS) + 1
        cut = cut if cut > 0 else MAX_PARAGRAPH_CHARS
        pieces.append(sentence[:cut])
        sentence = sentence[cut:]
    return [*pieces, sentence] if sentence else pieces


def _split_long(text: str) -> list[str]:
    """A paragraph as paragraphs of at most :data:`MAX_PARAGRAPH_CHARS`, cut between
    sentences: a 6 MB text on one line was one paragraph, which the reader laid out
    whole (a minute to the first frame, 2.9 GB) and no one reads as one."""
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in split_sentences(text):
        for part in _cut_sentence(sentence):
            if current and size + len(part) > MAX_PARAGRAPH_CHARS:
                pieces.append("".join(current))
                current, size = [], 0
            current.append(part)
            size += len(part)
    if current:
        pieces.append("".join(current))
    return pieces


def _build(drafts: list[_Draft]) -> tuple[tuple[Section, ...], tuple[Note, ...]]:
    """Number the drafts into nested sections; ids follow document order."""
    top: list[_SectionDraft] = []
    stack: list[_SectionDraft] = []
    notes: list[Note] = []
    current: _SectionDraft | None = None
    last_paragraph: str | None = None
    count = 0
    for draft in drafts:
        if isinstance(draft, Heading):
            count += 1
            while stack and stack[-1].rank >= draft.rank:
                stack.pop()
            current = _SectionDraft(f"s{count}", draft.title, len(stack) + 1, draft.rank)
            (stack[-1].children if stack else top).append(current)
            stack.append(current)
        elif isinstance(draft, _NoteDraft):
            notes.append(Note(draft.text, last_paragraph))
        else:
            if current is None:
                # Front matter before the first heading.
                current = _SectionDraft("s0", "", 1, (-1, 0))
                top.append(current)
            for text in _split_long(draft.text):
                number = len(current.paragraphs) + 1
                paragraph = Paragraph(f"{current.id}.p{number}", text, draft.kind)
                current.paragraphs.append(paragraph)
                last_paragraph = paragraph.id
    return tuple(s.freeze() for s in top), tuple(notes)


def parse_text(
    text: str,
    *,
    name: str = "Untitled",
    markdown: bool = False,
    encoding: str = "utf-8",
    sha256: str = "",
    path: str | None = None,
) -> Document:
    """Parse already-decoded text (newlines normalised to ``\\n``)."""
    return parse_lines(
        text.split("\n"), name=name, markdown=markdown, encoding=encoding, sha256=sha256, path=path
    )


def parse_lines(
    lines: Iterable[str],
    *,
    name: str = "Untitled",
    markdown: bool = False,
    encoding: str = "utf-8",
    sha256: str = "",
    path: str | None = None,
) -> Document:
    """Parse a decoded text's lines; an iterator that lets each line go once read keeps
    a long book in memory once (:meth:`SourceLines.take`)."""
    drafts = _scan(lines, markdown)
    drafts = _lift_inline_notes(drafts)
    drafts = _repair_page_breaks(drafts)
    title, drafts, titled = _take_title(drafts, name)
    _mark_bylines(drafts)
    sections, notes = _build(drafts)
    return Document(title, sections, notes, encoding, sha256, path, titled=titled)


def parse_source(source: SourceText | SourceLines, path: str | Path) -> Document:
    """Parse a loaded file; lines (:func:`read_lines`) are taken over, and ``source`` is
    left empty."""
    p = Path(path)
    lines = source.take() if isinstance(source, SourceLines) else source.text.split("\n")
    return parse_lines(
        lines,
        name=p.stem,
        markdown=p.suffix.lower() in _MARKDOWN_SUFFIXES,
        encoding=source.encoding,
        sha256=source.sha256,
        path=str(path),
    )


def load_document(path: str | Path) -> Document:
    """Read and parse a document file; errors are one-line DocumentErrors."""
    return parse_source(read_lines(path), path)
