"""Laying out one block (a heading or a paragraph pair) into terminal lines.

A block is laid out for one width at a time and cached by the view; only the
blocks on screen are ever laid out, so a 3,000-paragraph novel opens as fast
as a one-page note. Chinese is laid out word by word (pinyin above each word,
aligned by cell width: a Hanzi is two cells), English word-wrapped; the two
columns of a block start on the same row and the shorter one is padded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rich.segment import Segment
from rich.style import Style

from reader.document.units import Block
from reader.english.layer import English
from reader.hanzi import is_hanzi
from reader.language.annotate import Token
from reader.language.formatting import cell_width
from reader.language.pinyin import tone_of
from reader.language.style import PinyinStyle
from reader.text_safety import strip_controls
from reader.tui.palette import TONE_SCHEMES, Palette

GAP = 3  # cells between the columns
STACK_BELOW = 100  # terminal width under which the columns stack


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
    #: A search match, every one on screen.
    match: Style = Style(color="black", bgcolor="yellow")
    #: Scheme name to tone to colour: the schemes' own hues unless a theme's palette
    #: adjusted them.
    tones: Mapping[str, Mapping[int, str]] = field(default_factory=lambda: TONE_SCHEMES)

    @classmethod
    def themed(cls, palette: Palette) -> Styles:
        """Styles in a theme's readable colours: explicit colours, never the terminal's
        dim (whose strength is the terminal's choice), so every contrast is known."""
        return cls(
            text=Style(color=palette.text),
            pinyin=Style(color=palette.muted),
            heading=Style(bold=True, color=palette.heading),
            english=Style(color=palette.text),
            pending=Style(italic=True, color=palette.muted),
            sentence=Style(bgcolor=palette.sentence),
            cursor=Style(color=palette.cursor_text, bgcolor=palette.cursor_background),
            byline=Style(italic=True, color=palette.muted),
            match=Style(bgcolor=palette.match),
            tones=palette.tones,
        )


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


@dataclass(frozen=True, slots=True)
class Marks:
    """Search matches in one block, drawn marked: character spans of its sentences
    (by sentence index), and English words holding ``english``."""

    spans: Mapping[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    english: str = ""


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


#: Closing punctuation: never starts a line, stays with the word before it.
_NO_LINE_START = frozenset("，。、；：！？）」』”’》〉】〕…,.;:!?)]}")
#: Opening punctuation: never ends a line, stays with the word after it.
_NO_LINE_END = frozenset("“‘「『（《〈【〔([{")
#: A word of more Hanzi than this is drawn a character at a time under its pinyin when
#: the pinyin is wider: a long glossary term's reading then wraps with its characters
#: (its 32 cells of Hanzi were under 65 of pinyin), while a four-character idiom stays one.
LONG_WORD = 4


def _plain_tokens(text: str) -> list[Token]:
    """Before segmentation is ready: one token per character."""
    return [Token(ch, (), (), None, None, False) for ch in text]


def _all_in(text: str, marks: frozenset[str]) -> bool:
    return bool(text) and all(ch in marks for ch in text)


def column_widths(options: Options) -> tuple[int, int]:
    if not options.english or options.stacked:
        return options.width, options.width
    left = (options.width - GAP) // 2
    return left, options.width - GAP - left


def _syllables(token: Token, options: Options) -> list[str]:
    """The token's pinyin as drawn: tokens carry tone marks, the view's setting chooses."""
    return list(PinyinStyle(options.tone_numbers).syllables(token.pinyin))


def _by_character(token: Token, width: int, options: Options) -> bool:
    """Draw this word a character at a time: wider than the column, or a long term whose
    pinyin would stretch far past its characters."""
    if len(token.text) < 2:
        return False
    reading = " ".join(_syllables(token, options)) if options.pinyin else ""
    if max(cell_width(token.text), cell_width(reading)) + 1 > width:
        return True
    return len(token.pinyin) > LONG_WORD and cell_width(reading) > cell_width(token.text)


def _fit(tokens: Sequence[Token], width: int, options: Options) -> list[tuple[int, Token, Token]]:
    """(index, piece to draw, token it belongs to): a long word is drawn character by
    character, each under its own syllable, so it can wrap like the text around it."""
    out: list[tuple[int, Token, Token]] = []
    for index, token in enumerate(tokens):
        if _by_character(token, width, options):
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
    #: Cells taken on the current row (where the next word starts).
    used: int = 0
    #: Where the characters of the current row end: a word's pinyin may reach further,
    #: and punctuation after it goes here, under that pinyin, not after it.
    ink: int = 0
    placed: list[PlacedToken] = field(default_factory=list)

    def new_row(self) -> None:
        """Start a fresh row pair: a line break in the text, or a word that won't fit."""
        self.rows.append(([], []))
        self.used = 0
        self.ink = 0

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

    @property
    def gap(self) -> int:
        """With pinyin, a one-cell gap after each Hanzi word keeps neighbouring readings apart."""
        return 1 if self.syllables and self.token.is_hanzi else 0

    @property
    def closing(self) -> bool:
        return not self.token.is_hanzi and _all_in(self.text, _NO_LINE_START)

    @property
    def opening(self) -> bool:
        return not self.token.is_hanzi and _all_in(self.text, _NO_LINE_END)


@dataclass
class _Item:
    """A piece ready to place: where it belongs, how it looks, and its measures."""

    sentence: int
    index: int
    whole: Token
    word: _Word
    shade: Style
    style: Style
    #: The tone colours of its characters (None: none, or the cursor's own colours).
    scheme: Mapping[int, str] | None
    pinyin_scheme: Mapping[int, str] | None
    #: A line break in the text comes before it.
    newline: bool = False


def _token_styles(
    base_style: Style,
    styles: Styles,
    highlight: tuple[int, int] | None,
    s_index: int,
    t_index: int,
    together: frozenset[int] = frozenset(),
) -> tuple[Style, Style, bool]:
    """(sentence style, word style, under the cursor): the current sentence is shaded (with
    the sentences one English sentence translates together with it), the cursor's word
    drawn in the cursor's colours."""
    shade = base_style
    if highlight is not None and (highlight[0] == s_index or s_index in together):
        shade = shade + styles.sentence
    if highlight is not None and highlight == (s_index, t_index):
        return shade, shade + styles.cursor, True
    return shade, shade, False


def _tone(scheme: Mapping[int, str], syllable: str) -> Style:
    """The colour of a syllable's tone, so a reader can see tones without reading the marks."""
    return Style(color=scheme[tone_of(syllable)])


def _text_segments(word: _Word, style: Style, scheme: Mapping[int, str] | None) -> list[Segment]:
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
    word: _Word, pinyin_style: Style, scheme: Mapping[int, str] | None
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


def _trim(bottom: list[Segment]) -> int:
    """Drop the text row's trailing padding; the cells of characters left."""
    while bottom and not bottom[-1].text.strip():
        bottom.pop()
    return sum(cell_width(segment.text) for segment in bottom)


def _cut_to(bottom: list[Segment], cells: int) -> bool:
    """Drop trailing padding until the text row is ``cells`` wide; False (and the row
    unchanged) if it cannot be cut there."""
    total = sum(cell_width(segment.text) for segment in bottom)
    removed: list[Segment] = []
    while total > cells and bottom and not bottom[-1].text.strip():
        removed.append(bottom.pop())
        total -= cell_width(removed[-1].text)
    if total != cells:
        bottom.extend(reversed(removed))
        return False
    return True


def _can_tuck(used: int, ink: int, width: int, word: _Word) -> bool:
    """Closing punctuation goes right after the characters before it, at most two cells
    past the wrap point (the caller keeps those two cells free)."""
    return bool(used) and word.closing and not word.syllables and ink + word.cells <= width + 2


def _tuck(rows: _Rows, item: _Item) -> int | None:
    """Punctuation right after the last word's characters, under the room its pinyin
    leaves (``“八八战略”``, not ``“八八战略       ”``); its x, or None if it can't go there."""
    word = item.word
    bottom = rows.rows[-1][1]
    if not _can_tuck(rows.used, rows.ink, rows.width, word) or not _cut_to(bottom, rows.ink):
        return None
    x = rows.ink
    bottom.append(Segment(word.text, item.style))
    end = x + word.cells
    if rows.used > end:
        bottom.append(Segment(" " * (rows.used - end), item.shade))
    elif end > rows.used:
        if rows.pinyin:  # the pinyin row keeps up: the next reading starts above its word
            rows.rows[-1][0].append(Segment(" " * (end - rows.used)))
        rows.used = end
    rows.ink = end
    return x


def _hang(rows: _Rows, item: _Item) -> int | None:
    """Closing punctuation never starts a line: it hangs after the last word instead; x or None."""
    # It goes right after the last word's characters (not its padding), at most two cells
    # past the wrap point: the caller keeps those two cells free. The row ends here either
    # way, so its trailing padding can go even if the mark won't fit.
    word = item.word
    bottom = rows.rows[-1][1]
    ink = _trim(bottom)
    if ink + word.cells > rows.width + 2:
        return None
    bottom.append(Segment(word.text, item.shade))
    rows.used = max(rows.used, ink + word.cells)
    rows.ink = ink + word.cells
    return ink


def _draw(rows: _Rows, item: _Item, pinyin_style: Style, joined: bool = False) -> int:
    """Append a piece to the row, text and pinyin padded to one span so they stay aligned; its x.

    ``joined``: the next piece is the same long term's next character."""
    word = item.word
    top, bottom = rows.rows[-1]
    bottom.extend(_text_segments(word, item.style, item.scheme))
    if word.span - word.cells:
        bottom.append(Segment(" " * (word.span - word.cells), item.style))
    if rows.pinyin:
        top.extend(_pinyin_segments(word, pinyin_style, item.pinyin_scheme))
    if word.gap:
        bottom.append(Segment(" ", item.shade))
        # A long term drawn a character at a time, each under its own syllable, was
        # spaced like the separate words around it and read as six words: its
        # syllables are hyphenated across the gaps (zhōng-gòng-zhè-jiāng-shěng-wěi).
        top.append(Segment("-", pinyin_style) if joined else Segment(" "))
    x = rows.used
    rows.ink = x + word.cells
    rows.used += word.span + word.gap
    return x


def _fits(rows: _Rows, group: list[_Item]) -> bool:
    """Does the group fit on the current row: its words within the width, closing
    punctuation after them at most two cells past it (hung in the margin)?"""
    used, ink = rows.used, rows.ink
    for item in group:
        word = item.word
        if _can_tuck(used, ink, rows.width, word):
            ink += word.cells  # right after the characters before it
            used = max(used, ink)
            continue
        end = used + word.span
        if end > rows.width:
            return False
        ink, used = used + word.cells, end + word.gap
    return True


def _same_word(item: _Item, other: _Item) -> bool:
    """Two pieces of one word drawn a character at a time."""
    return (item.sentence, item.index) == (other.sentence, other.index) and (
        item.word.text != item.whole.text
    )


def _groups(items: list[_Item]) -> list[list[_Item]]:
    """Pieces that should share a line: a word with the opening punctuation before it
    and the closing punctuation after it; a long word's characters."""
    groups: list[list[_Item]] = []
    for item in items:
        current = groups[-1] if groups else None
        if (
            current is not None
            and not item.newline
            and (
                item.word.closing
                or all(other.word.opening for other in current)
                or _same_word(item, current[-1])
            )
        ):
            current.append(item)
            continue
        groups.append([item])
    return groups


def _breaks_here(rows: _Rows, group: list[_Item]) -> bool:
    """A long word (more than half a row) that won't fit the rest of this one starts
    here and wraps inside, each character under its syllable, rather than leave a gap;
    anything shorter moves to the next row whole."""
    if not any(_same_word(later, first) for first, later in pairwise(group)):
        return False
    total = sum(item.word.span + item.word.gap for item in group)
    return total > rows.width // 2 and _fits(rows, group[:2])


def _place_group(rows: _Rows, group: list[_Item], pinyin_style: Style) -> None:
    """A group on this row, or on the next; one wider than a whole row is wrapped
    piece by piece (only then can a line start or end with its punctuation)."""
    if group[0].newline:
        rows.new_row()
    if rows.used and not _fits(rows, group) and not _breaks_here(rows, group):
        rows.new_row()
    for k, item in enumerate(group):
        word = item.word
        if not word.text.strip() and rows.used == 0:
            continue  # no space at the start of a line
        x = _tuck(rows, item)
        if x is None and rows.used and rows.used + word.span > rows.width:
            x = _hang(rows, item) if word.closing else None
            if x is None:
                rows.new_row()
        if x is None:
            # A term broken over rows keeps its hyphen at the row's end, as a word
            # hyphenated across lines does.
            joined = k + 1 < len(group) and _same_word(group[k + 1], item)
            x = _draw(rows, item, pinyin_style, joined)
        rows.placed.append(
            PlacedToken(item.sentence, item.index, item.whole, rows.line(), x, word.cells)
        )


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
    marks: Marks | None = None,
) -> tuple[list[list[Segment]], list[PlacedToken]]:
    """Word-wrapped Chinese, with a pinyin row above each text row when pinyin is on."""
    rows = _Rows(width, options.pinyin)
    scheme = styles.tones.get(options.colours or "")
    items: list[_Item] = []
    for s_index, (_, text) in enumerate(block.sentences):
        tokens = tokens_for(text)
        # Before segmentation a "word" is a character: no status to look up for it (and
        # on the first run ever, no dictionary index to build on the UI thread for it).
        asked = status_for if tokens else None
        tokens = tokens or _plain_tokens(text)
        spans = marks.spans.get(s_index, ()) if marks is not None else ()
        end = 0
        for t_index, token, whole in _fit(tokens, width, options):
            start, end = end, end + len(token.text)
            shade, style, cursor = _token_styles(
                base_style, styles, highlight, s_index, t_index, together
            )
            if not cursor and any(a < end and start < b for a, b in spans):
                style = style + styles.match
            status = asked(whole) if asked is not None else None
            if status == "new" and options.mark_new:
                style = style + styles.new
            reading = options.pinyin and (options.pinyin_known or status not in _KNOWN)
            syllables = _syllables(token, options) if reading else []
            for part_index, part in enumerate(token.text.split("\n")):
                word = _Word.measure(part, token, syllables)
                # Under the cursor the word takes the cursor's colours: a tone colour
                # cannot also read well on the cursor's background.
                text_scheme = None if cursor else scheme
                items.append(
                    _Item(
                        s_index,
                        t_index,
                        whole,
                        word,
                        shade,
                        style,
                        text_scheme,
                        scheme,
                        newline=part_index > 0,
                    )
                )
    for group in _groups(items):
        _place_group(rows, group, styles.pinyin)
    return rows.lines(), rows.placed


def _wrap_english(
    parts: list[tuple[str, Style]],
    width: int,
    highlight_style: Style | None,
    current: frozenset[int],
    marked: tuple[str, Style] | None = None,
) -> list[list[Segment]]:
    """Word-wrap English sentences (each with its style); the current ones highlighted,
    the words holding a search's ``marked`` text marked."""
    lines: list[list[Segment]] = [[]]
    used = 0
    for index, (text, sentence_style) in enumerate(parts):
        if index in current and highlight_style is not None:
            sentence_style = sentence_style + highlight_style
        for word in text.split():
            style = sentence_style
            if marked is not None and marked[0] in word.lower():
                style = style + marked[1]
            size = cell_width(word)
            if used and used + 1 + size > width:
                lines.append([])
                used = 0
            if used:
                lines[-1].append(Segment(" ", sentence_style if index in current else None))
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
    marks: Marks | None = None,
) -> BlockLayout:
    """Lines of ``block`` (each exactly ``options.width`` cells) and where its words are.

    ``together``: sentences of the block shaded with the highlighted one (one English
    sentence of an aligned translation covers them all). ``marks``: search matches."""
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
        block, tokens_for, zh_width, options, styles, highlight, base, status_for, together, marks
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
            # The flag goes before its sentence: after it, it read as the next one's.
            # Saved English (an edit, a memory import) is the user's data: a control
            # character in it must not reach the terminal.
            text = strip_controls(english.text)
            shown = f"[{english.flag}] {text}" if english.flag else text
            if gloss and english.text and not after_gloss:
                shown = GLOSS_MARK + shown  # once per run of glossed sentences
            after_gloss = gloss
            parts.append((shown, style))
        current = together | {highlight[0]} if highlight is not None else frozenset()
        marked = (marks.english, styles.match) if marks is not None and marks.english else None
        en_lines = _wrap_english(parts, right_width, styles.sentence, current, marked)
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
    length = len(block.text)  # a paragraph's sentences are not split for this
    zh_cells = 2 * length
    zh_rows = max(1, -(-zh_cells * (3 if options.pinyin else 2) // (2 * max(1, left))))
    if options.pinyin:
        zh_rows *= 2
    en_rows = max(1, -(-length * 3 // max(1, right))) if options.english else 0
    if options.stacked or not options.english:
        return zh_rows + en_rows + 1
    return max(zh_rows, en_rows) + 1
