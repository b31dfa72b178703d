"""The offline sentence aligner: links, confidences, names, documents and ``reader align``.

The fixtures are small texts written for these tests with a faithful English
translation, some sentences split, merged or left out on purpose.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from reader.context import Context
from reader.document import parse_text
from reader.english.align import (
    DocumentAlignment,
    Link,
    align_documents,
    align_sentences,
    align_texts,
    split_english,
)
from reader.english.english_text import english_chapters, number_value, stem, strip_gutenberg
from reader.english.lexicon import Lexicon, chinese_number
from reader.english.links import LOW_CONFIDENCE
from reader.english.wadegiles import wade_giles
from reader.errors import ReaderError

ZH = [
    "小明今天早上七点起床。",
    "他吃了两个鸡蛋，喝了一杯牛奶。",
    "然后他骑自行车去学校。",
    "路上突然下起了大雨，他的衣服和书包全都湿了。",  # two English sentences
    "老师看见他，马上给了他一条干毛巾。",
    "第一节课是数学。",  # with the next: one English sentence
    "他非常喜欢数学。",
    "下午他和朋友们在操场上踢足球。",
    "那时候，远处的山上有一座古老的寺庙，庙里住着三个和尚，他们每天早晚都敲钟念经。",  # left out
    "晚上他回到家，妈妈已经做好了饭。",
    "他们一起吃饭，谈了很多事情。",
    "十点钟他就睡觉了。",
]
EN = [
    "Xiaoming got up at seven o'clock this morning.",
    "He ate two eggs and drank a glass of milk.",
    "Then he rode his bicycle to school.",
    "On the way it suddenly began to rain heavily.",
    "His clothes and his schoolbag were completely wet.",
    "The teacher saw him and at once gave him a dry towel.",
    "The first lesson was mathematics, which he liked very much.",
    "In the afternoon he played football with his friends on the playground.",
    "In the evening he came home, and his mother had already cooked dinner.",
    "They ate together and talked about many things.",
    "At ten o'clock he went to bed.",
]
GOLD = [
    ((0,), (0,)),
    ((1,), (1,)),
    ((2,), (2,)),
    ((3,), (3, 4)),
    ((4,), (5,)),
    ((5, 6), (6,)),
    ((7,), (7,)),
    ((8,), ()),
    ((9,), (8,)),
    ((10,), (9,)),
    ((11,), (10,)),
]
#: English of another text altogether (a recipe), as long as EN.
UNRELATED = [
    "Preheat the oven to a moderate heat before you begin.",
    "Sift the flour into a large bowl with a pinch of salt.",
    "Rub in the butter with your fingertips until it looks like breadcrumbs.",
    "Stir in the sugar and the grated lemon peel.",
    "Beat the cream in a separate jug until it thickens.",
    "Fold the cream into the dry mixture with a metal spoon.",
    "Turn the dough onto a floured board and knead it lightly.",
    "Roll it out and cut it into rounds with a sharp cutter.",
    "Brush the tops with a little beaten milk.",
    "Bake them on the top shelf until they have risen and turned golden.",
    "Cool them on a wire rack and serve them with jam.",
]
#: Names as an 1892 translation spells them (Wade–Giles).
NAMES_ZH = ["宝玉走进屋里。", "黛玉正在窗下看书。", "凤姐笑着站了起来。", "贾母叫人拿茶来。"]
NAMES_EN = [
    "Pao-yü walked into the room, where Tai-yü was reading under the window.",
    "Hsi-feng stood up with a smile.",
    "Dowager lady Chia told them to bring tea.",
]


@pytest.fixture
def context(make_context: Callable[..., Context]) -> Context:
    return make_context()


def pairs(links: Sequence[Link]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.zh, link.en) for link in links]


# -- sentences ------------------------------------------------------------------------------


def test_links_split_merge_and_omission(context: Context) -> None:
    links = align_sentences(ZH, EN, context)
    assert pairs(links) == GOLD
    omitted = next(link for link in links if not link.en)
    assert omitted.low  # an omission is a claim to check, never a confident link
    assert all(not link.low for link in links if link.zh and link.en)
    assert all(0.0 <= link.confidence <= 1.0 for link in links)


def test_every_sentence_is_linked_once_in_order(context: Context) -> None:
    links = align_sentences(ZH[:7], EN[3:], context)
    assert [i for link in links for i in link.zh] == list(range(7))
    assert [j for link in links for j in link.en] == list(range(len(EN) - 3))


def test_a_text_that_is_not_the_translation_is_low_confidence(context: Context) -> None:
    good = align_texts(ZH, EN, context)
    bad = align_texts(ZH, UNRELATED, context)
    assert not good.mismatch and good.confidence > 0.7
    assert bad.mismatch and bad.confidence < good.confidence - 0.5


def test_one_side_empty(context: Context) -> None:
    assert pairs(align_sentences(ZH[:2], [], context)) == [((0,), ()), ((1,), ())]
    assert align_texts([], EN[:1], context).mismatch


def test_low_is_the_documented_threshold() -> None:
    assert Link((0,), (0,), LOW_CONFIDENCE - 0.01).low
    assert not Link((0,), (0,), LOW_CONFIDENCE).low


# -- names ----------------------------------------------------------------------------------


def test_wade_giles_syllables() -> None:
    table = {
        "jia": "chia",
        "bao": "pao",
        "yu": "yü",
        "lin": "lin",
        "dai": "tai",
        "xue": "hsüeh",
        "chai": "ch'ai",
        "xi": "hsi",
        "feng": "feng",
        "cun": "ts'un",
        "zhi": "chih",
        "qing": "ch'ing",
        "guo": "kuo",
        "duo": "to",
        "ge": "ko",
        "zi": "tzu",
        "si": "ssu",
        "er": "erh",
        "gui": "kuei",
        "lü": "lü",
    }
    assert {pinyin: wade_giles(pinyin) for pinyin in table} == table


def test_wade_giles_names_are_evidence(context: Context) -> None:
    lexicon = Lexicon(context.annotator)
    english = lexicon.english("Chia Pao-yü and Lin Tai-yü laughed.")
    chinese = lexicon.chinese("贾宝玉和林黛玉都笑了。")
    shared = chinese.keys & english.keys
    assert {lexicon.key("@paoyu"), lexicon.key("@taiyu")} <= shared
    # Only names the English has become keys: no pinyin windows for the rest.
    other = lexicon.chinese("宝钗也来了。")
    assert lexicon.key("@paochai") not in other.keys


def test_names_decide_which_sentences_merge(context: Context) -> None:
    links = align_sentences(NAMES_ZH, NAMES_EN, context)
    assert pairs(links) == [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))]


# -- English text ---------------------------------------------------------------------------


def test_split_english_abbreviations_initials_and_quotes() -> None:
    text = (
        'Mr. Chia met Mrs. Wang at St. Mary\'s. J. K. Rowling was not there. "Go away!" '
        'he said. "Go away!" He left... and came back. Was it 3.5 miles? Yes, e.g. this one.\n'
        "A hard-wrapped\nline ends here.\n\nA new paragraph"
    )
    assert split_english(text) == [
        "Mr. Chia met Mrs. Wang at St. Mary's.",
        "J. K. Rowling was not there.",
        '"Go away!" he said.',
        '"Go away!"',
        "He left... and came back.",
        "Was it 3.5 miles?",
        "Yes, e.g. this one.",
        "A hard-wrapped line ends here.",
        "A new paragraph",
    ]


def test_chapters_numbers_and_gutenberg() -> None:
    text = (
        "The Project Gutenberg eBook\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n"
        "Preface.\n\nCHAPTER XII.\n\nOne. Two.\n\nChapter Thirteen: The End\n\nThree.\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK X ***\nLicence text."
    )
    chapters = english_chapters(text)
    assert [(c.number, c.sentences) for c in chapters] == [
        (None, ["Preface."]),
        (12, ["One.", "Two."]),
        (13, ["Three."]),
    ]
    assert "Licence" not in strip_gutenberg(text)
    assert number_value("XLVI") == 46 and number_value("twenty-one") == 21
    assert number_value("IIII") is None
    assert chinese_number("一百二十") == 120 and chinese_number("第十二") == 12
    assert stem("married") == stem("marry") and stem("wept") == stem("weep")


# -- documents ------------------------------------------------------------------------------

BOOK_ZH = (
    "《上学》\n\n第一回　早上\n\n"
    + "\n\n".join(ZH[:5])
    + "\n\n第二回　学校\n\n"
    + "\n\n".join(ZH[5:8] + ZH[9:])
)
BOOK_EN = (
    "GOING TO SCHOOL\n\nCHAPTER I. Morning\n\n"
    + "\n\n".join(EN[:6])
    + "\n\nCHAPTER II. School\n\n"
    + "\n\n".join(EN[6:])
)


def test_documents_pair_chapters_then_sentences(context: Context) -> None:
    doc = parse_text(BOOK_ZH, name="school")
    result = align_documents(doc, BOOK_EN, context)
    paired = [(p.section_id, p.en_number, p.paired_by) for p in result.sections if p.section_id]
    assert paired == [("s1", 1, "number"), ("s2", 2, "number")]
    english = result.english_for()
    assert english["s1.p4.t1"].en == (EN[3], EN[4])
    assert english["s2.p1.t1"].zh == ("s2.p1.t1", "s2.p2.t1")
    assert english["s2.p1.t1"].en_ids == ("e2.p1.t1",)
    assert english["s1"].en[0] == "CHAPTER I. Morning"  # headings take part as units
    assert not result.mismatch
    assert DocumentAlignment.from_json(result.to_json()) == result


def test_documents_pair_by_content_without_numbers(context: Context) -> None:
    doc = parse_text(BOOK_ZH, name="school")
    result = align_documents(doc, BOOK_EN, context, use_numbers=False)
    paired = [(p.section_id, p.en_number) for p in result.sections if p.section_id and p.en_index]
    assert paired == [("s1", 1), ("s2", 2)]


def test_document_with_an_unrelated_translation_is_a_mismatch(context: Context) -> None:
    doc = parse_text(BOOK_ZH, name="school")
    result = align_documents(doc, "\n\n".join(UNRELATED), context)
    assert result.mismatch and result.confidence < 0.35


def test_stored_alignment_rejects_other_json() -> None:
    with pytest.raises(ReaderError):
        DocumentAlignment.from_json('{"format": 99}')
    with pytest.raises(ReaderError):
        DocumentAlignment.from_json("not json")


# -- the command line -----------------------------------------------------------------------


def run(argv: list[str]) -> tuple[int, str, str]:
    """``reader ARGV`` through ``reader.cli.main``: ReaderError → one line, exit 2."""
    from reader.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    zh, en = tmp_path / "a.zh", tmp_path / "a.en"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_bytes(("\r\n".join(EN) + "\r\n").encode("utf-8"))  # any line ends
    return zh, en


def test_cli_presplit_links(files: tuple[Path, Path]) -> None:
    code, out, _ = run(["align", "--presplit", str(files[0]), str(files[1])])
    assert code == 0
    lines = out.splitlines()
    assert all(re.fullmatch(r"\[(\d+(,\d+)*)?\]:\[(\d+(,\d+)*)?\]", line) for line in lines)
    expected = [f"[{','.join(map(str, a))}]:[{','.join(map(str, b))}]" for a, b in GOLD]
    assert lines == expected


def test_cli_tsv_json_tmx_read_back(files: tuple[Path, Path], tmp_path: Path) -> None:
    zh, en = map(str, files)
    code, _, err = run(
        ["align", "--presplit", zh, en, "-f", "tsv", "--out", str(tmp_path / "a.tsv")]
    )
    assert code == 0 and "wrote" in err
    rows = list(csv.DictReader((tmp_path / "a.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert [(r["zh_ids"], r["en_ids"]) for r in rows][3] == ("3", "3,4")
    assert rows[3]["en"] == f"{EN[3]} {EN[4]}" and rows[7]["low"] == "low"

    code, out, _ = run(["align", "--presplit", zh, en, "--format", "json"])
    data = json.loads(out)
    assert [(tuple(x["zh"]), tuple(x["en"])) for x in data["links"]] == GOLD
    assert data["mismatch"] is False

    code, out, _ = run(["align", "--presplit", zh, en, "--format", "tmx"])
    root = ET.fromstring(out)
    units = root.findall("body/tu")
    assert len(units) == len([g for g in GOLD if g[0] and g[1]])
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    first = {tuv.get(lang): tuv.findtext("seg") for tuv in units[0].findall("tuv")}
    assert first == {"zh-CN": ZH[0], "en": EN[0]}


def test_cli_document_mode(tmp_path: Path) -> None:
    zh, en = tmp_path / "book.txt", tmp_path / "book.en.txt"
    zh.write_text(BOOK_ZH, encoding="utf-8")
    en.write_text(BOOK_EN, encoding="utf-8")
    code, out, _ = run(["align", str(zh), str(en), "-f", "json"])
    assert code == 0
    assert DocumentAlignment.from_json(out).sections[0].paired_by == "number"


def test_cli_keeps_an_existing_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("keep", encoding="utf-8")
    code, _, err = run(["align", "--presplit", *map(str, files), "--out", str(target)])
    assert code == 2 and "already exists" in err and target.read_text() == "keep"


@pytest.mark.parametrize("problem", ["missing", "empty", "binary", "mismatch"])
def test_cli_bad_input_is_one_line_and_status_2(
    problem: str, files: tuple[Path, Path], tmp_path: Path
) -> None:
    zh, en = files
    if problem == "missing":
        en = tmp_path / "nowhere.en"
    elif problem == "empty":
        en.write_text("", encoding="utf-8")
    elif problem == "binary":
        en.write_bytes(bytes(range(256)) * 8)
    else:
        en.write_text("\n".join(UNRELATED), encoding="utf-8")
    code, out, err = run(["align", "--presplit", str(zh), str(en)])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("reader: ")
    if problem == "mismatch":
        assert re.search(r"confidence 0\.\d\d", err)
