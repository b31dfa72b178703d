"""The word popup: everything known about the word under the cursor, beside it.

It draws the same :func:`~reader.language.entry_view.entry_lines` as
``reader lookup`` and returns what the reader asked for (a glossary entry to
save, the word to keep, a segmentation to fix); the reading screen hands that
to the session.

The box is as large as its text and no larger, and sits above or below the
word (:func:`place`), never over it: it was once a fixed box of 80% of the
screen, mostly empty, that covered the sentence, its English and at 80×24 the
word itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Click
from textual.geometry import Region, Size
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from reader.hanzi import hanzi_count
from reader.language.annotate import Entry
from reader.language.entry_view import Role, entry_lines
from reader.language.style import PinyinStyle

_ROLE_STYLES: dict[Role, Style] = {
    "word": Style(bold=True),
    "reading": Style(bold=True),
    "label": Style(bold=True),
    "text": Style(),
    "credit": Style(dim=True),
}

#: The widest the popup's text gets (longer lines wrap): a comfortable line to read.
MAX_TEXT_WIDTH = 64
#: The narrowest, so the key lines stay readable for a word with one short sense.
MIN_TEXT_WIDTH = 30
#: Border and padding around the text: a cell of border and one of padding each side.
FRAME_WIDTH = 4
FRAME_HEIGHT = 2
#: An input (glossary entry, split) mounted in the popup: its border takes two rows.
INPUT_HEIGHT = 3
KEYS = "a glossary · s save · w split · j join next · esc close"


@dataclass(frozen=True, slots=True)
class PopupResult:
    #: (English, note) for the user's glossary, or None.
    term: tuple[str, str] | None = None
    save_word: bool = False
    #: A new status for the word: (``learning``/``known``/``ignored``/``new``, level).
    status: tuple[str, int | None] | None = None
    #: The word is always cut into these parts (a segmentation fix), or None.
    split: tuple[str, ...] | None = None
    #: Join the word with the word after it, everywhere.
    join_next: bool = False


def describe(entry: Entry, standard: str, style: PinyinStyle) -> Text:
    """The popup's text: data never passes through markup, so nothing in it is parsed."""
    text = Text()
    for number, line in enumerate(entry_lines(entry, standard, style)):
        if number:
            text.append("\n")
        for span, role in line:
            text.append(span, _ROLE_STYLES[role])
    return text


def text_width(text: Text) -> int:
    """Cells of the widest line."""
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def wrap(text: Text, width: int) -> Text:
    """``text`` wrapped to ``width`` cells, line breaks explicit: its height is its lines."""
    console = Console(width=width, legacy_windows=False, color_system=None)
    return Text("\n").join(text.wrap(console, width, overflow="fold"))


def place(
    word: Region | None, screen: Size, width: int, height: int, column: Region | None = None
) -> Region:
    """Where a ``width``×``height`` popup goes: below the word, else above it, never over it.

    If neither side has room for all of it, it takes the larger side and its
    text scrolls. Horizontally it starts at the word and moves left as far as
    it must to stay in ``column`` (the Chinese column, so the sentence's English
    beside it stays in sight) if it fits there, else on screen. Without a word
    on screen, it is centred.
    """
    width = min(width, screen.width)
    if word is None:
        height = min(height, screen.height)
        return Region((screen.width - width) // 2, (screen.height - height) // 2, width, height)
    below = max(0, screen.height - word.bottom)
    above = max(0, word.y)
    if height <= below:
        y = word.bottom
    elif height <= above:
        y = word.y - height
    elif below >= above:
        y, height = word.bottom, below
    else:
        y, height = 0, above
    left, right = 0, screen.width
    if column is not None and column.width >= width:
        left, right = column.x, column.right
    x = max(left, min(word.x, right - width))
    return Region(x, y, width, height)


class GlossaryPopup(ModalScreen[PopupResult | None]):
    BINDINGS = [
        Binding("escape,q,enter", "close", "close"),
        Binding("a", "edit", "add to glossary"),
        Binding("s", "save", "save word"),
        Binding("w", "split", "split the word"),
        Binding("j", "join", "join with the next word"),
        Binding("1", "status('learning', 1)", "learning 1", show=False),
        Binding("2", "status('learning', 2)", "learning 2", show=False),
        Binding("3", "status('learning', 3)", "learning 3", show=False),
        Binding("4", "status('learning', 4)", "learning 4", show=False),
        Binding("k,K", "status('known')", "known", show=False),
        Binding("x", "status('ignored')", "ignore", show=False),
        Binding("0", "status('new')", "new", show=False),
    ]

    def __init__(
        self,
        entry: Entry,
        standard: str,
        style: PinyinStyle,
        status: str | None = None,
        *,
        anchor: Region | None = None,
        column: Region | None = None,
        split_parts: tuple[str, ...] = (),
    ) -> None:
        """``anchor``: the word's region on screen (pinyin line included), which the
        popup must not cover; ``column``: the Chinese column, which it stays in if it
        fits; ``split_parts``: the split offered for ``w``."""
        super().__init__()
        self.entry = entry
        self.standard = standard
        self.pinyin_style = style
        #: Your status for the word (``new``, ``learning 2``, ``known``…), if it is one.
        self.status = status
        self.word_region = anchor
        self.column = column
        self.split_parts = split_parts or tuple(entry.word)
        self._text = describe(entry, standard, style)
        #: Rows taken by an input mounted in the box (glossary entry, split).
        self._extra = 0

    # -- size and place ------------------------------------------------------------

    def _status_line(self) -> str:
        return f"you: {self.status} · 1-4 learning · k known · x ignore · 0 new"

    def _footer(self) -> list[str]:
        lines = [self._status_line()] if self.status is not None else []
        return [*lines, KEYS]

    def text_width(self, screen: Size) -> int:
        """The text's width: its widest line, within the limits and the screen."""
        room = max(10, screen.width - FRAME_WIDTH)
        wanted = max(text_width(self._text), *(cell_len(line) for line in self._footer()))
        return max(min(MIN_TEXT_WIDTH, room), min(wanted, MAX_TEXT_WIDTH, room))

    def box(self, screen: Size) -> Region:
        """The popup's region on a screen of this size."""
        width = self.text_width(screen)
        body = len(wrap(self._text, width).plain.split("\n"))
        footer = sum(len(wrap(Text(line), width).plain.split("\n")) for line in self._footer())
        height = FRAME_HEIGHT + body + footer + self._extra
        return place(self.word_region, screen, width + FRAME_WIDTH, height, self.column)

    def compose(self) -> ComposeResult:
        width = self.text_width(self.app.size)
        with Vertical(id="popup"):
            with VerticalScroll(id="popup-body"):
                yield Static(wrap(self._text, width), id="popup-text")
            if self.status is not None:
                yield Label(self._status_line(), id="popup-status")
            yield Label(KEYS, id="popup-keys")

    def on_mount(self) -> None:
        # Inline styles: they win over the app's stylesheet, which centres modal screens.
        # Nothing behind is dimmed: the sentence and its English stay readable.
        self.styles.align = ("left", "top")
        self.styles.background = "transparent"
        frame = self.query_one("#popup", Vertical)
        frame.styles.max_width = None
        frame.styles.max_height = None
        self.query_one("#popup-body").styles.height = "1fr"
        for label in self.query(Label):
            label.styles.height = "auto"
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        region = self.box(self.size if self.size.area else self.app.size)
        frame = self.query_one("#popup", Vertical)
        frame.styles.width = region.width
        frame.styles.height = region.height
        frame.styles.offset = (region.x, region.y)

    def on_click(self, event: Click) -> None:
        """A click outside the box closes it, as a click elsewhere closes a menu."""
        if not self.box(self.size).contains(event.screen_x, event.screen_y):
            self.dismiss(None)

    # -- actions --------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss(PopupResult(save_word=True))

    def action_status(self, status: str, level: int | None = None) -> None:
        if self.status is not None:
            self.dismiss(PopupResult(status=(status, level)))

    def action_join(self) -> None:
        self.dismiss(PopupResult(join_next=True))

    def action_split(self) -> None:
        """A two-character word splits at once; a longer one asks where (a suggestion given)."""
        if hanzi_count(self.entry.word) < 2 or len(self.entry.word) < 2:
            self.notify("one character: nothing to split", timeout=2)
            return
        if len(self.entry.word) == 2:
            self.dismiss(PopupResult(split=tuple(self.entry.word)))
            return
        self._ask(" ".join(self.split_parts), "parts, separated by spaces", "popup-split")

    def action_edit(self) -> None:
        current = self.entry.glossary
        value = current.target if current else ""
        if current and current.note:
            value += f" | {current.note}"
        self._ask(value, "English | note", "popup-input")

    def _ask(self, value: str, placeholder: str, name: str) -> None:
        if self.query(Input):
            return
        editor = Input(value=value, placeholder=placeholder, id=name)
        self.query_one("#popup").mount(editor)
        self._extra = INPUT_HEIGHT
        self._fit()
        editor.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "popup-split":
            parts = tuple(event.value.split())
            if "".join(parts) == self.entry.word and len(parts) > 1:
                self.dismiss(PopupResult(split=parts))
            else:
                self.notify(f"the parts must spell {self.entry.word}", severity="warning")
            return
        english, _, note = event.value.partition("|")
        if english.strip():
            self.dismiss(PopupResult(term=(english.strip(), note.strip())))
        else:
            event.input.remove()
            self._extra = 0
            self._fit()
