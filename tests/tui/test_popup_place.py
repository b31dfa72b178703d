"""The word popup is as large as its text and sits beside the word, never over it.

It was a fixed box of 80% of the screen (88×36 at 160×48), mostly empty, that
hid the sentence and its English and at 80×24 covered the word itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.screens.popup import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MAX_TEXT_WIDTH,
    GlossaryPopup,
    place,
)
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import RESOLUTION
from tests.tui.test_reading import ready


def test_place_goes_below_then_above_and_never_over_the_word() -> None:
    screen = Size(80, 24)
    word = Region(30, 3, 6, 2)  # pinyin row and text row
    below = place(word, screen, 40, 10)
    assert below.y == word.bottom and below.height == 10
    low = Region(30, 18, 6, 2)
    above = place(low, screen, 40, 10)
    assert above.bottom == low.y and above.height == 10
    for size in (Size(80, 24), Size(160, 48), Size(40, 12)):
        for y in range(size.height - 1):
            for x in (0, size.width // 2, size.width - 4):
                word = Region(x, y, 4, 2)
                for height in (5, 14, 40):
                    box = place(word, size, 50, height)
                    assert not box.overlaps(word), (size, word, height, box)
                    assert Region(0, 0, size.width, size.height).contains_region(box)


def test_place_keeps_to_the_chinese_column_when_it_fits() -> None:
    column = Region(1, 1, 78, 46)  # side by side at 160 columns: the English is right of it
    word = Region(60, 3, 6, 2)
    box = place(word, Size(160, 48), 68, 12, column)
    assert column.x <= box.x and box.right <= column.right
    wide = place(word, Size(160, 48), 90, 12, column)  # wider than the column: the screen
    assert wide.x == 60 and wide.right <= 160


def test_place_without_a_word_on_screen_centres() -> None:
    box = place(None, Size(80, 24), 40, 10)
    assert box == Region(20, 7, 40, 10)


async def _popup_at(pilot: Pilot[Any], moves: tuple[str, ...]) -> tuple[Region, Region, Any]:
    """Move the cursor, open the popup: (the word's region, the popup's, the popup)."""
    if moves:
        await pilot.press(*moves)
    reading = pilot.app.screen
    assert isinstance(reading, ReadingScreen)
    word = reading.query_one(BilingualView).cursor_region()
    assert word is not None
    await pilot.press("enter")
    await pilot.pause(0.1)
    popup = pilot.app.screen
    assert isinstance(popup, GlossaryPopup)
    return word, popup.query_one("#popup", Vertical).region, popup


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_popup_never_covers_the_word(size: tuple[int, int]) -> None:
    """Also, on the third word: at 160×48 the box is as tall as its text; at 80×24 an
    input grows it and it stays off the word (one reader for each size)."""
    app = ReaderApp(str(RESOLUTION))
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        # The top of the screen, the middle, near the bottom (the box goes above).
        for moves in [(), ("l", "l", "l"), ("j",) * 4, ("j",) * 4]:
            word, box, popup = await _popup_at(pilot, moves)
            assert not box.overlaps(word), (moves, word, box)
            assert Region(0, 0, *size).contains_region(box)
            # Sized to its text: no wider than a comfortable line.
            assert box.width <= MAX_TEXT_WIDTH + FRAME_WIDTH
            # In the Chinese column, off the sentence's English, where it fits.
            column = app.screen_stack[-2].query_one(BilingualView).chinese_column()
            if column.width >= box.width:
                assert column.x <= box.x and box.right <= column.right, (column, box)
            if moves == ("l", "l", "l") and size == (160, 48):
                _is_as_tall_as_its_text(box, popup)
            if moves == ("l", "l", "l") and size == (80, 24):
                await _an_input_grows_the_box_and_keeps_it_off_the_word(pilot, word, box)
            while not isinstance(app.screen, ReadingScreen):
                await pilot.press("escape")
                await pilot.pause()


def _is_as_tall_as_its_text(box: Region, popup: Any) -> None:
    body = popup.query_one("#popup-text").render()
    lines = str(body).count("\n") + 1
    footer = 2  # your status, the keys
    assert box.height == lines + footer + FRAME_HEIGHT
    assert box.height < 48 * 0.5  # the old box took 80% of the screen


async def _an_input_grows_the_box_and_keeps_it_off_the_word(
    pilot: Pilot[Any], word: Region, box: Region
) -> None:
    await pilot.press("a")
    await pilot.pause(0.1)
    grown = pilot.app.screen.query_one("#popup", Vertical).region
    assert grown.height > box.height or grown.height == 24 - word.bottom
    assert not grown.overlaps(word)
