from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# User directories go to throw-away folders before any reader module reads
# them; the cache (CC-CEDICT index, jieba cache) is shared by the whole run.
_RUN_DIR = Path(tempfile.mkdtemp(prefix="reader-tests-"))
os.environ["READER_CACHE_DIR"] = str(_RUN_DIR / "cache")
os.environ["READER_CONFIG_DIR"] = str(_RUN_DIR / "config")
os.environ["READER_DATA_DIR"] = str(_RUN_DIR / "data")
for _name in ("READER_HSK_STANDARD", "READER_TONE_NUMBERS", "READER_TONE_SANDHI"):
    os.environ.pop(_name, None)

from reader.context import Context  # noqa: E402
from reader.document import Document, load_document  # noqa: E402
from reader.language.annotate import Annotator  # noqa: E402
from reader.language.glossary import Glossary  # noqa: E402
from reader.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"
RESOLUTION = SEEDS / "zhejiang-common-prosperity-resolution-2021.txt"
PARTY_BUILDING = SEEDS / "xi-zhejiang-common-prosperity-party-building.txt"
AQ = DATA / "corpus" / "a-q-zhengzhuan.txt"
HLM = DATA / "corpus" / "hongloumeng.gb18030.txt"


@pytest.fixture(scope="session")
def resolution() -> Document:
    return load_document(RESOLUTION)


@pytest.fixture(scope="session")
def party_building() -> Document:
    return load_document(PARTY_BUILDING)


@pytest.fixture(scope="session")
def aq() -> Document:
    return load_document(AQ)


@pytest.fixture(scope="session")
def hlm() -> Document:
    return load_document(HLM)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing may download in tests: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and self.family != socket.AF_UNIX:
            raise OSError(f"network access in a test: {address}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real argos packages (built here, no download): random, copy, looping."""
    from tests.model_factory import build_package, sentencepiece_pieces

    folder = tmp_path_factory.mktemp("models")
    loop = sentencepiece_pieces("people")
    return {
        "random": build_package(folder / "random.argosmodel", "random"),
        "copy": build_package(folder / "copy.argosmodel", "copy", version="0.0.2"),
        "loop": build_package(folder / "loop.argosmodel", "fixed", fixed_output=loop * 12),
    }


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets empty config and data folders (the user's glossary etc.)."""
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))
    # The shared cache folder keeps the dictionary index; translations are per test.
    monkeypatch.setattr("reader.translate.cache.CACHE_FILE", f"translations-{tmp_path.name}.sqlite")
    yield tmp_path


@pytest.fixture(autouse=True)
def pinyin_table_built_on_first_use(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A reading session asks, for its whole process, that a missing pinyin table be
    written later (:func:`reader.language.pinyin_table.build_later`): each test starts
    without that, and none is left answering from pypinyin for the next one."""
    from reader.language import pinyin_table

    monkeypatch.setattr(pinyin_table, "_LATER", False)
    yield
    if pinyin_table._SHARED is not None and pinyin_table._SHARED[1] is None:
        pinyin_table._SHARED = None


@pytest.fixture(scope="session")
def annotator() -> Annotator:
    """Built-in glossary only; tests that edit a glossary make their own."""
    glossary = Glossary(user_path=_RUN_DIR / "no-user-glossary.tsv")
    ann = Annotator(glossary=glossary)
    ann.start()
    return ann


@pytest.fixture
def make_annotator(annotator: Annotator) -> Callable[..., Annotator]:
    """A differently configured annotator that shares jieba and the dictionary (fast)."""

    def make(**options: object) -> Annotator:
        return Annotator(
            segmenter=annotator.segmenter,
            dictionary=annotator.dictionary,
            glossary=options.pop("glossary", annotator.glossary),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def make_context(annotator: Annotator) -> Callable[..., Context]:
    """A composition root on the shared annotator (default settings), parts overridable."""

    def make(**parts: Any) -> Context:
        parts.setdefault("annotator", annotator)
        return Context(parts.pop("settings", Settings()), **parts)

    return make
