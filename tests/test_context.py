"""The composition root: each part built once, shared across documents, settings honoured."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reader.context import Context
from reader.language.annotate import Annotator
from reader.settings import Settings
from reader.translate.engine import ArgosTranslator
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import install


def test_parts_are_built_once_and_follow_the_settings(annotator: Annotator) -> None:
    settings = Settings(hsk_standard="2.0", tone_sandhi=True, tone_numbers=True)
    context = Context(settings)
    assert context.annotator is context.annotator
    assert context.annotator.glossary is context.glossary
    assert context.annotator.hsk.standard == "2.0" and context.annotator.sandhi
    assert context.style.tone_numbers and not Context(Settings()).style.tone_numbers
    assert context.cache is context.cache
    # No model installed: the gloss, made once, over this context's annotator.
    gloss = context.translator()
    assert isinstance(gloss, GlossTranslator) and context.translator("gloss") is gloss


def test_create_overrides_the_user_settings(user_dirs: Path) -> None:
    (user_dirs / "config").mkdir(parents=True)
    (user_dirs / "config" / "settings.toml").write_text('hsk_standard = "2025"\n')
    context = Context.create(tone_numbers=True, tone_sandhi=None)
    assert context.settings == Settings(hsk_standard="2025", tone_numbers=True)


def test_another_document_shares_what_is_expensive(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    for path in (first, second):
        path.write_text("共同富裕。\n", encoding="utf-8")
    (tmp_path / "b.glossary.tsv").write_text("共同富裕\tour own rendering\n", encoding="utf-8")
    context = Context(Settings(), document=first)
    other = context.for_document(second)
    assert other.annotator is not context.annotator
    assert other.annotator.dictionary is context.annotator.dictionary
    assert other.annotator.segmenter is context.annotator.segmenter
    assert other.cache is context.cache
    # Each document's own glossary is layered over the user's.
    assert context.glossary.get("共同富裕").target == "common prosperity"  # type: ignore[union-attr]
    assert other.glossary.get("共同富裕").target == "our own rendering"  # type: ignore[union-attr]


def test_a_model_is_loaded_once_for_every_document(model_files: dict[str, Path]) -> None:
    install(model_files["copy"])
    context = Context(Settings())
    model = context.translator()
    assert isinstance(model, ArgosTranslator)
    assert context.for_document(None).translator() is model
    assert context.translator("gloss") is not model
    assert context.translator(beam=4) is not model
    assert context.translator(beam=4).options.beam_size == 4  # type: ignore[attr-defined]


def test_the_term_matcher_follows_glossary_edits(user_dirs: Path) -> None:
    context = Context(Settings())
    matcher = context.term_matcher()
    assert context.term_matcher() is matcher
    assert not matcher.find("读书会很好")
    context.glossary.add("读书会", "reading club")
    assert context.term_matcher() is not matcher
    assert [u.en for u in context.term_matcher().find("读书会很好")] == ["reading club"]
    assert [u.en for u in context.pipeline().matcher.find("读书会很好")] == ["reading club"]


def test_a_given_translator_is_used_whatever_is_asked(annotator: Annotator) -> None:
    fixed = GlossTranslator(annotator)
    context = Context(Settings(), annotator=annotator, translator=fixed, cached=False)
    assert context.translator("argos") is fixed
    pipeline = context.pipeline()
    assert pipeline.translator is fixed and pipeline.cache is None
    assert context.glossary is annotator.glossary


def test_impossible_settings_are_one_line(user_dirs: Path) -> None:
    from reader.errors import ReaderError

    with pytest.raises(ReaderError, match="unknown HSK standard"):
        Context(dataclasses.replace(Settings(), hsk_standard="9")).annotator  # noqa: B018
