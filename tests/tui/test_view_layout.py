"""Lines of Chinese as a reader sees them: punctuation with its word, long terms wrapped.

Laid out with the real annotator (jieba, the built-in glossary) on the bundled
resolution, at many widths, so closing marks and quotes land at line ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.document import Document
from reader.document.units import Block, reading_order
from reader.english.layer import English
from reader.language.annotate import Annotator
from reader.language.formatting import cell_width
from reader.tui.layout import BlockLayout, Options, Styles, layout_block

CLOSERS = "，。、；：！？）」』”’》〉…"
OPENERS = "“‘「『（《〈"
LONG_TERM = "干在实处、走在前列、勇立潮头"


def _layout(block: Block, annotator: Annotator, width: int, pinyin: bool = True) -> BlockLayout:
    options = Options(width, pinyin=pinyin, english=False, stacked=True)
    return layout_block(
        block, options, Styles(), annotator.annotate, lambda sid, zh: English("", "none")
    )


def _text_rows(layout: BlockLayout, pinyin: bool) -> list[str]:
    lines = ["".join(segment.text for segment in line) for line in layout.lines[:-1]]
    return lines[1::2] if pinyin else lines


def _rows(doc: Document, annotator: Annotator) -> Iterator[tuple[int, bool, str]]:
    for width in (30, 41, 52, 63, 78):
        for pinyin in (True, False):
            for block in reading_order(doc).blocks:
                for row in _text_rows(_layout(block, annotator, width, pinyin), pinyin):
                    yield width, pinyin, row


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    resolution: Document, annotator: Annotator
) -> None:
    starts, ends = [], []
    for width, pinyin, row in _rows(resolution, annotator):
        text = row.strip()
        if text and text[0] in CLOSERS:
            starts.append((width, pinyin, text[:8]))
        if text and text[-1] in OPENERS:
            ends.append((width, pinyin, text[-8:]))
    assert starts == []
    assert ends == []


def test_punctuation_sits_right_after_its_word(resolution: Document, annotator: Annotator) -> None:
    rows = [row for _, pinyin, row in _rows(resolution, annotator) if pinyin]
    quoted = [row for row in rows if "八八战略" in row]
    assert quoted and all("“八八战略”" in row for row in quoted), quoted
    comma = [row for row in rows if "全体会议" in row and "深入" in row]
    assert comma and all("全体会议，" in row for row in comma), comma


def test_a_closer_of_two_marks_never_starts_a_line(annotator: Annotator) -> None:
    from reader.document.parse import parse_text

    doc = parse_text(
        "我们认真学习了《中共中央关于党的百年奋斗重大成就和历史经验的决议》。然后讨论。\n"
    )
    block = next(b for b in reading_order(doc).blocks if b.kind == "paragraph")
    for width in range(12, 90):
        for pinyin in (True, False):
            layout = _layout(block, annotator, width, pinyin)
            for row in _text_rows(layout, pinyin):
                assert not row.strip().startswith(("》", "。")), (width, pinyin, row)
            for line in layout.lines:  # at most the two cells kept free for a hanging mark
                assert cell_width("".join(segment.text for segment in line)) <= width


@pytest.mark.parametrize("width", [40, 60, 100])
def test_a_long_terms_pinyin_wraps_with_its_characters(
    resolution: Document, annotator: Annotator, width: int
) -> None:
    block = next(b for b in reading_order(resolution).blocks if LONG_TERM in b.text)
    layout = _layout(block, annotator, width)
    pieces = [p for p in layout.tokens if p.token.text == LONG_TERM]
    assert len(pieces) == len(LONG_TERM)  # a character at a time, each its own place
    lines = ["".join(segment.text for segment in line) for line in layout.lines]
    syllables = iter(pieces[0].token.pinyin)
    for placed in pieces:
        row = lines[placed.line]
        pinyin_row = lines[placed.line - 1]
        ch = row[_index(row, placed.x)]
        if ch == "、":
            continue
        syllable = next(syllables)
        # Under its own syllable: the reading starts where the character does.
        assert pinyin_row[_index(pinyin_row, placed.x) :].startswith(syllable), (ch, syllable)
    assert next(syllables, None) is None
    if width == 40:  # it wraps with the text around it, readings and all
        assert len({p.line for p in pieces}) > 1


def _index(line: str, x: int) -> int:
    """The string index of the character at cell ``x``."""
    cells = 0
    for index, ch in enumerate(line):
        if cells >= x:
            return index
        cells += cell_width(ch)
    return len(line)


def test_a_book_on_one_line_is_cut_into_paragraphs_between_sentences(aq: Document) -> None:
    from reader.document.parse import MAX_PARAGRAPH_CHARS, parse_text

    line = "".join(p.text for p in aq.paragraphs()) * 2
    assert len(line) > 8 * MAX_PARAGRAPH_CHARS
    doc = parse_text(line + "\n", name="one-line")
    paragraphs = list(doc.paragraphs())
    assert len(paragraphs) >= 8
    assert all(len(p.text) <= MAX_PARAGRAPH_CHARS for p in paragraphs)
    assert "".join(p.text for p in paragraphs) == line  # nothing lost, nothing added
    # Cut between sentences: each piece ends where a sentence of the whole line ends.
    from reader.document.sentences import split_sentences

    ends = set()
    position = 0
    for sentence in split_sentences(line):
        position += len(sentence)
        ends.add(position)
    position = 0
    for paragraph in paragraphs:
        position += len(paragraph.text)
        assert position in ends


def test_a_sentence_longer_than_a_paragraph_is_cut_at_clauses_or_anywhere() -> None:
    from reader.document.parse import MAX_PARAGRAPH_CHARS, parse_text

    clauses = ("我们学习中文，" * 2000) + "完了。"
    solid = "字" * (3 * MAX_PARAGRAPH_CHARS)
    for text in (clauses, solid):
        paragraphs = list(parse_text(text + "\n").paragraphs())
        assert len(paragraphs) > 1
        assert all(len(p.text) <= MAX_PARAGRAPH_CHARS for p in paragraphs)
        assert "".join(p.text for p in paragraphs) == text
    first = next(parse_text(clauses + "\n").paragraphs())
    assert first.text.endswith("，")  # at a clause mark, not mid-clause


async def test_the_reader_lays_out_only_what_is_on_screen_of_a_one_line_book(
    aq: Document, tmp_path: object
) -> None:
    from pathlib import Path

    from reader.document.parse import MAX_PARAGRAPH_CHARS
    from reader.tui.app import ReaderApp
    from reader.tui.widgets.bilingual import BilingualView
    from tests.tui.test_reading import ready

    assert isinstance(tmp_path, Path)
    book = tmp_path / "one-line.txt"
    book.write_text("".join(p.text for p in aq.paragraphs()) * 2 + "\n", encoding="utf-8")
    app = ReaderApp(str(book))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(BilingualView)
        laid_out = sum(len(view.blocks[i].text) for i in view._layouts)
        assert laid_out <= 3 * MAX_PARAGRAPH_CHARS
        await pilot.press("pagedown", "end")
        laid_out = sum(len(view.blocks[i].text) for i in view._layouts)
        assert laid_out <= 6 * MAX_PARAGRAPH_CHARS
        await pilot.press("q")


def test_a_flag_stands_before_its_sentence_not_after_it(
    resolution: Document, annotator: Annotator
) -> None:
    """``First. [unsure] Second.`` read as if the second sentence were the doubtful one."""
    block = next(b for b in reading_order(resolution).blocks if len(b.sentences) >= 2)
    (first, _), (second, _) = block.sentences[:2]

    def english(sid: str, zh: str) -> English:
        if sid == first:
            return English("The aligned sentence.", "human", flag="unsure")
        return English("The next one.", "human") if sid == second else English("", "none")

    options = Options(120, pinyin=False, english=True, stacked=True)
    layout = layout_block(block, options, Styles(), annotator.annotate, english)
    text = " ".join("".join(s.text for s in line).strip() for line in layout.lines)
    assert "[unsure] The aligned sentence. The next one." in " ".join(text.split())
