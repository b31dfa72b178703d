from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.translate.base import REPETITION, TranslatorUnavailable
from reader.translate.engine import (
    EOS,
    LENGTH_EXTRA,
    LENGTH_RATIO,
    MAX_BATCH,
    MAX_SOURCE_PIECES,
    POSITION_MARGIN,
    ArgosTranslator,
    DecodeOptions,
    detokenize,
    find_loop,
)
from reader.translate.packages import ModelLimits, install
from tests.model_factory import build_package

FAST = DecodeOptions(intra_threads=1, inter_threads=1)
SENTENCES = ["全会指出，共同富裕是社会主义的本质要求。", "八八战略是浙江发展的总纲领。", "你好。"]


def _translator(
    model_files: dict[str, Path], kind: str, options: DecodeOptions = FAST
) -> ArgosTranslator:
    return ArgosTranslator(install(model_files[kind]), options)


@pytest.mark.parametrize(
    ("tokens", "cut"),
    [
        (["a", "b", "c", "c", "c", "c"], 3),
        (["x", "y", "z", "y", "z", "y", "z"], 3),
        (["the", "people", "the", "people"], None),
        (["a", "b", "c", "d"], None),
        ([], None),
        (["of", "the", "state", "of", "the", "state", "of", "the", "state"], 3),
    ],
)
def test_find_loop(tokens: list[str], cut: int | None) -> None:
    assert find_loop(tokens) == cut


def test_copy_model_round_trips(model_files: dict[str, Path]) -> None:
    translator = _translator(model_files, "copy")
    outputs = translator.translate(SENTENCES)
    assert [o.en for o in outputs] == SENTENCES
    assert all(o.flag is None for o in outputs)
    assert translator.info.name == "argos"
    assert translator.info.model == "translate-zh_en-0_0_2"


def test_random_model_is_deterministic_and_bounded(model_files: dict[str, Path]) -> None:
    first = _translator(model_files, "random").translate(SENTENCES)
    second = _translator(model_files, "random", DecodeOptions(intra_threads=1)).translate(SENTENCES)
    assert [o.en for o in first] == [o.en for o in second]
    assert all(o.en for o in first)
    translator = _translator(model_files, "random")
    tokenizer_len = [len(translator.translate([s])[0].en) for s in SENTENCES]
    assert all(n > 0 for n in tokenizer_len)
    # No output is longer than the bound allows (in pieces).
    translator.load()
    for sentence, output in zip(SENTENCES, first, strict=True):
        pieces = translator.tokenizer().encode(output.en)
        source = translator.tokenizer().encode(sentence)
        assert len(pieces) <= int(len(source) * LENGTH_RATIO) + LENGTH_EXTRA + 5


def test_batches(model_files: dict[str, Path]) -> None:
    translator = _translator(model_files, "copy")
    sentences = [f"第{i}句话很重要。" for i in range(MAX_BATCH + 8)]
    outputs = translator.translate(sentences)
    assert [o.en for o in outputs] == sentences  # order kept through length sorting
    assert translator.calls == 2


def test_a_looping_output_is_retried_and_never_shown_looping(model_files: dict[str, Path]) -> None:
    translator = _translator(model_files, "loop")
    translator.load()
    raw = translator._decode([translator.tokenizer().encode("你好。")], FAST)[0]
    assert find_loop(raw) is not None  # the model really loops
    before = translator.calls
    (output,) = translator.translate(["你好。"])
    pieces = translator.tokenizer().encode(output.en)
    assert find_loop(pieces) is None or output.flag == REPETITION
    assert output.en.count("people") < 3
    assert translator.calls - before == 2  # the first pass and one retry


# -- the package's real limits and shapes (issue 10) ------------------------------------------


class _Spy:
    """Keeps what CTranslate2's ``translate_batch`` was given."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.batches: list[list[list[str]]] = []
        self.options: list[dict[str, object]] = []

    def translate_batch(self, batch: list[list[str]], **options: object) -> object:
        self.batches.append(batch)
        self.options.append(options)
        return self.inner.translate_batch(batch, **options)  # type: ignore[attr-defined]


def _spied(translator: ArgosTranslator) -> _Spy:
    translator.load()
    spy = _Spy(translator._translator)
    translator._translator = spy
    return spy


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shapes")
    return {
        "256": build_package(folder / "p256.argosmodel", "copy", max_pos=256),
        "64": build_package(folder / "p64.argosmodel", "random", max_pos=64),
        "prefix": build_package(
            folder / "prefix.argosmodel", "random", target_prefix="__en__", extra_pieces=["__en__"]
        ),
    }


def test_limits_come_from_the_position_tables(shapes: dict[str, Path]) -> None:
    short = ArgosTranslator(install(shapes["256"]), FAST)
    assert short.limits() == ModelLimits(256, 256)
    assert short.max_source_pieces() == MAX_SOURCE_PIECES  # the quality bound is lower
    tiny = ArgosTranslator(install(shapes["64"]), FAST)
    assert tiny.limits() == ModelLimits(64, 64)
    assert tiny.max_source_pieces() == (64 - POSITION_MARGIN) // 2
    assert tiny._bound(["x"] * 50) == 64 - POSITION_MARGIN  # output within the table too


def test_an_input_past_the_table_fails_loudly_and_is_never_cut_silently(
    shapes: dict[str, Path],
) -> None:
    translator = ArgosTranslator(install(shapes["256"]), FAST)
    spy = _spied(translator)
    (fine,) = translator.translate(["全会指出，共同富裕是社会主义的本质要求。"])
    assert fine.en == "全会指出，共同富裕是社会主义的本质要求。"
    assert spy.options[-1]["max_input_length"] == 0
    with pytest.raises(ReaderError, match="No position encodings are defined"):
        translator.translate(["共同富裕是社会主义的本质要求" * 30])


def test_no_second_end_of_sentence(model_files: dict[str, Path]) -> None:
    # CTranslate2 appends </s> itself (the copy model's config asks for it).
    translator = _translator(model_files, "copy")
    spy = _spied(translator)
    translator.translate(["你好</s>", "八八战略是浙江发展的总纲领。"])
    assert all(tokens[-1] != EOS for batch in spy.batches for tokens in batch)


def test_the_target_prefix_is_one_token_and_not_in_the_english(shapes: dict[str, Path]) -> None:
    model = install(shapes["prefix"])
    assert model.target_prefix == "__en__"
    translator = ArgosTranslator(model, FAST)
    spy = _spied(translator)
    outputs = translator.translate(SENTENCES)
    assert spy.options[0]["target_prefix"] == [["__en__"]] * len(SENTENCES)
    assert all(o.en and "__en__" not in o.en for o in outputs)


@pytest.mark.parametrize(
    ("pieces", "text"),
    [
        (["▁The", "▁snake", "_", "case", "▁file", "_name"], "The snake_case file_name"),
        (["▁a", "▁", "<0xE4>", "<0xB8>", "<0xAD>", "!"], "a 中!"),
        (["▁Hello", "</s>"], "Hello"),
        (["<s>", "▁", "ZT", "1", "Z", "▁is"], "ZT1Z is"),
    ],
)
def test_english_pieces_are_joined_keeping_underscores(pieces: list[str], text: str) -> None:
    assert detokenize(pieces) == text


def test_a_bpe_package_says_it_is_unsupported(model_files: dict[str, Path]) -> None:
    model = install(model_files["copy"])
    (model.path / "sentencepiece.model").rename(model.path / "bpe.model")
    with pytest.raises(TranslatorUnavailable, match="BPE"):
        ArgosTranslator(model, FAST).translate(["你好。"])
