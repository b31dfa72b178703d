"""Fixing a segmentation from the word popup: j joins with the next word, w splits."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from reader.language.segment import read_splits
from reader.tui.app import ReaderApp
from reader.tui.screens.popup import GlossaryPopup
from reader.tui.widgets.bilingual import BilingualView
from tests.tui.test_reading import ready


def _word(view: BilingualView) -> str:
    _, placed = view.current()
    assert placed is not None
    return placed.token.text


def _popup_open(app: ReaderApp) -> bool:
    return isinstance(app.screen, GlossaryPopup)


async def test_join_and_split_from_the_popup(tmp_path: Path, user_dirs: Path) -> None:
    path = tmp_path / "novel.txt"
    text = "细说与袭人听了。\n\n袭人道：“你梦见什么故事了？”\n\n共同富裕是目标。\n"
    path.write_text(text, encoding="utf-8")
    app = ReaderApp(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(BilingualView)
        await pilot.press("l", "l")
        assert _word(view) == "袭"
        await pilot.press("enter")
        await pilot.pause()
        assert _popup_open(app)
        await pilot.press("j")  # join 袭 with 人
        await pilot.pause(0.2)
        assert not _popup_open(app)
        assert _word(view) == "袭人"
        assert read_splits(user_dirs / "config" / "splits.tsv") == {"袭人": ("袭人",)}
        # …and everywhere: the second paragraph no longer has 袭人道 as one word.
        words = [p.token.text for p in view._layout(1).tokens]
        assert words[:2] == ["袭人", "道"]
        # w on a two-character word splits it at once.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause(0.2)
        assert _word(view) == "袭"
        assert read_splits(user_dirs / "config" / "splits.tsv") == {"袭人": ("袭", "人")}
        # A longer word asks where to cut, offering its dictionary words.
        view.jump_to_block(2)
        await pilot.pause()
        assert _word(view) == "共同富裕"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        editor = app.screen.query_one("#popup-split", Input)
        assert editor.value == "共同 富裕"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert _word(view) == "共同"
        assert read_splits(user_dirs / "config" / "splits.tsv")["共同富裕"] == ("共同", "富裕")
