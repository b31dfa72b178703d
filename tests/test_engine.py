from __future__ import annotations

from pathlib import Path

import pytest

from reader.translate.base import REPETITION
from reader.translate.engine import (
    LENGTH_EXTRA,
    LENGTH_RATIO,
    MAX_BATCH,
    ArgosTranslator,
    DecodeOptions,
    find_loop,
)
from reader.translate.packages import install

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
        pieces = translator._tokenizer.encode(output.en)
        source = translator._tokenizer.encode(sentence)
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
    raw = translator._decode([translator._tokenizer.encode("你好。")], FAST)[0]
    assert find_loop(raw) is not None  # the model really loops
    before = translator.calls
    (output,) = translator.translate(["你好。"])
    pieces = translator._tokenizer.encode(output.en)
    assert find_loop(pieces) is None or output.flag == REPETITION
    assert output.en.count("people") < 3
    assert translator.calls - before == 2  # the first pass and one retry
