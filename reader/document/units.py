"""The document in reading order: blocks of translation units, flattened once.

The reader draws blocks, the pipeline translates units, exports write both and
the cache is keyed by each unit's text; all of them walk the same
:class:`ReadingOrder`, so a heading, the title or a byline cannot be a unit in
one place and missing in another (they were once flattened four ways).

A *unit* is what is translated on its own: the title (id :data:`TITLE_ID`), a
heading (its section's id, ``s3``) or a sentence (``s3.p2.t4``). A *block* is
what is shown together: the title, a heading, or a paragraph and its sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from reader.document.model import Document, Paragraph, Section, Unit

__all__ = [
    "TITLE_ID",
    "Block",
    "BlockKind",
    "PlacedSection",
    "ReadingOrder",
    "Unit",
    "placed_sections",
    "reading_order",
    "section_blocks",
    "section_units",
]

TITLE_ID = "title"
BlockKind = Literal["title", "heading", "paragraph"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    #: ``title``, a heading's section id, or a paragraph id.
    id: str
    #: The section the block belongs to ("" for the title).
    section_id: str
    #: The block's units: a heading or the title is one; a paragraph's sentences, or the
    #: paragraph itself, whose sentences are split when first asked for (a novel's
    #: 35,000, split as it opened, were a fifth of its time to the first frame).
    units: tuple[Unit, ...] | Paragraph
    byline: bool = False
    level: int = 1

    @property
    def sentences(self) -> tuple[Unit, ...]:
        units = self.units
        return units.sentences if isinstance(units, Paragraph) else units

    @property
    def text(self) -> str:
        units = self.units
        if isinstance(units, Paragraph):
            return units.text  # what its sentences join back to
        return "".join(unit.text for unit in units)


@dataclass(frozen=True, slots=True)
class PlacedSection:
    """A section with where it sits: exports need its top-level ancestor and parent."""

    section: Section
    #: Id of the top-level section it belongs to (its own id at level 1).
    top: str
    #: Id of the enclosing section, None at the top level.
    parent: str | None


def placed_sections(doc: Document) -> Iterator[PlacedSection]:
    """Every section in document order with its top-level ancestor and parent."""

    def visit(section: Section, top: str, parent: str | None) -> Iterator[PlacedSection]:
        yield PlacedSection(section, top, parent)
        for child in section.children:
            yield from visit(child, top, section.id)

    for section in doc.sections:
        yield from visit(section, section.id, None)


def section_blocks(section: Section) -> Iterator[Block]:
    """A section's heading (if it has a title), then its paragraphs."""
    if section.title:
        heading = (Unit(section.id, section.title),)
        yield Block("heading", section.id, section.id, heading, level=section.level)
    for paragraph in section.paragraphs:
        yield Block("paragraph", paragraph.id, section.id, paragraph, paragraph.kind == "byline")


@dataclass(frozen=True, slots=True)
class ReadingOrder:
    """Every block of a document in order, and where each id is."""

    blocks: tuple[Block, ...]
    sections: tuple[PlacedSection, ...]
    #: Block index of every block id (a heading's and the title's unit ids are theirs).
    _index: dict[str, int] = field(repr=False)

    def block_index(self, item_id: str) -> int | None:
        """The block that holds a block or unit id (a bookmark, a position, a sentence).

        A sentence id is its paragraph's and a number (``s3.p2.t4``): only the
        paragraph's are kept, so that opening a book splits none of its sentences.
        """
        found = self._index.get(item_id)
        if found is not None:
            return found
        paragraph, mark, number = item_id.rpartition(".t")
        found = self._index.get(paragraph) if mark and number.isdigit() else None
        if found is None or not 1 <= int(number) <= len(self.blocks[found].sentences):
            return None
        return found if self.blocks[found].kind == "paragraph" else None

    def units(self) -> Iterator[Unit]:
        """Every unit in reading order: what the pipeline translates."""
        for block in self.blocks:
            yield from block.sentences

    @property
    def sentence_count(self) -> int:
        return sum(len(b.sentences) for b in self.blocks if b.kind == "paragraph")


def reading_order(doc: Document, *, title: bool = True) -> ReadingOrder:
    """Flatten ``doc``: the title (unless ``title`` is false or the document has none of
    its own), then each section's blocks."""
    blocks: list[Block] = []
    if title and doc.titled:
        blocks.append(Block("title", TITLE_ID, "", (Unit(TITLE_ID, doc.title),)))
    for section in doc.walk():
        blocks.extend(section_blocks(section))
    index = {block.id: number for number, block in enumerate(blocks)}
    return ReadingOrder(tuple(blocks), tuple(placed_sections(doc)), index)


def section_units(sections: Iterable[Section]) -> Iterator[Unit]:
    """The units of some sections, heading first, made as they are read.

    For streaming: an export translates a long book a chunk of sections at a
    time and must not hold the whole :class:`ReadingOrder` of it.
    """
    for section in sections:
        for block in section_blocks(section):
            yield from block.sentences
