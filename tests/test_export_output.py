"""How exports reach the disk: atomic, no silent overwrite, one-line errors, streamed."""

from __future__ import annotations

import dataclasses
import threading
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.context import Context
from reader.document import Document, load_document
from reader.errors import ReaderError
from reader.export.document import export_document
from reader.export.formats import default_out_path
from reader.language.annotate import Annotator
from reader.settings import Settings
from reader.store.output import output_text
from reader.translate.base import Output, TranslatorInfo
from tests.conftest import PARTY_BUILDING


class FakeTranslator:
    """A stand-in: "en N" per sentence; can fail, and records the size of temporary files."""

    info = TranslatorInfo("fake", "fake-model", "1")
    protects_terms = False

    def __init__(self, fail_on_call: int | None = None, watch: Path | None = None) -> None:
        self.calls = 0
        self.fail_on_call = fail_on_call
        self.watch = watch
        self.sizes: list[int] = []

    def options_key(self) -> str:
        return "fake"

    def translate(self, sentences: Sequence[str]) -> list[Output]:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise RuntimeError("the translator broke")
        if self.watch is not None:
            self.sizes.append(sum(p.stat().st_size for p in self.watch.glob(".*.tmp")))
        return [Output(f"en {len(s)}") for s in sentences]


def _context(annotator: Annotator, translator: FakeTranslator | None = None) -> Context:
    """The fake translator, uncached: every export here asks it (to fail or to stream)."""
    fake = translator or FakeTranslator()
    return Context(Settings(), annotator=annotator, translator=fake, cached=False)


def _export(doc: Document, path: Path, annotator: Annotator, **options: Any) -> Path:
    context = options.pop("context", None) or _context(annotator, options.pop("translator", None))
    return export_document(doc, str(options.pop("fmt", "md")), path, context, **options)


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_an_existing_file_is_kept_without_force(
    party_building: Document, annotator: Annotator, tmp_path: Path
) -> None:
    out = tmp_path / "out.md"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(ReaderError) as error:
        _export(party_building, out, annotator)
    message = str(error.value)
    assert "\n" not in message and "already exists" in message and "--force" in message
    assert out.read_text(encoding="utf-8") == "mine"
    _export(party_building, out, annotator, force=True)
    assert out.read_text(encoding="utf-8").startswith("# ")
    assert not _leftovers(tmp_path)


def test_an_unwritable_path_is_one_line(
    party_building: Document, annotator: Annotator, tmp_path: Path
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    for fmt in ("md", "epub"):
        with pytest.raises(ReaderError) as error:
            _export(party_building, blocker / f"out.{fmt}", annotator, fmt=fmt)
        assert "\n" not in str(error.value) and "cannot write" in str(error.value)
    with pytest.raises(ReaderError, match="is a folder"):
        _export(party_building, tmp_path, annotator)


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(
    party_building: Document, annotator: Annotator, tmp_path: Path
) -> None:
    for fmt in ("json", "epub"):
        out = tmp_path / f"out.{fmt}"
        out.write_bytes(b"old")
        with pytest.raises(RuntimeError, match="broke"):
            _export(
                party_building,
                out,
                annotator,
                fmt=fmt,
                force=True,
                translator=FakeTranslator(fail_on_call=3),
            )
        assert out.read_bytes() == b"old"
        assert not _leftovers(tmp_path)


def test_a_cancelled_export_writes_nothing(
    party_building: Document, annotator: Annotator, tmp_path: Path
) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ReaderError, match="cancelled"):
        _export(party_building, tmp_path / "out.tsv", annotator, fmt="tsv", cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_the_source_is_never_overwritten(annotator: Annotator, tmp_path: Path) -> None:
    source = tmp_path / "book.md"
    source.write_text("# 书\n\n共同富裕很重要。\n", encoding="utf-8")
    doc = load_document(source)
    with pytest.raises(ReaderError, match="being exported"):
        _export(doc, source, annotator, force=True)
    assert source.read_text(encoding="utf-8").startswith("# 书")


def test_unknown_format_and_layout(party_building: Document, annotator: Annotator) -> None:
    with pytest.raises(ReaderError, match="unknown export format"):
        _export(party_building, Path("x.doc"), annotator, fmt="doc")
    with pytest.raises(ReaderError, match="unknown layout"):
        _export(party_building, Path("x.md"), annotator, layout="columns")


def test_default_out_path() -> None:
    assert default_out_path(PARTY_BUILDING, "epub") == Path(f"{PARTY_BUILDING.stem}.epub")
    assert default_out_path("a/b.txt", "md", "out") == Path("out/b.md")


def test_output_text_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    with pytest.raises(KeyError), output_text(out) as handle:
        handle.write("half")
        raise KeyError("stop")
    assert not out.exists() and not _leftovers(tmp_path)


def test_the_novel_streams_to_disk(hlm: Document, annotator: Annotator, tmp_path: Path) -> None:
    """Sections are written while later ones are still being translated, in bounded memory."""
    translator = FakeTranslator(watch=tmp_path)
    # The first 30 chapters (about 8,000 sentences) keep the test quick under tracemalloc.
    part = dataclasses.replace(hlm, sections=hlm.sections[:30])
    # Without the cache: SQLite keeps a UTF-8 copy of every sentence it is given
    # (CPython caches it on the str), which is the document's size, not the export's.
    context = _context(annotator, translator)
    context.term_matcher()  # the glossary's ~500 terms compiled: a fixed cost, not the book's
    import reader.export.tmx  # noqa: F401  (and so is importing the writer)

    for _ in part.sentences():  # split when first read: the document's, not the export's
        pass

    tracemalloc.start()
    try:
        out = _export(part, tmp_path / "hlm.tmx", annotator, fmt="tmx", context=context)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = out.stat().st_size
    assert translator.calls > 50
    # The output grew between batches: written as it went, not at the end.
    assert translator.sizes[0] == 0 and translator.sizes[-1] > size // 2
    assert sorted(translator.sizes) == translator.sizes
    # Far less than the output (let alone several copies of the book) was ever held.
    assert peak < size / 2, (peak, size)
