"""The sense of a word its neighbours ask for: 日 in a date is "day", not "sun".

CC-CEDICT lists a character's senses by no order of context, and the
word-by-word gloss takes the first: "2021 year 6 moon 11 sun", "reform and
opening up empress". A few words that stand after another word change their
meaning with it, and the word before them decides: after a number 日 and 月
are the day and the month of a date; after a noun or a clause 后, 前, 里 and 时
are the place or time relative to it ("after", "before", "in", "when"). A
glossary term is never overridden: it means what the glossary says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.language.annotate import Token

#: Arabic digits (ASCII or full width) or Chinese numerals: 2021, １１, 十一, 两.
_NUMBER = re.compile(r"[0-9０-９]+|[零〇一二三四五六七八九十百千万两]+")


def is_number(token: Token | None) -> bool:
    return token is not None and bool(_NUMBER.fullmatch(token.text.strip()))


def is_word(token: Token | None) -> bool:
    """A Chinese word or a number, not punctuation or the start of the sentence."""
    return token is not None and (token.is_hanzi or is_number(token))


@dataclass(frozen=True, slots=True)
class SenseRule:
    """``english`` for the word when the token before it passes ``before``."""

    before: Callable[[Token | None], bool]
    english: str


RULES: dict[str, tuple[SenseRule, ...]] = {
    "日": (SenseRule(is_number, "day"),),
    "月": (SenseRule(is_number, "month"),),
    "后": (SenseRule(is_word, "after"), SenseRule(lambda _: True, "afterwards")),
    "前": (SenseRule(is_word, "before"),),
    "里": (SenseRule(is_word, "in"),),
    "时": (SenseRule(is_word, "when"),),
}


def context_sense(tokens: Sequence[Token], index: int) -> str | None:
    """The English the context chooses for ``tokens[index]``, or None (its first sense).

    Only for dictionary words: a term in your glossary or the built-in one
    means what the glossary says wherever it stands.
    """
    token = tokens[index]
    rules = RULES.get(token.text)
    if not rules or token.source != "cc-cedict":
        return None
    before = tokens[index - 1] if index > 0 else None
    if before is not None and not before.text.strip() and index > 1:
        before = tokens[index - 2]  # "2021 年 6 月": a space between the number and 月
    for rule in rules:
        if rule.before(before):
            return rule.english
    return None
