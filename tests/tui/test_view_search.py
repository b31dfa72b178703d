"""Search in the reader: every match on screen marked; English finds the gloss too."""

from __future__ import annotations

from rich.segment import Segment
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready

SIZE = (140, 40)


async def _search(pilot: Pilot[None], query: str) -> None:
    await pilot.press("slash")
    await pilot.press(*query)
    await pilot.press("enter")
    await pilot.pause(0.2)


def _screen_segments(view: BilingualView) -> list[Segment]:
    return [segment for y in range(view.size.height) for segment in view.render_line(y)]


def _marked(view: BilingualView) -> list[str]:
    """Texts drawn on the match background."""
    match = view._layout_styles.match.bgcolor
    assert match is not None
    return [s.text for s in _screen_segments(view) if s.style and s.style.bgcolor == match]


async def _wait_for_matches(pilot: Pilot[None], screen: ReadingScreen) -> None:
    for _ in range(200):
        await pilot.pause(0.05)
        if screen._matches:
            return


async def test_every_match_on_screen_is_marked_and_english_finds_the_gloss() -> None:
    """One reader: a Chinese and a pinyin search, cleared; then an English one."""
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await _every_match_on_screen_is_marked(pilot, screen)
        await _an_english_search_finds_the_gloss_without_a_model(pilot, screen)


async def _every_match_on_screen_is_marked(pilot: Pilot[None], screen: ReadingScreen) -> None:
    view = screen.query_one(BilingualView)
    await _search(pilot, "共同富裕")
    on_screen = sum(s.text.count("共同富裕") for s in _screen_segments(view))
    marked = _marked(view)
    assert on_screen >= 3
    # All of them but the one under the cursor (drawn in the cursor's colours).
    assert sum(text.count("共同富裕") for text in marked) == on_screen - 1
    assert all(text.strip() in "共同富裕" for text in marked)
    # Toneless pinyin: the characters it spells are marked.
    await _search(pilot, "fupin")
    assert "扶贫" in "".join(view.render_line(y).text for y in range(view.size.height))
    assert set("".join(_marked(view))) <= set("扶贫 ")
    # Escape clears the marks.
    await pilot.press("escape")
    assert _marked(view) == []


async def _an_english_search_finds_the_gloss_without_a_model(
    pilot: Pilot[None], screen: ReadingScreen
) -> None:
    assert not screen.session.has_model
    view = screen.query_one(BilingualView)
    await _search(pilot, "prosperity")
    await _wait_for_matches(pilot, screen)
    assert screen._matches, "prosperity found nothing"
    block, placed = view.current()
    assert placed is not None
    sid, text = block.sentences[placed.sentence]
    assert "prosperity" in screen.session.english_for(sid, text).text.lower()
    # n steps on to the next sentence glossed with it.
    first = (view.cursor.block, placed.sentence)
    await pilot.press("n")
    block, placed = view.current()
    assert placed is not None and (view.cursor.block, placed.sentence) != first
    # The English words with it are marked in the column.
    assert any("prosperity" in text for text in _marked(view))
    assert not any("no match" in str(n.message) for n in pilot.app._notifications)
