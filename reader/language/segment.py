"""Word segmentation with jieba: a private tokenizer, glossary terms kept whole.

jieba's module-level tokenizer is shared global state; reader uses its own
``jieba.Tokenizer`` so adding glossary terms never leaks into other code. The
first cut costs about a second (jieba loads its dictionary), so
:meth:`Segmenter.start` exists for callers to run it in a background thread.

The reader fixes jieba's mistakes as LUTE's parser exceptions do, once for
every text: a *split* (但书 → 但 书) and a *join* (宝 钗 → 宝钗, a character's
name). Both are records of ``splits.tsv``: a join is a word "split" into one
part, ``宝钗<TAB>宝钗``. A joined word is added to jieba with a frequency
high enough to win wherever it occurs, and like a glossary term it is glued
back together wherever jieba's cut falls on its two ends (广大党员|干部群众 →
广大党员干部群众), but never across a word (人民|生活 does not give 民生).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.store.atomic import atomic_writer
from reader.store.locking import locked
from reader.store.paths import cache_dir, config_dir

if TYPE_CHECKING:
    import jieba

    from reader.language.jieba_fast import FastCut
    from reader.language.jieba_table import Pristine

SPLITS_FILE = "splits.tsv"


def read_splits(path: Path) -> dict[str, tuple[str, ...]]:
    """Forced splits: ``WORD<TAB>PART PART…`` per line."""
    splits: dict[str, tuple[str, ...]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return splits
    except UnicodeDecodeError as exc:
        raise ReaderError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "save it as UTF-8, or remove it to forget your word splits"
        ) from None
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read your word splits ({exc.strerror or exc})") from None
    for line in lines:
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        word, parts = line.split("\t", 1)
        if "".join(parts.split()) == word:
            splits[word] = tuple(parts.split())
    return splits


def write_splits(path: Path, splits: dict[str, tuple[str, ...]]) -> None:
    with atomic_writer(path) as handle:
        handle.write("# reader forced word splits: WORD<TAB>PART PART…\n")
        for word in sorted(splits):
            handle.write(f"{word}\t{' '.join(splits[word])}\n")


#: jieba's frequency for a glossary term (at least): a common word's. jieba's own
#: entries for policy phrases are rare ones (广大党员 3, 干部群众 3), and at the
#: frequency jieba suggests a term lost to them (广大党员|干部群众 hid 党员干部) or to a
#: word and a stray character (全省|域 hid 省域); against two common words it still
#: loses, as it should (人民|生活 keeps 民生 out). Only for terms of up to
#: :data:`BOOSTED_TERM` characters: a longer one is built from its words anyway
#: (:func:`merge_words`), and boosted it steals a character from the word before
#: it (创新发展理念 became 创|新发展理念).
TERM_FREQ = 2_000
BOOSTED_TERM = 4
#: jieba's frequency for a word the reader joined: above almost every word it could
#: overlap with (common words are 10⁴–10⁶), so the join holds wherever it occurs.
JOIN_FREQ = 2_000_000
#: The longest text cut from jieba's table on disk while its dictionary is not loaded:
#: a query per prefix looked up is quick for a screen or a command line, not a book.
LIGHT_CHARS = 2_000
#: ... until this many characters in all have been cut so: a query per prefix is
#: about four times slower than the loaded dictionary, which pays for its load
#: (0.5 s) after some 50,000 characters (a vocabulary list read a novel this way).
LIGHT_BUDGET = 50_000


class Segmenter:
    """Thread-safe jieba segmentation with user words, forced splits and joins."""

    def __init__(self, splits_path: Path | None = None, jieba_cache: Path | None = None) -> None:
        self.splits_path = splits_path or config_dir() / SPLITS_FILE
        self._jieba_cache = jieba_cache
        #: jieba's own words, kept by :meth:`start` for :meth:`keep_table` to write.
        self._pristine: Pristine | None = None
        self._tokenizer: jieba.Tokenizer | None = None
        self._fast: FastCut | None = None
        self._lock = threading.RLock()
        self._start_lock = threading.Lock()
        self._words: set[str] = set()
        #: Every record of ``splits.tsv``: a split (two parts or more) or a join (one part).
        self.splits = read_splits(self.splits_path)
        #: Words glued back together from jieba's tokens (terms and joins), and all
        #: their prefixes, so the merge looks at a token only if a word starts with it.
        self._whole: frozenset[str] = frozenset()
        self._prefixes: frozenset[str] = frozenset()
        #: jieba's own frequency of each word we split or joined, to restore on unsplit.
        self._freq_before_split: dict[str, int] = {}
        #: Bumped whenever the cut of some text may change: caches keyed on it notice.
        self.version = 0
        #: Until the dictionary is loaded, short texts are cut from its table on disk.
        self._light: Callable[[str], list[str]] | None = None
        self._light_version = -1
        self._light_missing = False
        #: Characters cut from the table so far (see :data:`LIGHT_BUDGET`).
        self._light_chars = 0
        self._rebuild()

    @property
    def joins(self) -> frozenset[str]:
        """The words you joined (宝钗): one word wherever they occur."""
        return frozenset(w for w, parts in self.splits.items() if len(parts) == 1)

    def _rebuild(self) -> None:
        joins = self.joins
        parts = (p for ps in self.splits.values() if len(ps) > 1 for p in ps if len(p) > 1)
        #: Words you decided on, joins and the parts of your splits: never cut again
        #: (the annotator splits a word no dictionary has, unless you made it).
        self.user_words = joins | frozenset(parts)
        #: The words you split: never a piece of a longer word either.
        self.split_words = frozenset(w for w, ps in self.splits.items() if len(ps) > 1)
        whole = self._words | self.user_words
        self._whole = frozenset(whole)
        self._prefixes = frozenset(w[:n] for w in whole for n in range(1, len(w) + 1))
        self.version += 1

    def can_cut_light(self) -> bool:
        """Can short texts be cut now without loading jieba's dictionary (its table is on
        disk)? The reader then shows the first screen's pinyin before the load."""
        with self._lock:
            return self._tokenizer is not None or self._light_cut() is not None

    def start(self, *, table_later: bool = False) -> None:
        """Load jieba's dictionary (about a second); safe to call from a worker.

        The load itself runs outside the segmenter's lock (one loader at a time), so
        short texts go on being cut from the table on disk meanwhile: the reader's
        first screen is drawn while a worker loads. ``table_later``: on the first run
        ever, that table (0.5 s to write) is written by :meth:`keep_table`, after the
        first screen, not before its pinyin."""
        with self._start_lock:
            with self._lock:
                if self._tokenizer is not None:
                    return
            # Imported here: jieba costs 0.1–0.2 s to import, and `reader --version`,
            # argument errors and the reader's first frame do not need it.
            from reader.language.jieba_fast import FastCut, import_jieba, initialize, supported
            from reader.language.jieba_table import Pristine, ensure_built, is_built

            jieba = import_jieba()

            # jieba logs a traceback when it cannot write its cache file (a read-only or
            # full cache folder) and works without it: nothing to show a reader.
            jieba.setLogLevel(logging.CRITICAL)
            tokenizer = jieba.Tokenizer()
            folder = self._jieba_cache or cache_dir()
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(folder)
            initialize(tokenizer)
            # Its words as jieba has them, for short texts cut before this load next time.
            if not table_later:
                ensure_built(tokenizer, self._jieba_cache)
            elif not is_built(self._jieba_cache):
                self._pristine = Pristine.of(tokenizer)
            with self._lock:
                for word in sorted(self._words):
                    _add_term(tokenizer, word)
                self._tokenizer = tokenizer
                # jieba's own algorithm restated for speed, same tokens (see jieba_fast).
                self._fast = FastCut(tokenizer) if supported() else None
                self._follow({}, self.splits)

    @property
    def jieba_folder(self) -> Path | None:
        """Where jieba's cache and table are kept (None: the cache folder)."""
        return self._jieba_cache

    def table_pending(self) -> bool:
        """Did :meth:`start` leave jieba's table for later (``table_later``)?"""
        return self._pristine is not None

    def table_written_elsewhere(self) -> None:
        """Another process writes the pending table: the copy kept for it is let go."""
        with self._start_lock:
            self._pristine = None

    def keep_table(self) -> None:
        """Write the table :meth:`start` left for later (``table_later``), if it did."""
        from reader.language.jieba_table import ensure_built

        with self._start_lock:
            pristine, self._pristine = self._pristine, None
        if pristine is not None:
            ensure_built(pristine, self._jieba_cache)

    def add_words(self, words: Iterable[str]) -> None:
        """Make each word come out whole (glossary terms)."""
        with self._lock:
            new = [w for w in words if w and w not in self._words]
            if not new:
                return
            self._words.update(new)
            self._rebuild()
            if self._tokenizer is not None:
                for word in new:
                    _add_term(self._tokenizer, word)

    def split(self, word: str, parts: tuple[str, ...]) -> None:
        """Record that ``word`` is always cut into ``parts`` (saved at once).

        A join of the same word is replaced: the last decision holds. Parts of
        two characters or more become words jieba prefers (splitting 贾政扶 into
        贾政 扶 fixes 贾政道 and 贾政笑 as well).
        """
        if "".join(parts) != word or len(parts) < 2:
            raise ReaderError(f"the parts {' '.join(parts)!r} do not spell {word!r}")
        with self._lock:
            self._save({**self.splits, word: parts})

    def join(self, word: str) -> None:
        """Record that ``word`` is always one word (saved at once); a split of it goes."""
        if len(word) < 2 or any(ch.isspace() for ch in word):
            raise ReaderError(f"cannot join {word!r}: it must be two characters or more")
        with self._lock:
            self._save({**self.splits, word: (word,)})

    def unsplit(self, word: str) -> bool:
        """Forget your split or join of ``word``: jieba decides again."""
        with self._lock:
            if word not in self.splits:
                return False
            self._save({k: v for k, v in self.splits.items() if k != word})
        return True

    def _save(self, updated: dict[str, tuple[str, ...]]) -> None:
        """Write the records, then make jieba and the merge follow them (lock held).

        What changed from :attr:`splits` is applied to the file as saved now, under its
        file lock: another reader's records, saved since this one read them, stay.
        """
        with locked(self.splits_path):
            saved = read_splits(self.splits_path)
            for word in self.splits.keys() - updated.keys():
                saved.pop(word, None)
            saved.update({w: parts for w, parts in updated.items() if self.splits.get(w) != parts})
            write_splits(self.splits_path, saved)
        before, self.splits = self.splits, saved
        self._follow(before, saved)
        self._rebuild()

    def _follow(
        self, before: dict[str, tuple[str, ...]], after: dict[str, tuple[str, ...]]
    ) -> None:
        """Tell jieba what changed between two sets of records."""
        if self._tokenizer is None:
            return
        old_forgotten, old_taught = _jieba_changes(before)
        forgotten, taught = _jieba_changes(after)
        for word in (old_forgotten | old_taught) - (forgotten | taught):
            self._restore(word)
        for word in forgotten - old_forgotten:
            self._forget(word)
        for word in taught - old_taught:
            self._teach(word)

    def _forget(self, word: str) -> None:
        assert self._tokenizer is not None
        self._freq_before_split.setdefault(word, self._tokenizer.FREQ.get(word, 0))
        self._tokenizer.del_word(word)

    def _teach(self, word: str) -> None:
        assert self._tokenizer is not None
        self._freq_before_split.setdefault(word, self._tokenizer.FREQ.get(word, 0))
        self._tokenizer.add_word(word, JOIN_FREQ)

    def _restore(self, word: str) -> None:
        """jieba's own idea of ``word`` again, as before a split or a join."""
        assert self._tokenizer is not None
        freq = self._freq_before_split.pop(word, 0)
        if word in self._words:
            _add_term(self._tokenizer, word, freq)
        elif freq:
            self._tokenizer.add_word(word, freq)
        else:
            self._tokenizer.del_word(word)

    def _light_cut(self) -> Callable[[str], list[str]] | None:
        """Cutting without loading jieba's dictionary, from its table on disk (lock held);
        None where there is no table yet. Built as :meth:`start` builds the real one:
        the same terms in the same order, then the same splits and joins."""
        if self._light_missing:
            return None
        if self._light is None or self._light_version != self.version:
            from reader.language.jieba_fast import FastCut, supported
            from reader.language.jieba_table import LazyFrequencies, light_tokenizer

            tokenizer = light_tokenizer(self._jieba_cache)
            if tokenizer is None:
                self._light_missing = True
                return None
            # Adding a term reads its prefixes, and a long one is cut to suggest its
            # frequency: every piece of every term, read in a few queries.
            freq = tokenizer.FREQ
            if isinstance(freq, LazyFrequencies):
                freq.prefetch(
                    {
                        w[i:j]
                        for w in self._words
                        for i in range(len(w))
                        for j in range(i + 1, len(w) + 1)
                    }
                )
            for word in sorted(self._words):
                _add_term(tokenizer, word)
            forgotten, taught = _jieba_changes(self.splits)
            for word in forgotten:
                tokenizer.del_word(word)
            for word in taught:
                tokenizer.add_word(word, JOIN_FREQ)
            if supported():
                self._light = FastCut(tokenizer).cut
            else:
                self._light = lambda text: list(tokenizer.cut(text))
            self._light_version = self.version
        return self._light

    def cut(self, text: str) -> list[str]:
        """Segment ``text``; the tokens concatenate back to ``text``."""
        with self._lock:
            light = None
            if (
                self._tokenizer is None
                and len(text) <= LIGHT_CHARS
                and self._light_chars + len(text) <= LIGHT_BUDGET
            ):
                light = self._light_cut()
                self._light_chars += len(text)
        if light is None:
            self.start()
        assert light is not None or self._tokenizer is not None
        with self._lock:
            if light is not None:
                tokens = light(text)
            elif self._fast is not None:
                tokens = self._fast.cut(text)
            else:
                assert self._tokenizer is not None
                tokens = list(self._tokenizer.cut(text))
            whole, prefixes = self._whole, self._prefixes
            splits = self.splits
        if whole:
            tokens = merge_words(tokens, whole, prefixes)
        if splits:
            tokens = [part for token in tokens for part in splits.get(token, (token,))]
        return tokens


def _add_term(tokenizer: jieba.Tokenizer, word: str, own: int | None = None) -> None:
    """A glossary term for jieba: at least :data:`TERM_FREQ` if it is short, never below
    its own count (jieba's suggestion for a long one)."""
    known = tokenizer.FREQ.get(word) if own is None else own
    if len(word) > BOOSTED_TERM:
        tokenizer.add_word(word, known or None)
    else:
        tokenizer.add_word(word, max(known or 0, TERM_FREQ))


def _jieba_changes(records: dict[str, tuple[str, ...]]) -> tuple[set[str], set[str]]:
    """What the records ask of jieba: words to forget (split ones), words to prefer
    (joined ones, and the longer parts of splits)."""
    forgotten = {word for word, parts in records.items() if len(parts) > 1}
    taught = {word for word, parts in records.items() if len(parts) == 1}
    taught |= {p for parts in records.values() if len(parts) > 1 for p in parts if len(p) > 1}
    return forgotten, taught - forgotten


def merge_words(tokens: list[str], words: frozenset[str], prefixes: frozenset[str]) -> list[str]:
    """Glue runs of tokens that spell one of ``words``, the longest first, left to right.

    Only whole tokens are glued: a word's two ends must fall on token
    boundaries, so 民生 never comes out of 人民|生活. ``prefixes`` holds every
    prefix of every word (the word itself included), which keeps this one set
    lookup per token for text without terms.
    """
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        joined, k, best = tokens[i], i + 1, i + 1
        while k < n and joined in prefixes:
            joined += tokens[k]
            k += 1
            if joined in words:
                best = k
        out.append(tokens[i] if best == i + 1 else "".join(tokens[i:best]))
        i = best
    return out
