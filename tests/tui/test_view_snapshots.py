"""SVG snapshots: the key bar at 80 columns; both themes with each tone scheme.

Update after an intended change with:
pytest tests/tui/test_view_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.palette import TONE_SCHEMES
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready
from tests.tui.test_snapshots import settled

Snap = Callable[..., bool]


def _before(
    theme: str = "textual-dark", scheme: str | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await ready(pilot)
        assert isinstance(screen, ReadingScreen)
        for _ in range(200):  # the status line's coverage, so every run shows the same
            await pilot.pause(0.05)
            if screen.session.known.coverage() is not None:
                break
        pilot.app.theme = theme
        view = screen.query_one(BilingualView)
        view.colours = scheme  # set, not cycled: no toast to time
        await pilot.press("j", "j", "j", "l")  # the cursor in a highlighted body sentence
        view.relayout()
        await settled(pilot)

    return run_before


def test_key_bar_at_80_columns(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)), terminal_size=(80, 24), run_before=_before()
    )


@pytest.mark.parametrize("scheme", list(TONE_SCHEMES))
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_tone_scheme_in_each_theme(snap_compare: Snap, theme: str, scheme: str) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)),
        terminal_size=(100, 24),
        run_before=_before(theme, scheme),
    )
