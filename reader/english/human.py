"""A human translation beside the Chinese: aligned once, stored, and read as the English layer.

Aligning a novel with its translation takes seconds to a minute; reopening
must not. The alignment is stored in the cache folder keyed by both texts'
hashes (an edited file of either side is aligned again), and turned into
``human`` English per sentence: when one English sentence translates two
Chinese ones, the first carries it and the group is kept, so the reader can
highlight them together. Links the aligner is unsure of are flagged ``unsure``,
never hidden.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reader.context import Context
from reader.document.load import load_text
from reader.document.model import Document
from reader.english.align import align_documents
from reader.english.layer import English
from reader.english.links import FORMAT_VERSION, DocumentAlignment
from reader.errors import ReaderError
from reader.store.atomic import write_text
from reader.store.paths import cache_dir

ALIGNMENTS = "alignments"
#: An alignment kept beside its translation, as ``reader align ZH EN --format json``
#: writes it (``NAME.txt`` → ``NAME.txt.alignment.json``): used when it is of these very
#: two texts. The bundled sample ships one, so the README's first command shows Joly's
#: English at once, not after 4–8 s of aligning on a new machine.
BESIDE = ".alignment.json"
#: The flag of English from a link the aligner is unsure of.
UNSURE = "unsure"


@dataclass(frozen=True)
class HumanTranslation:
    """The English of an aligned translation, per Chinese sentence id."""

    path: Path
    alignment: DocumentAlignment
    english: dict[str, English] = field(default_factory=dict)
    #: Each linked sentence id → every Chinese id of its link (one English for several).
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def covered(self) -> int:
        return sum(1 for e in self.english.values() if e.text)


def _stored(doc: Document, english_sha256: str) -> Path:
    name = f"{doc.source_sha256[:32]}-{english_sha256[:32]}-v{FORMAT_VERSION}.json"
    return cache_dir() / ALIGNMENTS / name


def align_translation(
    doc: Document, english_path: str | Path, context: Context
) -> DocumentAlignment:
    """The stored alignment of ``doc`` with the translation in ``english_path``, or a new one."""
    source = load_text(english_path)
    english_sha = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    cached = _cached(doc, english_sha)
    if cached is not None:
        return cached
    alignment = _kept_beside(Path(english_path), doc.source_sha256, english_sha)
    if alignment is None:
        alignment = align_documents(doc, source.text, context)
    # A read-only cache only costs the next open the alignment again.
    with contextlib.suppress(ReaderError):
        write_text(_stored(doc, english_sha), alignment.to_json())
    return alignment


def stored_alignment(doc: Document, english_path: str | Path) -> DocumentAlignment | None:
    """The alignment of ``doc`` with ``english_path`` kept from before (in the cache, or
    beside the file), or None where it would have to be aligned: read in milliseconds,
    with no language layer (the reader shows it before that layer loads)."""
    source = load_text(english_path)
    english_sha = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    cached = _cached(doc, english_sha)
    if cached is not None:
        return cached
    return _kept_beside(Path(english_path), doc.source_sha256, english_sha)


def _cached(doc: Document, english_sha256: str) -> DocumentAlignment | None:
    with contextlib.suppress(OSError, ReaderError):
        return DocumentAlignment.from_json(_stored(doc, english_sha256).read_text(encoding="utf-8"))
    return None


def _kept_beside(
    english_path: Path, source_sha256: str, english_sha256: str
) -> DocumentAlignment | None:
    """The alignment kept beside ``english_path`` (:data:`BESIDE`), if it is one of these
    two texts: a file of another version of either is ignored, never misapplied."""
    beside = english_path.with_name(english_path.name + BESIDE)
    try:
        alignment = DocumentAlignment.from_json(beside.read_text(encoding="utf-8"))
    except (OSError, ValueError, ReaderError):
        return None
    if (alignment.source_sha256, alignment.english_sha256) != (source_sha256, english_sha256):
        return None
    return alignment


def human_english(alignment: DocumentAlignment, origin: str) -> HumanTranslation:
    english: dict[str, English] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for link in alignment.links:
        if not link.zh or not link.en:
            continue
        flag = UNSURE if link.low else None
        text = " ".join(" ".join(s.split()) for s in link.en)
        english[link.zh[0]] = English(text, "human", flag=flag, origin=origin)
        for other in link.zh[1:]:
            english[other] = English("", "human", flag=flag, origin=origin)
        if len(link.zh) > 1:
            for unit in link.zh:
                groups[unit] = link.zh
    return HumanTranslation(Path(origin), alignment, english, groups)


def open_translation(doc: Document, english_path: str | Path, context: Context) -> HumanTranslation:
    """Align (or reopen the alignment of) ``doc`` with a translation; a mismatch is an error."""
    return translation_of(align_translation(doc, english_path, context), doc, english_path)


def open_stored_translation(doc: Document, english_path: str | Path) -> HumanTranslation | None:
    """:func:`open_translation` where nothing needs aligning (:func:`stored_alignment`);
    None where it would align."""
    alignment = stored_alignment(doc, english_path)
    return None if alignment is None else translation_of(alignment, doc, english_path)


def translation_of(
    alignment: DocumentAlignment, doc: Document, english_path: str | Path
) -> HumanTranslation:
    """The English of an alignment; one that says the texts do not match is an error."""
    if alignment.mismatch:
        raise ReaderError(
            f"{english_path}: does not look like a translation of {doc.title} "
            f"(alignment confidence {alignment.confidence:.2f})"
        )
    translation = human_english(alignment, Path(english_path).name)
    return HumanTranslation(Path(english_path), alignment, translation.english, translation.groups)
