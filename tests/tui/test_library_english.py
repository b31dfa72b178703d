"""A human translation attached from the library (``E``) opens beside the document, and
the document opens with it again next time, from the library or by ``reader FILE``."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from reader.document import load_document
from reader.store.state import attach_english, attached_english, load_state
from reader.tui.app import ReaderApp, build_app
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.reading import ReadingScreen
from tests.test_human import EN, ZH
from tests.tui.test_library_screen import _labels, _library
from tests.tui.test_reading import ready

SIZE = (100, 30)


async def _translated(pilot: object, screen: ReadingScreen) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(200):
        await pilot.pause(0.05)
        if screen.session.translation is not None:
            return
    raise AssertionError("the translation was never aligned")


async def test_attach_a_translation_from_the_library(tmp_path: Path) -> None:
    zh, en = tmp_path / "story.txt", tmp_path / "story.en.txt"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01\x02" * 100)
    sha = load_document(zh).source_sha256
    # Read once without a translation, so the library lists it first.
    app = ReaderApp(str(zh))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.session.translation is None
        await pilot.press("L")
        library = await _library(pilot)
        assert "English:" not in _labels(library)[0]
        options = library.query_one(OptionList)
        options.highlighted = 0
        await pilot.press("E")
        box = library.query_one("#open-path", Input)
        assert box.display and "English translation of" in box.placeholder
        # A file that is not text: one line, and the library stays.
        box.value = str(tmp_path / "notes.bin")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, LibraryScreen) and box.display
        box.value = str(en)
        await pilot.press("enter")
        reading = await ready(pilot)
        await _translated(pilot, reading)
        assert reading.session.translation is not None
        assert reading.session.translation.path.name == en.name
        await pilot.press("L")  # closing saves it with the position
        library = await _library(pilot)
        assert f"English: {en.name}" in _labels(library)[0]
    assert attached_english(sha) == str(en.resolve())
    # `reader FILE` opens with it again, without --english.
    assert build_app(str(zh)).english == str(en.resolve())
    # Detached (an empty path): the next opening has none, the position is kept.
    position = load_state(sha).position
    app = ReaderApp()
    async with app.run_test(size=SIZE) as pilot:
        library = await _library(pilot)
        library.query_one(OptionList).highlighted = 0
        await pilot.press("E")
        library.query_one("#open-path", Input).value = ""
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "English:" not in _labels(library)[0]
    assert attached_english(sha) is None and load_state(sha).position == position
    assert build_app(str(zh)).english is None
    # A translation whose file has gone is not offered.
    assert attach_english(sha, str(en)) is None and attached_english(sha) == str(en.resolve())
    en.unlink()
    assert attached_english(sha) is None and build_app(str(zh)).english is None


def test_a_bundled_samples_own_translation_stays_detached() -> None:
    """Detached in the library, the sample opens without its English from then on (the
    sample's own was found again before), until a translation is attached again."""
    from reader.seeds import bundled_seeds
    from reader.tui.app import translation_for
    from reader.tui.screens.library import library_entries

    (sample,) = [p for p in bundled_seeds() if p.name.startswith("hongloumeng")]
    doc = load_document(sample)
    own = translation_for(doc)
    assert own is not None

    def listed() -> str:
        (entry,) = [e for e in library_entries() if e.sha256 == doc.source_sha256]
        return entry.english

    assert listed() == own
    assert attach_english(doc.source_sha256, "") is None
    assert translation_for(doc) is None and build_app(str(sample)).english is None
    assert listed() == ""
    assert attach_english(doc.source_sha256, own) is None
    assert translation_for(doc) == str(Path(own).resolve()) and listed() == str(Path(own).resolve())
