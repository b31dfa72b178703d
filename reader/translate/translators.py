"""The translators a user can choose, and how each is built from settings.

:data:`TRANSLATORS` is the one list the CLI's ``--translator`` choices, the
composition root and the error messages read. ``None`` means "the best one
available": the installed model, else the gloss (never presented as MT).
"""

from __future__ import annotations

from reader.errors import ReaderError
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.settings import Settings, beam_problem
from reader.translate.base import TRANSLATORS, Translator
from reader.translate.engine import ArgosTranslator, DecodeOptions
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import installed
from reader.translate.terms import TermMatcher

NO_MODEL = (
    "no zh→en translation model is installed: run 'reader models install zh en' to download "
    "one (about 100 MB), or download a .argosmodel file elsewhere and run "
    "'reader models install FILE'"
)


def check_beam(beam: int | None) -> None:
    """``--beam``: a one-line error naming the option (CTranslate2 would raise a TypeError
    for a negative beam, and silently accept 0)."""
    if beam is None:
        return
    problem = beam_problem(beam)
    if problem:
        raise ReaderError(f"--beam {problem}")


def decode_options(settings: Settings, beam: int | None = None) -> DecodeOptions:
    """The settings' decoding options; ``beam`` (``--beam``), if given, overrides theirs."""
    check_beam(beam)
    return DecodeOptions(
        beam_size=beam if beam is not None else settings.beam_size,
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
        device=settings.device,
    )


def make_translator(
    choice: str | None, annotator: Annotator, settings: Settings, *, beam: int | None = None
) -> Translator:
    """One of :data:`TRANSLATORS`, or None: the installed model if there is one, else the gloss.

    ``beam`` is checked whichever translator comes out: a wrong option is an
    error even when no model is there to use it.
    """
    check_beam(beam)
    if choice is not None and choice not in TRANSLATORS:
        raise ReaderError(f"unknown translator {choice!r}: choose {' or '.join(TRANSLATORS)}")
    if choice == "gloss":
        return GlossTranslator(annotator)
    models = installed()
    if not models:
        if choice == "argos":
            raise ReaderError(NO_MODEL)
        return GlossTranslator(annotator)
    return ArgosTranslator(models[0], decode_options(settings, beam))


def term_matcher(glossary: Glossary, annotator: Annotator | None = None) -> TermMatcher:
    """The glossary's terms as the pipeline protects them (and keys the cache by).

    With ``annotator`` a term matches whole words only, as the reader shows them.
    """
    if annotator is None:
        return TermMatcher((t.source, t.target) for t in glossary.terms())

    def cut(sentence: str) -> list[str]:
        return [word for word, _ in annotator.words(sentence)]

    return TermMatcher(((t.source, t.target) for t in glossary.terms()), cut)
