"""The words of a document worth learning: every word above an HSK level, once.

They come out as :class:`~reader.store.vocab.VocabEntry`, the shape of the
saved-words list, so the same flash-card exports write both.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from reader.document.model import Document, Sentence
from reader.errors import ReaderError
from reader.language.annotate import Annotator, Token
from reader.language.hsk import BAND
from reader.language.style import TONE_MARKS, PinyinStyle
from reader.store.vocab import VocabEntry


def card(
    token: Token, sentence: Sentence, doc: Document, style: PinyinStyle, today: str
) -> VocabEntry:
    """A word met in a sentence, as a flash card: pinyin in ``style``, first definition."""
    return VocabEntry(
        token.text,
        style.text(token.pinyin),
        token.definitions[0],
        " ".join(sentence.text.split()),
        doc.title,
        doc.source_sha256,
        sentence.id,
        today,
    )


def words_above(
    doc: Document,
    level: int,
    annotator: Annotator,
    *,
    unlisted: bool = False,
    style: PinyinStyle = TONE_MARKS,
) -> list[VocabEntry]:
    """Each word of ``doc`` whose HSK level is above ``level``, once, in order of appearance.

    Level 7 stands for the 7–9 band, so ``level`` 6 asks for the band. Words in
    no HSK list are a choice of their own, ``unlisted``: they are not "above"
    any level (counting them so, ``--hsk-above 7`` still gave 1,070 words of
    阿Q正传), and then only those a dictionary or glossary defines come
    (names pieced together from single characters do not).
    """
    if not 0 <= level <= BAND:
        raise ReaderError(f"HSK level {level}: choose 0 to {BAND} (7 is the 7-9 band)")
    from reader.language.annotation_cache import AnnotationCache

    primed = AnnotationCache(annotator).load(doc.source_sha256)
    if primed and all(s.text in primed for s in doc.sentences() if s.text):
        # Annotated whole before (an export, the gloss of the book): nothing is cut.
        annotator.prime(primed)
        return list(_words_above(doc, level, annotator, unlisted, style, _sentences(doc)))
    return list(
        _words_above(
            doc, level, annotator, unlisted, style, _candidates(doc, level, annotator, unlisted)
        )
    )


def _sentences(doc: Document) -> Iterator[tuple[Sentence, list[Token]]]:
    """Every sentence with its tokens, in order (from the annotator's primed sentences)."""
    for section in doc.walk():
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                yield sentence, []


def _candidates(
    doc: Document, level: int, annotator: Annotator, unlisted: bool
) -> Iterator[tuple[Sentence, list[Token]]]:
    """The sentences that can give a card, with their tokens; the others are cut but
    never annotated.

    Annotating every sentence of a novel (pinyin and senses of its 45,000 distinct
    words, then 100,000 sentences put together) was most of a cold list's 4-5 s,
    for its 2,000 words above HSK 6. Here the book is only cut into words (on every
    core, as coverage does); each distinct word is judged by the HSK levels of the
    pieces the annotator's tokens would be (:func:`_possible`); and only a sentence
    where a word not carded yet could become a card is annotated (the words of each
    possible card's first sentence read on every core first). The same cards, in the
    same order, as annotating everything (tests/test_export_vocab.py compares them).
    Nothing is kept for the next list: a partial annotation would not spare an
    export anything, and the next list costs the same again.
    """
    from reader.language.parallel import (
        WORD_GROUP,
        cut_with,
        map_groups,
        text_groups,
        word_rows,
        worker_count,
    )

    annotator.start()
    sentences = [
        sentence
        for section in doc.walk()
        for paragraph in section.paragraphs
        for sentence in paragraph.sentences
    ]
    unique = list(dict.fromkeys(s.text for s in sentences if s.text))
    workers = worker_count(sum(len(t) for t in unique))
    cuts: dict[str, list[str]] = {}
    # One string per distinct word: a book's 880,000 words arrive as as many copies.
    distinct: dict[str, str] = {}
    same = distinct.setdefault
    groups = text_groups(unique)
    cut = map_groups(annotator, cut_with, groups, workers=workers)
    for index, (group, texts_words) in enumerate(zip(groups, cut, strict=True)):
        if index == 0 and unlisted:
            # Every distinct word is split then: "is it a word?" from memory, read while
            # the workers cut, not a query per word.
            annotator.use_headwords()
        cuts.update(
            (text, list(map(same, words, words)))
            for text, words in zip(group, texts_words, strict=True)
        )
    possible = _possible(annotator, distinct, level, unlisted)
    # Where each possible card first occurs: the sentences to annotate if every one of
    # them has senses there (nearly all do); their words are read on every core.
    first: set[str] = set()
    pending = {piece for pieces in possible.values() for piece in pieces}
    for sentence in sentences:
        words = cuts.get(sentence.text, ())
        found = {p for w in words if w in possible for p in possible[w]} & pending
        if found:
            pending -= found
            first.add(sentence.text)
    new = list(dict.fromkeys(w for t in first for w in cuts[t] if not annotator.has_word(w)))
    word_groups = [new[i : i + WORD_GROUP] for i in range(0, len(new), WORD_GROUP)]
    rows = map_groups(annotator, word_rows, word_groups, workers=workers)
    for group_words, group_rows in zip(word_groups, rows, strict=True):
        annotator.adopt_words(group_words, group_rows)
    carded: set[str] = set()
    for sentence in sentences:
        words = cuts.get(sentence.text, ())
        if any(p not in carded for w in words if w in possible for p in possible[w]):
            tokens = annotator.assemble(words)
            carded.update(t.text for t in tokens if t.definitions)
            yield sentence, tokens


def _possible(
    annotator: Annotator, words: Iterable[str], level: int, unlisted: bool
) -> dict[str, tuple[str, ...]]:
    """Each word that has pieces which could be a card (the pieces the annotator's
    tokens would be, :meth:`Annotator.words_of`), judged by their HSK level alone.

    A piece is a part of its word, so a word with no part above ``level`` has none
    and is not split at all (of a novel's 45,000 words, a few thousand are).
    """
    hsk = annotator.hsk.level
    above = annotator.hsk.above(level)
    longest = max(map(len, above), default=0)
    possible: dict[str, tuple[str, ...]] = {}
    for word in words:
        if not unlisted and not any(
            word[i:j] in above
            for i in range(len(word))
            for j in range(i + 1, min(len(word), i + longest) + 1)
        ):
            continue
        pieces = []
        for piece, source in annotator.words_of((word,)):
            if source is None:
                continue  # no Hanzi in it
            grade = hsk(piece)
            if grade is None:
                if unlisted and source != "characters":
                    pieces.append(piece)
            elif grade > level:
                pieces.append(piece)
        if pieces:
            possible[word] = tuple(pieces)
    return possible


def _words_above(
    doc: Document,
    level: int,
    annotator: Annotator,
    unlisted: bool,
    style: PinyinStyle,
    sentences: Iterable[tuple[Sentence, list[Token]]],
) -> Iterator[VocabEntry]:
    """The cards of ``sentences`` in order (their tokens, or the annotator's where none)."""
    seen: set[str] = set()
    today = datetime.date.today().isoformat()
    for sentence, tokens in sentences:
        for token in tokens or annotator.annotate(sentence.text):
            if not token.is_hanzi or token.text in seen or not token.definitions:
                continue
            if token.hsk is None:
                if not unlisted or token.source == "characters":
                    continue
            elif token.hsk <= level:
                continue
            seen.add(token.text)
            yield card(token, sentence, doc, style, today)
