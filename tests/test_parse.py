from __future__ import annotations

import re
from pathlib import Path

from reader.document import Document, Paragraph, Sentence, load_document, parse_text
from tests.conftest import AQ, HLM, PARTY_BUILDING, RESOLUTION


def _paragraph_containing(doc: Document, needle: str) -> Paragraph:
    found = [p for p in doc.paragraphs() if needle in p.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} paragraphs"
    return found[0]


def _titles(doc: Document) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in doc.walk()]


# --- titles -----------------------------------------------------------------


def test_seed_titles(resolution: Document, party_building: Document) -> None:
    assert resolution.title.startswith("中共浙江省委关于忠实践行“八八战略”")
    assert resolution.title.endswith("示范区的决议")
    assert party_building.title == "习近平在浙江关于共同富裕的探索与实践"


def test_title_from_a_short_first_line(hlm: Document) -> None:
    assert hlm.title == "红楼梦"


def test_an_untitled_document_is_named_by_its_first_line(aq: Document) -> None:
    # The first line is 第一章: a heading, not a title; it names the document (not the
    # file name), and stays the first section's heading.
    assert aq.title == "第一章　序" and not aq.titled
    assert aq.sections[0].title == "第一章　序"


def test_numbered_first_heading_is_not_a_title() -> None:
    doc = parse_text("一、总体要求\n\n正文。", name="doc")
    assert doc.title == "一、总体要求" and not doc.titled
    assert _titles(doc) == [(1, "一、总体要求")]


# --- headings and nesting -----------------------------------------------------


def test_nesting_follows_numbering() -> None:
    text = "\n\n".join(
        [
            "# 文件标题",
            "## 第一部分",
            "一、总体要求",
            "（一）指导思想",
            "正文一。",
            "(二)工作原则",
            "1.坚持党的领导",
            "正文二。",
            "二、主要任务",
            "## 第二部分",
            "正文三。",
        ]
    )
    doc = parse_text(text)
    assert doc.title == "文件标题"
    assert _titles(doc) == [
        (1, "第一部分"),
        (2, "一、总体要求"),
        (3, "（一）指导思想"),
        (3, "(二)工作原则"),
        (4, "1.坚持党的领导"),
        (2, "二、主要任务"),
        (1, "第二部分"),
    ]
    assert [s.id for s in doc.walk()] == ["s1", "s2", "s3", "s4", "s5", "s6", "s7"]
    part_one = doc.sections[0]
    assert [c.title for c in part_one.children] == ["一、总体要求", "二、主要任务"]
    assert doc.find("s3.p1") is not None and doc.find("s3.p1").text == "正文一。"  # type: ignore[union-attr]


def test_chapters_nest_sections() -> None:
    doc = parse_text("第一章 总则\n\n第一节 目的\n\n正文。\n\n第二章 分则\n\n正文。")
    assert _titles(doc) == [(1, "第一章 总则"), (2, "第一节 目的"), (1, "第二章 分则")]


def test_party_building_outline(party_building: Document) -> None:
    titles = _titles(party_building)
    assert titles[0] == (1, "")  # the epigraph before the first heading
    assert titles[1] == (1, "——习近平在浙江关于共同富裕的探索与实践·党建引领篇")
    top = [t for level, t in titles if level == 1]
    assert [t[:2] for t in top[2:]] == ["一、", "二、"]
    subs = [t[:3] for level, t in titles if level == 2]
    assert subs == ["(一)", "(二)", "(三)", "(四)", "(五)"] * 2
    first = party_building.sections[2]
    assert [c.title[:3] for c in first.children] == ["(一)", "(二)", "(三)", "(四)", "(五)"]


def test_resolution_has_one_untitled_section(resolution: Document) -> None:
    assert _titles(resolution) == [(1, "")]
    assert resolution.sections[0].id == "s0"


def test_aq_chapters(aq: Document) -> None:
    titles = [t for _, t in _titles(aq)]
    assert len(titles) == 9
    assert titles[-1] == "第九章大团圆"
    assert all(level == 1 for level, _ in _titles(aq))


def test_hlm_chapters(hlm: Document) -> None:
    titles = [t for _, t in _titles(hlm)]
    assert len(titles) == 120
    assert titles[0] == "第一回　甄士隐梦幻识通灵　贾雨村风尘怀闺秀"
    assert titles[-1].startswith("第一百二十回")
    # A body paragraph that merely starts with 第四回 stays body text of 第五回.
    paragraph = _paragraph_containing(hlm, "第四回中既将薛家母子在荣府内寄居等事略已表明")
    assert paragraph.id.startswith("s5.")


# --- paragraphs ----------------------------------------------------------------


def test_blank_line_paragraphs(resolution: Document) -> None:
    texts = [p.text for p in resolution.paragraphs()]
    assert len(texts) == 11
    assert texts[0].startswith("(2021 年 6 月 11 日")


def test_indented_one_per_line(aq: Document) -> None:
    raw = AQ.read_text(encoding="utf-8").splitlines()
    body_lines = [line for line in raw if line.startswith("    ")]
    paragraphs = list(aq.paragraphs())
    assert len(paragraphs) == len(body_lines) == 312
    assert paragraphs[0].text == body_lines[0].strip()


def test_full_width_indent_starts_paragraphs() -> None:
    doc = parse_text(
        "第一章\n\u3000\u3000第一段没有句号\n\u3000\u3000第二段。\n\u3000\u3000第三段。"
    )
    assert [p.text for p in doc.paragraphs()] == ["第一段没有句号", "第二段。", "第三段。"]


def test_unindented_lines_one_per_line() -> None:
    doc = parse_text("第一段。\n第二段！\n第三段？")
    assert [p.text for p in doc.paragraphs()] == ["第一段。", "第二段！", "第三段？"]


def test_soft_wrapped_lines_join_without_space() -> None:
    doc = parse_text("这一句被折行\n了，在这里继续。\nLatin words\ncontinue here.")
    assert [p.text for p in doc.paragraphs()] == [
        "这一句被折行了，在这里继续。",
        "Latin words continue here.",
    ]


def test_markdown_lines_join_into_one_paragraph(tmp_path: Path) -> None:
    f = tmp_path / "doc.md"
    f.write_text("# 题目\n\n第一句。\n第二句。\n\n下一段。\n", encoding="utf-8")
    doc = load_document(f)
    assert [p.text for p in doc.paragraphs()] == ["第一句。第二句。", "下一段。"]


def test_markdown_hard_break_keeps_lines(party_building: Document) -> None:
    epigraph = party_building.sections[0].paragraphs[0]
    assert epigraph.text == (
        "从“凡是为民造福的事一定要千方百计办好”\n到“提升领导干部推进现代化建设和共同富裕的新能力”"
    )


def test_backslash_hard_break() -> None:
    doc = parse_text("第一行\\\n第二行。")
    assert [p.text for p in doc.paragraphs()] == ["第一行\n第二行。"]


def test_thematic_break_separates() -> None:
    doc = parse_text("第一段没有结束\n---\n第二段。")
    assert [p.text for p in doc.paragraphs()] == ["第一段没有结束", "第二段。"]


# --- page-break repair -------------------------------------------------------------


def test_resolution_page_break_is_joined(resolution: Document) -> None:
    paragraph = _paragraph_containing(resolution, "推动共同富裕从宏观到微观落地。")
    assert paragraph.text.startswith("全会指出，“十四五”时期")
    assert any(s.text.endswith("从宏观到微观落地。") for s in paragraph.sentences)


def test_party_building_page_breaks_are_joined(party_building: Document) -> None:
    for joined in [
        "都在相当程度上转化为",
        "以马克思主义中国化的最新成果武装头脑",
        "高水平推进社会主义现代化建设",
        "人民群众既是共同富裕建设成果的获得者",
    ]:
        _paragraph_containing(party_building, joined)
    assert len(list(party_building.paragraphs())) == 25


def test_no_paragraph_is_left_mid_sentence(resolution: Document, party_building: Document) -> None:
    for doc in (resolution, party_building):
        for paragraph in doc.paragraphs():
            if paragraph.kind == "body" and "\n" not in paragraph.text:
                assert paragraph.text[-1] in "。！？…；：”）)", paragraph.id


def test_never_join_across_a_heading() -> None:
    doc = parse_text("# 题目\n\n全会指出，推动共同富裕从宏观到微\n\n## 小标题\n\n观落地。")
    assert [p.text for p in doc.paragraphs()] == ["全会指出，推动共同富裕从宏观到微", "观落地。"]


def test_never_join_a_byline(party_building: Document) -> None:
    byline = party_building.sections[1].paragraphs[0]
    assert byline.text == "浙江省习近平新时代中国特色社会主义思想研究中心"
    assert byline.kind == "byline"
    assert party_building.sections[1].paragraphs[1].text.startswith("“实现共同富裕")


def test_date_line_is_a_byline(resolution: Document) -> None:
    first = resolution.sections[0].paragraphs[0]
    assert first.kind == "byline"
    assert all(p.kind == "body" for p in resolution.sections[0].paragraphs[1:])


def test_indented_paragraphs_are_never_joined(hlm: Document) -> None:
    # Verse: each indented line is the author's own, commas or not.
    first = _paragraph_containing(hlm, "春梦随云散，飞花逐水流，")
    assert first.text == "春梦随云散，飞花逐水流，"
    section = next(s for s in hlm.walk() if first in s.paragraphs)
    following = section.paragraphs[section.paragraphs.index(first) + 1]
    assert following.text.startswith("寄言众儿女，何必觅闲愁。")


def test_continuation_punctuation_joins_after_a_quote() -> None:
    doc = parse_text("提出“千方百计促民富”\n\n，“尽心尽职解民忧”。")
    assert [p.text for p in doc.paragraphs()] == ["提出“千方百计促民富”，“尽心尽职解民忧”。"]


# --- print notes ---------------------------------------------------------------------


def test_print_note_is_kept_apart(party_building: Document) -> None:
    assert [n.text for n in party_building.notes] == ["（下转第二十八版）"]
    last = list(party_building.paragraphs())[-1]
    assert party_building.notes[0].after == last.id
    assert all("下转" not in p.text for p in party_building.paragraphs())


def test_inline_notes_and_join_across_pages() -> None:
    doc = parse_text("全会指出，推动共同富裕从宏观到微（下转第二版）\n\n（上接第一版）观落地。")
    assert [p.text for p in doc.paragraphs()] == ["全会指出，推动共同富裕从宏观到微观落地。"]
    assert [n.text for n in doc.notes] == ["（下转第二版）", "（上接第一版）"]


def test_note_forms() -> None:
    for note in [
        "（下转第二十八版）",
        "(上接第1版)",
        "（转第3版）",
        "（紧接第一版）",
        "（下转第 12 页）",
    ]:
        doc = parse_text(f"正文。\n\n{note}")
        assert [n.text for n in doc.notes] == [note]
        assert [p.text for p in doc.paragraphs()] == ["正文。"]


# --- the seeds' other defects ---------------------------------------------------------


def test_stray_english_word_is_kept(resolution: Document) -> None:
    paragraph = _paragraph_containing(resolution, "社会主义思想 and 习近平总书记")
    assert paragraph.id == "s0.p2"


def test_repeated_text_is_kept_where_the_author_put_it(party_building: Document) -> None:
    repeated = "从浙江工作实际出发，习近平同志进一步强调坚持“总揽全局、协调各方”的原则"
    holders = [p.id for p in party_building.paragraphs() if repeated in p.text]
    assert len(holders) == 2


# --- ids ---------------------------------------------------------------------------------

_ID = re.compile(r"^s\d+(\.p\d+(\.t\d+)?)?$")


def test_ids_are_positional_unique_and_stable(hlm: Document) -> None:
    seen: set[str] = set()
    for section in hlm.walk():
        for number, paragraph in enumerate(section.paragraphs, 1):
            assert paragraph.id == f"{section.id}.p{number}"
            for t, sentence in enumerate(paragraph.sentences, 1):
                assert sentence.id == f"{paragraph.id}.t{t}"
                assert _ID.match(sentence.id)
                seen.add(sentence.id)
    assert len(seen) == sum(1 for _ in hlm.sentences())
    again = load_document(HLM)
    assert [s.id for s in again.sentences()] == [s.id for s in hlm.sentences()]
    assert again == hlm


def test_find_by_id(party_building: Document) -> None:
    sentence = party_building.find("s7.p1.t1")
    assert isinstance(sentence, Sentence)
    assert sentence.text.startswith("人民群众既是共同富裕建设成果的获得者")
    assert party_building.find("s99") is None
    assert party_building.find("s7.p9") is None


def test_document_facts(resolution: Document) -> None:
    import hashlib

    assert resolution.encoding == "utf-8"
    assert resolution.source_sha256 == hashlib.sha256(RESOLUTION.read_bytes()).hexdigest()
    assert resolution.path == str(RESOLUTION)
    assert PARTY_BUILDING.exists()
