"""The reading screen: the bilingual view, a table of contents, a status line."""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.store.state import load_preferences, save_preferences
from reader.translate.base import Translation
from reader.tui.layout import TONE_SCHEMES
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.popup import GlossaryPopup
from reader.tui.session import ReadingSession
from reader.tui.widgets.bilingual import BilingualView

COLOUR_CYCLE: list[str | None] = [None, *TONE_SCHEMES]
#: Translations applied to the view at once (fewer redraws on a long document).
APPLY_EVERY = 16


class ReadingScreen(Screen[None]):
    BINDINGS = [
        Binding("p", "toggle_pinyin", "pinyin"),
        Binding("c", "cycle_colours", "tone colours"),
        Binding("t", "toggle_english", "English"),
        Binding("v", "toggle_layout", "layout"),
        Binding("o", "toggle_toc", "contents"),
        Binding("right_square_bracket", "section(1)", "next section", key_display="]"),
        Binding("left_square_bracket", "section(-1)", "previous section", key_display="["),
        Binding("slash", "search", "search", key_display="/"),
        Binding("n", "next_match(1)", "next match", show=False),
        Binding("N", "next_match(-1)", "previous match", show=False),
        Binding("b", "bookmark", "bookmark"),
        Binding("e", "export", "export"),
        Binding("question_mark", "help", "keys", key_display="?"),
        Binding("q", "quit_reader", "quit"),
        Binding("escape", "close_panels", "close", show=False),
    ]

    def __init__(self, session: ReadingSession) -> None:
        super().__init__()
        self.session = session
        self._cancel = threading.Event()
        self._pending: list[Translation] = []
        self._done = 0
        self._total = 0
        self._matches: list[tuple[int, int, int]] = []
        self._match = -1

    def compose(self) -> ComposeResult:
        doc = self.session.doc
        yield Static(doc.title, id="title-bar")
        with Horizontal(id="main"):
            yield OptionList(id="toc")
            yield BilingualView(
                self.session.blocks,
                self.session.tokens_for,
                self.session.english_for,
                id="view",
            )
        yield Input(placeholder="search Chinese, pinyin or English", id="search")
        yield Static("", id="status")
        yield Footer()

    @property
    def view(self) -> BilingualView:
        return self.query_one(BilingualView)

    def on_mount(self) -> None:
        view = self.view
        view.tone_numbers = self.session.settings.tone_numbers
        preferences = load_preferences()
        view.pinyin = bool(preferences.get("pinyin", True))
        view.english = bool(preferences.get("english", True))
        colours = preferences.get("colours")
        view.colours = colours if colours in TONE_SCHEMES else None
        stacked = preferences.get("stacked")
        view.stacked = stacked if isinstance(stacked, bool) else None
        self.query_one("#toc").display = False
        self.query_one("#search").display = False
        self.view.focus()
        state = self.session.state
        index = self.session.block_of.get(state.position)
        if index is not None:
            self.call_after_refresh(self.view.jump_to_block, index)
        self._status()
        # After the first frame: jieba's start-up would otherwise delay it.
        self.call_after_refresh(self.load_language)
        self.set_interval(10, self.session.save)

    def on_unmount(self) -> None:
        self._cancel.set()
        self.session.save()

    # -- background work ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="language")
    def load_language(self) -> None:
        self.session.load_language()
        self.app.call_from_thread(self._language_ready)

    def _language_ready(self) -> None:
        self.view.relayout()
        self._status()
        self.translate()

    @work(thread=True, exclusive=True, group="translate")
    def translate(self) -> None:
        session = self.session
        cancel = self._cancel
        self._total = sum(len(b.sentences) for b in session.blocks)
        batch: list[Translation] = []
        try:
            for translation in session.translate(cancel):
                if cancel.is_set():
                    return
                batch.append(translation)
                if len(batch) >= APPLY_EVERY:
                    self.app.call_from_thread(self._apply, batch)
                    batch = []
        except Exception as exc:  # a broken model must not take the reader down
            self.app.call_from_thread(self.notify, f"translation stopped: {exc}", severity="error")
        if batch:
            self.app.call_from_thread(self._apply, batch)
        self.app.call_from_thread(self._status)

    def _apply(self, translations: list[Translation]) -> None:
        blocks = set()
        for translation in translations:
            if translation.id in self.session.translations:
                continue  # a second run after a glossary edit repeats cached ones
            self.session.translations[translation.id] = translation
            index = self.session.block_of.get(translation.id)
            if index is not None:
                blocks.add(index)
            self._done += 1
        self.view.relayout(sorted(blocks))
        self._status()

    def _status(self) -> None:
        session = self.session
        info = session.translator_info
        if not session.language_ready.is_set():
            text = "loading dictionary and segmentation…"
        elif not session.has_model:
            text = "English: gloss, word by word · no model: reader models install zh en"
        elif info.name == "gloss":
            text = "English: gloss; machine translation starting…"
        elif self._done < self._total:
            text = f"English: {info.label()} · translating {self._done}/{self._total}"
        else:
            text = f"English: {info.label()} (machine translation)"
        marks = len(session.state.bookmarks)
        progress = f"{session.state.progress:.0%}"
        self.query_one("#status", Static).update(
            f"{text}   │ {progress}" + (f" │ {marks} bookmarks" if marks else "")
        )

    # -- position ---------------------------------------------------------------------

    def on_bilingual_view_cursor_moved(self, event: BilingualView.CursorMoved) -> None:
        state = self.session.state
        state.position = event.block.id
        state.token = self.view.cursor.token
        state.progress = event.index / max(1, len(self.session.blocks) - 1)
        self._status()

    # -- the popup ----------------------------------------------------------------------

    def on_bilingual_view_word_selected(self, event: BilingualView.WordSelected) -> None:
        session = self.session
        if not session.language_ready.is_set() or not event.token.is_hanzi:
            return
        entry = session.annotator.lookup(event.token.text)
        popup = GlossaryPopup(
            entry, session.annotator.hsk.standard, session.glossary, event.sentence
        )

        def closed(result: str | None) -> None:
            if result == "glossary":
                session.forget_words()
                self.notify(f"saved {entry.word} to your glossary")
                if session.has_model:
                    # Sentences with the term are translated again (new cache keys).
                    stale = [k for k, t in session.translations.items() if entry.word in t.zh]
                    for key in stale:
                        del session.translations[key]
                    self._done -= len(stale)
                    self._cancel.set()
                    self._cancel = threading.Event()
                    self.translate()
                self.view.relayout()
            elif result == "vocab":
                self.save_word(
                    entry.word, " ".join(entry.pinyin), event.sentence, event.sentence_id
                )

        self.app.push_screen(popup, closed)

    def save_word(self, word: str, pinyin: str, sentence: str, sentence_id: str) -> None:
        from reader.store import vocab

        entry = self.session.annotator.lookup(word)
        definition = ""
        if entry.glossary:
            definition = entry.glossary.target
        elif entry.readings and entry.readings[0].senses:
            definition = entry.readings[0].senses[0]
        vocab.add(
            word=word,
            pinyin=pinyin,
            definition=definition,
            sentence=sentence.strip(),
            document=self.session.doc.title,
            document_sha256=self.session.doc.source_sha256,
            sentence_id=sentence_id,
        )
        self.notify(f"saved {word} to your vocabulary")

    def _remember(self) -> None:
        """Keep the view choices for next time."""
        view = self.view
        save_preferences(
            {
                "pinyin": view.pinyin,
                "english": view.english,
                "colours": view.colours,
                "stacked": view.stacked,
            }
        )

    # -- toggles --------------------------------------------------------------------------

    def action_toggle_pinyin(self) -> None:
        self.view.pinyin = not self.view.pinyin
        self.view.relayout()
        self._remember()

    def action_cycle_colours(self) -> None:
        position = COLOUR_CYCLE.index(self.view.colours)
        self.view.colours = COLOUR_CYCLE[(position + 1) % len(COLOUR_CYCLE)]
        self.notify(f"tone colours: {self.view.colours or 'off'}", timeout=2)
        self.view.relayout()
        self._remember()

    def action_toggle_english(self) -> None:
        self.view.english = not self.view.english
        self.view.relayout()
        self._remember()

    def action_toggle_layout(self) -> None:
        stacked = self.view.options().stacked
        self.view.stacked = not stacked
        self.view.relayout()
        self._remember()

    def action_toggle_toc(self) -> None:
        toc = self.query_one("#toc", OptionList)
        if not toc.display:
            toc.clear_options()
            toc.add_options(self._contents())
        toc.display = not toc.display
        (toc if toc.display else self.view).focus()
        self.view.relayout()

    def _contents(self) -> list[Option]:
        """The headings, then the bookmarks (★ and the paragraph's first words)."""
        blocks = self.session.blocks
        options = [
            Option(("  " * (b.level - 1)) + (b.sentences[0][1] or "…"), id=b.id)
            for b in blocks
            if b.kind == "heading"
        ]
        for mark in self.session.state.bookmarks:
            index = self.session.block_of.get(mark)
            if index is not None:
                text = "".join(t for _, t in blocks[index].sentences).strip()
                options.append(Option(f"★ {text[:24]}…", id=f"bookmark:{mark}"))
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = (event.option.id or "").removeprefix("bookmark:")
        index = self.session.block_of.get(target)
        if index is not None:
            self.view.jump_to_block(index)
        event.option_list.display = False
        self.view.focus()
        self.view.relayout()

    def action_section(self, step: int) -> None:
        blocks = self.session.blocks
        here = self.view.cursor.block
        indices = [i for i, b in enumerate(blocks) if b.kind == "heading"]
        target = [i for i in indices if (i > here if step > 0 else i < here)]
        if target:
            self.view.jump_to_block(target[0] if step > 0 else target[-1])

    def action_bookmark(self) -> None:
        state = self.session.state
        block = self.session.blocks[self.view.cursor.block]
        if block.id in state.bookmarks:
            state.bookmarks.remove(block.id)
            self.notify("bookmark removed", timeout=2)
        else:
            state.bookmarks.append(block.id)
            self.notify("bookmarked", timeout=2)
        self.session.save()
        self._status()

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        event.input.display = False
        self.view.focus()
        query = event.value.strip()
        if not query:
            return
        self._matches = self.session.search(query)
        self._match = -1
        if not self._matches:
            self.notify(f"no match for {query}", timeout=3)
            return
        self.action_next_match(1)

    def action_next_match(self, step: int) -> None:
        if not self._matches:
            return
        self._match = (self._match + step) % len(self._matches)
        self.view.jump_to_text(*self._matches[self._match])
        self.notify(f"match {self._match + 1} of {len(self._matches)}", timeout=2)

    # -- the rest ------------------------------------------------------------------------------

    def action_close_panels(self) -> None:
        self.query_one("#toc").display = False
        self.query_one("#search").display = False
        self.view.focus()

    def action_help(self) -> None:
        rows = [
            ("arrows, h j k l", "move the word cursor"),
            ("enter, click", "look the word up (a: add to glossary, s: save word)"),
            ("space, page up/down", "page"),
        ]
        for binding in self.BINDINGS:
            if isinstance(binding, Binding):
                rows.append((binding.key_display or binding.key, binding.description))
        self.app.push_screen(HelpScreen(rows))

    def action_export(self) -> None:
        from reader.export import default_out_path

        source = self.session.doc.path or self.session.doc.title
        default = str(default_out_path(source, "html"))

        def chosen(path: str | None) -> None:
            if path:
                self.export(path)

        self.app.push_screen(ExportScreen(default), chosen)

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: str) -> None:
        """The export issue's code, in a worker: the reader stays responsive."""
        from pathlib import Path

        from reader.errors import ReaderError
        from reader.export import export_document

        fmt = Path(path).suffix.lower().lstrip(".")
        self.app.call_from_thread(self.notify, f"exporting {path}…", timeout=3)
        try:
            written = export_document(
                self.session.doc, fmt, Path(path), pinyin=self.query_one(BilingualView).pinyin
            )
        except ReaderError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, f"wrote {written}")

    def action_quit_reader(self) -> None:
        self._cancel.set()
        self.session.save()
        self.app.exit()
