"""Every binding, from the screen's own binding list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in self.rows) + 2
        text = "\n".join(f"{key.ljust(width)}{what}" for key, what in self.rows)
        with VerticalScroll(id="help"):
            yield Static("[b]Keys[/b]\n\n" + text.replace("[", r"\["), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
