"""The key bar shows whole keys only, ``? keys`` always, at every width."""

from __future__ import annotations

from reader.tui.app import ReaderApp
from reader.tui.widgets.keybar import KeyBar, key_width, keys_that_fit
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready


def test_keys_that_fit_drops_whole_keys_from_the_end() -> None:
    widths = [key_width("?", "keys"), key_width("q", "quit"), key_width("/", "search")]
    assert widths == [7, 7, 9]
    assert keys_that_fit(widths, 80) == 3
    # The last key's trailing gap may fall off the edge; one more cell may not.
    assert keys_that_fit(widths, 22) == 3
    assert keys_that_fit(widths, 21) == 2
    assert keys_that_fit(widths, 3) == 1  # the help key is never hidden


async def test_at_each_width_no_key_is_cut_and_help_shows() -> None:
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for width in (60, 80, 100, 160):
            await pilot.resize_terminal(width, 24)
            await pilot.pause(0.1)
            bar = app.screen.query_one(KeyBar)
            shown = bar.shown()
            hidden = bar.keys()[len(shown) :]
            assert shown[0].key_display == "?"
            line = bar.render_line(0).text
            for key in shown:
                assert key.end <= width, (width, key.description)
                label = f"{key.key_display} {key.description}"
                assert line[key.start : key.end] == label, (line, label)  # drawn where it is
            assert len(line.rstrip()) <= width
            if width == 80:
                names = [key.description for key in shown]
                assert names[:4] == ["keys", "quit", "search", "contents"]
                assert hidden, "80 columns cannot hold every key"
            if width == 160:
                assert not hidden


async def test_a_click_on_a_key_presses_it_and_hovering_shows_its_tooltip() -> None:
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await ready(pilot)
        bar = screen.query_one(KeyBar)
        contents = next(key for key in bar.shown() if key.description == "contents")
        toc = screen.query_one("#toc")
        assert not toc.display
        await pilot.hover(KeyBar, offset=(contents.start + 1, 0))
        assert bar.tooltip == "table of contents and bookmarks"
        await pilot.click(KeyBar, offset=(contents.end - 1, 0))  # on its label's last cell
        await pilot.pause()
        assert toc.display
        await pilot.click(KeyBar, offset=(contents.end, 0))  # the gap after it: nothing
        await pilot.pause()
        assert toc.display
