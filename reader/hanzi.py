"""What counts as a Chinese character: the one definition every layer shares.

Segmentation, pinyin, the glossary's term check, sentence splitting and the
gloss all ask "is this Hanzi?"; they must agree, or a character the glossary
accepts would get no pinyin. Covered: the unified ideographs and extension A,
the compatibility ideographs, 〇, and extensions B–H outside the BMP.
Encoding detection asks a narrower question (:func:`is_common_range`).
"""

from __future__ import annotations

import re

#: One Hanzi, for building other patterns (a character-class body, no brackets).
HANZI_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HANZI = re.compile(f"[{HANZI_CLASS}]")
HANZI_RUN = re.compile(f"[{HANZI_CLASS}]+")


def is_hanzi(ch: str) -> bool:
    return bool(HANZI.fullmatch(ch))


def hanzi_count(text: str) -> int:
    return len(HANZI.findall(text))


def has_hanzi(text: str) -> bool:
    return HANZI.search(text) is not None


def is_common_range(ch: str) -> bool:
    """The BMP ideographs (unified and extension A) that GB18030 and Big5 text is made of.

    Encoding detection scores a decoding by how many of these it yields; a wrong
    codec tends to produce rare or astral characters, so they must not count.
    """
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
