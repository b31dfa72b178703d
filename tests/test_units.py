"""One flattening of a document: blocks and units in reading order, ids found again."""

from __future__ import annotations

from reader.document import Document
from reader.document.units import TITLE_ID, reading_order, section_units


def test_blocks_follow_the_document(party_building: Document) -> None:
    order = reading_order(party_building)
    title, *rest = order.blocks
    assert (title.kind, title.id, title.text) == ("title", TITLE_ID, party_building.title)
    paragraphs = [b for b in rest if b.kind == "paragraph"]
    assert [b.id for b in paragraphs] == [p.id for p in party_building.paragraphs()]
    headings = [b for b in rest if b.kind == "heading"]
    assert [b.id for b in headings] == [s.id for s in party_building.walk() if s.title]
    assert all(b.sentences == ((b.id, b.text),) for b in headings)
    bylines = {p.id for p in party_building.paragraphs() if p.kind == "byline"}
    assert bylines and {b.id for b in paragraphs if b.byline} == bylines


def test_units_are_the_title_headings_and_sentences(resolution: Document) -> None:
    order = reading_order(resolution)
    units = list(order.units())
    sentences = [(s.id, s.text) for s in resolution.sentences()]
    assert units[0] == (TITLE_ID, resolution.title)
    assert [u for u in units if "." in u.id] == sentences
    assert len({u.id for u in units}) == len(units)
    # Without the title (text typed on the command line), and section by section
    # (an export's chunks), the same units in the same order.
    assert list(reading_order(resolution, title=False).units()) == units[1:]
    assert list(section_units(resolution.walk())) == units[1:]
    assert order.sentence_count == len(sentences)


def test_every_id_finds_its_block(aq: Document) -> None:
    order = reading_order(aq)
    for number, block in enumerate(order.blocks):
        assert order.block_index(block.id) == number
        for unit in block.sentences:
            assert order.block_index(unit.id) == number
    assert order.block_index("s99.p1") is None
    placed = {p.section.id: p for p in order.sections}
    assert all(p.top == p.section.id and p.parent is None for p in placed.values())


def test_an_id_that_names_no_sentence_finds_no_block(aq: Document) -> None:
    order = reading_order(aq)
    block = next(b for b in order.blocks if b.kind == "paragraph")
    last = len(block.sentences)
    assert order.block_index(f"{block.id}.t{last}") is not None
    for missing in (f"{block.id}.t{last + 1}", f"{block.id}.t0", f"{block.id}.tx", "s1.t1"):
        assert order.block_index(missing) is None, missing


def test_opening_a_book_splits_none_of_its_sentences() -> None:
    """The reading order and the view's first layout need a paragraph's text, not its
    sentences: a novel's 35,000, split as it opened, were a fifth of its first frame."""
    from reader.document import load_document
    from reader.tui.layout import Options, estimate_height
    from tests.conftest import HLM

    doc = load_document(HLM)
    order = reading_order(doc)
    options = Options(100, True, None, True, False, False, True, True)
    heights = [estimate_height(block, options) for block in order.blocks]
    paragraphs = list(doc.paragraphs())
    assert all(p._sentences is None for p in paragraphs)
    assert order.block_index(paragraphs[-1].id + ".t1") == len(order.blocks) - 1
    assert sum(p._sentences is not None for p in paragraphs) == 1  # that one, to check it
    assert all(b.text == "".join(u.text for u in b.sentences) for b in order.blocks)
    assert heights == [estimate_height(block, options) for block in order.blocks]
