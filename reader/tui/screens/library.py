"""The library: recently opened documents and the bundled samples, each once, with progress;
any other file, by a path typed with completion (``o``); and a human translation to read
the highlighted document with (``E``), kept with it for next time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content  # plain text: a title with [/] is no markup
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.document import load_document
from reader.errors import ReaderError
from reader.seeds import bundled_seeds, translation_to_open
from reader.store.state import attach_english, load_state, recent_documents


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    title: str
    path: str
    #: Share of the document read (its text above the bottom of the screen), 0–1.
    progress: float
    #: A bundled sample: listed by its name, not by where the package is installed.
    sample: str = ""
    #: The human translation it opens with ("" for none).
    english: str = ""
    sha256: str = ""

    def label(self) -> Content:
        where = f"sample: {self.sample}" if self.sample else self.path
        with_english = f"   English: {Path(self.english).name}" if self.english else ""
        return Content(f"{self.title}   {self.progress:.0%} read{with_english}\n  {where}")


def library_entries() -> list[LibraryEntry]:
    """Recent documents first (most recent first), then the samples not opened yet; a
    document (same text) once, whichever path it was opened by."""
    samples: dict[str, tuple[Path, str]] = {}
    for path in bundled_seeds():
        try:
            doc = load_document(path)
        except ReaderError:
            continue
        samples[doc.source_sha256] = (path, doc.title)
    entries: list[LibraryEntry] = []
    seen: set[str] = set()
    for state in recent_documents():
        if state.sha256 in seen:
            continue
        seen.add(state.sha256)
        sample = samples.get(state.sha256)
        name = sample[0].name if sample is not None else ""
        english = translation_to_open(state.sha256, state.path) or ""
        entries.append(
            LibraryEntry(state.title, state.path, state.progress, name, english, state.sha256)
        )
    for sha, (path, title) in samples.items():
        if sha not in seen:
            seen.add(sha)
            english = translation_to_open(sha, path) or ""
            state = load_state(sha)
            entries.append(LibraryEntry(title, str(path), state.progress, path.name, english, sha))
    return entries


class PathSuggester(Suggester):
    """Completes a path from the file system: the first name in the folder that begins
    with what is typed (a folder with its ``/``, to go on into it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(os.path.expanduser(value))
        folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(
                entry.name + (os.sep if entry.is_dir() else "")
                for entry in os.scandir(folder)
                if entry.name.startswith(stem) and (stem.startswith(".") or entry.name[0] != ".")
            )
        except OSError:
            return None
        if not names or names[0] == stem:
            return None
        return value + names[0][len(stem) :]


class PathInput(Input):
    """The path box: Tab (or →) takes the completion, as in a shell."""

    BINDINGS = [Binding("tab", "cursor_right", "complete", show=False)]


class LibraryScreen(Screen[None]):
    BINDINGS = [
        Binding("q", "app.quit", "quit"),
        Binding("enter", "open", "open", show=True),
        Binding("o", "open_file", "open a file"),
        Binding("E", "attach_english", "English…", tooltip="read it with a human translation"),
        Binding("escape", "close_path", "close", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: While the path box asks for a translation: the document it is for.
        self._attach_to: LibraryEntry | None = None
        self._entries: list[LibraryEntry] = []

    def compose(self) -> ComposeResult:
        yield Static("reader — choose a document, or o to open a file", id="title-bar")
        yield OptionList(*self._options(), id="library")
        yield PathInput(
            placeholder="path to a text file (tab completes, enter opens, esc closes)",
            suggester=PathSuggester(),
            id="open-path",
        )
        yield Footer()

    def _options(self) -> list[Option]:
        self._entries = library_entries()
        return [Option(entry.label(), id=entry.path) for entry in self._entries]

    def on_mount(self) -> None:
        self.query_one("#open-path").display = False
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        """Back from a document: its progress (and a newly opened one) listed afresh."""
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options())
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(event.option.id or "")

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.open(options.get_option_at_index(options.highlighted).id or "")

    def action_open_file(self) -> None:
        self._attach_to = None
        self._ask("path to a text file (tab completes, enter opens, esc closes)", "")

    def action_attach_english(self) -> None:
        """Ask for the English file to read the highlighted document with."""
        options = self.query_one(OptionList)
        if options.highlighted is None or options.highlighted >= len(self._entries):
            self.notify("no document to attach a translation to", severity="warning")
            return
        entry = self._entries[options.highlighted]
        self._attach_to = entry
        self._ask(
            f"English translation of {entry.title} (empty: none; enter opens, esc closes)",
            entry.english or str(Path(entry.path).parent) + os.sep,
            reset=True,
        )

    def _ask(self, placeholder: str, value: str, reset: bool = False) -> None:
        box = self.query_one("#open-path", Input)
        box.placeholder = placeholder
        box.display = True
        if reset or not box.value:
            box.value = value or str(Path.cwd()) + os.sep
        box.focus()

    def action_close_path(self) -> None:
        self._attach_to = None
        self.query_one("#open-path").display = False
        self.query_one(OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "open-path":
            return
        value = os.path.expanduser(event.value.strip())
        if self._attach_to is not None:
            if self.attach(self._attach_to, value):
                self.action_close_path()
        elif value and self.open(value):
            self.action_close_path()

    def attach(self, entry: LibraryEntry, english: str) -> bool:
        """Open the document with ``english`` (kept for next time); empty: with none."""
        from reader.document.load import load_text

        if not english:
            problem = attach_english(entry.sha256, "")
            if problem:
                self.notify(problem, severity="error")
                return False
            self.notify(f"{entry.title}: no translation attached", timeout=3)
            self.on_screen_resume()
            return True
        try:
            load_text(english)  # readable text, or one line here, not a failed alignment
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return False
        try:
            self.app.open_document(entry.path, english)  # type: ignore[attr-defined]
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return False
        return True

    def open(self, path: str) -> bool:
        """Open a document; a bad path or file is said here and the library stays."""
        try:
            self.app.open_document(path)  # type: ignore[attr-defined]
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return False
        return True
