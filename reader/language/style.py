"""How pinyin is written where it is shown: tone marks (zhòng) or tone numbers (zhong4).

Tokens and dictionary entries always carry one canonical reading, in tone
marks; the style is chosen where text is drawn or written (the view, the
tooltip, the popup, ``reader annotate`` and ``lookup``, exports, flash cards),
as pypinyin chooses its output style per call. Applying it in the annotator
as well, as the code once did, made the setting show in one surface and not
the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reader.language.pinyin import to_numbers

if TYPE_CHECKING:
    from reader.language.annotate import Token
    from reader.language.dictionary import Reading


@dataclass(frozen=True, slots=True)
class PinyinStyle:
    #: ``zhong4`` (neutral tone ``de5``) instead of ``zhòng``: for terminals that
    #: draw tone-marked vowels two cells wide.
    tone_numbers: bool = False

    def syllable(self, syllable: str) -> str:
        return to_numbers(syllable) if self.tone_numbers and syllable else syllable

    def syllables(self, syllables: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.syllable(s) for s in syllables)

    def text(self, syllables: Iterable[str]) -> str:
        """Space-separated syllables in this style."""
        return " ".join(self.syllables(syllables))

    def marks(self, pinyin: str) -> str:
        """A space-separated tone-marked reading (a CC-CEDICT reference) in this style."""
        return self.text(pinyin.split()) if self.tone_numbers else pinyin

    def reading(self, reading: Reading) -> str:
        """A CC-CEDICT reading, keeping its own capitals (names: Zhè jiāng / Zhe4 jiang1)."""
        return reading.pinyin_numbers if self.tone_numbers else reading.pinyin

    def token(self, token: Token) -> Token:
        """The token as an export writes it (only its pinyin changes)."""
        if not self.tone_numbers or not token.pinyin:
            return token
        return replace(token, pinyin=self.syllables(token.pinyin))


TONE_MARKS = PinyinStyle()
