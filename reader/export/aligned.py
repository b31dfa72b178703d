"""The aligned document: each section's heading, paragraphs and sentences with their English.

:func:`align` is the building block every export format reads. It translates
the document a few hundred sentences at a time and yields one
:class:`AlignedSection` after another, so a whole novel is never held in
memory more than once (the parsed document) while an export streams to disk.
Paragraph English is its sentences' English joined with a space.

Where the process may fork (``reader export``; not the reader's worker
threads), a book's sentences are annotated on every core, and translated as far
as the translator can do at once (the gloss: all of them), before the sections stream (:func:`reader.language.parallel.annotate_texts`,
:meth:`~reader.translate.pipeline.Pipeline.prepare`): the tokens of every
sentence are then in memory once, as they are when they come from the
annotation cache, and the file written is the same.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from reader.document.model import Document, Paragraph, ParagraphKind
from reader.document.units import TITLE_ID, PlacedSection, Unit, placed_sections, section_units
from reader.english.layer import English, FixedEnglish, Provenance, resolve
from reader.errors import ReaderError
from reader.language.annotate import Annotator, Token
from reader.language.annotation_cache import AnnotationCache
from reader.language.style import TONE_MARKS, PinyinStyle
from reader.translate.base import TranslatorInfo
from reader.translate.pipeline import Failure, Pipeline
from reader.translate.terms import TermCheck

#: Sentences translated per pipeline run: enough for full batches, small
#: enough that only a little of a long book is in memory at once.
CHUNK_SENTENCES = 256

Progress = Callable[[int, int], None]


def _pinyin(tokens: Sequence[Token]) -> str:
    """Every syllable of the tokens, space-separated: token by token, not syllable by
    syllable (a novel's exports write 880,000 tokens' pinyin)."""
    return " ".join([" ".join(t.pinyin) for t in tokens if t.pinyin])


@dataclass(frozen=True, slots=True)
class AlignedSentence:
    id: str
    zh: str
    en: str
    #: The annotator's tokens when the export asked for them (pinyin, terms), else ().
    tokens: tuple[Token, ...] = ()
    terms: tuple[TermCheck, ...] = ()
    flag: str | None = None
    #: Where the English comes from (see :data:`reader.english.layer.PROVENANCE`).
    provenance: Provenance = "mt"
    #: The model, the translation's file, or the memory entry's origin.
    origin: str = ""

    @property
    def pinyin(self) -> str:
        """Space-separated syllables, one per Hanzi ("" without tokens)."""
        return _pinyin(self.tokens)


@dataclass(frozen=True, slots=True)
class AlignedParagraph:
    id: str
    #: The paragraph's source text (its sentences joined).
    zh: str
    sentences: tuple[AlignedSentence, ...]
    kind: ParagraphKind = "body"

    @property
    def en(self) -> str:
        return " ".join(s.en for s in self.sentences if s.en)

    def marked_en(self, mark: Callable[[str, str], str], plain: Callable[[str], str] = str) -> str:
        """The English with ``mark(english, provenance)`` applied to each sentence whose
        English is not the translator's (edited, human, tm), ``plain`` to the others."""
        return " ".join(
            mark(s.en, s.provenance) if s.provenance in FIXED_PROVENANCE else plain(s.en)
            for s in self.sentences
            if s.en
        )

    @property
    def pinyin(self) -> str:
        return " ".join(s.pinyin for s in self.sentences if s.pinyin)


@dataclass(frozen=True, slots=True)
class Heading:
    zh: str
    en: str
    tokens: tuple[Token, ...] = ()
    provenance: Provenance = "mt"

    @property
    def pinyin(self) -> str:
        return _pinyin(self.tokens)


@dataclass(frozen=True, slots=True)
class AlignedSection:
    id: str
    #: 1 for a top-level section, one deeper per nesting level.
    level: int
    title: Heading
    paragraphs: tuple[AlignedParagraph, ...]
    #: Id of the top-level section this one belongs to (its own id at level 1).
    top: str
    #: Id of the enclosing section, None at the top level.
    parent: str | None = None


@dataclass
class AlignedDocument:
    title: Heading
    translator: TranslatorInfo
    path: str | None
    sha256: str
    encoding: str
    #: Sections in document order, flattened (nesting in ``level``/``parent``);
    #: a single-use iterator that translates as it goes.
    sections: Iterator[AlignedSection]
    #: Sections and sentences to come, for progress and tables of contents.
    section_count: int = 0
    sentence_count: int = 0
    #: Every section's (id, level, Chinese title, parent), known before translation.
    outline: tuple[tuple[str, int, str, str | None], ...] = field(default_factory=tuple)
    #: How many units have English no model made, by provenance (edited, human, tm).
    fixed: dict[str, int] = field(default_factory=dict)
    #: Filled while the sections stream: sentences the model failed on (they have the
    #: gloss, flagged ``failed``), and how many the model (or its cache) translated.
    failures: list[Failure] = field(default_factory=list)
    translated: int = 0

    @property
    def is_gloss(self) -> bool:
        return self.translator.name == "gloss"


def translator_note(info: TranslatorInfo, fixed: Mapping[str, int] | None = None) -> str:
    """One line that says what the English is; a gloss is never called a translation.

    ``fixed`` counts the sentences whose English is not the translator's (your
    edits, an aligned human translation, memory hits): they are named too.
    """
    if info.name == "gloss":
        note = (
            "The English is a word-by-word gloss from the dictionary and glossary, "
            "not a translation (no translation model was installed)."
        )
    else:
        note = f"The English is a machine translation ({info.label()}), not reviewed by a person."
    others = [f"{fixed[k]} {_FIXED_NAMES[k]}" for k in _FIXED_NAMES if fixed and fixed.get(k)]
    if others:
        note = note.removesuffix(".") + ", except: " + "; ".join(others) + "."
    return note


def _heading(zh: str, english: English | None, tokens: tuple[Token, ...]) -> Heading:
    if english is None:  # an untitled section: no English, from no translator
        return Heading(zh, "", tokens, "none")
    return Heading(zh, english.text, tokens, english.provenance)


#: English that no model made: exports mark it sentence by sentence.
FIXED_PROVENANCE = frozenset({"edited", "human", "tm"})

_FIXED_NAMES = {
    "edited": "sentences with your own English",
    "human": "sentences from a human translation",
    "tm": "sentences from your translation memory",
}


def _chunks(sections: Sequence[PlacedSection], size: int) -> Iterator[list[PlacedSection]]:
    chunk: list[PlacedSection] = []
    count = 0
    for item in sections:
        chunk.append(item)
        count += 1 + sum(len(p.sentences) for p in item.section.paragraphs)
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def _annotated_texts(doc: Document, placed: Sequence[PlacedSection]) -> Iterator[str]:
    """Every text an export annotates, in the order :func:`align` asks for them."""
    yield doc.title
    for item in placed:
        for paragraph in item.section.paragraphs:
            for s in paragraph.sentences:
                yield s.text
        yield item.section.title


def _annotate_ahead(
    annotator: Annotator, texts: Sequence[str], cancel: threading.Event | None
) -> dict[str, tuple[Token, ...]]:
    """``texts`` annotated on every core, if there are enough and this process may fork;
    else nothing (they are annotated as the sections stream, with the same tokens)."""
    from reader.language.parallel import annotate_texts, worker_count

    if worker_count(sum(len(t) for t in texts)) <= 1:
        return {}
    try:
        return annotate_texts(annotator, texts, cancel=cancel)
    except ReaderError:
        if cancel is not None and cancel.is_set():
            return {}  # the sections then end at once, as when cancelled later
        raise


def align(
    doc: Document,
    pipeline: Pipeline,
    *,
    annotator: Annotator | None = None,
    style: PinyinStyle = TONE_MARKS,
    fixed: FixedEnglish | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    chunk_sentences: int = CHUNK_SENTENCES,
) -> AlignedDocument:
    """The aligned document; sections are translated (and annotated) as they are read.

    With an ``annotator`` every sentence and heading carries its tokens, for
    pinyin and glossary marks, their pinyin written in ``style``. ``fixed``: your
    edits, an aligned translation and memory hits, which the model is not asked
    for. ``cancel`` stops before the next batch; the sections iterator then ends early.
    """

    # Sentences annotated by an earlier export of this document are not annotated again
    # (the gloss reads them too); what this one annotates is kept when it completes.
    cache = AnnotationCache(annotator) if annotator is not None else None
    primed = cache.load(doc.source_sha256) if cache is not None else {}
    made: dict[str, tuple[Token, ...]] = {}
    placed = tuple(placed_sections(doc))
    if annotator is not None:
        todo = [t for t in _annotated_texts(doc, placed) if t and t not in primed]
        made = _annotate_ahead(annotator, todo, cancel) if todo else {}
        annotator.prime({**primed, **made} if primed and made else (made or primed))
    # Tokens in the export's pinyin style, one per token (not one per occurrence).
    styled: dict[int, tuple[Token, Token]] | None = {} if style.tone_numbers else None

    def restyle(token: Token) -> Token:
        assert styled is not None
        done = styled.get(id(token))
        if done is None or done[0] is not token:
            done = styled[id(token)] = (token, style.token(token))
        return done[1]

    def tokens(text: str) -> tuple[Token, ...]:
        if annotator is None or not text:
            return ()
        found = annotator.annotate(text)
        if text not in primed:
            made[text] = tuple(found)
        return tuple(found) if styled is None else tuple(map(restyle, found))

    # The English no model is needed for, found once for the whole document: the
    # notes can then say how much of it there is, before the sections stream.
    known: dict[str, English] = {}
    if fixed is not None and not fixed.is_empty():
        known = fixed.lookup(chain([Unit(TITLE_ID, doc.title)], section_units(doc.walk())))
    # Whatever the translator can do for the whole document at once, it does now.
    everything = chain([Unit(TITLE_ID, doc.title)], section_units(p.section for p in placed))
    pipeline.prepare(u for u in everything if u.id not in known)
    title_en = next(resolve([Unit(TITLE_ID, doc.title)], known, pipeline, cancel), None)
    title = _heading(doc.title, title_en[1] if title_en else None, tokens(doc.title))
    total = sum(len(p.sentences) for p in doc.paragraphs())

    def sentence(paragraph: Paragraph, found: dict[str, English]) -> Iterator[AlignedSentence]:
        for s in paragraph.sentences:
            e = found.get(s.id)
            if e is None:
                yield AlignedSentence(s.id, s.text, "", tokens(s.text))
                continue
            yield AlignedSentence(
                s.id, s.text, e.text, tokens(s.text), e.terms, e.flag, e.provenance, e.origin
            )

    def sections() -> Iterator[AlignedSection]:
        try:
            yield from stream()
        finally:
            pipeline.finish()  # the document's last translations into the cache

    def stream() -> Iterator[AlignedSection]:
        done = 0
        for chunk in _chunks(placed, chunk_sentences):
            units = section_units(p.section for p in chunk)
            found = {unit.id: english for unit, english in resolve(units, known, pipeline, cancel)}
            aligned.failures.extend(pipeline.failures)
            aligned.translated += pipeline.translated
            if cancel is not None and cancel.is_set():
                return
            for section, top, parent in ((p.section, p.top, p.parent) for p in chunk):
                heading = found.get(section.id)
                paragraphs = tuple(
                    AlignedParagraph(p.id, p.text, tuple(sentence(p, found)), p.kind)
                    for p in section.paragraphs
                )
                yield AlignedSection(
                    section.id,
                    section.level,
                    _heading(section.title, heading, tokens(section.title)),
                    paragraphs,
                    top,
                    parent,
                )
                done += sum(len(p.sentences) for p in paragraphs)
                if progress is not None:
                    progress(done, total)
        if cache is not None and annotator is not None:
            if made:
                cache.save(doc.source_sha256, primed, made)
            annotator.prime({})

    aligned = AlignedDocument(
        title=title,
        translator=pipeline.translator.info,
        path=doc.path,
        sha256=doc.source_sha256,
        encoding=doc.encoding,
        sections=sections(),
        section_count=len(placed),
        sentence_count=total,
        outline=tuple((p.section.id, p.section.level, p.section.title, p.parent) for p in placed),
        fixed=dict(Counter(e.provenance for e in known.values())),
    )
    aligned.failures.extend(pipeline.failures)  # the title's
    aligned.translated += pipeline.translated
    return aligned
