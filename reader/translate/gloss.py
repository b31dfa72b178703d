"""The no-model fallback: a word-by-word gloss, labelled as such everywhere.

Each segmented word becomes its glossary English, else the first CC-CEDICT
sense (its first alternative, without bracketed usage notes); Chinese
punctuation becomes its ASCII counterpart. It reads badly on purpose: it must
never pass for a translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.language.annotate import Annotator, Token
from reader.translate.base import Output, TranslatorInfo
from reader.translate.terms import tidy

_PUNCT = str.maketrans(
    {
        "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
        "（": "(", "）": ")", "《": "“", "》": "”", "「": "“", "」": "”", "『": "‘", "』": "’",
        "—": "-", "…": "...",
    }
)  # fmt: skip
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _word_gloss(token: Token) -> str:
    if not token.is_hanzi:
        return token.text.translate(_PUNCT)
    if not token.definitions:
        return token.text
    sense = token.definitions[0]
    if token.source == "characters":
        sense = sense.split(": ", 1)[-1]
    first = _NOTE.sub("", sense.split(";")[0]).strip()
    return first or sense


class GlossTranslator:
    """Translator protocol over the annotator; glossary terms come out as the glossary says."""

    info = TranslatorInfo("gloss")
    protects_terms = False

    def __init__(self, annotator: Annotator) -> None:
        self._annotator = annotator

    def options_key(self) -> str:
        return f"gloss-v1 hsk={self._annotator.hsk.standard}"

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        return [Output(self.gloss(s)) for s in sentences]

    def gloss(self, sentence: str) -> str:
        words = [_word_gloss(t) for t in self._annotator.annotate(sentence)]
        text = tidy(" ".join(w for w in words if w.strip()))
        return re.sub(r"([“‘(]) | ([”’])", r"\1\2", text)
