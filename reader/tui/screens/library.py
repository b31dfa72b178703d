"""The library: the bundled samples and recently opened documents, with progress."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.document import load_document
from reader.errors import ReaderError
from reader.seeds import bundled_seeds
from reader.store.state import load_state, recent_documents


class LibraryScreen(Screen[None]):
    BINDINGS = [Binding("q", "app.quit", "quit"), Binding("enter", "open", "open", show=True)]

    def compose(self) -> ComposeResult:
        yield Static("reader — choose a document", id="title-bar")
        yield OptionList(*self._options(), id="library")
        yield Footer()

    def _options(self) -> list[Option]:
        options = []
        seen = set()
        for state in recent_documents():
            seen.add(str(Path(state.path).resolve()))
            options.append(
                Option(f"{state.title}   {state.progress:.0%} read\n  {state.path}", id=state.path)
            )
        for path in bundled_seeds():
            if str(path.resolve()) in seen:
                continue
            doc = load_document(path)
            progress = load_state(doc.source_sha256).progress
            options.append(
                Option(f"{doc.title}   {progress:.0%} read\n  sample: {path.name}", id=str(path))
            )
        return options

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(event.option.id or "")

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.open(options.get_option_at_index(options.highlighted).id or "")

    def open(self, path: str) -> None:
        try:
            self.app.open_document(path)  # type: ignore[attr-defined]
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
