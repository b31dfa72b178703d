"""The Textual application: composes the core; no parsing or translation here."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from reader.document import load_document
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.reading import ReadingScreen
from reader.tui.session import ReadingSession


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        if self.path:
            self.open_document(self.path)
        else:
            self.push_screen(LibraryScreen())

    def open_document(self, path: str) -> None:
        """Open a document (ReaderError for a bad file, before any screen changes)."""
        doc = load_document(path)
        session = ReadingSession(doc)
        session.state.path = str(Path(path).resolve())
        self.push_screen(ReadingScreen(session))


def run(path: str | None = None) -> None:
    if path:
        load_document(path)  # a bad file fails here, as one line, before the screen opens
    ReaderApp(path).run()
