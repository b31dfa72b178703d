"""The glossary popup: everything known about the word under the cursor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from reader.language.annotate import Entry
from reader.language.dictionary import CREDIT
from reader.language.glossary import Glossary
from reader.language.hsk import STANDARDS, label


def describe(entry: Entry, standard: str) -> str:
    """The popup's text (Rich markup escaped where it comes from data)."""
    from rich.markup import escape

    lines = [f"[b]{escape(entry.word)}[/b]"]
    if entry.traditional:
        lines[0] += f"   traditional {escape(', '.join(entry.traditional))}"
    lines.append(
        f"{escape(' '.join(entry.pinyin))}    HSK {label(entry.hsk)} ({STANDARDS[standard]})"
    )
    if entry.glossary:
        kind = "built-in glossary" if entry.glossary.origin == "glossary" else "your glossary"
        lines.append("")
        lines.append(f"[b]{kind}:[/b] {escape(entry.glossary.target)}")
        if entry.glossary.note:
            lines.append(f"  {escape(entry.glossary.note)}")
    for reading in entry.readings:
        form = f"  {escape(reading.traditional)}" if reading.traditional != entry.word else ""
        lines.append("")
        lines.append(f"[b]{escape(reading.pinyin)}[/b]{form}")
        for number, sense in enumerate(reading.senses, 1):
            lines.append(f"  {number}. {escape(sense)}")
        if reading.classifiers:
            lines.append(f"  measure words: {escape(', '.join(reading.classifiers))}")
        for ref in reading.references:
            lines.append(
                f"  → {escape(ref.word)} {escape(ref.pinyin)}: {escape('; '.join(ref.senses))}"
            )
    for ch, readings in entry.characters:
        for reading in readings[:2]:
            lines.append(
                f"{escape(ch)} {escape(reading.pinyin)}: {escape('; '.join(reading.senses[:3]))}"
            )
    if entry.readings or entry.characters:
        lines.append("")
        lines.append(f"[dim]{escape(CREDIT)}[/dim]")
    return "\n".join(lines)


class GlossaryPopup(ModalScreen[str | None]):
    """Dismissed with "glossary" after an edit, "vocab" after saving the word, or None."""

    BINDINGS = [
        Binding("escape,q,enter", "close", "close"),
        Binding("a", "edit", "add to glossary"),
        Binding("s", "save", "save word"),
    ]

    def __init__(self, entry: Entry, standard: str, glossary: Glossary, sentence: str) -> None:
        super().__init__()
        self.entry = entry
        self.standard = standard
        self.glossary = glossary
        self.sentence = sentence

    def compose(self) -> ComposeResult:
        with Vertical(id="popup"):
            with VerticalScroll(id="popup-body"):
                yield Static(describe(self.entry, self.standard), id="popup-text")
            yield Label("a: add to your glossary   s: save word   esc: close", id="popup-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.dismiss("vocab")

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
            self.glossary.add(self.entry.word, english.strip(), note.strip())
            self.dismiss("glossary")
        else:
            event.input.remove()
