"""Laying out one block (a heading or a paragraph pair) into terminal lines.

A block is laid out for one width at a time and cached by the view; only the
blocks on screen are ever laid out, so a 3,000-paragraph novel opens as fast
as a one-page note. Chinese is laid out word by word (pinyin above each word,
aligned by cell width: a Hanzi is two cells), English word-wrapped; the two
columns of a block start on the same row and the shorter one is padded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style

from reader.language.annotate import Token
from reader.language.formatting import cell_width
from reader.language.pinyin import is_hanzi, to_numbers, tone_of

GAP = 3  # cells between the columns
STACK_BELOW = 100  # terminal width under which the columns stack

#: Tone colours: no standard exists, so the common schemes are offered.
TONE_SCHEMES: dict[str, dict[int, str]] = {
    "pleco": {1: "#e30000", 2: "#02b31c", 3: "#1510f0", 4: "#8900bf", 5: "#777777"},
    "hanping": {1: "#64b4ff", 2: "#30b030", 3: "#f08000", 4: "#dc1e1e", 5: "#a0a0a0"},
    "mdbg": {1: "#e60000", 2: "#ff8800", 3: "#00a000", 4: "#0000ff", 5: "#808080"},
}


@dataclass(frozen=True, slots=True)
class Styles:
    text: Style = Style()
    pinyin: Style = Style(dim=True)
    heading: Style = Style(bold=True)
    english: Style = Style()
    pending: Style = Style(dim=True, italic=True)
    sentence: Style = Style(bgcolor="grey23")
    cursor: Style = Style(reverse=True)
    byline: Style = Style(italic=True)
    flag: Style = Style(color="yellow")


@dataclass(frozen=True, slots=True)
class Options:
    width: int
    pinyin: bool = True
    colours: str | None = None  # a TONE_SCHEMES key, or None
    english: bool = True
    stacked: bool = False
    tone_numbers: bool = False


@dataclass
class Block:
    """A heading or a paragraph, with what the view knows about it so far."""

    kind: str  # "title", "heading" or "paragraph"
    id: str
    section_id: str
    #: (sentence id, Chinese) pairs; a heading is one "sentence" (id = section id).
    sentences: list[tuple[str, str]]
    byline: bool = False
    level: int = 1


@dataclass
class PlacedToken:
    sentence: int
    #: Index of the token within its sentence's tokens.
    index: int
    token: Token
    line: int
    x: int
    width: int


@dataclass
class BlockLayout:
    lines: list[list[Segment]]
    tokens: list[PlacedToken] = field(default_factory=list)


#: Given a sentence, its tokens (None while jieba is loading).
TokensFor = Callable[[str], Sequence[Token] | None]
#: Given (sentence id, Chinese), its English and a flag ("" for none, "pending").
EnglishFor = Callable[[str, str], tuple[str, str]]


_NO_LINE_START = frozenset("，。、；：！？）」』”’》〉…,.;:!?)]")


def _plain_tokens(text: str) -> list[Token]:
    """Before segmentation is ready: one token per character."""
    return [Token(ch, (), (), None, None, False) for ch in text]


def column_widths(options: Options) -> tuple[int, int]:
    if not options.english or options.stacked:
        return options.width, options.width
    left = (options.width - GAP) // 2
    return left, options.width - GAP - left


def _syllables(token: Token, options: Options) -> list[str]:
    if options.tone_numbers:
        return [to_numbers(s) for s in token.pinyin]
    return list(token.pinyin)


def _fit(tokens: Sequence[Token], width: int, options: Options) -> list[tuple[int, Token, Token]]:
    """(index, piece to draw, token it belongs to): a word wider than the column is
    drawn character by character (a long glossary term in a narrow terminal)."""
    out: list[tuple[int, Token, Token]] = []
    for index, token in enumerate(tokens):
        reading = " ".join(_syllables(token, options)) if options.pinyin else ""
        if len(token.text) > 1 and max(cell_width(token.text), cell_width(reading)) + 1 > width:
            syllables = iter(token.pinyin)
            for ch in token.text:
                hanzi = is_hanzi(ch)
                pinyin = tuple(s for s in [next(syllables, "")] if s) if hanzi else ()
                piece = Token(ch, pinyin, token.definitions, token.source, token.hsk, hanzi)
                out.append((index, piece, token))
        else:
            out.append((index, token, token))
    return out


def _layout_chinese(
    block: Block,
    tokens_for: TokensFor,
    width: int,
    options: Options,
    styles: Styles,
    highlight: tuple[int, int] | None,
    base_style: Style,
) -> tuple[list[list[Segment]], list[PlacedToken]]:
    """Word-wrapped Chinese, with a pinyin row above each text row when pinyin is on."""
    rows: list[tuple[list[Segment], list[Segment]]] = [([], [])]
    used = 0
    placed: list[PlacedToken] = []
    scheme = TONE_SCHEMES.get(options.colours or "")
    for s_index, (_, text) in enumerate(block.sentences):
        tokens = tokens_for(text) or _plain_tokens(text)
        for t_index, token, whole in _fit(tokens, width, options):
            for part_index, part in enumerate(token.text.split("\n")):
                if part_index:
                    rows.append(([], []))
                    used = 0
                if not part.strip() and used == 0:
                    continue
                syllables = _syllables(token, options) if options.pinyin else []
                reading = " ".join(syllables)
                cells = cell_width(part)
                span = max(cells, cell_width(reading))
                gap = 1 if options.pinyin and token.is_hanzi else 0
                # Closing punctuation never starts a line: it may overhang by a
                # character into the gap between the columns instead.
                if used and used + span > width and not token.is_hanzi and part in _NO_LINE_START:
                    # Closing punctuation never starts a line: it hangs right after the
                    # last word's characters, at most two cells past the wrap point.
                    bottom_row = rows[-1][1]
                    while bottom_row and not bottom_row[-1].text.strip():
                        bottom_row.pop()
                    ink = sum(cell_width(segment.text) for segment in bottom_row)
                    if ink + cells <= width + 2:
                        style = base_style
                        if highlight is not None and highlight[0] == s_index:
                            style = style + styles.sentence
                        bottom_row.append(Segment(part, style))
                        line = (len(rows) - 1) * (2 if options.pinyin else 1) + (
                            1 if options.pinyin else 0
                        )
                        placed.append(PlacedToken(s_index, t_index, whole, line, ink, cells))
                        used = max(used, ink + cells)
                        continue
                if used and used + span > width:
                    rows.append(([], []))
                    used = 0
                top, bottom = rows[-1]
                style = base_style
                if highlight is not None and highlight[0] == s_index:
                    style = style + styles.sentence
                if highlight is not None and highlight == (s_index, t_index):
                    style = style + styles.cursor
                if scheme and token.pinyin:
                    tone_style = Style(color=scheme[tone_of(token.pinyin[-1])])
                    text_style = style + tone_style if len(token.pinyin) == 1 else style
                else:
                    text_style = style
                if scheme and token.pinyin and len(token.pinyin) > 1:
                    # Colour each character by its own tone.
                    hanzi = iter(token.pinyin)
                    for ch in part:
                        tone = tone_of(next(hanzi, "")) if ch.strip() else 5
                        bottom.append(Segment(ch, style + Style(color=scheme[tone])))
                else:
                    bottom.append(Segment(part, text_style))
                pad_style = (
                    style if highlight is not None and highlight[0] == s_index else base_style
                )
                if span - cells:
                    bottom.append(Segment(" " * (span - cells), pad_style))
                if options.pinyin:
                    for k, syllable in enumerate(syllables):
                        colour = Style(color=scheme[tone_of(token.pinyin[k])]) if scheme else None
                        top.append(
                            Segment(syllable, styles.pinyin + colour if colour else styles.pinyin)
                        )
                        if k + 1 < len(syllables):
                            top.append(Segment(" "))
                    top.append(Segment(" " * (span - cell_width(reading))))
                if gap:
                    bottom.append(Segment(" ", pad_style))
                    top.append(Segment(" "))
                line = (len(rows) - 1) * (2 if options.pinyin else 1) + (1 if options.pinyin else 0)
                placed.append(PlacedToken(s_index, t_index, whole, line, used, cells))
                used += span + gap
    lines: list[list[Segment]] = []
    for top, bottom in rows:
        if options.pinyin:
            lines.append(top)
        lines.append(bottom)
    return lines, placed


def _wrap_english(
    parts: list[tuple[str, Style]], width: int, highlight_style: Style | None, current: int | None
) -> list[list[Segment]]:
    """Word-wrap English sentences (each with its style); the current one highlighted."""
    lines: list[list[Segment]] = [[]]
    used = 0
    for index, (text, style) in enumerate(parts):
        if index == current and highlight_style is not None:
            style = style + highlight_style
        for word in text.split():
            size = cell_width(word)
            if used and used + 1 + size > width:
                lines.append([])
                used = 0
            if used:
                lines[-1].append(Segment(" ", style if index == current else None))
                used += 1
            while size > width:  # a word longer than the column
                lines[-1].append(Segment(word[:width], style))
                word = word[width:]
                size = cell_width(word)
                lines.append([])
            lines[-1].append(Segment(word, style))
            used += size
    return lines


def _pad(segments: list[Segment], width: int) -> list[Segment]:
    used = sum(cell_width(s.text) for s in segments)
    if used < width:
        return [*segments, Segment(" " * (width - used))]
    return segments


def layout_block(
    block: Block,
    options: Options,
    styles: Styles,
    tokens_for: TokensFor,
    english_for: EnglishFor,
    highlight: tuple[int, int] | None = None,
) -> BlockLayout:
    """Lines of ``block`` (each exactly ``options.width`` cells) and where its words are."""
    left_width, right_width = column_widths(options)
    base = (
        styles.heading
        if block.kind != "paragraph"
        else (styles.byline if block.byline else styles.text)
    )
    side_by_side = options.english and not options.stacked
    # Two cells are kept for closing punctuation that overhangs the wrap point:
    # the gap between the columns side by side, the right margin otherwise.
    zh_width = left_width if side_by_side else max(10, options.width - 2)
    zh_lines, placed = _layout_chinese(
        block, tokens_for, zh_width, options, styles, highlight, base
    )
    en_lines: list[list[Segment]] = []
    if options.english:
        parts: list[tuple[str, Style]] = []
        for sid, text in block.sentences:
            english, flag = english_for(sid, text)
            style = (
                styles.pending
                if flag == "pending"
                else (styles.heading if block.kind != "paragraph" else styles.english)
            )
            if flag and flag != "pending":
                english = f"{english} [{flag}]"
            parts.append((english, style))
        current = highlight[0] if highlight is not None else None
        en_lines = _wrap_english(parts, right_width, styles.sentence, current)
    lines: list[list[Segment]] = []
    if side_by_side:
        height = max(len(zh_lines), len(en_lines))
        for row in range(height):
            left = _pad(zh_lines[row] if row < len(zh_lines) else [], left_width)
            right = en_lines[row] if row < len(en_lines) else []
            # Overhanging punctuation eats into the gap, never into the English.
            overhang = sum(cell_width(s.text) for s in left) - left_width
            gap = Segment(" " * max(1, GAP - overhang))
            lines.append([*left, gap, *_pad(right, right_width)])
    else:
        lines = [_pad(line, options.width) for line in zh_lines]
        if options.english:
            lines += [_pad(line, options.width) for line in en_lines]
    lines.append([Segment(" " * options.width)])  # a blank row between blocks
    return BlockLayout(lines, placed)


def estimate_height(block: Block, options: Options) -> int:
    """Rows a block will take, without laying it out (refined once it is laid out)."""
    left, right = column_widths(options)
    zh_cells = sum(2 * len(text) for _, text in block.sentences)
    zh_rows = max(1, -(-zh_cells * (3 if options.pinyin else 2) // (2 * max(1, left))))
    if options.pinyin:
        zh_rows *= 2
    en_rows = (
        max(1, -(-sum(len(t) for _, t in block.sentences) * 3 // max(1, right)))
        if options.english
        else 0
    )
    if options.stacked or not options.english:
        return zh_rows + en_rows + 1
    return max(zh_rows, en_rows) + 1
