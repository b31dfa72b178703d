"""The status line fits the terminal: progress and coverage are never the parts cut off."""

from __future__ import annotations

from textual.widgets import Static

from reader.language.formatting import cell_width
from reader.tui.app import ReaderApp
from reader.tui.screens.reading import ReadingScreen
from reader.tui.status import Part, fit
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready


def test_fit_shortens_then_drops_the_least_important_parts() -> None:
    parts = [
        Part("12% read", "12%", 7),
        Part("known 40% · section 35%", "known 40%", 6),
        Part("English: a very long description of where it comes from", "≈ gloss", 0),
    ]
    assert fit(parts, 200) == " │ ".join(p.text for p in parts)
    assert fit(parts, 45) == "12% read │ known 40% · section 35% │ ≈ gloss"
    assert fit(parts, 30) == "12% read │ known 40% │ ≈ gloss"
    assert fit(parts, 20) == "12% read │ known 40%"
    assert fit(parts, 12) == "12% read"
    # The most important part is cut short, never dropped; the room left is used.
    alert = Part("⚠ 40 not translated (≈ gloss): the model failed in a long way · esc", rank=9)
    line = fit([alert, *parts], 40)
    assert line.startswith("⚠ 40 not translated") and line.endswith("…") and len(line) == 40
    assert fit([alert, *parts], 90) == f"{alert.text} │ 12% read │ known 40%"


async def _status(size: tuple[int, int]) -> tuple[str, int]:
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=size) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, ReadingScreen)
        for _ in range(100):  # the word counts load after the language layer
            await pilot.pause(0.05)
            if screen.session.known.coverage() is not None:
                break
        await pilot.pause(0.1)
        status = screen.query_one("#status", Static)
        return str(status.render()), status.content_region.width


async def test_at_80_columns_progress_and_coverage_show() -> None:
    text, width = await _status((80, 24))
    assert cell_width(text) <= width, text
    assert "% read" in text and "known 0%" in text
    assert "gloss" in text  # the English source, shortened


async def test_wide_the_whole_line_shows() -> None:
    text, width = await _status((160, 48))
    assert cell_width(text) <= width
    assert "reader models install zh en" in text and "% read" in text and "known" in text
