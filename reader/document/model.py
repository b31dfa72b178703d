"""The parsed document: immutable dataclasses shared by every later stage.

Ids are derived from position only (``s3.p2.t4`` = section 3, paragraph 2,
sentence 4), so the translation cache, bookmarks, the UI and exports can all
refer to the same piece of text without storing the text itself. Sections are
numbered in document order whatever their depth; ``s0`` is the untitled front
matter before the first heading, present only when it has paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from reader.document.sentences import split_sentences

ParagraphKind = Literal["body", "byline"]


class Unit(NamedTuple):
    """What is translated on its own: a sentence, a heading (its section's id) or the
    title, as an id and its exact source text (a pair, so it unpacks as ``sid, text``).

    A tuple, not a dataclass: a novel has tens of thousands, made as it opens, and
    the reading order's blocks hold a paragraph's sentences as they are.
    """

    id: str
    #: Exact source text, trailing whitespace included, so that joining the
    #: sentences of a paragraph gives back the paragraph text.
    text: str


class Sentence(Unit):
    """A sentence of a paragraph, id ``{paragraph id}.t{n}``: a unit of its own kind."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; its sentences are split when first asked for.

    A book's sentences as objects (an id and a text each) weigh several times the
    text: ``reader outline`` of a 60 MB file, which only counts them, held 370 MB.
    """

    id: str
    #: Paragraph text; a Markdown hard line break is kept as ``"\n"``.
    text: str
    #: ``byline``: a short attribution line (author, organisation, date) that
    #: the reader shows apart from body text and never joins to its neighbours.
    kind: ParagraphKind = "body"
    _sentences: tuple[Sentence, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The sentences, ids ``{paragraph id}.t1`` on; they join back to :attr:`text`."""
        sentences = self._sentences
        if sentences is None:
            sentences = tuple(
                Sentence(f"{self.id}.t{number}", piece)
                for number, piece in enumerate(split_sentences(self.text), 1)
            )
            object.__setattr__(self, "_sentences", sentences)  # a cache: the text decides
        return sentences

    @property
    def sentence_count(self) -> int:
        """How many sentences, without keeping them (an outline counts a whole book's)."""
        if self._sentences is not None:
            return len(self._sentences)
        return len(split_sentences(self.text))


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    #: 1 is the top level; a child is one deeper than its parent.
    level: int
    paragraphs: tuple[Paragraph, ...]
    children: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        """This section, then its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Note:
    """A printer's note such as ``（下转第二十八版）``: kept, but not body text."""

    text: str
    #: Id of the paragraph the note followed, or None at the very start.
    after: str | None


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    encoding: str
    source_sha256: str
    path: str | None = field(default=None, compare=False)
    #: The title is the document's own (a heading or a title line); False: the document
    #: has none and is named by its first line, which stays in the text (never a unit
    #: of its own: a file name or a repeated first line is not translated as a sentence).
    titled: bool = True

    def walk(self) -> Iterator[Section]:
        """Every section, flattened in document order."""
        for section in self.sections:
            yield from section.walk()

    def paragraphs(self) -> Iterator[Paragraph]:
        for section in self.walk():
            yield from section.paragraphs

    def sentences(self) -> Iterator[Sentence]:
        for paragraph in self.paragraphs():
            yield from paragraph.sentences

    def find(self, item_id: str) -> Section | Paragraph | Sentence | None:
        """Look up a section, paragraph or sentence by its id."""
        for section in self.walk():
            if section.id == item_id:
                return section
            if not item_id.startswith(section.id + "."):
                continue
            for paragraph in section.paragraphs:
                if paragraph.id == item_id:
                    return paragraph
                if item_id.startswith(paragraph.id + "."):
                    for sentence in paragraph.sentences:
                        if sentence.id == item_id:
                            return sentence
        return None
