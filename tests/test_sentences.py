from __future__ import annotations

import pytest

from reader.document import Document, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
        # A closing quote after the stop stays with its sentence.
        ("他说：“好。”我们走了。", ["他说：“好。”", "我们走了。"]),
        # The stop after a closing quote ends the sentence there.
        ("要“千方百计办好”。下一句。", ["要“千方百计办好”。", "下一句。"]),
        ("……办好”。", ["……办好”。"]),
        # A comma after a quoted exclamation continues the sentence.
        ("“好！”，他说。", ["“好！”，他说。"]),
        ("真的吗？！不会吧。", ["真的吗？！", "不会吧。"]),
        ("他沉默了……过了很久才开口。", ["他沉默了……", "过了很久才开口。"]),
        ("等一下…好的。", ["等一下…", "好的。"]),
        ("（见附件。）正文继续。", ["（见附件。）", "正文继续。"]),
        # Latin text: ! and ? split; a full stop splits before a capital.
        (
            "Hello world! How are you? Fine. 好。",
            ["Hello world! ", "How are you? ", "Fine. ", "好。"],
        ),
        ("版本 3.14 发布了。", ["版本 3.14 发布了。"]),
        ("没有句号的一段", ["没有句号的一段"]),
        ("", []),
        # A hard line break does not end a sentence.
        ("从“甲”\n到“乙”", ["从“甲”\n到“乙”"]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def _check_round_trip(doc: Document) -> int:
    count = 0
    for paragraph in doc.paragraphs():
        assert "".join(s.text for s in paragraph.sentences) == paragraph.text
        assert all(s.text for s in paragraph.sentences)
        count += len(paragraph.sentences)
    return count


def test_sentences_give_back_every_paragraph(
    resolution: Document, party_building: Document, aq: Document, hlm: Document
) -> None:
    for doc in (resolution, party_building, aq, hlm):
        assert _check_round_trip(doc) > 0


def test_no_sentence_starts_with_a_closer(hlm: Document, party_building: Document) -> None:
    for doc in (hlm, party_building):
        for sentence in doc.sentences():
            assert sentence.text[0] not in "”’」』）)，。！？", sentence.id
