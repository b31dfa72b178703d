"""The words of a document worth learning: every word above an HSK level, once.

They come out as :class:`~reader.store.vocab.VocabEntry`, the shape of the
saved-words list, so the same flash-card exports write both.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

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
    _annotate_all(doc, annotator)
    return list(_words_above(doc, level, annotator, unlisted, style))


def _annotate_all(doc: Document, annotator: Annotator) -> None:
    """Every sentence annotated before the words are read in order: from the annotation
    cache when an export or an earlier list did it, else at once on every core
    (:func:`reader.language.parallel.annotate_texts`), and kept for next time. A
    sentence at a time, a novel took 7–15 s, cut from jieba's table on disk (its
    dictionary was never loaded for so many short texts)."""
    from reader.language.annotation_cache import AnnotationCache
    from reader.language.parallel import annotate_texts, worker_count

    cache = AnnotationCache(annotator)
    primed = cache.load(doc.source_sha256)
    todo = list(dict.fromkeys(s.text for s in doc.sentences() if s.text and s.text not in primed))
    made: dict[str, tuple[Token, ...]] = {}
    if todo:
        annotator.start()
        if worker_count(sum(len(t) for t in todo)) > 1:
            made = annotate_texts(annotator, todo)
        else:
            made = {text: tuple(annotator.annotate(text)) for text in todo}
        cache.save(doc.source_sha256, primed, made)
    annotator.prime({**primed, **made} if made else primed)


def _words_above(
    doc: Document, level: int, annotator: Annotator, unlisted: bool, style: PinyinStyle
) -> Iterator[VocabEntry]:
    seen: set[str] = set()
    today = datetime.date.today().isoformat()
    for section in doc.walk():
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                for token in annotator.annotate(sentence.text):
                    if not token.is_hanzi or token.text in seen or not token.definitions:
                        continue
                    if token.hsk is None:
                        if not unlisted or token.source == "characters":
                            continue
                    elif token.hsk <= level:
                        continue
                    seen.add(token.text)
                    yield card(token, sentence, doc, style, today)
