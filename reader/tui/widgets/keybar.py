"""The key bar: as many whole keys as the width holds, in the screen's order.

Textual's footer scrolls sideways, so at 80 columns the last key it could
start was cut mid-word ("v la"), which reads as a broken label. The bindings
are listed in order of importance, with ``? keys`` first, so dropping whole
keys from the end keeps what a reader needs and never shows half of one.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: The compact footer's cells around a key: one between key and label, one after.
_KEY_GAP = 2


def key_width(key_display: str, description: str) -> int:
    """Cells one key takes in the compact bar, its trailing margin included."""
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


class KeyBar(Footer):
    """A compact footer that hides the keys it cannot show whole."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        keys = list(self.query(FooterKey))
        if not keys or not self.size.width:
            return
        shown = keys_that_fit(
            [key_width(key.key_display, key.description) for key in keys], self.size.width
        )
        for index, key in enumerate(keys):
            key.display = index < shown
