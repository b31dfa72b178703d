from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from reader.document import load_document
from reader.document.units import reading_order
from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.settings import Settings
from reader.translate.base import FAILED, SPLIT, Output, TranslatorInfo, TranslatorUnavailable
from reader.translate.cache import TranslationCache
from reader.translate.engine import ArgosTranslator, DecodeOptions
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import install
from reader.translate.pipeline import BATCH_SIZE, Failure, Pipeline
from reader.translate.split import split_text, split_to_fit
from reader.translate.terms import TermMatcher
from reader.translate.translators import NO_MODEL, decode_options, make_translator, term_matcher
from tests.conftest import PARTY_BUILDING, RESOLUTION
from tests.model_factory import ZH, build_package

FAST = DecodeOptions(intra_threads=1, inter_threads=1)


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    return Glossary(tmp_path / "user-glossary.tsv")


def _pipeline(
    model: Path, glossary: Glossary, cache: TranslationCache, batch_size: int = BATCH_SIZE
) -> tuple[Pipeline, ArgosTranslator]:
    translator = ArgosTranslator(install(model), FAST)
    return Pipeline(translator, cache, term_matcher(glossary), batch_size=batch_size), translator


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


# -- issue 10: nothing one sentence does stops the document --------------------------------

#: The factory's sentences without their punctuation: 600 characters with no boundary.
_PLAIN = "".join(ch for s in ZH for ch in s if ch not in "，。Q") * 4
NO_PUNCTUATION = _PLAIN[:600]
WITH_COMMAS = "，".join(NO_PUNCTUATION[i : i + 23] for i in range(0, 600, 23)) + "。"
COMMON = TermMatcher([("共同富裕", "common prosperity")])


@pytest.fixture(scope="module")
def short_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy model with a 256-position table, as in the issue."""
    folder = tmp_path_factory.mktemp("short")
    return build_package(folder / "short.argosmodel", "copy", max_pos=256, version="0.0.3")


class _Recording:
    """Wraps a translator to keep every input it was sent."""

    def __init__(self, inner: ArgosTranslator) -> None:
        self.inner = inner
        self.inputs: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        self.inputs += sentences
        return self.inner.translate(sentences)


def _short_pipeline(model: Path, matcher: TermMatcher) -> tuple[Pipeline, ArgosTranslator]:
    translator = ArgosTranslator(install(model), FAST)
    return Pipeline(translator, None, matcher), translator


def _expected(sentence: str) -> str:
    """What the copy model gives: the sentence, the term in its glossary English."""
    return sentence.replace("共同富裕", "commonprosperity")


def test_a_sentence_without_punctuation_past_the_position_table_is_cut_by_length(
    short_model: Path,
) -> None:
    assert len(NO_PUNCTUATION) == 600
    pipeline, translator = _short_pipeline(short_model, COMMON)
    assert translator.limits().source_positions == 256
    assert translator.count_pieces(NO_PUNCTUATION) > 256  # whole, it would fail its batch
    recording = _Recording(translator)
    pipeline.translator = recording  # type: ignore[assignment]
    (result,) = pipeline.run([("x", NO_PUNCTUATION)])
    assert result.flag == SPLIT and result.translator.name == "argos"
    assert result.en.replace(" ", "") == _expected(NO_PUNCTUATION)  # nothing lost
    assert len(recording.inputs) > 1
    limit = translator.max_source_pieces()
    assert all(translator.count_pieces(part) <= limit for part in recording.inputs)
    # Terms reach the model whole, as placeholders, never cut.
    assert result.en.count("common prosperity") == NO_PUNCTUATION.count("共同富裕")
    assert all(check.ok for check in result.terms)
    assert pipeline.failures == []


def test_a_long_sentence_with_commas_is_cut_at_the_commas(short_model: Path) -> None:
    pipeline, translator = _short_pipeline(short_model, TermMatcher(()))
    recording = _Recording(translator)
    pipeline.translator = recording  # type: ignore[assignment]
    (result,) = pipeline.run([("x", WITH_COMMAS)])
    assert result.flag == SPLIT
    assert result.en.replace(" ", "") == WITH_COMMAS
    assert len(recording.inputs) > 1
    assert all(part.endswith("，") for part in recording.inputs[:-1])
    assert "".join(recording.inputs) == WITH_COMMAS


def test_a_split_sentence_is_cached_whole_with_its_flag(short_model: Path, tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "c.sqlite")
    translator = ArgosTranslator(install(short_model), FAST)
    first = next(Pipeline(translator, cache, COMMON).run([("x", WITH_COMMAS)]))
    again_translator = ArgosTranslator(install(short_model), FAST)
    again = next(Pipeline(again_translator, cache, COMMON).run([("x", WITH_COMMAS)]))
    assert again.cached and again_translator.calls == 0
    assert (again.en, again.flag) == (first.en, SPLIT)


class _FailsOn:
    """A real CTranslate2 translator that raises, as the issue's did, on one input."""

    def __init__(self, inner: object, piece: str) -> None:
        self.inner = inner
        self.piece = piece

    def translate_batch(self, batch: list[list[str]], **options: object) -> object:
        if any(self.piece in tokens for tokens in batch):
            raise RuntimeError(
                "No position encodings are defined for positions >= 256, but got position 305"
            )
        return self.inner.translate_batch(batch, **options)  # type: ignore[attr-defined]


def test_a_sentence_the_model_fails_on_gets_a_labelled_gloss_and_the_rest_translates(
    model_files: dict[str, Path], glossary: Glossary, tmp_path: Path, annotator: Annotator
) -> None:
    translator = ArgosTranslator(install(model_files["copy"]), FAST)
    translator.load()
    (bad_piece,) = [p for p in translator.tokenizer().encode("鲁迅") if "鲁" in p]
    translator._translator = _FailsOn(translator._translator, bad_piece)
    gloss = GlossTranslator(annotator)
    cache = TranslationCache(tmp_path / "c.sqlite")
    pipeline = Pipeline(translator, cache, term_matcher(glossary), batch_size=4, fallback=gloss)
    sentences = [(f"s{i}", s) for i, s in enumerate(ZH)]
    results = list(pipeline.run(sentences))
    assert [r.id for r in results] == [sid for sid, _ in sentences]
    (failed,) = [r for r in results if r.flag == FAILED]
    assert failed.zh == "阿Q正传是鲁迅的小说。"
    assert failed.translator.name == "gloss" and "Lu Xun" in failed.en
    assert failed.reason is not None and "No position encodings" in failed.reason
    assert "\n" not in failed.reason
    assert pipeline.failures == [Failure(failed.id, failed.zh, failed.reason)]
    assert pipeline.translated == len(ZH) - 1
    others = [r for r in results if r is not failed]
    assert all(r.translator.name == "argos" and r.flag is None for r in others)
    # The failure was not cached: a working model translates it next time.
    healthy = ArgosTranslator(install(model_files["copy"]), FAST)
    again = list(Pipeline(healthy, cache, term_matcher(glossary), fallback=gloss).run(sentences))
    assert [r.cached for r in again] == [r is not failed for r in results]
    assert again[results.index(failed)].translator.name == "argos"


class _Broken:
    """A translator whose model never loads."""

    info = TranslatorInfo("argos", "broken", "1")
    protects_terms = True

    def __init__(self) -> None:
        self.calls = 0

    def options_key(self) -> str:
        return ""

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        self.calls += 1
        raise TranslatorUnavailable(
            "cannot load the model broken: Unsupported model binary version"
        )


def test_a_model_that_cannot_load_is_tried_once_and_every_sentence_is_labelled(
    annotator: Annotator,
) -> None:
    broken = _Broken()
    pipeline = Pipeline(broken, None, batch_size=2, fallback=GlossTranslator(annotator))
    results = list(pipeline.run([(f"s{i}", s) for i, s in enumerate(ZH[:5])]))
    assert len(results) == 5 and broken.calls == 1
    assert all(r.flag == FAILED and r.translator.name == "gloss" and r.en for r in results)
    assert {f.reason for f in pipeline.failures} == {
        "cannot load the model broken: Unsupported model binary version"
    }
    assert pipeline.translated == 0
    # Without a fallback the English is empty, still labelled.
    bare = list(Pipeline(_Broken(), None).run([("a", "你好。")]))
    assert [(r.en, r.flag) for r in bare] == [("", FAILED)]


@pytest.mark.parametrize("beam", [0, -3, 17])
def test_an_impossible_beam_is_one_line_naming_the_option(
    beam: int, make_annotator: Callable[..., Annotator]
) -> None:
    with pytest.raises(ReaderError) as info:
        make_translator(None, make_annotator(), Settings(), beam=beam)
    assert str(info.value) == f"--beam must be 1 to 16, got {beam}"
    with pytest.raises(ReaderError, match="--beam"):
        decode_options(Settings(), beam)
    assert decode_options(Settings(), 16).beam_size == 16


class _Counting:
    """A length-limited fake: one piece per character, English ``<n chars>.`` per input."""

    info = TranslatorInfo("argos", "fake", "1")
    protects_terms = True

    def options_key(self) -> str:
        return ""

    def max_source_pieces(self) -> int:
        return 12

    def count_pieces(self, text: str) -> int:
        return len(text.strip())

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        return [Output(f"{len(s.strip())} chars.") for s in sentences]


def test_parts_are_cut_at_the_strongest_boundary_and_keep_their_clause_marks() -> None:
    sentence = "全会指出共同富裕很重要，我们要坚持；浙江省委推动高质量发展、建设示范区。"
    assert split_text(sentence, len, 12) == [
        "全会指出共同富裕很重要，",
        "我们要坚持；",
        "浙江省委推动高质量发展、",
        "建设示范区。",
    ]
    (result,) = Pipeline(_Counting(), None).run([("x", sentence)])
    assert result.en == "12 chars, 6 chars; 12 chars, 6 chars."
    assert result.flag == SPLIT


def test_a_cut_by_length_never_falls_inside_a_term() -> None:
    sentence = "这是一个很长的句子" + "社会主义现代化国家" + "没有任何标点符号可以切开它"
    matcher = TermMatcher([("社会主义现代化国家", "modern socialist country")])
    translator = _Recording(_Counting())  # type: ignore[arg-type]
    (result,) = Pipeline(translator, None, matcher).run([("x", sentence)])  # type: ignore[arg-type]
    assert result.flag == SPLIT and all(c.ok for c in result.terms)
    assert "modern socialist country" in result.en
    assert sum("ZT1Z" in part for part in translator.inputs) == 1
    spans = split_to_fit(sentence, lambda s, e: e - s, 6, [(9, 18)])
    assert (9, 18) in spans  # the term alone is longer than the limit: kept whole
    assert "".join(sentence[s:e] for s, e in spans) == sentence
