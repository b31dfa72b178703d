from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.segment import Segmenter, read_splits
from tests.conftest import PARTY_BUILDING, RESOLUTION

WHOLE = ["共同富裕", "八八战略", "重要窗口", "山海协作", "千村示范、万村整治"]


@pytest.mark.parametrize("term", WHOLE)
def test_glossary_terms_come_out_whole(annotator: Annotator, term: str) -> None:
    text = RESOLUTION.read_text(encoding="utf-8") + PARTY_BUILDING.read_text(encoding="utf-8")
    sentences = [s for s in text.replace("\n", "。").split("。") if term in s]
    assert sentences
    whole = 0
    for sentence in sentences:
        tokens = [t.text for t in annotator.annotate(sentence)]
        assert "".join(tokens) == sentence
        # Inside a longer glossary term (共同富裕示范区) the term is not a token of its own.
        longer = any(term in t and t != term for t in tokens)
        whole += term in tokens
        assert term in tokens or longer
    assert whole


def test_tokens_give_back_the_text(annotator: Annotator) -> None:
    text = PARTY_BUILDING.read_text(encoding="utf-8")
    assert "".join(annotator.segmenter.cut(text)) == text


def test_private_tokenizer_leaves_jieba_alone(annotator: Annotator) -> None:
    annotator.annotate("共同富裕")
    assert "八八战略" not in jieba.dt.FREQ


def test_jieba_cache_lives_in_the_cache_dir(annotator: Annotator) -> None:
    import os

    assert (Path(os.environ["READER_CACHE_DIR"]) / "jieba.cache").exists()


def test_forced_split_is_saved_and_applied(tmp_path: Path) -> None:
    splits = tmp_path / "splits.tsv"
    segmenter = Segmenter(splits_path=splits)
    assert "高质量" in segmenter.cut("推动高质量发展")
    segmenter.split("高质量", ("高", "质量"))
    assert segmenter.cut("推动高质量发展") == ["推动", "高", "质量", "发展"]
    assert read_splits(splits) == {"高质量": ("高", "质量")}
    # A new process (a new Segmenter) reads the split back.
    assert Segmenter(splits_path=splits).cut("高质量") == ["高", "质量"]
    assert segmenter.unsplit("高质量")
    assert "高质量" in segmenter.cut("推动高质量发展")
    assert read_splits(splits) == {}


def test_split_parts_must_spell_the_word(tmp_path: Path) -> None:
    segmenter = Segmenter(splits_path=tmp_path / "s.tsv")
    with pytest.raises(ReaderError, match="do not spell"):
        segmenter.split("高质量", ("高", "质"))


def test_user_glossary_edit_reaches_segmentation(tmp_path: Path) -> None:
    from reader.language.glossary import Glossary

    glossary = Glossary(tmp_path / "g.tsv")
    ann = Annotator(glossary=glossary, segmenter=Segmenter(splits_path=tmp_path / "s.tsv"))
    assert "未来乡村" not in [t.text for t in ann.annotate("建设未来乡村")]
    glossary.add("未来乡村", "future village (Zhejiang pilot)")
    tokens = ann.annotate("建设未来乡村")
    term = next(t for t in tokens if t.text == "未来乡村")
    assert term.source == "user"
    assert term.definitions == ("future village (Zhejiang pilot)",)
