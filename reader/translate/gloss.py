"""The no-model fallback: a word-by-word gloss, labelled as such everywhere.

Each segmented word becomes its glossary English, else the first CC-CEDICT
sense (its first alternative, without bracketed usage notes); Chinese
punctuation becomes its ASCII counterpart. It reads badly on purpose: it must
never pass for a translation.

A whole document is annotated on every core first (:meth:`GlossTranslator.prepare`,
which the pipeline calls with every sentence it has to translate); each
distinct token's English is worked out once, and the sentence is put together
with string methods, not regular expressions (a novel is 880,000 tokens).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache

from reader.language.annotate import Annotator, Token
from reader.language.senses import RULES, context_sense
from reader.translate.base import Output, TranslatorInfo

_PUNCT = str.maketrans(
    {
        "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "！": "!", "？": "?",
        "（": "(", "）": ")", "《": "“", "》": "”", "「": "“", "」": "”", "『": "‘", "』": "’",
        "…": "...",
    }
)  # fmt: skip
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]")


#: Spaces :func:`_tidy` takes out: before punctuation (as :func:`reader.translate.terms.tidy`),
#: inside quotation marks and brackets.
_NO_SPACE = (
    *((f" {mark}", mark) for mark in ",.;:!?)]"),
    ("— —", "—"),
    *((f"{mark} ", mark) for mark in "“‘("),
    *((f" {mark}", mark) for mark in "”’"),
)
#: Tokens' English kept by token (identity): a book's tokens are a few tens of thousands.
GLOSSES_KEPT = 200_000

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


def _tidy(words: Sequence[str]) -> str:
    """The words as one line: ``terms.tidy`` of them joined, "— —" as one dash, and no
    space inside quotation marks or brackets; what regular expressions did, sooner.

    The same text: after ``split``/``join`` every space is single, so taking out
    each space before a mark (or after an opening one) cannot make another.
    """
    text = " ".join(" ".join(words).split())
    for spaced, mark in _NO_SPACE:
        if spaced in text:
            text = text.replace(spaced, mark)
    return text


class GlossTranslator:
    """Translator protocol over the annotator; glossary terms come out as the glossary says."""

    info = TranslatorInfo("gloss")
    protects_terms = False
    #: Its English is already tidy (:func:`reader.translate.terms.tidy` changes nothing).
    tidy_output = True

    def __init__(self, annotator: Annotator) -> None:
        self._annotator = annotator
        #: ``id(token) → (token, English)``: the token is kept, so its id is not reused.
        self._glosses: dict[int, tuple[Token, str]] = {}
        #: Sentences glossed ahead by :meth:`prepare`, and the glossary they were glossed with.
        self._ready: dict[str, str] = {}
        self._ready_for: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def options_key(self) -> str:
        return f"gloss-v2 hsk={self._annotator.hsk.standard}"

    def _version(self) -> tuple[int, int]:
        return (self._annotator.glossary.version, self._annotator.segmenter.version)

    def prepare(self, sentences: Sequence[str]) -> None:
        """Gloss ``sentences`` now, their annotation done on every core, if there are enough
        of them to be worth it and this process may fork (:mod:`reader.language.parallel`);
        else nothing is done and :meth:`translate` glosses each when asked. Either way
        the same English."""
        from reader.language.parallel import annotate_texts, worker_count

        todo = [s for s in dict.fromkeys(sentences) if s and s not in self._ready]
        if worker_count(sum(len(s) for s in todo)) <= 1:
            return
        version = self._version()
        annotated = annotate_texts(self._annotator, todo)
        ready = {s: self._gloss_tokens(annotated[s]) for s in todo}
        del annotated
        with self._lock:
            if self._ready_for != version:
                self._ready = {}
            self._ready.update(ready)
            self._ready_for = version

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        with self._lock:
            ready = self._ready
            if ready and self._ready_for != self._version():
                ready = self._ready = {}  # the glossary changed since: gloss again
            found = [ready.pop(s, None) for s in sentences] if ready else [None] * len(sentences)
        return [
            Output(self.gloss(s) if en is None else en)
            for s, en in zip(sentences, found, strict=True)
        ]

    def gloss(self, sentence: str) -> str:
        return self._gloss_tokens(self._annotator.annotate(sentence))

    def _gloss_tokens(self, tokens: Sequence[Token]) -> str:
        glosses = self._glosses
        words = []
        for i, token in enumerate(tokens):
            # The sense the context asks for (日 after a number is "day"), else the first.
            if token.text in RULES:
                chosen = context_sense(tokens, i)
                if chosen:
                    words.append(chosen)
                    continue
            known = glosses.get(id(token))
            if known is None or known[0] is not token:
                if len(glosses) >= GLOSSES_KEPT:
                    glosses.clear()
                known = glosses[id(token)] = (token, _word_gloss(token))
            words.append(known[1])
        return _tidy(words)
