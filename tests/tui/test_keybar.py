"""The key bar shows whole keys only, ``? keys`` always, at every width."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

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
            shown = [key for key in bar.query(FooterKey) if key.display]
            hidden = [key for key in bar.query(FooterKey) if not key.display]
            assert shown[0].key_display == "?"
            for key in shown:
                assert key.region.right <= width, (width, key.description)
            if width == 80:
                names = [key.description for key in shown]
                assert names[:4] == ["keys", "quit", "search", "contents"]
                assert hidden, "80 columns cannot hold every key"
            if width == 160:
                assert not hidden
