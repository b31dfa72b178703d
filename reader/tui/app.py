"""The Textual application: given a ready context, it opens screens; it builds nothing."""

from __future__ import annotations

from textual.app import App

from reader.context import Context
from reader.document.model import Document
from reader.reading.session import ReadingSession
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.reading import ReadingScreen


class ReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "reader"

    def __init__(
        self,
        path: str | None = None,
        *,
        context: Context | None = None,
        document: Document | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        #: The composition root every document opened here is read through.
        self.context = context or Context()
        self._document = document

    def on_mount(self) -> None:
        if self._document is not None:
            self.open(self._document)
        elif self.path:
            self.open_document(self.path)
        else:
            self.push_screen(LibraryScreen())

    def open_document(self, path: str) -> None:
        """Open a document (ReaderError for a bad file, before any screen changes)."""
        from reader.document import load_document

        self.open(load_document(path))

    def open(self, doc: Document) -> None:
        session = ReadingSession(doc, self.context.for_document(doc))
        self.push_screen(ReadingScreen(session))


def build_app(path: str | None = None, *, context: Context | None = None) -> ReaderApp:
    """The reader, wired: the context, and FILE parsed once (a bad file fails here, as one
    line, before any screen opens)."""
    from reader.document import load_document

    document = load_document(path) if path else None
    return ReaderApp(path, context=context or Context(), document=document)


def run(path: str | None = None) -> None:
    """``reader [FILE]``."""
    build_app(path).run()
