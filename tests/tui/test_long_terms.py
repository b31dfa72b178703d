"""A long term drawn a character at a time still reads as one word: its syllables are
hyphenated (zhōng-gòng-zhè-jiāng-shěng-wěi) while separate words stay apart."""

from __future__ import annotations

from reader.document.units import Block, Unit
from reader.english.layer import English
from reader.language.annotate import Annotator
from reader.tui.layout import Options, Styles, layout_block


def _pinyin_rows(text: str, annotator: Annotator, width: int) -> list[str]:
    block = Block("paragraph", "p1", "s1", (Unit("p1.1", text),))
    options = Options(width, pinyin=True, english=False, stacked=True)
    layout = layout_block(
        block, options, Styles(), annotator.annotate, lambda sid, zh: English("", "none")
    )
    lines = ["".join(segment.text for segment in line) for line in layout.lines[:-1]]
    return [line.strip() for line in lines[0::2]]


def test_a_long_terms_syllables_are_joined_and_words_are_not(annotator: Annotator) -> None:
    tokens = [t.text for t in annotator.annotate("中共浙江省委关于推动高质量发展")]
    assert "中共浙江省委" in tokens and "关于" in tokens
    rows = _pinyin_rows("中共浙江省委关于推动高质量发展", annotator, 78)
    assert rows[0].startswith("zhōng-gòng-zhè-jiāng-shěng-wěi guān yú tuī dòng"), rows


def test_a_long_term_wrapped_across_rows_is_hyphenated_on_each(annotator: Annotator) -> None:
    rows = _pinyin_rows("中共浙江省委关于推动高质量发展", annotator, 16)
    # Broken over rows, the term ends each row but its last with a hyphen, as a word
    # hyphenated across lines does; the word after it is not joined to it.
    assert rows[0].endswith("-"), rows
    assert "".join(rows).startswith("zhōng-gòng-zhè-jiāng-shěng-wěi guān yú"), rows
