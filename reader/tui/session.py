"""What the reading screen shows, composed from the core: blocks, words, English, state.

No parsing, annotation or translation happens here: this module only calls
the document, language and translate layers and remembers their answers for
the view. It is safe to call from workers where noted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from reader.document.model import Document
from reader.language.annotate import Annotator, Token
from reader.language.glossary import Glossary, document_glossary_path
from reader.language.pinyin import toneless
from reader.settings import Settings, load_settings
from reader.store.state import DocumentState, load_state, save_state
from reader.translate.base import Translation, TranslatorInfo
from reader.translate.gloss import GlossTranslator
from reader.translate.packages import installed
from reader.translate.service import TITLE_ID, make_pipeline, make_translator, translation_units
from reader.tui.layout import Block


def document_blocks(doc: Document) -> list[Block]:
    blocks = [Block("title", TITLE_ID, "", [(TITLE_ID, doc.title)])]
    for section in doc.walk():
        if section.title:
            blocks.append(
                Block(
                    "heading",
                    section.id,
                    section.id,
                    [(section.id, section.title)],
                    level=section.level,
                )
            )
        for paragraph in section.paragraphs:
            sentences = [(s.id, s.text) for s in paragraph.sentences]
            blocks.append(
                Block("paragraph", paragraph.id, section.id, sentences, paragraph.kind == "byline")
            )
    return blocks


def _pinyin_offset(text: str, compact: str) -> int:
    """Index of the character where the toneless pinyin ``compact`` starts (-1 if none)."""
    syllables = [toneless(ch) for ch in text]
    for start in range(len(text)):
        if syllables[start] and "".join(syllables[start:]).startswith(compact):
            return start
    return -1


class ReadingSession:
    def __init__(self, doc: Document, *, settings: Settings | None = None) -> None:
        self.doc = doc
        self.settings = settings or load_settings()
        glossary = Glossary(document_path=document_glossary_path(doc.path) if doc.path else None)
        self.annotator = Annotator(
            glossary=glossary,
            hsk_standard=self.settings.hsk_standard,
            tone_numbers=False,
            sandhi=self.settings.tone_sandhi,
        )
        self.blocks = document_blocks(doc)
        self.block_of: dict[str, int] = {}
        for index, block in enumerate(self.blocks):
            self.block_of[block.id] = index
            for sid, _ in block.sentences:
                self.block_of[sid] = index
        self.language_ready = threading.Event()
        self.translations: dict[str, Translation] = {}
        self._gloss: dict[str, str] = {}
        self._glosser = GlossTranslator(self.annotator)
        self.has_model = bool(installed())
        self.translator_info = TranslatorInfo("gloss")
        self.state: DocumentState = (
            load_state(doc.source_sha256) if doc.source_sha256 else DocumentState("")
        )
        self.state.path = doc.path or ""
        self.state.title = doc.title

    # -- workers ----------------------------------------------------------------

    def load_language(self) -> None:
        """Start jieba, the dictionary and the glossary (about a second; a worker calls it)."""
        self.annotator.start()
        self.language_ready.set()

    def translate(self, cancel: threading.Event) -> Iterator[Translation]:
        """Machine-translate the document in reading order (a worker iterates it)."""
        translator = make_translator(None, self.annotator, self.settings)
        self.translator_info = translator.info
        if translator.info.name == "gloss":
            return iter(())
        pipeline = make_pipeline(translator, self.annotator.glossary)
        return pipeline.run(translation_units(self.doc), cancel)

    # -- what the view asks ---------------------------------------------------------

    def tokens_for(self, text: str) -> list[Token] | None:
        if not self.language_ready.is_set():
            return None
        return self.annotator.annotate(text)

    def english_for(self, sentence_id: str, text: str) -> tuple[str, str]:
        """The English for a sentence: MT when it has arrived, else the gloss (dim)."""
        translation = self.translations.get(sentence_id)
        if translation is not None:
            return translation.en, translation.flag or ""
        if not self.language_ready.is_set():
            return "…", "pending"
        gloss = self._gloss.get(text)
        if gloss is None:
            gloss = self._gloss[text] = self._glosser.gloss(text.strip()) if text.strip() else ""
        return gloss, "pending" if self.has_model else ""

    def search(self, query: str) -> list[tuple[int, int, int]]:
        """Matches of ``query`` in Chinese, toneless pinyin (spaces optional) or English.

        Each is ``(block, sentence index, character offset)`` so the cursor can land
        on the matching word; an English match lands on its sentence's first word.
        """
        needle = query.lower()
        compact = "".join(needle.split())
        by_pinyin = compact.isascii() and compact.isalpha()
        found = []
        for index, block in enumerate(self.blocks):
            for number, (sid, text) in enumerate(block.sentences):
                offset = text.find(query)
                if offset < 0 and by_pinyin and compact in toneless(text):
                    offset = _pinyin_offset(text, compact)
                english = self.translations.get(sid)
                if offset < 0 and english is not None and needle in english.en.lower():
                    offset = 0
                if offset >= 0:
                    found.append((index, number, offset))
        return found

    def forget_words(self) -> None:
        """After a glossary edit: gloss again (the annotator notices the edit itself)."""
        self._gloss.clear()

    def save(self) -> None:
        if self.state.sha256:
            save_state(self.state)

    @property
    def glossary(self) -> Glossary:
        return self.annotator.glossary
