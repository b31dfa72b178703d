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

from reader.document.units import Block
from reader.english.layer import English
from reader.hanzi import is_hanzi
from reader.language.annotate import Token
from reader.language.formatting import cell_width
from reader.language.pinyin import tone_of
from reader.language.style import PinyinStyle

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
    #: A word you have not marked yet: underlined, so the colours (and their
    #: contrast) stay what they are.
    new: Style = Style(underline=True)


@dataclass(frozen=True, slots=True)
class Options:
    width: int
    pinyin: bool = True
    colours: str | None = None  # a TONE_SCHEMES key, or None
    english: bool = True
    stacked: bool = False
    tone_numbers: bool = False
    #: Underline the words you have not marked (known-word tracking).
    mark_new: bool = True
    #: Pinyin over the words you know too (off: only over words you are still learning).
    pinyin_known: bool = True


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
#: Given a token, your status for it (``new``, ``learning``, ``known``, ``ignored``), or
#: None for what is not a word you could know (punctuation, names, numbers).
StatusFor = Callable[[Token], str | None]
#: Given (sentence id, Chinese), the English the session shows for it.
EnglishFor = Callable[[str, str], English]


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
    """The token's pinyin as drawn: tokens carry tone marks, the view's setting chooses."""
    return list(PinyinStyle(options.tone_numbers).syllables(token.pinyin))


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


@dataclass
class _Rows:
    """The Chinese column being filled, shared by the steps of the word-by-word loop."""

    width: int
    pinyin: bool
    #: (pinyin segments, text segments) per row; the pinyin half stays empty when it is off.
    rows: list[tuple[list[Segment], list[Segment]]] = field(default_factory=lambda: [([], [])])
    #: Cells taken on the current row.
    used: int = 0
    placed: list[PlacedToken] = field(default_factory=list)

    def new_row(self) -> None:
        """Start a fresh row pair: a line break in the text, or a word that won't fit."""
        self.rows.append(([], []))
        self.used = 0

    def line(self) -> int:
        """Index of the current text row among the final lines, where the view finds a word."""
        return (len(self.rows) - 1) * 2 + 1 if self.pinyin else len(self.rows) - 1

    def lines(self) -> list[list[Segment]]:
        """The rows as terminal lines: each pinyin row above its text row, if pinyin is on."""
        lines: list[list[Segment]] = []
        for top, bottom in self.rows:
            if self.pinyin:
                lines.append(top)
            lines.append(bottom)
        return lines


@dataclass(frozen=True, slots=True)
class _Word:
    """One line's piece of a token, measured once: wrapping, hanging and drawing all need it."""

    text: str
    token: Token
    syllables: list[str]
    #: Cells of the characters, and of the wider of them and the pinyin reading.
    cells: int
    span: int

    @classmethod
    def measure(cls, text: str, token: Token, syllables: list[str]) -> _Word:
        """Size a piece up front, since a word takes the width of its text or its pinyin."""
        cells = cell_width(text)
        return cls(text, token, syllables, cells, max(cells, cell_width(" ".join(syllables))))


def _token_styles(
    base_style: Style,
    styles: Styles,
    highlight: tuple[int, int] | None,
    s_index: int,
    t_index: int,
    together: frozenset[int] = frozenset(),
) -> tuple[Style, Style]:
    """(sentence style, word style): the current sentence is shaded (with the sentences one
    English sentence translates together with it), the cursor's word reversed."""
    shade = base_style
    if highlight is not None and (highlight[0] == s_index or s_index in together):
        shade = shade + styles.sentence
    if highlight is not None and highlight == (s_index, t_index):
        return shade, shade + styles.cursor
    return shade, shade


def _tone(scheme: dict[int, str], syllable: str) -> Style:
    """The colour of a syllable's tone, so a reader can see tones without reading the marks."""
    return Style(color=scheme[tone_of(syllable)])


def _text_segments(word: _Word, style: Style, scheme: dict[int, str] | None) -> list[Segment]:
    """A word's characters, tone-coloured each by its own syllable when colours are on."""
    pinyin = word.token.pinyin
    if not scheme or not pinyin:
        return [Segment(word.text, style)]
    if len(pinyin) == 1:
        return [Segment(word.text, style + _tone(scheme, pinyin[0]))]
    segments: list[Segment] = []
    syllables = iter(pinyin)
    for ch in word.text:
        # A space has no syllable of its own: it takes the neutral colour.
        segments.append(
            Segment(ch, style + _tone(scheme, next(syllables, "") if ch.strip() else ""))
        )
    return segments


def _pinyin_segments(
    word: _Word, pinyin_style: Style, scheme: dict[int, str] | None
) -> list[Segment]:
    """A word's pinyin row, syllables tone-coloured, padded to the word's span to stay aligned."""
    segments: list[Segment] = []
    for k, syllable in enumerate(word.syllables):
        if k:
            segments.append(Segment(" "))
        colour = pinyin_style + _tone(scheme, word.token.pinyin[k]) if scheme else pinyin_style
        segments.append(Segment(syllable, colour))
    segments.append(Segment(" " * (word.span - cell_width(" ".join(word.syllables)))))
    return segments


def _hang(rows: _Rows, word: _Word, style: Style) -> int | None:
    """Closing punctuation never starts a line: it hangs after the last word instead; x or None."""
    # It goes right after the last word's characters (not its padding), at most two cells
    # past the wrap point: the caller keeps those two cells free. The row ends here either
    # way, so its trailing padding can go even if the mark won't fit.
    bottom = rows.rows[-1][1]
    while bottom and not bottom[-1].text.strip():
        bottom.pop()
    ink = sum(cell_width(segment.text) for segment in bottom)
    if ink + word.cells > rows.width + 2:
        return None
    bottom.append(Segment(word.text, style))
    rows.used = max(rows.used, ink + word.cells)
    return ink


def _draw_word(
    rows: _Rows, word: _Word, style: Style, pinyin_style: Style, scheme: dict[int, str] | None
) -> int:
    """Append a word to the row, text and pinyin padded to one span so they stay aligned; its x."""
    top, bottom = rows.rows[-1]
    bottom.extend(_text_segments(word, style, scheme))
    if word.span - word.cells:
        bottom.append(Segment(" " * (word.span - word.cells), style))
    if rows.pinyin:
        top.extend(_pinyin_segments(word, pinyin_style, scheme))
    # With pinyin, a one-cell gap after each Hanzi word keeps neighbouring readings apart.
    gap = 1 if rows.pinyin and word.token.is_hanzi else 0
    if gap:
        bottom.append(Segment(" ", style))
        top.append(Segment(" "))
    x = rows.used
    rows.used += word.span + gap
    return x


def _place(
    rows: _Rows,
    word: _Word,
    shade: Style,
    style: Style,
    pinyin_style: Style,
    scheme: dict[int, str] | None,
) -> int:
    """Wrap before a word that won't fit, unless it is closing punctuation that can hang; its x."""
    if rows.used and rows.used + word.span > rows.width:
        if not word.token.is_hanzi and word.text in _NO_LINE_START:
            x = _hang(rows, word, shade)
            if x is not None:
                return x
        rows.new_row()
    return _draw_word(rows, word, style, pinyin_style, scheme)


def _layout_chinese(
    block: Block,
    tokens_for: TokensFor,
    width: int,
    options: Options,
    styles: Styles,
    highlight: tuple[int, int] | None,
    base_style: Style,
    status_for: StatusFor | None = None,
    together: frozenset[int] = frozenset(),
) -> tuple[list[list[Segment]], list[PlacedToken]]:
    """Word-wrapped Chinese, with a pinyin row above each text row when pinyin is on."""
    rows = _Rows(width, options.pinyin)
    scheme = TONE_SCHEMES.get(options.colours or "")
    for s_index, (_, text) in enumerate(block.sentences):
        tokens = tokens_for(text) or _plain_tokens(text)
        for t_index, token, whole in _fit(tokens, width, options):
            shade, style = _token_styles(base_style, styles, highlight, s_index, t_index, together)
            status = status_for(whole) if status_for is not None else None
            if status == "new" and options.mark_new:
                style = style + styles.new
            reading = options.pinyin and (options.pinyin_known or status not in _KNOWN)
            syllables = _syllables(token, options) if reading else []
            for part_index, part in enumerate(token.text.split("\n")):
                if part_index:
                    rows.new_row()
                if not part.strip() and rows.used == 0:
                    continue
                word = _Word.measure(part, token, syllables)
                x = _place(rows, word, shade, style, styles.pinyin, scheme)
                rows.placed.append(PlacedToken(s_index, t_index, whole, rows.line(), x, word.cells))
    return rows.lines(), rows.placed


def _wrap_english(
    parts: list[tuple[str, Style]],
    width: int,
    highlight_style: Style | None,
    current: frozenset[int],
) -> list[list[Segment]]:
    """Word-wrap English sentences (each with its style); the current ones highlighted."""
    lines: list[list[Segment]] = [[]]
    used = 0
    for index, (text, style) in enumerate(parts):
        if index in current and highlight_style is not None:
            style = style + highlight_style
        for word in text.split():
            size = cell_width(word)
            if used and used + 1 + size > width:
                lines.append([])
                used = 0
            if used:
                lines[-1].append(Segment(" ", style if index in current else None))
                used += 1
            while size > width:  # a word longer than the column
                lines[-1].append(Segment(word[:width], style))
                word = word[width:]
                size = cell_width(word)
                lines.append([])
            lines[-1].append(Segment(word, style))
            used += size
    return lines


#: Statuses whose words need no pinyin when it is shown only over what you don't know.
_KNOWN = frozenset({"known", "ignored"})

#: Put before a gloss in the English column.
GLOSS_MARK = "≈ "


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
    status_for: StatusFor | None = None,
    together: frozenset[int] = frozenset(),
) -> BlockLayout:
    """Lines of ``block`` (each exactly ``options.width`` cells) and where its words are.

    ``together``: sentences of the block shaded with the highlighted one (one English
    sentence of an aligned translation covers them all)."""
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
        block, tokens_for, zh_width, options, styles, highlight, base, status_for, together
    )
    en_lines: list[list[Segment]] = []
    if options.english:
        parts: list[tuple[str, Style]] = []
        after_gloss = False
        for sid, text in block.sentences:
            english = english_for(sid, text)
            # A gloss is drawn dim and marked ≈ in the column itself: never taken for
            # a translation, even by someone who does not read the status line.
            gloss = english.provenance == "gloss"
            style = (
                styles.pending
                if english.pending or gloss
                else (styles.heading if block.kind != "paragraph" else styles.english)
            )
            shown = f"{english.text} [{english.flag}]" if english.flag else english.text
            if gloss and english.text and not after_gloss:
                shown = GLOSS_MARK + shown  # once per run of glossed sentences
            after_gloss = gloss
            parts.append((shown, style))
        current = together | {highlight[0]} if highlight is not None else frozenset()
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
