"""The export prompt: a path whose extension picks the format (md, html, tmx, …).

The path is checked here, before any work starts, and the answer is given in the
app: a folder that does not exist is an error (never created silently), an
existing file is replaced only when you say so (the CLI's ``--force`` means
nothing to someone in the reader).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from reader.errors import ReaderError
from reader.export.formats import FORMATS, choose


@dataclass(frozen=True, slots=True)
class ExportChoice:
    #: Absolute: the toast and the file are where the reader says.
    path: Path
    #: The file exists and you said to replace it.
    replace: bool = False


def check_export_path(value: str) -> Path:
    """The absolute path to export to, or a one-line ReaderError saying why not."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise ReaderError(f"{path.parent}: no such folder")
    choose(path.suffix or "?")
    return path


class ReplaceScreen(ModalScreen[bool]):
    """Replace an existing file? y or n, in the app."""

    BINDINGS = [
        Binding("y", "answer(True)", "replace"),
        Binding("n,escape", "answer(False)", "keep it"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="replace"):
            yield Label(Content(f"{self.path} already exists."))
            yield Label("Replace it?   y: replace   n: keep it", id="replace-keys")

    def action_answer(self, replace: bool) -> None:
        self.dismiss(replace)


class ExportScreen(ModalScreen[ExportChoice | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Label(f"Export to (the extension picks the format: {', '.join(FORMATS)})")
            yield Input(value=self.default, id="export-path")
            yield Label("", id="export-error")
            yield Label("enter: export   esc: cancel", id="export-keys")

    def on_mount(self) -> None:
        self.query_one("#export-error").display = False
        self.query_one(Input).focus()

    def _error(self, text: str) -> None:
        label = self.query_one("#export-error", Label)
        label.update(Content(text))
        label.display = bool(text)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.dismiss(None)
            return
        try:
            path = check_export_path(value)
        except ReaderError as exc:
            self._error(f"⚠ {exc}")  # said here; the path can be corrected at once
            return
        if not path.exists():
            self.dismiss(ExportChoice(path))
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(ExportChoice(path, replace=True))
            else:
                self._error(f"{path.name} kept: choose another name, or enter to be asked again")

        self.app.push_screen(ReplaceScreen(path), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
