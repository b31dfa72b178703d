from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.hanzi import hanzi_count
from reader.language.annotate import Annotator, Token
from reader.language.glossary import Glossary


def _check(tokens: list[Token], text: str) -> None:
    assert "".join(t.text for t in tokens) == text
    for token in tokens:
        assert len(token.pinyin) == hanzi_count(token.text)
        assert token.is_hanzi == (hanzi_count(token.text) > 0)
        if not token.is_hanzi:
            assert token.source is None and token.definitions == () and token.hsk is None


def test_sources(annotator: Annotator) -> None:
    tokens = {t.text: t for t in annotator.annotate("共同富裕很重要，贾雨村笑道。")}
    assert tokens["共同富裕"].source == "glossary"
    assert tokens["共同富裕"].definitions == ("common prosperity",)
    assert tokens["重要"].source == "cc-cedict"
    assert "important; significant; major" in tokens["重要"].definitions
    # A name no dictionary has stays whole, with its characters' senses.
    assert tokens["贾雨村"].source == "characters"
    assert tokens["贾雨村"].definitions[0].startswith("贾: ")
    assert tokens["，"].source is None


def test_unknown_tokens_split_into_dictionary_words(annotator: Annotator) -> None:
    text = "中国共产党浙江省第十四届委员会第九次全体会议"
    tokens = annotator.annotate(text)
    _check(tokens, text)
    texts = [t.text for t in tokens]
    assert "第十四届" not in texts and "届" in texts
    assert all(t.source in ("cc-cedict", "glossary", "user") for t in tokens)
    eight = [t.text for t in annotator.annotate("增强八个方面")]
    assert "八个" not in eight and "八" in eight


def test_hsk_levels(make_annotator: Callable[..., Annotator]) -> None:
    # The two "HSK 3.0" documents disagree: 重要 is level 1 in GF0025-2021 (the
    # default), level 3 in the 2025 exam syllabus.
    assert make_annotator().annotate("重要")[0].hsk == 1
    assert make_annotator(hsk_standard="2025").annotate("重要")[0].hsk == 3
    assert make_annotator().annotate("富裕")[0].hsk == 7  # the 7-9 band
    with pytest.raises(ReaderError, match="unknown HSK standard"):
        Annotator(hsk_standard="4.0")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "，。！？",
        "😀👍",
        "Hello world 123",
        "傳統文化很重要",
        "𠀀𠀁是古字",
        "abc中文def",
        "  \n ",
    ],
)
def test_odd_input(annotator: Annotator, text: str) -> None:
    tokens = annotator.annotate(text)
    _check(tokens, text)


def test_traditional_characters_get_definitions(annotator: Annotator) -> None:
    tokens = {t.text: t for t in annotator.annotate("傳統文化")}
    assert tokens["傳統"].source == "cc-cedict"
    assert tokens["傳統"].pinyin == ("chuán", "tǒng")


def test_latin_and_emoji_have_no_pinyin(annotator: Annotator) -> None:
    for token in annotator.annotate("AI技术😀2025年"):
        if not token.is_hanzi:
            assert token.pinyin == ()


def test_lookup(annotator: Annotator) -> None:
    entry = annotator.lookup("行")
    assert {"xíng", "háng"} <= {r.pinyin for r in entry.readings}
    assert annotator.lookup("傳統").readings[0].simplified == "传统"
    term = annotator.lookup("八八战略")
    assert term.glossary is not None and term.glossary.target == "Double Eight Strategy"
    assert term.glossary.note
    # A term no dictionary has is explained by its words (战略), not its characters.
    assert [part for part, _ in term.characters] == ["八", "八", "战略"]
    assert annotator.lookup("国家").traditional == ("國家",)
    assert annotator.lookup("国家").hsk == 1


def test_user_entry_source(tmp_path: Path, make_annotator: Callable[..., Annotator]) -> None:
    glossary = Glossary(tmp_path / "g.tsv")
    glossary.add("重要", "crucial", "house style")
    token = make_annotator(glossary=glossary).annotate("重要")[0]
    assert token.source == "user"
    assert token.definitions == ("crucial",)


def test_annotate_results_are_kept_but_not_shared(
    tmp_path: Path, make_annotator: Callable[..., Annotator]
) -> None:
    glossary = Glossary(tmp_path / "g.tsv")
    ann = make_annotator(glossary=glossary)
    first = ann.annotate("未来乡村很重要")
    first.clear()  # a caller changing its list must not change the next answer
    again = ann.annotate("未来乡村很重要")
    assert "".join(t.text for t in again) == "未来乡村很重要"
    assert "未来乡村" not in [t.text for t in again]
    glossary.add("未来乡村", "future village")
    assert "未来乡村" in [t.text for t in ann.annotate("未来乡村很重要")]
