"""Word segmentation with jieba: a private tokenizer, glossary terms kept whole.

jieba's module-level tokenizer is shared global state; reader uses its own
``jieba.Tokenizer`` so adding glossary terms never leaks into other code. The
first cut costs about a second (jieba loads its dictionary), so
:meth:`Segmenter.start` exists for callers to run it in a background thread.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import ReaderError
from reader.store.atomic import atomic_writer
from reader.store.paths import cache_dir, config_dir

if TYPE_CHECKING:
    import jieba

SPLITS_FILE = "splits.tsv"


def read_splits(path: Path) -> dict[str, tuple[str, ...]]:
    """Forced splits: ``WORD<TAB>PART PART…`` per line."""
    splits: dict[str, tuple[str, ...]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return splits
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


class Segmenter:
    """Thread-safe jieba segmentation with user words and forced splits."""

    def __init__(self, splits_path: Path | None = None, jieba_cache: Path | None = None) -> None:
        self.splits_path = splits_path or config_dir() / SPLITS_FILE
        self._jieba_cache = jieba_cache
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.RLock()
        self._words: set[str] = set()
        #: Terms jieba's own pre-split would break (they contain 、 or spaces).
        self._phrases: re.Pattern[str] | None = None
        self.splits = read_splits(self.splits_path)
        #: jieba's own frequency of each word we split, to restore on unsplit.
        self._freq_before_split: dict[str, int] = {}

    def start(self) -> None:
        """Load jieba's dictionary (about a second); safe to call from a worker."""
        with self._lock:
            if self._tokenizer is not None:
                return
            # Imported here: jieba costs 0.1–0.2 s to import, and `reader --version`,
            # argument errors and the reader's first frame do not need it.
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            folder = self._jieba_cache or cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(folder)
            tokenizer.initialize()
            for word in sorted(self._words):
                tokenizer.add_word(word)
            self._tokenizer = tokenizer
            for word in self.splits:
                self._forget(word)

    def add_words(self, words: Iterable[str]) -> None:
        """Make each word come out whole (glossary terms)."""
        with self._lock:
            new = [w for w in words if w and w not in self._words]
            self._words.update(new)
            phrases = sorted((w for w in self._words if not _is_jieba_word(w)), key=len)
            self._phrases = (
                re.compile("|".join(re.escape(p) for p in reversed(phrases))) if phrases else None
            )
            if self._tokenizer is not None:
                for word in new:
                    self._tokenizer.add_word(word)

    def split(self, word: str, parts: tuple[str, ...]) -> None:
        """Record that ``word`` is always cut into ``parts`` (saved at once)."""
        if "".join(parts) != word or len(parts) < 2:
            raise ReaderError(f"the parts {' '.join(parts)!r} do not spell {word!r}")
        with self._lock:
            updated = {**self.splits, word: parts}
            write_splits(self.splits_path, updated)
            self.splits = updated
            self._forget(word)

    def _forget(self, word: str) -> None:
        if self._tokenizer is not None:
            self._freq_before_split.setdefault(word, self._tokenizer.FREQ.get(word, 0))
            self._tokenizer.del_word(word)

    def unsplit(self, word: str) -> bool:
        with self._lock:
            if word not in self.splits:
                return False
            updated = {k: v for k, v in self.splits.items() if k != word}
            write_splits(self.splits_path, updated)
            self.splits = updated
            freq = self._freq_before_split.pop(word, 0)
            if self._tokenizer is not None and (freq or word in self._words):
                self._tokenizer.add_word(word, freq or None)
        return True

    def cut(self, text: str) -> list[str]:
        """Segment ``text``; the tokens concatenate back to ``text``."""
        self.start()
        assert self._tokenizer is not None
        with self._lock:
            tokens = list(self._tokenizer.cut(text))
            phrases = self._phrases
            splits = self.splits
        if phrases is not None:
            tokens = _merge_spans(tokens, [m.span() for m in phrases.finditer(text)])
        if splits:
            tokens = [part for token in tokens for part in splits.get(token, (token,))]
        return tokens


def _is_jieba_word(word: str) -> bool:
    """Can jieba's DAG produce ``word`` as one token at all?"""
    return bool(re.fullmatch(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+", word))


def _merge_spans(tokens: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """Merge the tokens covering each span whose ends fall on token boundaries."""
    if not spans:
        return tokens
    starts: dict[int, int] = {}
    position = 0
    for index, token in enumerate(tokens):
        starts[position] = index
        position += len(token)
    starts[position] = len(tokens)
    merged: list[str] = []
    index = 0
    for start, end in spans:
        if start not in starts or end not in starts or starts[start] < index:
            continue
        first, last = starts[start], starts[end]
        merged.extend(tokens[index:first])
        merged.append("".join(tokens[first:last]))
        index = last
    merged.extend(tokens[index:])
    return merged
