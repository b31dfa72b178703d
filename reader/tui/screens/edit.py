"""Post-editing: your English for the current sentence, and the other English to choose from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reader.english.layer import PROVENANCE, English


def _label(english: English) -> str:
    origin = f" ({english.origin})" if english.origin and english.provenance != "edited" else ""
    near = f" {english.similarity:.0%} match" if english.similarity is not None else ""
    return f"{english.provenance}{near}{origin}"


def _candidate(english: English) -> Text:
    text = Text.assemble((f"{_label(english)}: ", "bold"), english.text)
    if english.source:
        # A near match was for another sentence: show which, so the difference is seen.
        text.append(f"\n    for: {' '.join(english.source.split())}", style="dim")
    return text


class EditScreen(ModalScreen[str | None]):
    """Dismissed with the new English ("" to remove your edit), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, chinese: str, english: English) -> None:
        super().__init__()
        self.chinese = chinese
        self.english = english

    def compose(self) -> ComposeResult:
        with Vertical(id="edit"):
            yield Static(Text(" ".join(self.chinese.split())), id="edit-zh")
            yield Label(f"now: {_label(self.english)}", id="edit-now")
            yield Input(value=self.english.text, placeholder="your English", id="edit-input")
            yield Label("enter: save (empty: back to what it had)   esc: cancel", id="edit-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class CandidatesScreen(ModalScreen[str | None]):
    """Every English the sentence has (yours, aligned, memory, machine, gloss): pick one."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, chinese: str, candidates: list[English]) -> None:
        super().__init__()
        self.chinese = chinese
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(id="edit"):
            yield Static(Text(" ".join(self.chinese.split())), id="edit-zh")
            options = [Option(_candidate(c), id=str(n)) for n, c in enumerate(self.candidates)]
            yield OptionList(*options, id="candidates")
            legend = " · ".join(f"{k}: {v}" for k, v in PROVENANCE.items())
            yield Label(f"enter: use it as your English   esc: cancel\n{legend}", id="edit-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.candidates[int(event.option.id or 0)].text)

    def action_cancel(self) -> None:
        self.dismiss(None)
