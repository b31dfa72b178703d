"""The reading screen: the bilingual view, a table of contents, a status line.

It draws a :class:`~reader.reading.session.ReadingSession` and binds keys to
it. Workers never touch the session: they post messages (language loaded,
translations arrived, translation stopped, export finished) that are handled
here, on the UI thread.
"""

from __future__ import annotations

import contextlib
import threading
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.english.layer import English
from reader.errors import ReaderError
from reader.reading.known import Prepared
from reader.reading.search import match_length
from reader.reading.session import Match, ReadingSession, TranslationJob
from reader.store.state import load_preferences, save_preferences
from reader.store.words import Status
from reader.translate.base import Translation
from reader.tui.commands import Command, ReaderCommands
from reader.tui.layout import Marks, PlacedToken
from reader.tui.palette import TONE_SCHEMES
from reader.tui.status import Part, fit
from reader.tui.widgets.bilingual import BilingualView
from reader.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from reader.english.human import HumanTranslation
    from reader.tui.screens.export import ExportChoice
    from reader.tui.screens.popup import PopupResult

COLOUR_CYCLE: list[str | None] = [None, *TONE_SCHEMES]
#: Translations applied to the view at once (fewer redraws on a long document).
APPLY_EVERY = 16


#: Longest the language load waits for the first screen's pinyin to be drawn (seconds).
FIRST_SHOWN_WAIT = 1.0


class FirstScreenAnnotated(Message):
    """The words and pinyin of what is on screen, before the language layer is loaded."""


class LanguageLoaded(Message):
    """jieba, the dictionary and the glossary are ready: pinyin and the gloss can be drawn;
    with them, the English no model is needed for (edits, memory hits)."""

    def __init__(self, fixed: dict[str, English]) -> None:
        self.fixed = fixed
        super().__init__()


class TranslationAligned(Message):
    """A human translation was aligned with the document (or could not be: ``error``)."""

    def __init__(self, translation: HumanTranslation | None, error: str | None = None) -> None:
        self.translation = translation
        self.error = error
        super().__init__()


class KnownWordsLoaded(Message):
    """The document's word counts and your statuses: coverage can be shown."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        super().__init__()


class TranslationsArrived(Message):
    def __init__(self, translations: list[Translation], phase: str = "document") -> None:
        self.translations = translations
        #: ``screen``, ``ahead`` or ``document``: which part of the job they are from.
        self.phase = phase
        super().__init__()


class Problem(Message):
    """Something the reader should know (the saved English or word counts could not be read)."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class TranslationStopped(Message):
    """The translation worker ended: done, cancelled, or failed with ``error``."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        super().__init__()


class GlossMatches(Message):
    """The sentences whose gloss has an English search's words (a worker searched them)."""

    def __init__(self, query: str, matches: list[Match]) -> None:
        self.query = query
        self.matches = matches
        super().__init__()


class ExportFinished(Message):
    def __init__(self, written: Path | None, error: str | None = None) -> None:
        self.written = written
        self.error = error
        super().__init__()


class ReadingScreen(Screen[None]):
    #: The reader's commands in the command palette (ctrl+p), beside Textual's own.
    COMMANDS = {ReaderCommands}
    #: In the order the key bar shows them: what a reader needs first stays visible
    #: at 80 columns (every key, with its full description, is in the ? screen).
    BINDINGS = [
        Binding("question_mark", "help", "keys", key_display="?", tooltip="every key"),
        Binding("q", "quit_reader", "quit"),
        Binding("slash", "search", "search", key_display="/"),
        Binding("o", "toggle_toc", "contents", tooltip="table of contents and bookmarks"),
        Binding("i", "edit_english", "edit", tooltip="edit the sentence's English"),
        Binding("p", "toggle_pinyin", "pinyin"),
        Binding("t", "toggle_english", "English"),
        Binding("b", "bookmark", "mark", tooltip="bookmark"),
        Binding("e", "export", "export"),
        Binding("v", "toggle_layout", "layout"),
        Binding("c", "cycle_colours", "tones", tooltip="tone colours"),
        Binding("L", "library", "library", tooltip="back to the library (your place is kept)"),
        Binding(
            "right_square_bracket", "section(1)", "next", key_display="]", tooltip="next section"
        ),
        Binding(
            "left_square_bracket",
            "section(-1)",
            "prev",
            key_display="[",
            tooltip="previous section",
        ),
        Binding("1", "status('learning', 1)", "learning 1", show=False),
        Binding("2", "status('learning', 2)", "learning 2", show=False),
        Binding("3", "status('learning', 3)", "learning 3", show=False),
        Binding("4", "status('learning', 4)", "learning 4", show=False),
        Binding("K", "status('known')", "mark the word known", show=False),
        Binding("x", "status('ignored')", "ignore the word (a name, a number)", show=False),
        Binding("0", "status('new')", "forget the word's status (new again)", show=False),
        Binding("M", "mark_screen", "mark every remaining new word on screen known", show=False),
        Binding("U", "toggle_new", "underline new words on/off", show=False),
        Binding("n", "next_match(1)", "next match", show=False),
        Binding("N", "next_match(-1)", "previous match", show=False),
        Binding("a", "alternatives", "other English for the sentence", show=False),
        Binding("escape", "close_panels", "close", show=False),
    ]

    def __init__(self, session: ReadingSession, english: str | None = None) -> None:
        super().__init__()
        self.session = session
        #: A human translation to align with the document and show beside it.
        self.english_path = english
        self._aligning = english is not None
        self._cancel = threading.Event()
        self._translating = False
        self._job: TranslationJob | None = None
        #: A problem the status line shows until Escape dismisses it (not a vanishing toast).
        self._alert = ""
        self._alert_dismissed = False
        self._failed = 0
        #: Set when the screen goes: long background work stops at its next step.
        self._leaving = threading.Event()
        #: Set once the first screen's pinyin is drawn (or the screen is left).
        self._first_shown = threading.Event()
        #: Set once the screen is drawn with the language layer loaded (or is left).
        self._loaded_shown = threading.Event()
        self._follow: Timer | None = None
        self._phase = "screen"
        self._phase_done = 0
        self._matches: list[Match] = []
        self._query = ""
        #: Where each block's text ends, counted in characters from the start (progress).
        self._text_ends: list[int] | None = None
        self._match = -1

    def compose(self) -> ComposeResult:
        session = self.session
        yield Static(session.doc.title, id="title-bar", markup=False)  # a title is text
        with Horizontal(id="main"):
            yield OptionList(id="toc")
            yield BilingualView(
                list(session.blocks),
                session.tokens_for,
                session.english_for,
                status_for=session.known.status_of,
                together_for=session.together,
                id="view",
            )
        yield Input(placeholder="search Chinese, pinyin or English", id="search")
        yield Static("", id="status", markup=False)  # a model's error may hold [brackets]
        yield KeyBar()

    @property
    def view(self) -> BilingualView:
        return self.query_one(BilingualView)

    def on_mount(self) -> None:
        view = self.view
        view.tone_numbers = self.session.context.style.tone_numbers
        preferences = load_preferences()
        view.pinyin = bool(preferences.get("pinyin", True))
        view.pinyin_known = bool(preferences.get("pinyin_known", True))
        view.mark_new = bool(preferences.get("mark_new", True))
        view.english = bool(preferences.get("english", True))
        colours = preferences.get("colours")
        view.colours = colours if isinstance(colours, str) and colours in TONE_SCHEMES else None
        stacked = preferences.get("stacked")
        view.stacked = stacked if isinstance(stacked, bool) else None
        theme = preferences.get("theme")
        if isinstance(theme, str) and theme in self.app.available_themes:
            self.app.theme = theme
        self.query_one("#toc").display = False
        self.query_one("#search").display = False
        view.focus()
        position = self.session.position()
        if position is not None:
            self.call_after_refresh(view.jump_to, *position)
        # The library lists documents by when they were opened; after the first frame,
        # which a locked, synced write (tens of milliseconds) would otherwise delay.
        self.call_after_refresh(self.session.save)
        self._status()
        # After the first frame: jieba's start-up would otherwise delay it.
        self.call_after_refresh(self._load_language_after_first_frame)
        if self.english_path is not None:
            self.open_stored_translation(self.english_path)
        self.set_interval(10, self._save)

    def on_resize(self, _event: Resize) -> None:
        self._status()  # fitted to the new width

    def on_unmount(self) -> None:
        self._cancel.set()
        self._leaving.set()
        self._first_shown.set()
        self._loaded_shown.set()
        self.session.save()

    # -- background work: workers post messages, handlers change state ------------------

    def _load_language_after_first_frame(self) -> None:
        view = self.view
        front = view.block_at(int(view.scroll_y))
        last = view.block_at(int(view.scroll_y) + view.size.height)
        self.load_language(range(front, last + 1))

    @work(thread=True, exclusive=True, group="language")
    def load_language(self, first: range = range(0)) -> None:
        """The first screen's words first (from jieba's table on disk), then jieba, the
        dictionary and the saved English."""
        try:
            if first and self.session.annotate_first(first) and not self._leaving.is_set():
                self.post_message(FirstScreenAnnotated())
                # Loading jieba is a second of work that shares the interpreter with the
                # drawing (its cache unmarshalled in pieces of up to 0.16 s): the first
                # screen's pinyin, ready, came 1.4 s later, after the load. Drawn first.
                self._first_shown.wait(timeout=FIRST_SHOWN_WAIT)
            fixed = self.session.load_language()
        except ReaderError as exc:  # the saved English could not be read: say so, read on
            self.post_message(Problem(str(exc)))
            fixed = {}
        self.post_message(LanguageLoaded(fixed))
        # The first run ever writes the tables the next start's first screen is read from
        # (a second or two of Python): after this screen is drawn, not beside it.
        self._loaded_shown.wait(timeout=FIRST_SHOWN_WAIT)
        if not self._leaving.is_set():
            self.session.keep_tables()

    @on(FirstScreenAnnotated)
    def _first_screen_annotated(self, _message: FirstScreenAnnotated) -> None:
        self.view.relayout()
        self.call_after_refresh(self._first_shown.set)

    @on(LanguageLoaded)
    def _language_loaded(self, message: LanguageLoaded) -> None:
        session = self.session
        session.use_fixed(message.fixed)
        if self.english_path is not None and session.translation is not None:
            # Its kept alignment came first (:meth:`open_stored_translation`): not read
            # again; its English is put back above what the load found before it came.
            session.use_fixed(session.use_translation(session.translation))
        self.view.relayout()
        self.call_after_refresh(self._loaded_shown.set)
        self._status()
        if self.english_path is not None and session.translation is None:
            self.align(self.english_path)
        else:
            self._start_translation()
        self.load_known_words()

    @work(thread=True, exclusive=True, group="align")
    def align(self, english_path: str) -> None:
        """Align with the human translation (stored: instant the second time)."""
        try:
            translation = self.session.open_translation(english_path)
        except ReaderError as exc:
            self.post_message(TranslationAligned(None, str(exc)))
            return
        self.post_message(TranslationAligned(translation))

    @work(thread=True, group="align-stored")
    def open_stored_translation(self, english_path: str) -> None:
        """The translation's alignment kept from before (the bundled sample ships its
        own), shown while the language layer loads: its English a second sooner. Where
        there is none, :meth:`align` aligns after that load."""
        try:
            translation = self.session.open_stored_translation(english_path)
        except ReaderError:
            return  # that open says what is wrong
        if translation is not None and not self._leaving.is_set():
            self.post_message(TranslationAligned(translation))

    @on(TranslationAligned)
    def _translation_aligned(self, message: TranslationAligned) -> None:
        self._aligning = False
        if message.translation is not None:
            self.session.use_fixed(self.session.use_translation(message.translation))
            self.view.relayout()
        elif message.error:
            self.notify(message.error, severity="error", timeout=10)
        self._status()
        if self.session.language_ready.is_set():
            self._start_translation()  # what the translation does not cover

    @work(thread=True, exclusive=True, group="known")
    def load_known_words(self) -> None:
        """The document's word counts (seconds for a novel the first time, then cached)."""
        try:
            prepared = self.session.known.prepare(self.session.doc, self._leaving)
        except ReaderError as exc:
            if not self._leaving.is_set():
                self.post_message(Problem(f"known words: {exc}"))
            return
        self.post_message(KnownWordsLoaded(prepared))

    @on(KnownWordsLoaded)
    def _known_words_loaded(self, message: KnownWordsLoaded) -> None:
        self.session.known.use(message.prepared)
        self._status()
        self.prepare_search()

    @work(thread=True, exclusive=True, group="search-index")
    def prepare_search(self) -> None:
        """The pinyin search index, last of the background work (it is cached for next
        time): the first toneless-pinyin search then takes milliseconds, not seconds.
        Leaving the screen stops it: a quit does not wait for it."""
        if not self._leaving.is_set():
            with contextlib.suppress(ReaderError):
                self.session.prepare_search(self._leaving)

    def _start_translation(self) -> None:
        """Translate what has no machine translation yet: this screen first, then ahead,
        then the rest (again after a glossary edit or a jump)."""
        self._cancel.set()
        self._cancel = threading.Event()
        view = self.view
        front = view.block_at(int(view.scroll_y))
        screen = view.block_at(int(view.scroll_y) + view.size.height) - front + 1
        job = self.session.translation_job(front, screen)
        self._job = job
        self._phase, self._phase_done = "screen", 0
        self._translating = bool(job.units) and job.info.name != "gloss"
        self._status()
        if self._translating:
            self.translate(job, self._cancel)

    @work(thread=True, exclusive=True, group="translate")
    def translate(self, job: TranslationJob, cancel: threading.Event) -> None:
        batch: list[Translation] = []
        phase = "screen"
        try:
            for part, translation in job.run(cancel):
                if cancel.is_set():
                    return
                if part != phase and batch:
                    self.post_message(TranslationsArrived(batch, phase))
                    batch = []
                phase = part
                batch.append(translation)
                # The screen's sentences as each batch comes; later ones in bigger steps.
                if len(batch) >= (1 if part == "screen" else APPLY_EVERY):
                    self.post_message(TranslationsArrived(batch, phase))
                    batch = []
        except Exception as exc:  # a broken model must not take the reader down
            self.post_message(TranslationStopped(f"translation stopped: {exc}"))
            return
        if batch:
            self.post_message(TranslationsArrived(batch, phase))
        if not cancel.is_set():
            self.post_message(TranslationStopped())

    @on(TranslationsArrived)
    def _translations_arrived(self, message: TranslationsArrived) -> None:
        if message.phase != self._phase:
            self._phase, self._phase_done = message.phase, 0
        self._phase_done += len(message.translations)
        failed = [t for t in message.translations if t.flag == "failed"]
        if failed:
            self._failed += len(failed)
            reason = failed[0].reason or "the model failed"
            if not self._alert_dismissed:  # said once; Escape means "I know"
                self._alert = f"⚠ {self._failed} not translated (≈ gloss): {reason} · esc"
        self.view.relayout(self.session.apply(message.translations))
        self._status()

    @on(Problem)
    def _problem(self, message: Problem) -> None:
        self.notify(message.text, severity="error", timeout=10)

    def _follow_the_reader(self) -> None:
        """After a jump: if the new screen is not already next, translate it first."""
        job = self._job
        if not self._translating or job is None:
            return
        block = self.session.blocks[self.view.cursor.block]
        layer = self.session.english_layer
        waiting = [
            u.id
            for u in block.sentences
            if u.id not in layer.translations and u.id not in layer.fixed
        ]
        if waiting and not job.covers(waiting[0]):
            self._start_translation()

    @on(TranslationStopped)
    def _translation_stopped(self, message: TranslationStopped) -> None:
        self._translating = False
        if message.error:
            self._alert = f"⚠ {message.error} · esc"
        self._status()

    def _english_status(self) -> Part:
        """Where the English comes from and what is still being translated (long, short)."""
        session = self.session
        info = session.translator_info
        human = session.translation
        if not session.language_ready.is_set():
            return Part("loading dictionary and segmentation…", "loading…", 3)
        if self._aligning:
            return Part(f"aligning with {Path(self.english_path or '').name}…", "aligning…", 3)
        if human is not None and not self._translating:
            rest = "machine translation" if session.has_model else "≈ gloss"
            return Part(
                f"English: {human.path.name} (human translation), {rest} elsewhere",
                f"English: {human.path.name} (human)",
            )
        if not session.has_model:
            return Part(
                "English: ≈ gloss, word by word · no model: reader models install zh en",
                "≈ gloss (no model)",
            )
        if info.name == "gloss":
            return Part("English: gloss; machine translation starting…", "MT starting…")
        if self._translating and self._job is not None and self._phase != "document":
            where = "this screen" if self._phase == "screen" else "ahead"
            done = f"{self._phase_done}/{self._job.size(self._phase)}"
            return Part(
                f"English: {info.label()} · translating {where}… {done}",
                f"translating {where}… {done}",
            )
        if self._translating:
            done = f"{session.translated:,}/{session.total:,}"
            return Part(
                f"English: {info.label()} · translating the document {done}",
                f"translating {done}",
            )
        return Part(f"English: {info.label()} (machine translation)", "English: MT")

    def _status(self) -> None:
        """The status line, fitted to the terminal: progress and coverage always show."""
        session = self.session
        marks = len(session.state.bookmarks)
        parts = [
            Part(self._alert, rank=9),
            Part(f"⚠ {session.save_problem}" if session.save_problem else "", "⚠ not saved", 8),
            Part(f"{session.state.progress:.0%} read", f"{session.state.progress:.0%}", 7),
            self._coverage(),
            Part(f"{marks} bookmark{'s' if marks != 1 else ''}" if marks else "", f"★{marks}", 1),
            self._english_status(),
            self._provenance(),
        ]
        status = self.query_one("#status", Static)
        # The line has a cell of padding on each side.
        width = (status.size.width or self.app.size.width) - 2
        status.update(fit([p for p in parts if p.text], max(20, width)))

    def _coverage(self) -> Part:
        """Share of running words you know, in this section and in the document."""
        known = self.session.known
        whole = known.coverage()
        if whole is None or not whole.tokens:
            return Part("")
        here = (
            known.coverage(self.session.section_of(self.view.cursor.block))
            if self.is_mounted
            else None
        )
        text = f"known {whole.share:.0%}"
        if here is None or not here.tokens:
            return Part(text, rank=6)
        return Part(f"{text} · section {here.share:.0%}", text, 6)

    def _provenance(self) -> Part:
        """Where the current sentence's English comes from, when it is not the document's MT."""
        if not self.is_mounted or not self.session.language_ready.is_set():
            return Part("")
        current = self._sentence()
        if current is None:
            return Part("")
        english = self.session.english_for(*current)
        if english.provenance in ("mt", "none") or (
            english.provenance == "gloss" and not self.session.has_model
        ):
            return Part("")
        origin = f" ({english.origin})" if english.origin and english.provenance == "tm" else ""
        return Part(f"this sentence: {english.provenance}{origin}", english.provenance, 2)

    # -- position ---------------------------------------------------------------------

    def _track_progress(self) -> None:
        """Progress is how much of the text lies above the bottom of the screen (at the
        end, 100%), not where the cursor's paragraph is among the paragraphs."""
        if not self.is_mounted:
            return
        reached = self.view.reached()
        if reached is None:
            return
        block, within = reached
        if self._text_ends is None:
            self._text_ends = list(accumulate(len(b.text) for b in self.session.blocks))
        ends = self._text_ends
        start = ends[block - 1] if block else 0
        done = start + within * (ends[block] - start)
        self.session.state.progress = min(1.0, done / max(1, ends[-1]))

    def _save(self) -> None:
        self._track_progress()
        self.session.save()

    def on_bilingual_view_cursor_moved(self, event: BilingualView.CursorMoved) -> None:
        self.session.move_to(event.index, self.view.cursor.token)
        self._track_progress()
        self._status()
        # A jump (contents, search, ], a bookmark): that screen first, within a batch.
        if self._follow is not None:
            self._follow.stop()
        self._follow = self.set_timer(0.2, self._follow_the_reader)

    # -- the popup ----------------------------------------------------------------------

    def on_bilingual_view_word_selected(self, event: BilingualView.WordSelected) -> None:
        session = self.session
        if not session.language_ready.is_set() or not event.token.is_hanzi:
            return
        entry = session.lookup(event.token.text)
        status = session.known.status_of(event.token)
        if status == Status.LEARNING.value:
            status = f"learning {session.known.entry(event.token.text).level}"
        _, placed = self.view.current()
        from reader.tui.screens.popup import GlossaryPopup  # modal screens load when opened

        popup = GlossaryPopup(
            entry,
            session.context.settings.hsk_standard,
            session.context.style,
            status,
            anchor=self.view.cursor_region(),
            column=self.view.chinese_column(),
            split_parts=session.split_suggestion(entry.word),
        )

        def closed(result: PopupResult | None) -> None:
            if result is None:
                return
            if result.term is not None:
                english, note = result.term
                stale = session.add_term(entry.word, english, note)
                self.notify(f"saved {entry.word} to your glossary")
                if stale and session.has_model:
                    self._start_translation()  # the sentences with the term, again
                self.view.relayout()
            if result.save_word:
                saved = session.save_word(entry.word, event.sentence, event.sentence_id)
                self.notify(f"saved {saved.word} to your vocabulary")
            if result.status is not None:
                new, level = result.status
                session.known.set(event.token.text, Status(new), level)
                self.notify(f"{event.token.text}: {new}", timeout=2)
                self.view.relayout()
                self._status()
            if result.split is not None or result.join_next:
                self._resegment(result, entry.word, event.sentence, placed)

        self.app.push_screen(popup, closed)

    def _resegment(
        self, result: PopupResult, word: str, sentence: str, placed: PlacedToken | None
    ) -> None:
        """A segmentation fix from the popup: saved, and every text is cut anew."""
        try:
            if result.split is not None:
                stale = self.session.split_word(word, result.split)
                self.notify(f"{word} → {' '.join(result.split)} everywhere", timeout=3)
            else:
                index = placed.index if placed is not None else -1
                joined = self.session.join_next(sentence, index)
                stale = 0
                self.notify(f"{joined} is one word everywhere", timeout=3)
        except ReaderError as exc:
            self.notify(str(exc), severity="warning")
            return
        if stale and self.session.has_model:
            self._start_translation()
        self.view.relayout()
        # The words are cut anew: coverage counts them again (the counts are cached per
        # segmentation, so this is a recount, not the old figure read back).
        self.load_known_words()

    def _remember(self) -> None:
        """Keep the view choices for next time."""
        view = self.view
        save_preferences(
            {
                "pinyin": view.pinyin,
                "pinyin_known": view.pinyin_known,
                "mark_new": view.mark_new,
                "english": view.english,
                "colours": view.colours,
                "stacked": view.stacked,
                "theme": self.app.theme,
            }
        )

    # -- toggles --------------------------------------------------------------------------

    def action_toggle_pinyin(self) -> None:
        """Pinyin over every word → only over words you don't know yet → none."""
        view = self.view
        if view.pinyin and view.pinyin_known:
            view.pinyin_known = False
            self.notify("pinyin over the words you don't know", timeout=2)
        elif view.pinyin:
            view.pinyin, view.pinyin_known = False, True
        else:
            view.pinyin = True
        view.relayout()
        self._remember()

    # -- known words --------------------------------------------------------------------

    def action_status(self, status: str, level: int | None = None) -> None:
        _, placed = self.view.current()
        if placed is None or self.session.known.status_of(placed.token) is None:
            return
        entry = self.session.known.set(placed.token.text, Status(status), level)
        shown = f"learning {entry.level}" if entry.status == Status.LEARNING else entry.status
        self.notify(f"{placed.token.text}: {shown}", timeout=2)
        self.view.relayout()
        self._status()

    def action_mark_screen(self) -> None:
        count = self.session.known.mark_known(self.view.visible_tokens())
        self.notify(f"{count} new word{'s' if count != 1 else ''} marked known", timeout=2)
        self.view.relayout()
        self._status()

    def action_toggle_new(self) -> None:
        self.view.mark_new = not self.view.mark_new
        self.view.relayout()
        self._remember()

    def action_cycle_colours(self) -> None:
        position = COLOUR_CYCLE.index(self.view.colours)
        self.set_colours(COLOUR_CYCLE[(position + 1) % len(COLOUR_CYCLE)])

    def set_colours(self, scheme: str | None) -> None:
        self.view.colours = scheme
        self.notify(f"tone colours: {scheme or 'off'}", timeout=2)
        self.view.relayout()
        self._remember()

    def set_theme(self, theme: str) -> None:
        """A light or dark theme: the view's colours follow (made readable for it)."""
        self.app.theme = theme
        self._remember()

    def palette_commands(self) -> list[Command]:
        """What the command palette offers here: the reader's own commands, each with
        its key, beside Textual's own."""
        return [
            Command("pinyin: all words → unknown only → off", "p", self.action_toggle_pinyin),
            *(
                Command(
                    f"tone colours: {name}",
                    "c cycles the tone colour schemes",
                    partial(self.set_colours, name),
                )
                for name in TONE_SCHEMES
            ),
            Command("tone colours: off", "c", lambda: self.set_colours(None)),
            Command("layout: side by side ↔ stacked", "v", self.action_toggle_layout),
            Command("English column: show / hide", "t", self.action_toggle_english),
            Command("contents and bookmarks", "o", self.action_toggle_toc),
            Command("export the document…", "e: Markdown, HTML, EPUB, TMX…", self.action_export),
            Command(
                "search…", "/ Chinese, pinyin or English; n N next, previous", self.action_search
            ),
            Command(
                "theme: dark",
                "the reader's colours for a dark terminal",
                lambda: self.set_theme("textual-dark"),
            ),
            Command(
                "theme: light",
                "the reader's colours for a light terminal",
                lambda: self.set_theme("textual-light"),
            ),
            Command("bookmark this paragraph", "b", self.action_bookmark),
            Command("next section", "]", lambda: self.action_section(1)),
            Command("previous section", "[", lambda: self.action_section(-1)),
            Command("edit the sentence's English", "i", self.action_edit_english),
            Command("underline new words: on / off", "U", self.action_toggle_new),
            Command("library: the documents you read", "L", self.action_library),
            Command("keys: every key", "?", self.action_help),
        ]

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
        entries = self.session.contents()
        options = [
            Option(f"★ {e.text}", id=f"bookmark:{blocks[e.block].id}")
            if e.bookmark
            else Option(("  " * (e.level - 1)) + " ".join(e.text.split()), id=blocks[e.block].id)
            for e in entries
        ]
        if not any(not e.bookmark for e in entries):
            options.insert(0, Option("(this document has no sections)", disabled=True))
        return options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = (event.option.id or "").removeprefix("bookmark:")
        index = self.session.block_index(target)
        if index is not None:
            self.view.jump_to_block(index)
        event.option_list.display = False
        self.view.focus()
        self.view.relayout()

    def action_section(self, step: int) -> None:
        here = self.view.cursor.block
        headings = self.session.headings()
        if not headings:
            self.notify("this document has no sections", timeout=3)
            return
        target = [i for i in headings if (i > here if step > 0 else i < here)]
        if target:
            self.view.jump_to_block(target[0] if step > 0 else target[-1])
        else:
            self.notify("no next section" if step > 0 else "no previous section", timeout=2)

    def action_bookmark(self) -> None:
        marked = self.session.toggle_bookmark(self.view.cursor.block)
        self.notify("bookmarked" if marked else "bookmark removed", timeout=2)
        self._status()

    # -- post-editing --------------------------------------------------------------------------

    def _sentence(self) -> tuple[str, str] | None:
        """(id, Chinese) of the sentence under the cursor."""
        block, placed = self.view.current()
        if placed is None:
            return None
        unit = block.sentences[placed.sentence]
        return unit.id, unit.text

    def _save_english(self, sentence_id: str, english: str | None) -> None:
        if english is None:
            return
        try:
            saved = self.session.edit(sentence_id, english)
        except ReaderError as exc:
            self.notify(str(exc), severity="error")
            return
        index = self.session.block_index(sentence_id)
        self.view.relayout([index] if index is not None else None)
        self.notify("saved your English" if saved.provenance == "edited" else "edit removed")
        self._status()

    def action_edit_english(self) -> None:
        current = self._sentence()
        if current is None:
            return
        sid, text = current
        english = self.session.english_for(sid, text)
        from reader.tui.screens.edit import EditScreen

        self.app.push_screen(
            EditScreen(text, english), lambda value: self._save_english(sid, value)
        )

    def action_alternatives(self) -> None:
        current = self._sentence()
        if current is None:
            return
        sid, text = current
        from reader.tui.screens.edit import CandidatesScreen

        self.app.push_screen(
            CandidatesScreen(text, self.session.candidates(sid, text)),
            lambda value: self._save_english(sid, value),
        )

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
        self._query = query
        self._matches = self.session.search(query)
        self._match = -1
        self._mark_matches()
        if query.isascii() and self.session.language_ready.is_set():
            # Where the English shown is the gloss, an English search must find it too.
            self.search_gloss(query)
        if not self._matches:
            if not query.isascii():
                self.notify(f"no match for {query}", timeout=3)
            return
        self.action_next_match(1)

    @work(thread=True, exclusive=True, group="search")
    def search_gloss(self, query: str) -> None:
        """The gloss is made sentence by sentence: a worker searches it."""
        self.post_message(GlossMatches(query, self.session.search_gloss(query, self._leaving)))

    @on(GlossMatches)
    def _gloss_matches(self, message: GlossMatches) -> None:
        if message.query != self._query:
            return  # a newer search
        matched = {(m.block, m.sentence) for m in self._matches}
        more = [m for m in message.matches if (m.block, m.sentence) not in matched]
        if not more and not self._matches:
            self.notify(f"no match for {message.query}", timeout=3)
            return
        if not more:
            return
        current = self._matches[self._match] if self._match >= 0 else None
        self._matches = sorted(
            [*self._matches, *more], key=lambda m: (m.block, m.sentence, m.offset)
        )
        self._mark_matches()
        if current is None:
            self.action_next_match(1)
        else:
            self._match = self._matches.index(current)
            self.notify(f"match {self._match + 1} of {len(self._matches)}", timeout=2)

    def _mark_matches(self) -> None:
        """Every match marked, wherever the view goes: the characters of a Chinese or pinyin
        match, the English words of an English one."""
        blocks = self.session.blocks
        spans: dict[int, dict[int, list[tuple[int, int]]]] = {}
        english: set[int] = set()
        for match in self._matches:
            text = blocks[match.block].sentences[match.sentence].text
            length = match_length(text, match.offset, self._query)
            if length:
                sentence = spans.setdefault(match.block, {}).setdefault(match.sentence, [])
                sentence.append((match.offset, match.offset + length))
            else:
                english.add(match.block)
        needle = " ".join(self._query.lower().split())
        marks = {
            index: Marks(
                {n: tuple(found) for n, found in spans.get(index, {}).items()},
                needle if index in english else "",
            )
            for index in set(spans) | english
        }
        self.view.set_marks(marks)

    def action_next_match(self, step: int) -> None:
        if not self._matches:
            return
        self._match = (self._match + step) % len(self._matches)
        hit = self._matches[self._match]
        self.view.jump_to_text(hit.block, hit.sentence, hit.offset)
        self.notify(f"match {self._match + 1} of {len(self._matches)}", timeout=2)

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        from reader.export.formats import default_out_path
        from reader.tui.screens.export import ExportScreen

        source = self.session.doc.path or self.session.doc.title
        # Absolute from the start: you see where the file will go.
        default = str(Path.cwd() / default_out_path(source, "html"))

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.notify(f"exporting {choice.path}…", timeout=3)
                self.export(choice.path, self.view.pinyin, choice.replace)

        self.app.push_screen(ExportScreen(default), chosen)

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: Path, pinyin: bool, replace: bool = False) -> None:
        """In a worker, with the session's own annotator and model: the reader stays responsive."""
        from reader.export.document import export_document

        session = self.session
        try:
            written = export_document(
                session.doc, path.suffix, path, session.context, pinyin=pinyin, force=replace
            )
        except ReaderError as exc:
            self.post_message(ExportFinished(None, str(exc)))
            return
        self.post_message(ExportFinished(written))

    @on(ExportFinished)
    def _export_finished(self, message: ExportFinished) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error")
        elif message.written is not None:
            self.notify(f"wrote {message.written.resolve()}")

    # -- the rest ------------------------------------------------------------------------------

    def action_close_panels(self) -> None:
        if self._alert:
            self._alert = ""
            self._alert_dismissed = True  # later batches of the same failure stay quiet
            self._status()
        self.view.set_marks({})  # the search's marks go; n and N still step through it
        self.query_one("#toc").display = False
        self.query_one("#search").display = False
        self.view.focus()

    def action_help(self) -> None:
        rows = [
            ("arrows, h j k l", "move the word cursor"),
            ("enter, click", "look the word up (a: add to glossary, s: save word)"),
            ("space, page up/down", "page"),
            ("home end, g G", "the start / the end of the document"),
        ]
        for binding in self.BINDINGS:
            if isinstance(binding, Binding):
                what = binding.tooltip or binding.description
                rows.append((binding.key_display or binding.key, what))
        from reader.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(rows))

    def action_quit_reader(self) -> None:
        self._cancel.set()
        self._leaving.set()
        self._save()
        self.app.exit()

    def action_library(self) -> None:
        self._save()
        self.app.show_library()  # type: ignore[attr-defined]
