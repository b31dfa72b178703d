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
    return list(_words_above(doc, level, annotator, unlisted, style))


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
