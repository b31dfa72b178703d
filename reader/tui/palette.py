"""The view's colours, made readable for the theme they are drawn on.

Tone colours come from other apps' schemes (Pleco, Hanping, MDBG) designed for
one background: Pleco's tone-3 blue on a dark theme was 1.3:1, and the
highlighted sentence and the cursor made it worse. Here every colour the view
draws is derived from the theme (its surface, foreground, primary and accent)
and then moved in lightness only, keeping its hue, until it reaches WCAG 2.x AA
contrast (:data:`AA_TEXT`) against every background it can stand on: the
view's surface, the highlighted sentence and a search match. The cursor's word is drawn in
black or white on the accent colour, whichever reads better.

Nothing here is dimmed with the terminal's "dim" attribute: how much a terminal
dims is its own choice, so muted text (pinyin, the gloss) gets an explicit
colour whose contrast is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from textual.color import BLACK, WHITE, Color

#: WCAG 2.x AA for normal-size text.
AA_TEXT = 4.5

#: Tone colours: no standard exists, so the common schemes are offered. These are
#: the schemes' own hues; :func:`palette` adjusts their lightness per theme.
TONE_SCHEMES: dict[str, dict[int, str]] = {
    "pleco": {1: "#e30000", 2: "#02b31c", 3: "#1510f0", 4: "#8900bf", 5: "#777777"},
    "hanping": {1: "#64b4ff", 2: "#30b030", 3: "#f08000", 4: "#dc1e1e", 5: "#a0a0a0"},
    "mdbg": {1: "#e60000", 2: "#ff8800", 3: "#00a000", 4: "#0000ff", 5: "#808080"},
}

#: How much of the primary colour shades the highlighted sentence: on a dark theme
#: over the surface, on a light one over white (a light shade keeps dark text dark).
SENTENCE_SHADE_DARK = 0.30
SENTENCE_SHADE_LIGHT = 0.12
#: How much of the accent colour marks a search match (over the surface, or white).
MATCH_SHADE_DARK = 0.18
MATCH_SHADE_LIGHT = 0.30
#: Muted text (pinyin, the gloss, bylines) before it is made readable: this much of
#: the foreground over the background.
MUTED = 0.72


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=1024)
def luminance(colour: Color) -> float:
    """WCAG 2.x relative luminance of an opaque colour (0 black, 1 white)."""
    r, g, b = colour.rgb
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(one: Color, other: Color) -> float:
    """WCAG 2.x contrast ratio, 1 to 21, whichever colour is lighter."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _worst(colour: Color, backgrounds: Sequence[Color]) -> float:
    return min(contrast(colour, background) for background in backgrounds)


def readable(colour: Color, backgrounds: Sequence[Color], target: float = AA_TEXT) -> Color:
    """``colour``, lightened or darkened in CIE L* (hue kept) just enough to reach
    ``target`` against every background; black or white if no shade of it can."""
    if _worst(colour, backgrounds) >= target:
        return colour
    hue, saturation, start = colour.hsl
    best: tuple[float, Color] | None = None
    for step in (1, -1):  # lighter, darker: the smaller change that works
        for amount in range(1, 201):
            lightness = start + step * amount / 200
            if not 0 <= lightness <= 1:
                break
            candidate = Color.from_hsl(hue, saturation, lightness)
            if _worst(candidate, backgrounds) >= target:
                if best is None or amount < best[0]:
                    best = (amount, candidate)
                break
    if best is not None:
        return best[1]
    return max((WHITE, BLACK), key=lambda c: _worst(c, backgrounds))


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the view draws, for one theme (hex strings, as Rich styles take)."""

    background: str
    text: str
    #: Pinyin, the gloss, pending English, bylines.
    muted: str
    heading: str
    #: Background of the highlighted sentence.
    sentence: str
    #: Background of a search match.
    match: str
    cursor_background: str
    cursor_text: str
    #: Scheme name to tone (1–5) to colour, adjusted for this theme.
    tones: Mapping[str, Mapping[int, str]]

    def pairs(self) -> list[tuple[str, str, str]]:
        """(what, foreground, background) for every pairing the view can draw."""
        found = [("cursor", self.cursor_text, self.cursor_background)]
        grounds = (
            ("plain", self.background),
            ("sentence", self.sentence),
            ("match", self.match),
        )
        for where, background in grounds:
            found.append((f"text/{where}", self.text, background))
            found.append((f"muted/{where}", self.muted, background))
            found.append((f"heading/{where}", self.heading, background))
            for scheme, tones in self.tones.items():
                for tone, colour in tones.items():
                    found.append((f"{scheme} {tone}/{where}", colour, background))
        return found


@lru_cache(maxsize=64)
def palette(background: str, foreground: str, primary: str, accent: str, dark: bool) -> Palette:
    """The readable palette for a theme's surface, foreground, primary and accent colours."""
    surface = Color.parse(background).with_alpha(1)
    fore = Color.parse(foreground).with_alpha(1)
    base = surface if dark else WHITE
    shade = SENTENCE_SHADE_DARK if dark else SENTENCE_SHADE_LIGHT
    sentence = base.blend(Color.parse(primary).with_alpha(1), shade)
    accent_colour = Color.parse(accent).with_alpha(1)
    match = base.blend(accent_colour, MATCH_SHADE_DARK if dark else MATCH_SHADE_LIGHT)
    grounds = (surface, sentence, match)
    cursor_text = max((WHITE, BLACK), key=lambda c: contrast(c, accent_colour))
    tones = {
        name: {tone: readable(Color.parse(hue), grounds).hex for tone, hue in scheme.items()}
        for name, scheme in TONE_SCHEMES.items()
    }
    return Palette(
        background=surface.hex,
        text=readable(fore, grounds).hex,
        muted=readable(surface.blend(fore, MUTED), grounds).hex,
        heading=readable(accent_colour, grounds).hex,
        sentence=sentence.hex,
        match=match.hex,
        cursor_background=accent_colour.hex,
        cursor_text=cursor_text.hex,
        tones=tones,
    )


def theme_palette(variables: Mapping[str, str], dark: bool) -> Palette:
    """The palette for a Textual theme's CSS variables (``App.theme_variables``)."""
    return palette(
        variables["surface"],
        variables["foreground"],
        variables["primary"],
        variables["accent"],
        dark,
    )
