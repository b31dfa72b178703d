"""SVG snapshots of what a reader sees (pytest-textual-snapshot).

Update after an intended change with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready

Snap = Callable[..., bool]


async def settled(pilot: Pilot[Any]) -> None:
    """Wait until the status line stops changing: on a loaded machine the progress
    (computed once the screen is laid out) came a moment after "ready" (0% vs 2%)."""
    from textual.widgets import Static

    last, same = None, 0
    for _ in range(60):
        await pilot.pause(0.1)
        found = pilot.app.screen.query("#status")
        text = str(found.first(Static).render()) if found else ""
        same = same + 1 if text == last else 0
        last = text
        if same >= 3:
            return


def _before(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        if keys:
            await pilot.press(*keys)
        await settled(pilot)

    return run_before


def test_main_view_with_pinyin(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)), terminal_size=(130, 36), run_before=_before("l", "l")
    )


def test_main_view_without_pinyin(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)), terminal_size=(130, 36), run_before=_before("p")
    )


def test_stacked_layout(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)), terminal_size=(80, 24), run_before=_before()
    )


def test_popup(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(PARTY_BUILDING)),
        terminal_size=(110, 34),
        run_before=_before("l", "l", "l", "enter"),
    )
