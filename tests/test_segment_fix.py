"""Fixing jieba's segmentation once for every text (LUTE's parser exceptions), and
glossary terms that match whole words only."""

from __future__ import annotations

from pathlib import Path

from reader.context import Context
from reader.document import load_document
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.language.segment import Segmenter, read_splits
from reader.reading.session import ReadingSession
from reader.settings import Settings
from reader.translate.terms import TermMatcher
from reader.translate.translators import term_matcher

#: 红楼梦: jieba cuts 袭人 (a maid's name) in two here, and glues it to 道 there.
NOVEL = "说着便把梦中之事细说与袭人听了。\n\n袭人道：“你梦见什么故事了？”\n"


def _words(annotator: Annotator, text: str) -> list[str]:
    return [t.text for t in annotator.annotate(text)]


def test_a_join_holds_everywhere_and_is_saved(tmp_path: Path) -> None:
    splits = tmp_path / "splits.tsv"
    annotator = Annotator(glossary=Glossary(tmp_path / "g.tsv"), segmenter=Segmenter(splits))
    first, second = NOVEL.split("\n\n")
    assert "袭人" not in _words(annotator, first)  # 与|袭|人|听
    annotator.segmenter.join("袭人")
    assert "袭人" in _words(annotator, first)
    assert _words(annotator, second)[:2] == ["袭人", "道"]  # no longer 袭人道
    # Stored with the splits, as a one-part record; a new process reads it back.
    assert read_splits(splits) == {"袭人": ("袭人",)}
    again = Annotator(glossary=Glossary(tmp_path / "g.tsv"), segmenter=Segmenter(splits))
    assert "袭人" in _words(again, first)
    # Unsplit forgets the join: jieba decides again.
    assert again.segmenter.unsplit("袭人")
    assert "袭人" not in _words(again, first)
    assert read_splits(splits) == {}


def test_a_split_teaches_its_parts(tmp_path: Path) -> None:
    segmenter = Segmenter(tmp_path / "splits.tsv")
    assert "袭人道" in segmenter.cut("袭人道：“好。”")
    segmenter.split("袭人道", ("袭人", "道"))
    assert segmenter.cut("袭人道：“好。”")[:2] == ["袭人", "道"]
    # The longer part is now a word jieba prefers, in other places too.
    assert "袭人" in segmenter.cut("细说与袭人听了")
    # A join of the same word replaces the split: the last decision holds.
    segmenter.join("袭人道")
    assert "袭人道" in segmenter.cut("袭人道：“好。”")
    assert read_splits(tmp_path / "splits.tsv") == {"袭人道": ("袭人道",)}


def test_the_session_joins_with_the_next_word_and_reannotates(tmp_path: Path) -> None:
    path = tmp_path / "novel.txt"
    path.write_text(NOVEL, encoding="utf-8")
    doc = load_document(path)
    session = ReadingSession(doc, Context(Settings()).for_document(doc))
    session.load_language()
    sentence = next(u.text for b in session.blocks for u in b.sentences if "细说" in u.text)
    tokens = session.tokens_for(sentence)
    assert tokens is not None
    index = [t.text for t in tokens].index("袭")
    gloss_before = session.english_for("x", sentence).text
    assert session.join_next(sentence, index) == "袭人"
    after = session.tokens_for(sentence)
    assert after is not None and "袭人" in [t.text for t in after]
    assert session.english_for("x", sentence).text != gloss_before  # the gloss is redone
    # The split the popup offers: the dictionary words in it, never the word itself,
    # else its characters (for you to edit: 贾政扶 → 贾政 扶).
    assert session.split_suggestion("高质量发展") == ("高质量", "发展")
    assert session.split_suggestion("但书") == ("但", "书")
    assert session.split_suggestion("贾政扶") == ("贾", "政", "扶")
    session.split_word("袭人", ("袭", "人"))
    again = session.tokens_for(sentence)
    assert again is not None and "袭人" not in [t.text for t in again]


def test_terms_come_out_whole(annotator: Annotator) -> None:
    """Built-in terms that jieba's rare entries (广大党员, 干部群众: 3 each) or a word and a
    stray character (全省|域) used to hide."""
    cases = {
        "全会号召，全省广大党员干部群众更加紧密地团结": "党员干部",
        "现代化基本单元，全省域推进城镇未来社区建设": "省域",
        "充分发挥党组织的领导核心作用": "领导核心",
        "完善收入分配制度": "收入分配",
        "领导干部带头上党课": "领导干部",
    }
    for sentence, term in cases.items():
        assert annotator.glossary.get(term) is not None
        assert term in _words(annotator, sentence), sentence
    # …but never across two common words, nor by stealing from the word before.
    assert "民生" not in _words(annotator, "人民生活水平不断提高")
    assert _words(annotator, "，创新发展理念，")[1] == "创新"


def test_long_user_terms_come_out_whole(tmp_path: Path) -> None:
    glossary = Glossary(tmp_path / "g.tsv")
    for term in ("广大党员干部群众", "全省域", "党的领导核心"):
        glossary.add(term, f"english for {term}")
    annotator = Annotator(glossary=glossary, segmenter=Segmenter(tmp_path / "s.tsv"))
    assert "广大党员干部群众" in _words(annotator, "全会号召，全省广大党员干部群众更加紧密地团结")
    assert "全省域" in _words(annotator, "现代化基本单元，全省域推进城镇未来社区建设")
    assert "党的领导核心" in _words(annotator, "发挥党的领导核心作用")


def test_a_term_matches_whole_words_only(annotator: Annotator) -> None:
    glossary = annotator.glossary
    assert glossary.get("民生") is not None
    plain = term_matcher(glossary)
    words = term_matcher(glossary, annotator)
    sentence = "人民生活水平不断提高"  # 人民|生活: 民生 is not a word of it
    assert [u.zh for u in plain.find(sentence)] == ["民生"]  # what text matching did
    assert words.find(sentence) == []
    assert [u.zh for u in words.find("切实改善民生，增进民生福祉")] == ["民生", "民生福祉"]
    use = words.find("切实改善民生")[0]
    assert "切实改善民生"[use.start : use.end] == "民生"


def test_the_matcher_follows_the_cut_it_is_given() -> None:
    terms = [("民生", "wellbeing"), ("民生福祉", "people's wellbeing")]
    across = TermMatcher(terms, lambda s: ["人民", "生活"])
    assert across.find("人民生活") == []
    # Runs of whole words spell a term, the longest first.
    runs = TermMatcher(terms, lambda s: ["增进", "民", "生", "福祉"])
    assert [(u.zh, u.start, u.end) for u in runs.find("增进民生福祉")] == [("民生福祉", 2, 6)]
