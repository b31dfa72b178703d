"""The command palette (ctrl+p) offers the reader's own commands, and they work."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from reader.store.state import load_preferences
from reader.tui.app import ReaderApp
from reader.tui.commands import screen_commands
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready

SIZE = (120, 30)


async def _run(pilot: Pilot[None], query: str) -> None:
    """Open the palette, type ``query``, take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    pilot.app.screen.query_one(Input).value = query
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_the_palette_offers_the_readers_commands() -> None:
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        from reader.tui.commands import ReaderCommands

        assert ReaderCommands in screen.COMMANDS
        names = " | ".join(c.name for c in screen.palette_commands())
        for wanted in ("pinyin", "tone colours", "layout", "contents", "export", "search"):
            assert wanted in names, wanted
        assert "theme: light" in names and "theme: dark" in names
        view = screen.query_one(BilingualView)
        # Through the palette itself, as a reader would.
        await _run(pilot, "tone colours: hanping")
        assert isinstance(app.screen, ReadingScreen)
        assert view.colours == "hanping"
        await _run(pilot, "theme: light")
        assert app.theme == "textual-light"
        assert load_preferences().get("theme") == "textual-light"
        await _run(pilot, "pinyin")
        assert not view.pinyin_known
        await _run(pilot, "contents")
        assert screen.query_one("#toc").display


async def test_the_commands_belong_to_the_screen_they_were_opened_on() -> None:
    app = ReaderApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        from reader.tui.commands import ReaderCommands

        provider = ReaderCommands(app.screen_stack[-2])
        assert screen_commands(provider) == []  # the library has no reading commands
