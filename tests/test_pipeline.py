from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.document import load_document
from reader.document.units import reading_order
from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.settings import Settings
from reader.translate.cache import TranslationCache
from reader.translate.engine import ArgosTranslator, DecodeOptions
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import install
from reader.translate.pipeline import Pipeline
from reader.translate.translators import NO_MODEL, make_translator, term_matcher
from tests.conftest import PARTY_BUILDING, RESOLUTION

FAST = DecodeOptions(intra_threads=1, inter_threads=1)


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    return Glossary(tmp_path / "user-glossary.tsv")


def _pipeline(
    model: Path, glossary: Glossary, cache: TranslationCache, **kw: int
) -> tuple[Pipeline, ArgosTranslator]:
    translator = ArgosTranslator(install(model), FAST)
    return Pipeline(translator, cache, term_matcher(glossary), **kw), translator


def test_reopening_a_document_makes_no_model_calls(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    doc = load_document(RESOLUTION)
    cache = TranslationCache(tmp_path / "cache.sqlite")
    pipeline, translator = _pipeline(model_files["copy"], glossary, cache)
    first = list(pipeline.run(reading_order(doc).units()))
    assert translator.calls > 0
    assert not any(t.cached for t in first if t.id != "title" and t.en != t.zh)
    # A new process: a new translator and a new cache connection.
    again, translator2 = _pipeline(
        model_files["copy"], glossary, TranslationCache(tmp_path / "cache.sqlite")
    )
    second = list(again.run(reading_order(doc).units()))
    assert translator2.calls == 0
    assert all(t.cached for t in second)
    assert [(t.id, t.en) for t in second] == [(t.id, t.en) for t in first]


def test_results_follow_document_order(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    doc = load_document(PARTY_BUILDING)
    pipeline, _ = _pipeline(
        model_files["copy"], glossary, TranslationCache(tmp_path / "c.sqlite"), batch_size=8
    )
    ids = [t.id for t in pipeline.run(reading_order(doc).units())]
    assert ids == [unit_id for unit_id, _ in reading_order(doc).units()]
    assert ids[0] == "title" and "s1" in ids and "s2.p1.t1" in ids


def test_cancel_stops_before_the_next_batch(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    doc = load_document(PARTY_BUILDING)
    pipeline, translator = _pipeline(
        model_files["copy"], glossary, TranslationCache(tmp_path / "c.sqlite"), batch_size=4
    )
    cancel = threading.Event()
    seen = []
    for translation in pipeline.run(reading_order(doc).units(), cancel):
        seen.append(translation.id)
        if len(seen) == 3:
            cancel.set()
    assert 3 <= len(seen) < len(list(reading_order(doc).units()))
    assert translator.calls == 1


def test_terms_survive_through_placeholders(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    # The copy model copies placeholders, so the term goes in whole.
    pipeline, translator = _pipeline(
        model_files["copy"], glossary, TranslationCache(tmp_path / "c.sqlite")
    )
    (result,) = pipeline.run([("x", "全会指出，共同富裕是社会主义的本质要求。")])
    assert "common prosperity" in result.en
    assert "共同富裕" not in result.en
    assert all(check.ok for check in result.terms)
    assert {c.zh for c in result.terms} >= {"共同富裕", "全会"}
    assert translator.calls == 1  # no second pass was needed


def test_terms_are_spliced_when_placeholders_are_lost(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    # The random model drops placeholders: the spans are translated and the term spliced in.
    pipeline, _translator = _pipeline(
        model_files["random"], glossary, TranslationCache(tmp_path / "c.sqlite")
    )
    (result,) = pipeline.run([("x", "全会指出，共同富裕是社会主义的本质要求。")])
    assert "common prosperity" in result.en and "plenary session" in result.en
    assert "ZT" not in result.en
    assert all(check.ok for check in result.terms)


def test_a_glossary_edit_is_not_answered_from_the_cache(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path
) -> None:
    cache = TranslationCache(tmp_path / "c.sqlite")
    sentence = [("x", "共同富裕是社会主义的本质要求。")]
    pipeline, _ = _pipeline(model_files["copy"], glossary, cache)
    assert "common prosperity" in next(pipeline.run(sentence)).en
    glossary.add("共同富裕", "shared prosperity")
    pipeline, translator = _pipeline(model_files["copy"], glossary, cache)
    result = next(pipeline.run(sentence))
    assert "shared prosperity" in result.en and not result.cached
    assert translator.calls == 1


def test_gloss_is_the_fallback_and_says_so(
    glossary: Glossary, tmp_path: Path, make_annotator: Callable[..., Annotator]
) -> None:
    annotator = make_annotator(glossary=glossary)
    translator = make_translator(None, annotator, Settings())
    assert isinstance(translator, GlossTranslator)
    assert translator.info.name == "gloss" and translator.info.model is None
    pipeline = Pipeline(translator, TranslationCache(tmp_path / "c.sqlite"), term_matcher(glossary))
    (result,) = pipeline.run([("x", "共同富裕很重要。")])
    assert result.en.startswith("common prosperity")
    assert result.translator.name == "gloss"
    assert all(c.ok for c in result.terms)
    with pytest.raises(ReaderError) as info:
        make_translator("argos", annotator, Settings())
    assert str(info.value) == NO_MODEL
    assert "reader models install" in NO_MODEL


def test_installed_model_is_preferred(
    model_files: dict[str, Path], glossary: Glossary, make_annotator: Callable[..., Annotator]
) -> None:
    install(model_files["random"])
    translator = make_translator(None, make_annotator(glossary=glossary), Settings(beam_size=3))
    assert isinstance(translator, ArgosTranslator)
    assert translator.options.beam_size == 3


def test_untranslatable_units_pass_through(
    glossary: Glossary, tmp_path: Path, make_annotator: Callable[..., Annotator]
) -> None:
    translator = GlossTranslator(make_annotator(glossary=glossary))
    pipeline = Pipeline(translator, TranslationCache(tmp_path / "c.sqlite"))
    results = list(pipeline.run([("a", "……"), ("b", "2021"), ("c", "Hello world.")]))
    assert [r.en for r in results] == ["……", "2021", "Hello world."]
