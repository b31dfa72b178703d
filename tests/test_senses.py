"""The gloss takes the sense its context asks for, and a term's English whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.language.senses import context_sense
from reader.translate.gloss import GlossTranslator
from reader.translate.pipeline import Pipeline
from reader.translate.translators import term_matcher


def test_day_and_month_in_a_date(annotator: Annotator) -> None:
    gloss = GlossTranslator(annotator).gloss("2021年6月11日中国共产党浙江省委员会通过")
    assert "6 month 11 day" in gloss
    assert "moon" not in gloss and "sun" not in gloss
    spaced = GlossTranslator(annotator).gloss("2021 年 6 月 11 日")
    assert "6 month 11 day" in spaced


def test_after_a_noun_is_after(annotator: Annotator) -> None:
    for sentence in ("改革开放后，人民生活水平提高。", "解决了绝对贫困问题后，我们继续前进。"):
        gloss = GlossTranslator(annotator).gloss(sentence)
        assert "after" in gloss and "empress" not in gloss, gloss


def test_without_the_context_the_first_sense_stays(annotator: Annotator) -> None:
    tokens = annotator.annotate("日，月。")
    assert [t.text for t in tokens] == ["日", "，", "月", "。"]
    # No number before them: not a date, and the first sense stays.
    assert context_sense(tokens, 0) is None and context_sense(tokens, 2) is None
    assert "sun" in GlossTranslator(annotator).gloss("日，月。")


def test_a_glossary_term_is_never_overridden(
    tmp_path: Path, make_annotator: Callable[..., Annotator]
) -> None:
    glossary = Glossary(tmp_path / "g.tsv")
    glossary.add("后", "queen")
    tokens = make_annotator(glossary=glossary).annotate("皇帝和后。")
    index = next(i for i, t in enumerate(tokens) if t.text == "后")
    assert tokens[index].source == "user"
    assert context_sense(tokens, index) is None


def test_a_terms_english_is_never_cut_at_a_comma(annotator: Annotator) -> None:
    sentence = "干在实处、走在前列、勇立潮头"
    term = annotator.glossary.get(sentence)
    assert term is not None and ", " in term.target
    gloss = GlossTranslator(annotator)
    assert gloss.gloss(sentence) == term.target
    # …so the term check of the gloss finds it, instead of reporting it missing.
    pipeline = Pipeline(gloss, None, term_matcher(annotator.glossary))
    [translation] = list(pipeline.run([("s1", f"我们要{sentence}。")]))
    assert translation.terms and all(check.ok for check in translation.terms)
