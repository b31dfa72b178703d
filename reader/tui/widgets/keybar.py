"""The key bar: as many whole keys as the width holds, in the screen's order.

Textual's footer scrolls sideways, so at 80 columns the last key it could
start was cut mid-word ("v la"), which reads as a broken label. The bindings
are listed in order of importance, with ``? keys`` first, so dropping whole
keys from the end keeps what a reader needs and never shows half of one.

One widget drawing one line, not Textual's footer of a widget per key: its
twenty keys, each styled and composed twice, were 30 ms of the first frame.
A click on a key presses it, and hovering one shows its tooltip, as there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.events import Click, Leave, MouseMove
from textual.screen import Screen
from textual.widget import Widget

#: The cells around a key: one between key and label, one after.
_KEY_GAP = 2
_DIM = Style(dim=True)


def key_width(key_display: str, description: str) -> int:
    """Cells one key takes in the bar, its trailing margin included."""
    return cell_len(key_display) + cell_len(description) + _KEY_GAP


def keys_that_fit(widths: list[int], width: int) -> int:
    """How many leading keys fit whole into ``width`` cells (at least one)."""
    used = 0
    for count, needed in enumerate(widths):
        # The last key's trailing margin may fall off the edge.
        if used + needed - 1 > width:
            return max(count, 1)
        used += needed
    return len(widths)


@dataclass(frozen=True, slots=True)
class Key:
    """A key as the bar shows it, and the cells it takes (``start`` to ``end``)."""

    key: str
    key_display: str
    description: str
    tooltip: str
    enabled: bool
    start: int = 0
    end: int = 0


class KeyBar(Widget):
    """The screen's shown bindings on one line, keys that do not fit whole left out."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def keys(self) -> list[Key]:
        """Every binding the screen shows, first come first, one per action."""
        found: dict[str, Key] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in found:
                found[binding.action] = Key(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    tooltip or binding.tooltip,
                    enabled,
                )
        return list(found.values())

    def shown(self) -> list[Key]:
        """The keys drawn at the bar's width, with where each is."""
        keys = self.keys()
        count = keys_that_fit(
            [key_width(k.key_display, k.description) for k in keys], self.size.width
        )
        placed, x = [], 0
        for key in keys[:count]:
            width = key_width(key.key_display, key.description)
            placed.append(replace(key, start=x, end=x + width - 1))
            x += width
        return placed

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        for key in self.shown():
            # A binding the screen has turned off is dimmed (and a click on it rings).
            dim = _DIM if not key.enabled else Style()
            line.append(key.key_display, key_style + dim)
            line.append(f" {key.description}", description_style + dim)
            line.append(" ")  # the gap: the bar's own colours
        return line

    def _key_at(self, x: int) -> Key | None:
        return next((key for key in self.shown() if key.start <= x < key.end), None)

    def on_click(self, event: Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: MouseMove) -> None:
        key = self._key_at(event.x)
        self.tooltip = key.tooltip if key is not None and key.tooltip else None

    def on_leave(self, _event: Leave) -> None:
        self.tooltip = None
