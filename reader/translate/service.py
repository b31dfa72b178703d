"""Choosing a translator and running a document through it: what the CLI, UI and exports call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from threading import Event

from reader.document.model import Document, Section
from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.settings import Settings
from reader.translate.base import Translation, Translator
from reader.translate.cache import TranslationCache
from reader.translate.engine import ArgosTranslator, DecodeOptions
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import installed
from reader.translate.pipeline import Pipeline
from reader.translate.terms import TermMatcher

NO_MODEL = (
    "no zh→en translation model is installed: run 'reader models install zh en' to download "
    "one (about 100 MB), or download a .argosmodel file elsewhere and run "
    "'reader models install FILE'"
)


def decode_options(settings: Settings, beam: int | None = None) -> DecodeOptions:
    return DecodeOptions(
        beam_size=beam or settings.beam_size,
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )


def make_translator(
    choice: str | None, annotator: Annotator, settings: Settings, *, beam: int | None = None
) -> Translator:
    """``argos``, ``gloss``, or None: the installed model if there is one, else the gloss."""
    if choice not in (None, "argos", "gloss"):
        raise ReaderError(f"unknown translator {choice!r}: choose argos or gloss")
    if choice == "gloss":
        return GlossTranslator(annotator)
    models = installed()
    if not models:
        if choice == "argos":
            raise ReaderError(NO_MODEL)
        return GlossTranslator(annotator)
    return ArgosTranslator(models[0], decode_options(settings, beam))


def term_matcher(glossary: Glossary) -> TermMatcher:
    return TermMatcher((t.source, t.target) for t in glossary.terms())


def make_pipeline(
    translator: Translator, glossary: Glossary, cache: TranslationCache | None = None
) -> Pipeline:
    return Pipeline(translator, cache or TranslationCache(), term_matcher(glossary))


TITLE_ID = "title"


def translation_units(doc: Document, *, title: bool = True) -> Iterator[tuple[str, str]]:
    """``(id, text)`` in reading order: the title, then each heading and its sentences.

    A heading's id is its section's (``s3``), the title's is ``title``.
    """
    if title:
        yield TITLE_ID, doc.title
    yield from section_units(doc.walk())


def section_units(sections: Iterable[Section]) -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each section's heading and sentences, in order."""
    for section in sections:
        if section.title:
            yield section.id, section.title
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                yield sentence.id, sentence.text


def translate_document(
    doc: Document, pipeline: Pipeline, cancel: Event | None = None, *, title: bool = True
) -> Iterator[Translation]:
    """Title, headings and sentences of ``doc`` in reading order, streamed as batches finish."""
    return pipeline.run(translation_units(doc, title=title), cancel)
