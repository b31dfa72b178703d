from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.document import Document
from reader.hanzi import is_hanzi
from reader.language.annotate import Annotator
from reader.language.pinyin import to_numbers, tone_of
from reader.language.style import TONE_MARKS, PinyinStyle

ROWS = list(
    csv.DictReader(
        (Path(__file__).parent / "data" / "polyphones.tsv").open(encoding="utf-8"),
        delimiter="\t",
    )
)


def _reading_of(annotator: Annotator, sentence: str, word: str) -> str:
    """The syllables the annotator gives ``word``'s characters in ``sentence``."""
    tokens = annotator.annotate(sentence)
    chars: list[str] = []
    bounds = {0}
    for token in tokens:
        syllables = iter(token.pinyin)
        chars.extend(next(syllables) if is_hanzi(ch) else "" for ch in token.text)
        bounds.add(len(chars))
    starts = [i for i in range(len(sentence)) if sentence.startswith(word, i)]
    # Prefer the occurrence that is a whole token (or tokens): 着 in 等着, not in 着急.
    start = next((i for i in starts if i in bounds and i + len(word) in bounds), starts[0])
    return " ".join(s for s in chars[start : start + len(word)] if s)


def test_the_polyphone_set_is_large() -> None:
    assert len(ROWS) >= 90
    assert len({r["word"] for r in ROWS}) >= 60
    assert sum("seed" in r["note"] for r in ROWS) >= 15


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['word']}-{r['pinyin']}" for r in ROWS])
def test_polyphones_in_context(annotator: Annotator, row: dict[str, str]) -> None:
    assert _reading_of(annotator, row["sentence"], row["word"]) == row["pinyin"]


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("他长得很快。", "得", "de"),
        ("他慢慢地走过来。", "地", "de"),
        ("我得走了。", "得", "děi"),
        ("他得了第一名。", "得", "dé"),
        ("农民在种地。", "地", "dì"),
        ("他在等着你。", "着", "zhe"),
        ("老百姓在干部心中的分量有多重。", "多重", "duō zhòng"),
        ("这句话具有多重含义。", "多重", "duō chóng"),
    ],
)
def test_context_rules(annotator: Annotator, sentence: str, word: str, expected: str) -> None:
    assert _reading_of(annotator, sentence, word) == expected


def test_cedict_single_reading_beats_pypinyin(annotator: Annotator) -> None:
    # pypinyin reads 重塑 zhòng sù; CC-CEDICT's only reading is chóng sù.
    assert _reading_of(annotator, "重塑政府关系。", "重塑") == "chóng sù"


def test_tone_numbers_are_a_style_chosen_where_pinyin_is_shown(annotator: Annotator) -> None:
    assert [to_numbers(s) for s in ["zhòng", "de", "lǜ", ""]] == ["zhong4", "de5", "lü4", ""]
    tokens = annotator.annotate("重要的")
    # Tokens carry one canonical reading, in tone marks.
    assert [t.pinyin for t in tokens] == [("zhòng", "yào"), ("de",)]
    numbers = PinyinStyle(tone_numbers=True)
    assert [numbers.syllables(t.pinyin) for t in tokens] == [("zhong4", "yao4"), ("de5",)]
    assert numbers.token(tokens[0]).pinyin == ("zhong4", "yao4")
    assert TONE_MARKS.text(tokens[0].pinyin) == "zhòng yào"
    (reading,) = annotator.lookup("重要").readings
    assert numbers.reading(reading) == "zhong4 yao4" and TONE_MARKS.reading(reading) == "zhòng yào"


@pytest.mark.parametrize(
    ("text", "off", "on"),
    [
        ("不是", "bù shì", "bú shì"),
        ("不好", "bù hǎo", "bù hǎo"),
        ("一位", "yī wèi", "yí wèi"),
        ("一定", "yī dìng", "yí dìng"),
        ("不要", "bù yào", "bú yào"),
        ("一天", "yī tiān", "yì tiān"),
        ("第一名", "dì yī míng", "dì yī míng"),
        ("十一月", "shí yī yuè", "shí yī yuè"),
        ("统一", "tǒng yī", "tǒng yī"),
    ],
)
def test_yi_bu_sandhi_is_an_option(
    make_annotator: Callable[..., Annotator], text: str, off: str, on: str
) -> None:
    def read(ann: Annotator) -> str:
        return " ".join(s for t in ann.annotate(text) for s in t.pinyin)

    assert read(make_annotator()) == off
    assert read(make_annotator(sandhi=True)) == on


def test_tone_of() -> None:
    assert [tone_of(s) for s in ["mā", "má", "mǎ", "mà", "ma"]] == [1, 2, 3, 4, 5]


def test_toneless_is_pypinyins_normal_style_of_the_whole_text(aq: Document) -> None:
    """Put together from pypinyin's own segments, each converted once: the same string as
    converting the text whole, sentence by sentence, paragraph by paragraph, odd input."""
    from pypinyin import Style, lazy_pinyin

    from reader.language.pinyin import toneless

    odd = ["", " ", "abc 中文 123", "Ｑ哥", "〇一二", "𠀀字", "女儿绿", "银行行长", "\n重要\t的事"]
    texts = [s.text for s in aq.sentences()] + [p.text for p in aq.paragraphs()] + odd
    differ = [
        t
        for t in texts
        if toneless(t) != "".join(lazy_pinyin(t, style=Style.NORMAL, errors="ignore"))
    ]
    assert differ == []
