"""The reader's own commands in Textual's command palette (ctrl+p).

The palette showed only Textual's defaults (quit, keys, screenshot); a reader
looking for "tone colours" or "export" found nothing there. The screen says
what it can do (``palette_commands``); this provider offers it, matched by
Textual's fuzzy matcher, with each command's key in its help.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


def screen_commands(provider: Provider) -> list[Command]:
    """The commands of the screen the palette was opened from (none if it has none)."""
    offer = getattr(provider.screen, "palette_commands", None)
    return list(offer()) if callable(offer) else []


class ReaderCommands(Provider):
    async def discover(self) -> Hits:
        """With nothing typed yet: every reader command, listed."""
        for command in screen_commands(self):
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in screen_commands(self):
            score = max(matcher.match(command.name), matcher.match(command.help) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
