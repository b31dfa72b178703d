"""The library: back to it from a document, any file opened from it, each document once,
samples by their titles, progress through the text; an untitled file's name."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from reader.seeds import bundled_seeds
from reader.store.state import load_state
from reader.tui.app import ReaderApp
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import RESOLUTION
from tests.tui.test_reading import ready

SIZE = (100, 30)


def _labels(screen: LibraryScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def _library(pilot: object) -> LibraryScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(100):
        await pilot.pause(0.05)
        if isinstance(pilot.app.screen, LibraryScreen):
            return pilot.app.screen
    raise AssertionError("the library never showed")


async def test_back_to_the_library_where_each_document_is_listed_once(tmp_path: Path) -> None:
    # A copy of a sample: the same text as the bundled one, at another path.
    copy = tmp_path / "copy" / RESOLUTION.name
    copy.parent.mkdir()
    copy.write_bytes(RESOLUTION.read_bytes())
    app = ReaderApp(str(copy))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        title = screen.session.doc.title
        await pilot.press("end")
        await pilot.press("L")  # back to the library, from a document opened by path
        library = await _library(pilot)
        labels = _labels(library)
        assert sum(title in label for label in labels) == 1, labels
        # Listed by its title as a sample, not by a path; read to the end.
        (mine,) = [label for label in labels if title in label]
        assert "100% read" in mine and "sample: " + RESOLUTION.name in mine
        assert str(copy.parent) not in mine
        # Every sample once, by title, none by where the package lives.
        assert len(labels) == len(bundled_seeds())
        assert not any("site-packages" in label or "/reader/seeds" in label for label in labels)
        # And into a document again from the library, and back once more.
        await pilot.press("enter")
        await ready(pilot)
        await pilot.press("L")
        assert isinstance(await _library(pilot), LibraryScreen)


async def test_any_file_opens_from_the_library_with_a_completed_path(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "zhongguo-notes.txt").write_text("中国很大。\n\n我们学习中文。\n", encoding="utf-8")
    app = ReaderApp()
    async with app.run_test(size=SIZE) as pilot:
        library = await _library(pilot)
        await pilot.press("o")
        box = library.query_one("#open-path", Input)
        assert box.display and box.has_focus
        box.value = str(folder / "missing.txt")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)  # said, and the library stays
        assert any("no such file" in str(n.message) for n in app._notifications)
        box.value = str(tmp_path / "te")
        box.cursor_position = len(box.value)  # as after typing it
        await pilot.pause(0.2)
        await pilot.press("tab")  # completes the folder ...
        assert box.value == str(folder) + "/"
        await pilot.press("z")
        await pilot.pause(0.2)
        await pilot.press("tab")  # ... and the file in it
        assert box.value == str(folder / "zhongguo-notes.txt")
        await pilot.press("enter")
        screen = await ready(pilot)
        assert isinstance(screen, ReadingScreen)
        assert screen.session.doc.path == str(folder / "zhongguo-notes.txt")


async def test_progress_is_the_share_of_the_text_read_not_the_paragraph_number(
    tmp_path: Path,
) -> None:
    short = "\n\n".join(f"第{n}段很短。" for n in range(1, 21))
    long = "这是一段很长的文字，我们一起慢慢地读。" * 150
    text = tmp_path / "long-last.txt"
    text.write_text(f"{short}\n\n{long}\n", encoding="utf-8")
    app = ReaderApp(str(text))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(BilingualView)
        last = len(screen.session.blocks) - 1
        view.jump_to_block(last)  # the start of the long last paragraph at the top
        await pilot.pause()
        # 20 of 21 paragraphs, but only a small part of the text.
        assert view.cursor.block == last
        assert screen.session.state.progress < 0.3
        await pilot.press("end")
        await pilot.press("q")
    assert load_state(screen.session.doc.source_sha256).progress == 1.0


async def test_an_untitled_file_is_named_by_its_first_line_never_translated(
    tmp_path: Path,
) -> None:
    text = tmp_path / "plain-notes.txt"
    text.write_text("共同富裕是我们的目标。\n\n我们都要共同富裕。\n", encoding="utf-8")
    app = ReaderApp(str(text))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        title = str(screen.query_one("#title-bar", Static).render())
        assert title == "共同富裕是我们的目标。"
        units = [unit.text for block in screen.session.blocks for unit in block.sentences]
        # The file name is no sentence, and the first line is there once, as text.
        assert "plain-notes" not in units
        assert units == ["共同富裕是我们的目标。", "我们都要共同富裕。"]
        assert screen.session.blocks[0].kind == "paragraph"
