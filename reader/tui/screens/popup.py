"""The word popup: everything known about the word under the cursor.

It draws the same :func:`~reader.language.entry_view.entry_lines` as
``reader lookup`` and returns what the reader asked for (a glossary entry to
save, the word to keep); the reading screen hands that to the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

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


@dataclass(frozen=True, slots=True)
class PopupResult:
    #: (English, note) for the user's glossary, or None.
    term: tuple[str, str] | None = None
    save_word: bool = False
    #: A new status for the word: (``learning``/``known``/``ignored``/``new``, level).
    status: tuple[str, int | None] | None = None


def describe(entry: Entry, standard: str, style: PinyinStyle) -> Text:
    """The popup's text: data never passes through markup, so nothing in it is parsed."""
    text = Text()
    for number, line in enumerate(entry_lines(entry, standard, style)):
        if number:
            text.append("\n")
        for span, role in line:
            text.append(span, _ROLE_STYLES[role])
    return text


class GlossaryPopup(ModalScreen[PopupResult | None]):
    BINDINGS = [
        Binding("escape,q,enter", "close", "close"),
        Binding("a", "edit", "add to glossary"),
        Binding("s", "save", "save word"),
        Binding("1", "status('learning', 1)", "learning 1", show=False),
        Binding("2", "status('learning', 2)", "learning 2", show=False),
        Binding("3", "status('learning', 3)", "learning 3", show=False),
        Binding("4", "status('learning', 4)", "learning 4", show=False),
        Binding("k,K", "status('known')", "known", show=False),
        Binding("x", "status('ignored')", "ignore", show=False),
        Binding("0", "status('new')", "new", show=False),
    ]

    def __init__(
        self, entry: Entry, standard: str, style: PinyinStyle, status: str | None = None
    ) -> None:
        super().__init__()
        self.entry = entry
        self.standard = standard
        self.pinyin_style = style
        #: Your status for the word (``new``, ``learning 2``, ``known``…), if it is one.
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="popup"):
            with VerticalScroll(id="popup-body"):
                yield Static(
                    describe(self.entry, self.standard, self.pinyin_style), id="popup-text"
                )
            if self.status is not None:
                yield Label(
                    f"you: {self.status}   1-4 learning · k known · x ignore · 0 new",
                    id="popup-status",
                )
            yield Label("a: add to your glossary   s: save word   esc: close", id="popup-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss(PopupResult(save_word=True))

    def action_status(self, status: str, level: int | None = None) -> None:
        if self.status is not None:
            self.dismiss(PopupResult(status=(status, level)))

    def action_edit(self) -> None:
        current = self.entry.glossary
        value = current.target if current else ""
        if current and current.note:
            value += f" | {current.note}"
        editor = Input(value=value, placeholder="English | note", id="popup-input")
        self.query_one("#popup").mount(editor)
        editor.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        english, _, note = event.value.partition("|")
        if english.strip():
            self.dismiss(PopupResult(term=(english.strip(), note.strip())))
        else:
            event.input.remove()
