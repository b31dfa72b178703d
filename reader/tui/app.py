"""The Textual application: given a ready context, it opens screens; it builds nothing."""

from __future__ import annotations

from textual.app import App

from reader.context import Context
from reader.document.model import Document
from reader.reading.session import ReadingSession
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
        english: str | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        #: A human translation of the document to show beside it.
        self.english = english
        #: The composition root every document opened here is read through.
        self.context = context or Context()
        self._document = document

    def on_mount(self) -> None:
        if self._document is not None:
            self.open(self._document, self.english)
        elif self.path:
            self.open_document(self.path, self.english)
        else:
            from reader.tui.screens.library import LibraryScreen  # not read at a FILE's start

            self.push_screen(LibraryScreen())

    def open_document(self, path: str, english: str | None = None) -> None:
        """Open a document (ReaderError for a bad file, before any screen changes), with
        its human translation if given, or a bundled sample's own."""
        from reader.document import load_document

        doc = load_document(path)
        self.open(doc, english or translation_for(doc))

    def open(self, doc: Document, english: str | None = None) -> None:
        session = ReadingSession(doc, self.context.for_document(doc))
        self.push_screen(ReadingScreen(session, english))

    def show_library(self) -> None:
        """Back to the library from a document (its place was saved as it closes): the
        one it was opened from, or a new one if the reader started on the document."""
        from reader.tui.screens.library import LibraryScreen

        stack = self.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], LibraryScreen):
            self.pop_screen()
        else:
            self.switch_screen(LibraryScreen())


def translation_for(doc: Document) -> str | None:
    """The English to read a document with when none is named (:func:`translation_to_open`)."""
    from reader.seeds import translation_to_open

    return translation_to_open(doc.source_sha256, doc.path)


def build_app(
    path: str | None = None, *, english: str | None = None, context: Context | None = None
) -> ReaderApp:
    """The reader, wired: the context, and FILE parsed once (a bad file, or a translation
    that cannot be read, fails here, as one line, before any screen opens)."""
    from reader.document import load_document
    from reader.document.load import load_text

    document = load_document(path) if path else None
    if english is not None:
        load_text(english)  # readable text, or one line now rather than a toast later
    elif document is not None:
        english = translation_for(document)
    return ReaderApp(path, context=context or Context(), document=document, english=english)


def run(path: str | None = None, english: str | None = None) -> None:
    """``reader [FILE] [--english EN_FILE]``."""
    build_app(path, english=english).run()
