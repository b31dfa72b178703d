"""The no-model fallback: a word-by-word gloss, labelled as such everywhere.

Each segmented word becomes its glossary English, else the first CC-CEDICT
sense (its first alternative, without bracketed usage notes); Chinese
punctuation becomes its ASCII counterpart. It reads badly on purpose: it must
never pass for a translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from reader.language.annotate import Annotator, Token
from reader.language.senses import context_sense
from reader.translate.base import Output, TranslatorInfo
from reader.translate.terms import tidy

_PUNCT = str.maketrans(
    {
        "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
        "（": "(", "）": ")", "《": "“", "》": "”", "「": "“", "」": "”", "『": "‘", "』": "’",
        "…": "...",
    }
)  # fmt: skip
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


_POINTER = re.compile(r"^(?:see(?: also)?|(?:old |erhua )?variant of|used in|abbr\. for) ", re.I)


@lru_cache(maxsize=65536)
def _word_gloss(token: Token) -> str:
    """One token's English; kept per distinct token (a book repeats 的 twenty thousand times)."""
    if not token.is_hanzi:
        return token.text.translate(_PUNCT)
    if not token.definitions:
        return token.text
    if token.source in ("user", "glossary"):
        # A term's English whole: cut at its first comma, 干在实处、走在前列、勇立潮头
        # became "work hard", and the term check then reported the term missing.
        return token.definitions[0]
    # A sense that only points elsewhere ("see 浙江省") gives way to the next one,
    # or to the senses of the word it points to (listed as "浙江省: Zhejiang …").
    senses = [d for d in token.definitions if not _POINTER.match(d)] or list(token.definitions)
    sense = senses[0]
    if token.source == "characters" or (
        ": " in sense and sense.split(": ", 1)[0] in token.definitions[0]
    ):
        sense = sense.split(": ", 1)[-1]
    first = _NOTE.sub("", sense.split(";")[0]).strip()
    if not first:
        # All usage note, as for particles: "(completed action marker)", "(prefix
        # indicating ordinal number, as in 第六 …)": keep the note, shortened.
        first = sense.strip("()[] ").split(";")[0]
        first = _NOTE.sub("", first.split(", as in")[0].split(" (")[0]).strip(" ()")
    if len(first) > 24 and ", " in first:
        first = first.split(", ")[0]  # "Zhejiang Province, capital Hangzhou" → the name
    return first or sense


class GlossTranslator:
    """Translator protocol over the annotator; glossary terms come out as the glossary says."""

    info = TranslatorInfo("gloss")
    protects_terms = False

    def __init__(self, annotator: Annotator) -> None:
        self._annotator = annotator

    def options_key(self) -> str:
        return f"gloss-v2 hsk={self._annotator.hsk.standard}"

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        return [Output(self.gloss(s)) for s in sentences]

    def gloss(self, sentence: str) -> str:
        tokens = self._annotator.annotate(sentence)
        # The sense the context asks for (日 after a number is "day"), else the first.
        words = [context_sense(tokens, i) or _word_gloss(t) for i, t in enumerate(tokens)]
        text = tidy(" ".join(w for w in words if w.strip())).replace("— —", "—")
        return re.sub(r"([“‘(]) | ([”’])", r"\1\2", text)
