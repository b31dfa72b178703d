"""SVG snapshots of the word popup beside its word, at 80×24 and 160×48.

Update after an intended change with:
pytest tests/tui/test_popup_snapshots.py --snapshot-update
"""

from __future__ import annotations

from reader.tui.app import ReaderApp
from tests.conftest import RESOLUTION
from tests.tui.test_snapshots import Snap, _before


def test_popup_80x24(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(RESOLUTION)),
        terminal_size=(80, 24),
        run_before=_before("l", "l", "l", "enter"),
    )


def test_popup_160x48(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(RESOLUTION)),
        terminal_size=(160, 48),
        run_before=_before("l", "l", "l", "enter"),
    )


def test_popup_above_a_word_near_the_bottom(snap_compare: Snap) -> None:
    assert snap_compare(
        ReaderApp(str(RESOLUTION)),
        terminal_size=(80, 24),
        run_before=_before(*("j",) * 8, "enter"),
    )
