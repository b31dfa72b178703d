"""The reader with a home it cannot write: it reads on, and says the position is not saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from reader.tui.app import ReaderApp
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import SIZE, ready


async def test_reading_with_a_read_only_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A regular file where the data and cache folders should be: nothing can be created
    # under it, root or not (chmod does not stop root); the dictionary index and jieba's
    # cache go to memory. (The config folder is only read while reading: it is empty.)
    blocker = tmp_path / "home"
    blocker.write_text("a file, not a folder")
    for variable in ("READER_DATA_DIR", "READER_CACHE_DIR"):
        monkeypatch.setenv(variable, str(blocker / variable.lower()))
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(BilingualView)
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)  # still reading, not a crash screen
        assert app.return_code is None
        status = str(screen.query_one("#status", Static).render())
        assert "not saved" in status  # shortened to fit: the full line names the folder
        assert screen.session.save_problem.startswith(f"position not saved: {blocker}")
        assert "common prosperity" in "\n".join(
            view.render_line(y).text for y in range(view.size.height)
        )
        await pilot.press("b")  # a bookmark is kept for this session all the same
        assert screen.session.state.bookmarks == [screen.session.state.position]
    assert blocker.read_text() == "a file, not a folder"
