"""The reader with a hostile document (issue 12, group 5): what reaches the terminal.

Textual's headless run draws nothing, so the test asks the compositor for the
exact bytes a full-screen update would write to a real terminal. Rich and
Textual strip BEL, CR and backspace from plain text, but not ESC: only the
document loader (and the glossary reader) keep an ESC from reaching them.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from reader.tui.app import ReaderApp
from reader.tui.screens.library import LibraryScreen
from tests.tui.test_reading import SIZE, ready, view_text

INJECTION = "\x1b]0;PWNED\x1b\\\x1b[2J\x07"
FILLER = "浙江很好，大家都去公园了。\n" * 100


def _terminal_bytes(app: ReaderApp) -> str:
    update = app.screen._compositor.render_full_update()
    written: str = update.render_segments(app.console)
    return written


def _document(folder: Path) -> Path:
    path = folder / "hostile.txt"
    path.write_text(
        f"《共同[/]\x1b富裕\x9b\x07》\n\n第一章\x1b 总则\x07\n\n浙江很好。{INJECTION}\n\n" + FILLER,
        encoding="utf-8",
    )
    # The document's own glossary, shared beside it: its English is the gloss on screen.
    (folder / "hostile.glossary.tsv").write_text(
        f"浙江\tZhe{INJECTION}jiang\tnote{INJECTION}\n", encoding="utf-8"
    )
    return path


async def test_no_escape_from_a_document_reaches_the_terminal(tmp_path: Path) -> None:
    app = ReaderApp(str(_document(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        # The title is text: "[/]" is no markup (it crashed the reader) and ESC is gone.
        title = str(screen.query_one("#title-bar", Static).render())
        assert title == "共同[/]富裕"
        text = view_text(screen)
        assert "总则" in text and "好。]0;PWNED" in text and "Zhe]0;PWNED" in text
        written = _terminal_bytes(app)
        assert "PWNED" in written  # the visible rest of the text is drawn
        for sequence in ("\x1b]", "\x1b[2J", "\x07", "\x1b\\"):
            assert sequence not in written, repr(sequence)


async def test_the_library_lists_a_title_with_brackets(tmp_path: Path) -> None:
    path = _document(tmp_path)
    app = ReaderApp(str(path))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)  # opened once: it is in the recent documents now
    library = ReaderApp()
    async with library.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert isinstance(library.screen, LibraryScreen)
        written = _terminal_bytes(library)
        assert "共同[/]富裕" in written and "\x1b]" not in written
