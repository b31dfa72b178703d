"""What the word popup (and ``reader lookup``) says about a word: no CC-CEDICT markup,
no "HSK -", common readings before surnames, a compound explained by its words."""

from __future__ import annotations

import re

from reader.language.annotate import Annotator
from reader.language.dictionary import readable_sense
from reader.language.entry_view import plain_entry
from reader.language.style import PinyinStyle
from reader.tui.screens.popup import describe

MARKS = PinyinStyle()
NUMBERS = PinyinStyle(tone_numbers=True)
#: CC-CEDICT's own markup: numbered pinyin in brackets, trad|simp references.
RAW = re.compile(r"\[[a-zA-Z: ]+[1-5]|[^\s|]\|[^\s|]")


def test_markup_becomes_pinyin_in_the_tone_style() -> None:
    assert readable_sense("see 軟件|软件[ruan3 jian4]") == "see 软件 ruǎn jiàn"
    assert readable_sense("abbr. for 日本[Ri4 ben3], Japan") == "abbr. for 日本 Rì běn, Japan"
    assert readable_sense("Pigeon [pi2 ge2 de5]") == "Pigeon pí gé de"
    assert readable_sense("see 軟件|软件[ruan3 jian4]", tone_numbers=True) == "see 软件 ruan3 jian4"
    assert readable_sense("Taiwan pr. [lu:4]") == "Taiwan pr. lǜ"
    # A bracketed note that is not pinyin stays as it is.
    assert readable_sense("(literary) [in general]") == "(literary) [in general]"


def test_no_raw_markup_in_the_popup(annotator: Annotator) -> None:
    for word in ("日", "宝", "发", "软件"):
        for style in (MARKS, NUMBERS):
            text = describe(annotator.lookup(word), "2021", style).plain
            assert not RAW.search(text), (word, text)


def test_a_word_outside_hsk_says_so(annotator: Annotator) -> None:
    text = plain_entry(annotator.lookup("践行"), "2021", MARKS)
    assert "HSK -" not in text and "not in HSK" in text
    assert "HSK 1 " in plain_entry(annotator.lookup("国家"), "2021", MARKS)


def test_surname_readings_come_after_common_ones(annotator: Annotator) -> None:
    text = plain_entry(annotator.lookup("曾"), "2021", MARKS)
    assert text.index("once") < text.index("surname Zeng")
    # In the parts of a word no dictionary has, too: 高 is "high" before "surname Gao".
    parts = plain_entry(annotator.lookup("高质量发展"), "2021", MARKS)
    assert "surname Gao" not in parts.split("high quality")[0]


def test_a_compound_is_shown_by_its_words(annotator: Annotator) -> None:
    entry = annotator.lookup("高质量发展")
    assert [part for part, _ in entry.characters] == ["高质量", "发展"]
    text = plain_entry(entry, "2021", MARKS)
    assert "高质量 [gāo zhì liàng]: high quality" in text
    assert "\n质 " not in text  # not character by character
