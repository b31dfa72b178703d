"""A segmentation fixed from the popup is counted again: coverage and the word counts
follow the new cut, as they would on the next opening."""

from __future__ import annotations

from pathlib import Path

from reader.tui.app import ReaderApp
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.tui.test_popup_fix import _popup_open, _word
from tests.tui.test_reading import ready


async def _counted(pilot: object, screen: ReadingScreen, has: bool) -> None:
    """Wait until the counts have 袭 as a word (``has``) or not."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(200):
        await pilot.pause(0.05)
        counts = screen.session.known.counts
        if counts is not None and ("袭" in counts.total.words) == has:
            return
    counts = screen.session.known.counts
    raise AssertionError(f"never counted as asked: {counts.total if counts else None}")


async def test_a_join_is_counted_as_one_word(tmp_path: Path) -> None:
    path = tmp_path / "novel.txt"
    path.write_text("细说与袭人听了。\n\n袭人道：“你梦见什么故事了？”\n", encoding="utf-8")
    app = ReaderApp(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, ReadingScreen)
        await _counted(pilot, screen, has=True)
        counts = screen.session.known.counts
        assert counts is not None
        names = counts.total.names
        before = screen.session.known.coverage()
        view = screen.query_one(BilingualView)
        await pilot.press("l", "l")
        assert _word(view) == "袭"
        await pilot.press("enter")
        await pilot.pause()
        assert _popup_open(app)
        await pilot.press("j")  # 袭 + 人 → 袭人, a name, everywhere
        await _counted(pilot, screen, has=False)
        counts = screen.session.known.counts
        assert counts is not None and counts.total.names == names + 2
        assert screen.session.known.coverage() != before
