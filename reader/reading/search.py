"""The toneless pinyin of every sentence of a document, computed once: pinyin search in milliseconds.

Searching 红楼梦 for ``fupin`` asked pypinyin for the toneless reading of each
of its 100,000 sentences, every time: 6–8 s per search. The readings do not
change while the document is open, nor between sessions, so they are
computed once per document (``toneless(text)``, exactly what the search
compared with) and kept in the cache folder by the document's hash and
pypinyin's version; a search then looks for the query in one joined string.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from reader.errors import ReaderError
from reader.language.pinyin import toneless, toneless_syllables
from reader.store.atomic import write_text
from reader.store.paths import cache_dir

SEARCH_FOLDER = "search"
#: Bump when what is stored changes meaning.
INDEX_FORMAT = 1


def _pypinyin_version() -> str:
    import importlib.metadata  # a tenth of the reader's own start-up: only when indexing

    try:
        return importlib.metadata.version("pypinyin")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"


class PinyinIndex:
    """``toneless(text)`` of each sentence, in order, searchable at once."""

    def __init__(self, readings: Sequence[str]) -> None:
        self.readings = list(readings)
        # One string, sentences apart by a line break (a query is letters only, so it
        # never matches across two), and where each sentence starts in it.
        self._joined = "\n".join(self.readings)
        self._starts: list[int] = []
        position = 0
        for reading in self.readings:
            self._starts.append(position)
            position += len(reading) + 1

    @classmethod
    def of(
        cls,
        texts: Sequence[str],
        sha256: str = "",
        folder: Path | None = None,
        cancel: threading.Event | None = None,
    ) -> PinyinIndex:
        """The index of ``texts`` (a document's sentences): from the cache when the
        document (``sha256``) was indexed before, else computed and kept there.
        ``cancel`` stops the computing (a ReaderError): the reader is closing."""
        path = _path(sha256, folder) if sha256 else None
        if path is not None:
            cached = _load(path, len(texts))
            if cached is not None:
                return cls(cached)
        index = cls(readings(texts, cancel=cancel))
        if path is not None:
            # A read-only cache folder: still correct, only slower next time.
            with contextlib.suppress(ReaderError):
                write_text(path, json.dumps([INDEX_FORMAT, index.readings], ensure_ascii=False))
        return index

    def hits(self, compact: str) -> Iterator[int]:
        """The sentences whose toneless pinyin contains ``compact``, each once, in order."""
        if not compact:
            return
        last = -1
        start = self._joined.find(compact)
        while start >= 0:
            number = bisect.bisect_right(self._starts, start) - 1
            if number != last:
                yield number
                last = number
            start = self._joined.find(compact, start + 1)


#: Below this many characters the readings are computed here (a process costs 0.1 s).
ASIDE_MIN_CHARS = 200_000
#: At most this many processes compute a book's readings (one per core up to this).
ASIDE_MAX = 4

#: What each of those processes runs: texts in (JSON on stdin), readings out.
_READ_ASIDE = """
import json, sys
from reader.language.pinyin import toneless
texts = json.loads(sys.stdin.buffer.read().decode("utf-8"))
sys.stdout.buffer.write(json.dumps([toneless(t) for t in texts], ensure_ascii=False).encode("utf-8"))
"""


def readings(
    texts: Sequence[str],
    *,
    min_chars: int = ASIDE_MIN_CHARS,
    cancel: threading.Event | None = None,
) -> list[str]:
    """``toneless(text)`` of each text; a book's on every core, by other processes.

    A novel's 100,000 sentences are two seconds of pure Python: in the reader
    they were computed by a worker thread that shared the interpreter with the
    drawing (the scrolling of a just-opened book stalled by turns). Processes
    started for it run on their own cores, and this thread only waits for their
    answer; where they cannot start or fail, each text is read here, the same.
    ``cancel`` ends them, or the reading here, at once (a ReaderError): a quit does
    not wait for an index it will not use.
    """
    from reader.language.parallel import cpu_count

    cores = cpu_count()
    parts = min(ASIDE_MAX, cores) if cores > 1 and sum(map(len, texts)) >= min_chars else 0
    if parts > 1 and len(texts) >= parts:
        size = -(-len(texts) // parts)
        chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        found = _read_aside(chunks, cancel)
        _check(cancel)
        if found is not None:
            return found
    out: list[str] = []
    for start in range(0, len(texts), CANCEL_EVERY):
        _check(cancel)
        out.extend(toneless(text) for text in texts[start : start + CANCEL_EVERY])
    return out


#: Texts read here between two looks at ``cancel``.
CANCEL_EVERY = 2_000


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ReaderError("the pinyin index was cancelled")


def _read_aside(chunks: list[list[str]], cancel: threading.Event | None = None) -> list[str] | None:
    """Each chunk's readings from a process of its own, in order; None if any failed
    (or ``cancel`` was set: each process is then ended)."""
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    from reader.language.aside import start_python

    def read(chunk: list[str]) -> list[str] | None:
        process = start_python(_READ_ASIDE, pipes=True)
        if process is None:
            return None
        data: bytes | None = json.dumps(chunk, ensure_ascii=False).encode("utf-8")
        try:
            while True:
                try:
                    out, _ = process.communicate(data, timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    data = None  # sent: a second call goes on with it
                    if cancel is not None and cancel.is_set():
                        return None
            answer = json.loads(out.decode("utf-8")) if process.returncode == 0 else None
        except (OSError, ValueError, subprocess.SubprocessError):
            return None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if (
            isinstance(answer, list)
            and len(answer) == len(chunk)
            and all(isinstance(r, str) for r in answer)
        ):
            return answer
        return None

    with ThreadPoolExecutor(len(chunks)) as pool:
        answers = list(pool.map(read, chunks))
    if any(answer is None for answer in answers):
        return None
    return [reading for answer in answers if answer is not None for reading in answer]


def _path(sha256: str, folder: Path | None) -> Path:
    return (folder or cache_dir() / SEARCH_FOLDER) / f"{sha256[:32]}-{_pypinyin_version()}.json"


def _load(path: Path, count: int) -> list[str] | None:
    """The cached readings, or None if missing, damaged or not of this document's sentences."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or data[0] != INDEX_FORMAT
        or not isinstance(data[1], list)
        or len(data[1]) != count
        or not all(isinstance(r, str) for r in data[1])
    ):
        return None
    return data[1]


def pinyin_offsets(text: str, compact: str) -> list[int]:
    """The characters of ``text`` where the toneless pinyin ``compact`` starts, each at
    the start of a syllable read in context as the index reads it: 银行 is found by
    ``yinhang`` (read one by one, 行 is ``xing``, and the index's hit had no place)."""
    syllables = toneless_syllables(text)
    spelled: list[str] = []
    starts: dict[int, int] = {}
    length = 0
    for number, syllable in enumerate(syllables):
        if syllable:
            starts[length] = number
            spelled.append(syllable)
            length += len(syllable)
    joined = "".join(spelled)
    found: list[int] = []
    at = joined.find(compact) if compact else -1
    while at >= 0:
        if at in starts:
            found.append(starts[at])
        at = joined.find(compact, at + 1)
    return found


def match_length(text: str, offset: int, query: str) -> int:
    """Characters a match at ``offset`` covers: the query's own, the characters whose
    toneless pinyin (in context, as the search read it) spells it, or 0 for a match in
    the English."""
    if text.startswith(query, offset):
        return len(query)
    compact = "".join(query.lower().split())
    if not (compact.isascii() and compact.isalpha()):
        return 0
    syllables = toneless_syllables(text)
    spelled = ""
    for end in range(offset, len(text)):
        spelled += syllables[end]
        if not compact.startswith(spelled) and not spelled.startswith(compact):
            return 0
        if len(spelled) >= len(compact):
            return end - offset + 1
    return 0
