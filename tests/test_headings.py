from __future__ import annotations

import pytest

from reader.document.headings import detect_heading


@pytest.mark.parametrize(
    ("line", "title", "rank"),
    [
        ("# 标题", "标题", (0, 1)),
        ("## 一、总体要求", "一、总体要求", (0, 2)),
        ("###### 最深", "最深", (0, 6)),
        ("## 结尾带井号 ##", "结尾带井号", (0, 2)),
        ("第一编　总则", "第一编　总则", (1, 0)),
        ("第一章　序", "第一章　序", (1, 1)),
        ("第一章 序", "第一章 序", (1, 1)),
        ("第九章大团圆", "第九章大团圆", (1, 1)),
        ("第一百二十回　甄士隐详说太虚情　贾雨村归结红楼梦", None, (1, 1)),
        ("第12章 重逢", "第12章 重逢", (1, 1)),
        ("第三节 方法", "第三节 方法", (1, 2)),
        ("第一条", "第一条", (1, 3)),
        ("一、总体要求", "一、总体要求", (1, 4)),
        ("十二、加强党的领导", "十二、加强党的领导", (1, 4)),
        ("（一）创造性作出“巩固八个基础，增强八种本领”的党建工作部署", None, (1, 5)),
        ("(二)不断增强党委的本领", "(二)不断增强党委的本领", (1, 5)),
        ("1.加强组织建设", "1.加强组织建设", (1, 6)),
        ("2、推进改革", "2、推进改革", (1, 6)),
        ("（3）完善制度", "（3）完善制度", (1, 7)),
    ],
)
def test_headings(line: str, title: str | None, rank: tuple[int, int]) -> None:
    heading = detect_heading(line)
    assert heading is not None
    assert heading.title == (title or line)
    assert heading.rank == rank


@pytest.mark.parametrize(
    "line",
    [
        # Body text that merely starts like a heading.
        "第四回中既将薛家母子在荣府内寄居等事略已表明，此回则暂不能写矣。",
        "第一条　为了规范管理，制定本办法。",
        "一、二、三都是数字，这句话说明了这一点。",
        "（一）" + "很长的正文" * 14,
        "第十四届委员会第九次全体会议",
        "2023年9月，习近平总书记赴浙江考察",
        "1. 列表项",  # a Markdown list item
        "3.14是圆周率",
        "#没有空格不是标题",
        "#",
        "##   ",
        "一、总体要求：",
        "普通的一行字",
    ],
)
def test_not_headings(line: str) -> None:
    assert detect_heading(line) is None


def test_markdown_heading_with_chinese_numbering_is_marked_numbered() -> None:
    heading = detect_heading("## 一、总体要求")
    assert heading is not None and heading.numbered
    plain = detect_heading("## 习近平在浙江关于共同富裕的探索与实践")
    assert plain is not None and not plain.numbered
