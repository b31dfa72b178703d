"""Contrast: every tone scheme, in the dark and the light theme, reaches WCAG AA.

The ratios are computed (WCAG 2.x relative luminance) from the palette, and from
what the view really draws: every segment of every line on screen, its own
foreground over its own background, inside and outside the highlighted sentence
and under the cursor.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from reader.tui.app import ReaderApp
from reader.tui.palette import AA_TEXT, TONE_SCHEMES, contrast, luminance, theme_palette
from reader.tui.widgets.bilingual import BilingualView
from tests.conftest import PARTY_BUILDING
from tests.tui.test_reading import ready

THEMES = ("textual-dark", "textual-light")
PINYIN_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")


def test_relative_luminance_and_contrast_follow_wcag() -> None:
    white, black = Color(255, 255, 255), Color(0, 0, 0)
    assert luminance(white) == pytest.approx(1.0)
    assert luminance(black) == 0.0
    assert contrast(white, black) == pytest.approx(21.0)
    assert contrast(black, white) == contrast(white, black)
    # WCAG's own examples: #777777 on white just fails AA, #767676 just passes.
    assert (
        contrast(Color.parse("#777777"), white) < AA_TEXT < contrast(Color.parse("#767676"), white)
    )


@pytest.mark.parametrize("theme", THEMES)
def test_every_colour_of_the_palette_reaches_aa(theme: str) -> None:
    variables = BUILTIN_THEMES[theme].to_color_system().generate()
    palette = theme_palette(variables, BUILTIN_THEMES[theme].dark)
    assert set(palette.tones) == set(TONE_SCHEMES)
    ratios = {what: contrast(Color.parse(fg), Color.parse(bg)) for what, fg, bg in palette.pairs()}
    assert min(ratios.values()) >= AA_TEXT, {k: round(v, 2) for k, v in ratios.items() if v < 4.5}
    # The highlight is still visible: it differs from the surface.
    assert palette.sentence != palette.background


def test_the_other_built_in_themes_reach_aa_too() -> None:
    for name, theme in BUILTIN_THEMES.items():
        if name.startswith("ansi-"):
            continue  # drawn in the terminal's own 16 colours: their values are unknown here
        palette = theme_palette(theme.to_color_system().generate(), theme.dark)
        worst = min(contrast(Color.parse(f), Color.parse(b)) for _, f, b in palette.pairs())
        assert worst >= AA_TEXT, name


def _ratios(view: BilingualView) -> dict[str, float]:
    """The lowest ratio drawn on screen: of the text rows and of the pinyin rows."""
    worst = {"text": 21.0, "pinyin": 21.0}
    for y in range(view.size.height):
        segments: list[Segment] = list(view.render_line(y))
        for segment in segments:
            if not segment.text.strip():
                continue
            style = segment.style
            assert style is not None and style.color is not None and style.bgcolor is not None
            assert not style.dim, segment  # the terminal's dim would make the ratio unknown
            ratio = contrast(
                Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
            )
            row = "pinyin" if set(segment.text) & PINYIN_MARKS else "text"
            worst[row] = min(worst[row], ratio)
    return worst


async def test_what_the_view_draws_reaches_aa_in_every_tone_scheme() -> None:
    """Each theme in turn, in one reader (the theme is set, not cycled)."""
    app = ReaderApp(str(PARTY_BUILDING))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(BilingualView)
        await pilot.press("j", "j", "j", "l")  # the cursor inside a highlighted body sentence
        block, word = view.current()
        assert word is not None and block.kind == "paragraph"
        for theme in THEMES:
            app.theme = theme
            await pilot.pause(0.2)
            for scheme in (None, *TONE_SCHEMES):
                view.colours = scheme
                view.relayout()
                await pilot.pause(0.05)
                worst = _ratios(view)
                assert worst["text"] >= AA_TEXT, (theme, scheme, worst)
                assert worst["pinyin"] >= AA_TEXT, (theme, scheme, worst)
                # The highlighted sentence and the cursor are really on screen.
                backgrounds = {
                    segment.style.bgcolor
                    for y in range(view.size.height)
                    for segment in view.render_line(y)
                    if segment.style is not None
                }
                assert len(backgrounds) >= 3, backgrounds
