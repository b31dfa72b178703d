"""The bilingual view: Chinese left, English right, drawn with Textual's line API.

One widget per paragraph does not scale (2,000 paragraph widgets took 20 s to
mount here); this view draws only the lines on screen. Blocks are laid out
lazily for the current width and cached; blocks never laid out count with an
estimated height, corrected (keeping the reading position still) when they
come into view.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import accumulate

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click, MouseMove, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.document.units import Block
from reader.language.annotate import Token
from reader.language.style import PinyinStyle
from reader.tui.layout import (
    STACK_BELOW,
    BlockLayout,
    EnglishFor,
    Marks,
    Options,
    PlacedToken,
    StatusFor,
    Styles,
    TokensFor,
    column_widths,
    estimate_height,
    layout_block,
)
from reader.tui.palette import theme_palette


def _text_style(style: Style) -> Style:
    """Only bold, italic and underline from a CSS style: the colours are the palette's,
    and dim is left out (how much a terminal dims is its own business)."""
    return Style(bold=style.bold, italic=style.italic, underline=style.underline)


@dataclass(frozen=True)
class Cursor:
    block: int
    token: int  # index into the block's placed tokens


class BilingualView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "bilingual--pinyin",
        "bilingual--heading",
        "bilingual--pending",
        "bilingual--sentence",
        "bilingual--cursor",
        "bilingual--byline",
    }
    BINDINGS = [
        Binding("right,l", "move(1)", "next word", show=False),
        Binding("left,h", "move(-1)", "previous word", show=False),
        Binding("down,j", "line(1)", "next line", show=False),
        Binding("up,k", "line(-1)", "previous line", show=False),
        Binding("pagedown,space", "page(1)", "page down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("home,g", "edge(-1)", "start of the document", show=False),
        Binding("end,G", "edge(1)", "end of the document", show=False),
        Binding("enter", "select", "look up", show=False),
    ]

    class WordSelected(Message):
        """Enter or a click on a word: the app opens the glossary popup."""

        def __init__(self, token: Token, sentence: str, sentence_id: str) -> None:
            self.token = token
            self.sentence = sentence
            self.sentence_id = sentence_id
            super().__init__()

    class CursorMoved(Message):
        def __init__(self, block: Block, index: int) -> None:
            self.block = block
            self.index = index
            super().__init__()

    def __init__(
        self,
        blocks: list[Block],
        tokens_for: TokensFor,
        english_for: EnglishFor,
        *,
        status_for: StatusFor | None = None,
        together_for: Callable[[str], tuple[str, ...]] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.blocks = blocks
        self._tokens_for = tokens_for
        self._english_for = english_for
        self._status_for = status_for
        #: The sentence ids translated together with a sentence (an aligned translation).
        self._together_for = together_for
        #: Underline new words; pinyin over known words too.
        self.mark_new = True
        self.pinyin_known = True
        self.pinyin = True
        self.colours: str | None = None
        self.english = True
        self.tone_numbers = False
        #: None: stack below STACK_BELOW columns; True/False: chosen with ``v``.
        self.stacked: bool | None = None
        self.cursor = Cursor(0, 0)
        #: (sentence, token) drawn highlighted in the cursor's block, once known.
        self._highlight: tuple[int, int] | None = None
        self._layouts: dict[int, BlockLayout] = {}
        self._layout_styles = Styles()
        self._heights: list[int] = []
        #: The options the heights were estimated with.
        self._laid_out_for: Options | None = None
        self._offsets: list[int] = [0]
        self._width = 0
        #: Search matches drawn marked, by block.
        self._marks: dict[int, Marks] = {}

    # -- geometry ----------------------------------------------------------------

    def options(self) -> Options:
        width = max(20, self.scrollable_content_region.width or self.size.width or 80)
        # "Below 100 columns" means the terminal's columns, not the text's (the view
        # has a cell of padding on each side).
        screen_width = self.app.size.width if self.is_attached else width
        stacked = self.stacked if self.stacked is not None else screen_width < STACK_BELOW
        return Options(
            width,
            self.pinyin,
            self.colours,
            self.english,
            stacked,
            self.tone_numbers,
            self.mark_new,
            self.pinyin_known,
        )

    def _styles(self) -> Styles:
        """The theme's readable colours (see :mod:`reader.tui.palette`); the component
        classes give the text styles (bold headings, italic pending English)."""
        get = self.get_component_rich_style
        app = self.app
        variables = app.theme_variables or app.current_theme.to_color_system().generate()
        themed = Styles.themed(theme_palette(variables, app.current_theme.dark))
        return replace(
            themed,
            pinyin=_text_style(get("bilingual--pinyin", partial=True)) + themed.pinyin,
            heading=_text_style(get("bilingual--heading", partial=True)) + themed.heading,
            pending=_text_style(get("bilingual--pending", partial=True)) + themed.pending,
            byline=_text_style(get("bilingual--byline", partial=True)) + themed.byline,
        )

    def relayout(self, blocks: list[int] | None = None) -> None:
        """Forget cached layouts (all, or some blocks) and redraw."""
        options = self.options()
        self._laid_out_for = options
        if blocks is None or options.width != self._width:
            anchor = self._anchor()
            self._highlight = None  # words may have been segmented anew
            self._width = options.width
            self._layouts.clear()
            self._heights = [estimate_height(b, options) for b in self.blocks]
            self._recount()
            self._restore(anchor)
        else:
            for index in blocks:
                self._layouts.pop(index, None)
        self._ensure_visible()
        self.refresh()

    def _recount(self) -> None:
        self._offsets = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._width, self._offsets[-1])

    def _anchor(self) -> tuple[int, int]:
        if not self._heights:
            return (0, 0)
        y = int(self.scroll_y)
        index = self.block_at(y)
        return index, y - self._offsets[index]

    def _restore(self, anchor: tuple[int, int]) -> None:
        index, delta = anchor
        if index < len(self._heights):
            y = self._offsets[index] + min(delta, self._heights[index] - 1)
            self.scroll_to(y=y, animate=False, immediate=True)

    def block_at(self, y: int) -> int:
        return max(0, min(len(self.blocks) - 1, bisect_right(self._offsets, y) - 1))

    def _layout(self, index: int) -> BlockLayout:
        layout = self._layouts.get(index)
        if layout is None:
            highlight = self._highlight if index == self.cursor.block else None
            layout = self._draw_block(index, highlight)
            if highlight is None and index == self.cursor.block and layout.tokens:
                # The cursor's block, laid out for the first time: now that its words
                # are placed, draw it again with the cursor and its sentence.
                token = layout.tokens[min(self.cursor.token, len(layout.tokens) - 1)]
                self._highlight = (token.sentence, token.index)
                layout = self._draw_block(index, self._highlight)
            self._layouts[index] = layout
        return layout

    def _draw_block(self, index: int, highlight: tuple[int, int] | None) -> BlockLayout:
        self._layout_styles = self._styles()
        block = self.blocks[index]
        together: frozenset[int] = frozenset()
        if highlight is not None and self._together_for is not None:
            group = set(self._together_for(block.sentences[highlight[0]].id))
            together = frozenset(n for n, unit in enumerate(block.sentences) if unit.id in group)
        return layout_block(
            block,
            self.options(),
            self._layout_styles,
            self._tokens_for,
            self._english_for,
            highlight,
            self._status_for,
            together,
            self._marks.get(index),
        )

    def _ensure_visible(self) -> None:
        """Lay out the blocks on screen; fix estimated heights keeping the view still."""
        if not self._heights:
            return
        for _ in range(4):
            anchor = self._anchor()
            top = int(self.scroll_y)
            bottom = top + self.size.height + 1
            changed = False
            index = self.block_at(top)
            while index < len(self.blocks) and self._offsets[index] <= bottom:
                height = len(self._layout(index).lines)
                if height != self._heights[index]:
                    self._heights[index] = height
                    changed = True
                index += 1
            if not changed:
                return
            self._recount()
            self._restore(anchor)

    # -- Textual hooks ------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        if self._heights and self.options() == self._laid_out_for:
            self._ensure_visible()  # taller or shorter only: the layouts still hold
            self.refresh()
        else:
            self.relayout()

    def notify_style_update(self) -> None:
        """New styles (a theme change, light or dark) restyle the cached lines."""
        super().notify_style_update()
        if self._layouts and self._styles() != self._layout_styles:
            self._layouts.clear()
            self.refresh()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        # Estimated at a guessed width (the first Resize brings the real one): a position
        # restored before that Resize needs the heights, and they cost little (the text's
        # length, its sentences not split).
        self.relayout()

    def _theme_changed(self, _theme: object) -> None:
        # The lines are cached with the old theme's colours.
        self.notify_style_update()
        self._layouts.clear()
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_visible()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        y += scroll_y
        if not self.blocks or y >= self._offsets[-1]:
            return Strip.blank(self.size.width)
        index = self.block_at(y)
        lines = self._layout(index).lines
        row = y - self._offsets[index]
        segments = lines[row] if row < len(lines) else [Segment(" " * self._width)]
        # The widget's own colours under the text: light and dark themes alike.
        strip = Strip(segments).apply_style(self.rich_style)
        return strip.crop(scroll_x, scroll_x + self.size.width)

    # -- the word cursor -------------------------------------------------------------

    def current(self) -> tuple[Block, PlacedToken | None]:
        block = self.blocks[self.cursor.block]
        tokens = self._layout(self.cursor.block).tokens
        if not tokens:
            return block, None
        return block, tokens[min(self.cursor.token, len(tokens) - 1)]

    def cursor_region(self) -> Region | None:
        """Where the word under the cursor is on screen (its pinyin line too), or None
        when it is not on screen: the word popup is placed beside it, never over it."""
        _, placed = self.current()
        if placed is None or not self._heights:
            return None
        top = self._offsets[self.cursor.block] + placed.line - int(self.scroll_y)
        height = 1
        width = max(1, placed.width)
        if self.pinyin:
            top, height = top - 1, 2
            reading = PinyinStyle(self.tone_numbers).text(placed.token.pinyin)
            width = max(width, len(reading))
        content = self.content_region
        if top + height <= 0 or top >= content.height:
            return None
        x = content.x + placed.x - int(self.scroll_x)
        return Region(x, content.y + top, width, height)

    def chinese_column(self) -> Region:
        """The Chinese column on screen (all of the view when stacked): the word popup
        stays in it when it fits, off the sentence's English beside it."""
        content = self.content_region
        left, _ = column_widths(self.options())
        return Region(content.x, content.y, min(left, content.width), content.height)

    def _stops(self, index: int) -> list[int]:
        """Tokens the cursor stops at: words, not punctuation or spaces."""
        tokens = self._layout(index).tokens
        stops: list[int] = []
        for i, p in enumerate(tokens):
            if not (p.token.is_hanzi or p.token.text.strip().isalnum()):
                continue
            before = tokens[stops[-1]] if stops else None
            if before is not None and (before.sentence, before.index) == (p.sentence, p.index):
                continue  # a long word drawn a character at a time is one stop
            stops.append(i)
        return stops

    def set_cursor(self, block: int, token: int, *, scroll: bool = True) -> None:
        old = self.cursor.block
        known = self._layouts.get(block)
        if known is not None and known.tokens:
            placed = known.tokens[min(token, len(known.tokens) - 1)]
            self._highlight = (placed.sentence, placed.index)
        else:
            self._highlight = None
        self.cursor = Cursor(block, token)
        self._layouts.pop(old, None)
        self._layouts.pop(block, None)
        self._ensure_visible()
        if scroll:
            self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self.blocks[block], block))

    def _scroll_to_cursor(self) -> None:
        layout = self._layout(self.cursor.block)
        line = 0
        if layout.tokens:
            line = layout.tokens[min(self.cursor.token, len(layout.tokens) - 1)].line
        y = self._offsets[self.cursor.block] + line
        top = max(0, y - (1 if self.pinyin else 0))
        self.scroll_to_region(Region(0, top, 1, 2), animate=False, immediate=True)
        self._ensure_visible()

    def action_move(self, step: int) -> None:
        block, token = self.cursor.block, self.cursor.token
        stops = self._stops(block)
        later = [i for i in stops if (i > token if step > 0 else i < token)]
        if later:
            self.set_cursor(block, later[0] if step > 0 else later[-1])
            return
        index = block + step
        while 0 <= index < len(self.blocks):
            stops = self._stops(index)
            if stops:
                self.set_cursor(index, stops[0] if step > 0 else stops[-1])
                return
            index += step

    def action_line(self, step: int) -> None:
        layout = self._layout(self.cursor.block)
        if not layout.tokens:
            self.action_move(step)
            return
        here = layout.tokens[min(self.cursor.token, len(layout.tokens) - 1)]
        stops = self._stops(self.cursor.block)
        rows = sorted({layout.tokens[i].line for i in stops})
        if here.line in rows:
            position = rows.index(here.line) + step
            if 0 <= position < len(rows):
                target = rows[position]
                nearest = min(
                    (i for i in stops if layout.tokens[i].line == target),
                    key=lambda i: abs(layout.tokens[i].x - here.x),
                )
                self.set_cursor(self.cursor.block, nearest)
                return
        index = self.cursor.block + step
        while 0 <= index < len(self.blocks):
            stops = self._stops(index)
            if stops:
                tokens = self._layout(index).tokens
                row = tokens[stops[0] if step > 0 else stops[-1]].line
                candidates = [i for i in stops if tokens[i].line == row]
                nearest = min(candidates, key=lambda i: abs(tokens[i].x - here.x))
                self.set_cursor(index, nearest)
                return
            index += step

    def action_page(self, step: int) -> None:
        height = max(1, self.size.height - 2)
        self.scroll_to(y=self.scroll_y + step * height, animate=False, immediate=True)
        self._ensure_visible()
        target = self.block_at(int(self.scroll_y))
        stops = self._stops(target)
        if stops:
            self.set_cursor(target, stops[0], scroll=False)

    def action_edge(self, step: int) -> None:
        """Home/End (g/G): the cursor and the view to the document's true start or end."""
        index = 0 if step < 0 else len(self.blocks) - 1
        while 0 <= index < len(self.blocks) and not self._stops(index):
            index -= step
        if not 0 <= index < len(self.blocks):
            return
        stops = self._stops(index)
        self.set_cursor(index, stops[0] if step < 0 else stops[-1], scroll=False)
        if step < 0:
            self.scroll_to(y=0, animate=False, immediate=True)
        else:
            # Heights below were estimates: lay out from the end until they are true.
            self.scroll_to(y=self._offsets[-1], animate=False, immediate=True)
            self._ensure_visible()
            self.scroll_to(y=self._offsets[-1], animate=False, immediate=True)
        self._ensure_visible()
        self.refresh()

    def jump_to(self, block: int, token: int) -> None:
        """The reading position again: the paragraph, and the word in it."""
        self.jump_to_block(block)
        if token:
            self.set_cursor(block, token)

    def set_marks(self, marks: dict[int, Marks]) -> None:
        """Mark these search matches (every one, wherever the view goes); {} clears."""
        for index in set(self._marks) | set(marks):
            self._layouts.pop(index, None)
        self._marks = marks
        self.refresh()

    def reached(self) -> tuple[int, float] | None:
        """How far the screen reaches: the block at its bottom edge and the share of that
        block above it (the last block, 1.0, once the end is on screen); None before layout."""
        if not self._heights or not self.size.height:
            return None
        bottom = int(self.scroll_y) + self.size.height
        if bottom >= self._offsets[-1]:
            return len(self.blocks) - 1, 1.0
        index = self.block_at(bottom - 1)
        within = (bottom - self._offsets[index]) / max(1, self._heights[index])
        return index, min(1.0, within)

    def visible_tokens(self) -> list[Token]:
        """The words on screen now (for marking every remaining new one known)."""
        if not self._heights:
            return []
        top = int(self.scroll_y)
        bottom = top + self.size.height
        found: list[Token] = []
        index = self.block_at(top)
        while index < len(self.blocks) and self._offsets[index] < bottom:
            for placed in self._layout(index).tokens:
                if top <= self._offsets[index] + placed.line < bottom:
                    found.append(placed.token)
            index += 1
        return found

    def action_select(self) -> None:
        block, placed = self.current()
        if placed is None:
            return
        sid, sentence = block.sentences[placed.sentence]
        self.post_message(self.WordSelected(placed.token, sentence, sid))

    def jump_to_block(self, index: int) -> None:
        index = max(0, min(len(self.blocks) - 1, index))
        self.scroll_to(y=self._offsets[index], animate=False, immediate=True)
        self._ensure_visible()
        stops = self._stops(index)
        self.set_cursor(index, stops[0] if stops else 0, scroll=False)

    def jump_to_text(self, block: int, sentence: int, offset: int) -> None:
        """Put the cursor on the word at ``offset`` in a block's sentence (a search hit)."""
        self.jump_to_block(block)
        tokens = self._tokens_for(self.blocks[block].sentences[sentence][1]) or []
        target, position = 0, 0
        for index, token in enumerate(tokens):
            position += len(token.text)
            if offset < position:
                target = index
                break
        for number, placed in enumerate(self._layout(block).tokens):
            if placed.sentence == sentence and placed.index >= target:
                self.set_cursor(block, number)
                return

    # -- mouse -------------------------------------------------------------------------

    def _token_at(self, x: int, y: int) -> tuple[int, int] | None:
        y += int(self.scroll_y)
        if not self.blocks or y >= self._offsets[-1]:
            return None
        index = self.block_at(y)
        row = y - self._offsets[index]
        for number, placed in enumerate(self._layout(index).tokens):
            hit_rows = (placed.line - 1, placed.line) if self.pinyin else (placed.line,)
            if row in hit_rows and placed.x <= x < placed.x + max(placed.width, 1):
                return index, number
        return None

    def _hit(self, event: Click | MouseMove) -> tuple[int, int] | None:
        offset = event.get_content_offset(self)  # inside the padding, or None
        return None if offset is None else self._token_at(offset.x, offset.y)

    def on_click(self, event: Click) -> None:
        hit = self._hit(event)
        if hit is not None:
            self.set_cursor(*hit, scroll=False)
            self.action_select()

    def on_mouse_move(self, event: MouseMove) -> None:
        hit = self._hit(event)
        if hit is None:
            self.tooltip = None
            return
        placed = self._layout(hit[0]).tokens[hit[1]]
        token = placed.token
        if not token.is_hanzi:
            self.tooltip = None
            return
        sense = token.definitions[0] if token.definitions else ""
        reading = PinyinStyle(self.tone_numbers).text(token.pinyin)
        self.tooltip = f"{token.text}  {reading}\n{sense}"
