"""Argos translation packages: check, install, list, remove, download.

argostranslate reads packages (metadata, tokenizer) and names the package
index; reader does the installing itself. argostranslate's
``install_from_path`` extracts straight into the packages folder, so a bad or
interrupted file leaves a half-written folder behind (and then listing fails
for every package). reader checks the whole zip first, extracts into a staging
folder beside the packages and renames it into place.

The package index is the only network access in reader, and it happens only
in :func:`download`, which the user asks for with ``reader models install zh en``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from reader.errors import ReaderError
from reader.store.paths import cache_dir, data_dir
from reader.text_safety import has_control, terminal_safe

MODELS_DIR = "models"
#: Biggest package reader accepts (the real zh→en packages are about 100 MB).
MAX_PACKAGE_BYTES = 2_000_000_000
MAX_FILES = 10_000
#: Biggest metadata.json reader reads (a real one is under 1 kB): every command
#: that lists the models reads each one, so a huge one would slow them all.
MAX_METADATA_BYTES = 1_000_000
#: A package folder name: what ``reader models list`` prints and ``remove`` takes.
#: No leading dot (hidden, and reader's own staging names), no leading dash (an
#: option to the shell), no spaces or control characters.
_FOLDER_NAME = re.compile(r"\w[\w.+-]{0,127}")
#: The metadata strings reader shows or keys its cache by (the version is in
#: every export's note): short, one line, no control characters.
_METADATA_STRINGS = ("from_code", "to_code", "package_version", "target_prefix", "code")
_MAX_METADATA_STRING = 200
#: Staging folders of an install, a swap or a removal (see :func:`clean_leftovers`).
_STAGING = re.compile(
    r"\.(?:(?P<kind>installing)-(?P<name>.*)-(?P<pid>\d+)\.\w+"
    r"|(?P<kind2>replaced|removing)-(?P<name2>.*)-(?P<pid2>\d+))"
)
#: An ``.installing-…`` folder with no process id in its name (an older reader made
#: those) is stale after this long.
_STALE_AFTER_S = 3600
DOWNLOAD_TIMEOUT_S = 15
_INDEX_ENV = "READER_MODEL_INDEX"
#: The newest model.bin layout this reader can parse (CTranslate2 4.x writes 6).
MODEL_BINARY_VERSION = 6
#: The tokenizer reader decodes with; argos packages name it so.
TOKENIZER_FILE = "sentencepiece.model"
#: Position tables CTranslate2 reads for learned or converted absolute positions
#: (Marian/OPUS-MT conversions carry a 2,048-row sinusoidal table). A model
#: without one computes sinusoidal positions on the fly and has no limit.
_POSITION_TABLES = {
    "source": "encoder/position_encodings/encodings",
    "target": "decoder/position_encodings/encodings",
}


class PackageError(ReaderError):
    """A package file that cannot be installed."""


@dataclass(frozen=True, slots=True)
class ModelLimits:
    """The longest source and target sequences the model's position tables cover.

    CTranslate2 fails a whole batch ("No position encodings are defined for
    positions >= 256") when one sequence is longer, so the pipeline splits
    sentences to fit. None: no table, no limit.
    """

    source_positions: int | None = None
    target_positions: int | None = None


@dataclass(frozen=True, slots=True)
class InstalledModel:
    name: str  # the package folder, e.g. translate-zh_en-1_9
    path: Path
    from_code: str
    to_code: str
    version: str
    #: Prepended to the target when decoding (some multilingual models need it).
    target_prefix: str


def models_dir() -> Path:
    return data_dir() / MODELS_DIR


@contextlib.contextmanager
def _argos_environment() -> Iterator[None]:
    """argostranslate reads XDG_* at import and creates folders there: keep them ours."""
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    base = cache_dir() / "argostranslate"
    os.environ["XDG_DATA_HOME"] = str(base / "data")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _argos_package_module() -> Any:
    with _argos_environment():
        import argostranslate.package

    return argostranslate.package


def default_index_url() -> str:
    """``READER_MODEL_INDEX``, else argostranslate's own package index."""
    override = os.environ.get(_INDEX_ENV)
    if override:
        return override
    with _argos_environment():
        import argostranslate.settings
    return str(argostranslate.settings.remote_package_index)


# -- checking a package file -------------------------------------------------------


def _bad(path: Path, why: str) -> PackageError:
    return PackageError(f"{path}: not a usable translation package ({why})")


def check_package(path: Path, *, from_code: str = "zh", to_code: str = "en") -> dict[str, Any]:
    """Check a ``.argosmodel`` zip completely, before anything is written; return its metadata.

    Beyond the archive's shape, the tokenizer is loaded and the model's config
    and every weight header are read: a package that would install and then
    fail on every sentence is refused here, in one line.
    """
    with _open_archive(path) as archive:
        infos = _member_list(path, archive)
        top = _scan_members(path, infos)
        _check_required_files(path, top, {info.filename for info in infos})
        metadata = _read_metadata(path, archive, top)
        _test_members(path, archive)
        _check_tokenizer(path, archive, top)
        _check_model(path, archive, top)
    checked = _check_metadata(path, metadata, from_code, to_code)
    checked["_top"] = top
    return checked


def _open_archive(path: Path) -> zipfile.ZipFile:
    """A missing file and a file that is not a zip deserve different messages."""
    if not path.is_file():
        raise PackageError(f"{path}: no such file")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _bad(path, f"not a zip archive: {exc}") from None


def _member_list(path: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Refuse an empty archive, or one with so many entries that it is not a real package."""
    infos = archive.infolist()
    if not infos:
        raise _bad(path, "the archive is empty")
    if len(infos) > MAX_FILES:
        raise _bad(path, f"{len(infos)} files")
    return infos


def _scan_members(path: Path, infos: list[zipfile.ZipInfo]) -> str:
    """One pass in archive order, so the first bad member is the one reported."""
    tops: set[str] = set()
    total = 0
    for info in infos:
        name = _safe_name(path, info)
        _refuse_link(path, info)
        total = _add_size(path, total, info)
        tops.add(name.parts[0])
    return _single_top(path, tops)


def _safe_name(path: Path, info: zipfile.ZipInfo) -> PurePosixPath:
    """Extraction must never write outside the staging folder (zip-slip)."""
    name = PurePosixPath(info.filename)
    if name.is_absolute() or info.filename.startswith(("/", "\\")) or ".." in name.parts:
        raise _bad(path, f"unsafe path {info.filename!r}")
    if "\\" in info.filename or ":" in name.parts[0]:
        raise _bad(path, f"unsafe path {info.filename!r}")
    return name


def _refuse_link(path: Path, info: zipfile.ZipInfo) -> None:
    """A symbolic link in the package could point anywhere on the user's disk."""
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise _bad(path, f"contains a link {info.filename!r}")


def _add_size(path: Path, total: int, info: zipfile.ZipInfo) -> int:
    """A zip bomb must be stopped before it fills the disk."""
    total += info.file_size
    if total > MAX_PACKAGE_BYTES:
        raise _bad(path, "it unpacks to more than 2 GB")
    return total


def _single_top(path: Path, tops: set[str]) -> str:
    """The package is installed by renaming its one folder into place, under its own name."""
    if len(tops) != 1:
        raise _bad(path, "it must hold exactly one top folder")
    (top,) = tops
    if not _FOLDER_NAME.fullmatch(top):
        raise _bad(
            path,
            f"its folder name {terminal_safe(repr(top))} is not a package name "
            "(letters, digits and . _ - + only, not starting with . or -)",
        )
    return top


def _check_required_files(path: Path, top: str, names: set[str]) -> None:
    """argostranslate cannot load a package without its metadata, model and tokenizer."""
    if f"{top}/metadata.json" not in names:
        raise _bad(path, "no metadata.json")
    if not any(n.startswith(f"{top}/model/") for n in names):
        raise _bad(path, "no model/ folder")
    if f"{top}/model/model.bin" not in names:
        raise _bad(path, "no model/model.bin")
    if f"{top}/{TOKENIZER_FILE}" not in names:
        if f"{top}/bpe.model" in names:
            raise _bad(
                path,
                "it tokenizes with BPE (bpe.model), which reader does not support: "
                "use a SentencePiece package",
            )
        raise _bad(path, f"no {TOKENIZER_FILE}")


def _read_metadata(path: Path, archive: zipfile.ZipFile, top: str) -> Any:
    """The metadata says which languages the package is for; it must at least parse."""
    member = f"{top}/metadata.json"
    if archive.getinfo(member).file_size > MAX_METADATA_BYTES:
        raise _bad(path, f"metadata.json is larger than {MAX_METADATA_BYTES // 1_000_000} MB")
    try:
        with archive.open(member) as stream:
            data = stream.read(MAX_METADATA_BYTES + 1)  # the size in the header may lie
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise _bad(path, f"unreadable metadata.json: {exc}") from None
    if len(data) > MAX_METADATA_BYTES:
        raise _bad(path, f"metadata.json is larger than {MAX_METADATA_BYTES // 1_000_000} MB")
    try:
        return json.loads(data)
    except ValueError as exc:
        raise _bad(path, f"unreadable metadata.json: {exc}") from None


def _test_members(path: Path, archive: zipfile.ZipFile) -> None:
    """A truncated or damaged download must fail here, not halfway through extracting."""
    try:
        bad_member = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise _bad(path, f"corrupt member: {exc}") from None
    if bad_member is not None:
        raise _bad(path, f"corrupt member {bad_member}")


def _check_tokenizer(path: Path, archive: zipfile.ZipFile, top: str) -> None:
    """Load the SentencePiece model: a damaged one would fail every sentence later."""
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(
            model_proto=archive.read(f"{top}/{TOKENIZER_FILE}")
        )
        pieces = processor.get_piece_size()
    except (RuntimeError, OSError, ValueError, TypeError):
        raise _bad(path, f"{TOKENIZER_FILE} is not a SentencePiece model") from None
    if pieces < 2:
        raise _bad(path, f"{TOKENIZER_FILE} has no vocabulary")


def _check_model(path: Path, archive: zipfile.ZipFile, top: str) -> None:
    """Read the model's config, vocabulary list and every weight's header, as CTranslate2 will."""
    names = set(archive.namelist())
    model = f"{top}/model"
    if f"{model}/config.json" in names:
        try:
            config = json.loads(archive.read(f"{model}/config.json"))
        except ValueError as exc:
            raise _bad(path, f"unreadable model/config.json: {exc}") from None
        if not isinstance(config, dict):
            raise _bad(path, "model/config.json is not an object")
    vocabularies = {PurePosixPath(n).stem for n in names if PurePosixPath(n).parent.name == "model"}
    if not (
        "shared_vocabulary" in vocabularies
        or {"source_vocabulary", "target_vocabulary"} <= vocabularies
    ):
        raise _bad(path, "no vocabulary in model/")
    try:
        with archive.open(f"{model}/model.bin") as stream:
            read_model_header(stream)
    except ValueError as exc:
        raise _bad(path, f"model/model.bin is not a CTranslate2 model ({exc})") from None


def _bad_metadata_value(metadata: dict[str, Any]) -> str | None:
    """What is wrong with the names and version reader prints, or None: each must be a
    short line of text (a newline or an ESC would reach the terminal and every export)."""
    for key in _METADATA_STRINGS:
        value = metadata.get(key)
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            continue
        if not isinstance(value, str):
            return f"{key} is not a string"
        if len(value) > _MAX_METADATA_STRING or has_control(value):
            return f"{key} is not a short line of text"
    return None


def _check_metadata(path: Path, metadata: Any, from_code: str, to_code: str) -> dict[str, Any]:
    """Installing a package for another language pair would leave reader without a model."""
    if not isinstance(metadata, dict):
        raise _bad(path, "metadata.json is not an object")
    bad = _bad_metadata_value(metadata)
    if bad:
        raise _bad(path, f"metadata.json: {bad}")
    if metadata.get("type", "translate") != "translate":
        raise _bad(path, f"type {metadata.get('type')!r}, not a translation model")
    if (metadata.get("from_code"), metadata.get("to_code")) != (from_code, to_code):
        raise _bad(
            path,
            f"it translates {metadata.get('from_code')}→{metadata.get('to_code')}, "
            f"not {from_code}→{to_code}",
        )
    return metadata


# -- the model's own file ----------------------------------------------------------


class _BinaryReader:
    """Exact reads from model.bin: a short read means a truncated or foreign file."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def take(self, size: int) -> bytes:
        data = self._stream.read(size)
        if len(data) != size:
            raise ValueError("truncated")
        return data

    def number(self, fmt: str) -> int:
        value: int = struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        return value

    def string(self) -> str:
        size = self.number("<H")
        raw = self.take(size)
        if not raw.endswith(b"\0"):
            raise ValueError("malformed name")
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("malformed name") from None

    def skip(self, size: int) -> None:
        start = self._stream.tell()
        self._stream.seek(size, os.SEEK_CUR)
        if self._stream.tell() != start + size:
            raise ValueError("truncated")


def read_model_header(stream: IO[bytes]) -> dict[str, tuple[int, ...]]:
    """Every weight's name and shape in a CTranslate2 ``model.bin``; the data is skipped.

    The layout is CTranslate2's (``ModelSpec._serialize`` and ``models::Model::load``):
    version, spec name and revision (version >= 2), then per variable its name,
    rank, dimensions, type and byte count, then aliases (version >= 3): a weight
    shared by two layers (identical position tables, tied embeddings) is stored
    once and named again. ``ValueError`` for anything else.
    """
    reader = _BinaryReader(stream)
    version = reader.number("<I")
    if not 1 <= version <= MODEL_BINARY_VERSION:
        raise ValueError(f"binary version {version}, reader reads 1 to {MODEL_BINARY_VERSION}")
    if version >= 2:
        reader.string()  # the spec name
        reader.number("<I")  # its revision
    shapes: dict[str, tuple[int, ...]] = {}
    for _ in range(reader.number("<I")):
        name, shape = _read_variable(reader, version)
        shapes[name] = shape
    if not shapes:
        raise ValueError("no weights")
    if version >= 3:
        for _ in range(reader.number("<I")):
            alias, name = reader.string(), reader.string()
            if name not in shapes:
                raise ValueError(f"alias {alias!r} of a missing weight")
            shapes[alias] = shapes[name]
    return shapes


def _read_variable(reader: _BinaryReader, version: int) -> tuple[str, tuple[int, ...]]:
    name = reader.string()
    rank = reader.number("<B")
    if rank > 8:
        raise ValueError(f"variable {name!r} has rank {rank}")
    shape = tuple(reader.number("<I") for _ in range(rank))
    if version >= 4:
        reader.number("<B")  # data type
        size = reader.number("<I")
    else:
        size = reader.number("<B") * reader.number("<I")  # item size, item count
    reader.skip(size)
    return name, shape


def model_limits(model: InstalledModel) -> ModelLimits:
    """The installed model's position-table sizes (an unreadable file: no known limit)."""
    try:
        with open(model.path / "model" / "model.bin", "rb") as stream:
            shapes = read_model_header(stream)
    except (OSError, ValueError):
        return ModelLimits()
    rows = {
        side: shapes[name][0] if shapes.get(name) else None
        for side, name in _POSITION_TABLES.items()
    }
    return ModelLimits(rows["source"], rows["target"])


# -- installing, listing, removing ----------------------------------------------------


def install(path: Path) -> InstalledModel:
    """Install a checked package file; an existing copy of the same folder is replaced."""
    path = Path(path)
    metadata = check_package(path)
    top = metadata["_top"]
    target_root = models_dir()
    try:
        target_root.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target_root)
        # The process id in the name tells a later run whether this install is still going.
        staging = Path(
            tempfile.mkdtemp(prefix=f".installing-{top}-{os.getpid()}.", dir=target_root)
        )
    except OSError as exc:
        raise PackageError(f"{path}: cannot install ({exc.strerror or exc})") from None
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(staging)
        final = target_root / top
        old = None
        if final.exists():
            old = target_root / f".replaced-{top}-{os.getpid()}"
            final.rename(old)
        try:
            (staging / top).rename(final)
        except OSError:
            if old is not None:
                old.rename(final)  # put the working copy back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise PackageError(f"{path}: cannot install ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _describe(final)


def _describe(folder: Path) -> InstalledModel:
    """The installed package in ``folder``; ValueError or OSError if it is not a usable one."""
    if not _FOLDER_NAME.fullmatch(folder.name):
        raise ValueError(f"{folder.name!r} is not a package name")
    meta = folder / "metadata.json"
    if meta.stat().st_size > MAX_METADATA_BYTES:  # every command reads it: never a huge one
        raise ValueError("metadata.json is too large")
    metadata = json.loads(meta.read_text(encoding="utf-8"))
    if not isinstance(metadata, dict):
        raise ValueError("metadata.json is not an object")
    bad = _bad_metadata_value(metadata)
    if bad:
        raise ValueError(f"metadata.json: {bad}")
    return InstalledModel(
        folder.name,
        folder,
        str(metadata.get("from_code", "")),
        str(metadata.get("to_code", "")),
        str(metadata.get("package_version", "")),
        str(metadata.get("target_prefix", "") or ""),
    )


def installed(from_code: str | None = "zh", to_code: str | None = "en") -> list[InstalledModel]:
    """Installed packages (newest version first); folders that are not packages are skipped."""
    root = models_dir()
    if not root.is_dir():
        return []
    clean_leftovers(root)
    found = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "metadata.json").is_file():
            continue
        try:
            model = _describe(folder)
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if (from_code is None or model.from_code == from_code) and (
            to_code is None or model.to_code == to_code
        ):
            found.append(model)
    return sorted(found, key=lambda m: _version_key(m.version), reverse=True)


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.replace("-", ".").split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


def argos_package(model: InstalledModel) -> Any:
    """argostranslate's Package object (metadata, tokenizer) for an installed model."""
    return _argos_package_module().Package(model.path)


def remove(name: str) -> InstalledModel:
    """Remove an installed package, or a damaged one (a folder of that name that no longer
    reads as a package: it can always be removed by the name it has)."""
    found = next((m for m in installed(None, None) if m.name == name), None)
    folder = models_dir() / name
    if found is None and _FOLDER_NAME.fullmatch(name) and folder.is_dir():
        found = InstalledModel(name, folder, "", "", "", "")
    if found is None:
        names = ", ".join(m.name for m in installed(None, None)) or "none installed"
        raise ReaderError(f"no installed model named {name!r} ({terminal_safe(names)})")
    trash = found.path.with_name(f".removing-{found.name}-{os.getpid()}")
    try:
        found.path.rename(trash)  # atomic: the package is gone or whole
    except OSError as exc:
        raise ReaderError(f"{found.path}: cannot remove ({exc.strerror or exc})") from None
    shutil.rmtree(trash, ignore_errors=True)
    return found


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else
        return True
    return True


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def clean_leftovers(root: Path) -> None:
    """Remove what a killed install or removal left in the models folder.

    An install extracts into ``.installing-NAME-PID-…`` (a real package is
    hundreds of MB), swaps an older copy aside as ``.replaced-NAME-PID`` and a
    removal renames into ``.removing-NAME-PID``; a process killed in between
    leaves them forever. Those of a process that is gone are removed, and a
    package caught mid-swap (only its ``.replaced-`` copy left) is put back.
    Another install still running keeps its folder. A read-only folder is left
    as it is.
    """
    try:
        leftovers = [f for f in root.iterdir() if f.name.startswith(".")]
    except OSError:
        return
    for folder in leftovers:
        match = _STAGING.fullmatch(folder.name)
        if match is None:
            if folder.name.startswith(".installing-") and _older_than(folder, _STALE_AFTER_S):
                shutil.rmtree(folder, ignore_errors=True)
            continue
        kind = match["kind"] or match["kind2"]
        name = match["name"] if match["kind"] else match["name2"]
        if _pid_alive(int(match["pid"] or match["pid2"])):
            continue
        final = root / name
        if kind == "replaced" and _FOLDER_NAME.fullmatch(name) and not final.exists():
            with contextlib.suppress(OSError):
                folder.rename(final)  # the working copy, back in place
                continue
        shutil.rmtree(folder, ignore_errors=True)


# -- downloading ------------------------------------------------------------------------

Progress = Callable[[int, int | None], None]


def _offline(url: str, exc: Exception) -> ReaderError:
    return ReaderError(
        f"cannot download {url} ({exc}); to install without a network, download the "
        "zh→en .argosmodel file on another machine and run: reader models install FILE"
    )


def fetch_index(url: str) -> list[dict[str, Any]]:
    import urllib.error  # only here: urllib.request is a fifth of the reader's start-up
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise _offline(url, exc) from None
    except ValueError as exc:
        raise ReaderError(f"the model index at {url} is not valid JSON ({exc})") from None
    if not isinstance(data, list):
        raise ReaderError(f"the model index at {url} is not a list of packages")
    return [p for p in data if isinstance(p, dict)]


def choose_package(index: list[dict[str, Any]], from_code: str, to_code: str) -> dict[str, Any]:
    candidates = [
        p
        for p in index
        if p.get("from_code") == from_code
        and p.get("to_code") == to_code
        and p.get("type", "translate") == "translate"
        and p.get("links")
    ]
    if not candidates:
        raise ReaderError(f"the model index has no {from_code}→{to_code} package")
    return max(candidates, key=lambda p: _version_key(str(p.get("package_version", ""))))


def download(
    from_code: str = "zh",
    to_code: str = "en",
    *,
    index_url: str | None = None,
    progress: Progress | None = None,
) -> InstalledModel:
    """Download the newest package for the pair and install it."""
    url = index_url or default_index_url()
    entry = choose_package(fetch_index(url), from_code, to_code)
    expected = entry.get("sha256") or entry.get("checksum")
    downloads = cache_dir() / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    name = f"{entry.get('code', 'translate')}-{from_code}_{to_code}-{entry.get('package_version')}"
    target = downloads / f"{name}.argosmodel"
    errors = []
    for link in entry["links"]:
        try:
            _download_file(str(link), target, expected, progress)
            break
        except ReaderError as exc:
            errors.append(str(exc))
    else:
        raise ReaderError(errors[-1] if errors else "the package has no download link")
    try:
        return install(target)
    finally:
        target.unlink(missing_ok=True)


def _download_file(url: str, target: Path, sha256: str | None, progress: Progress | None) -> None:
    import urllib.error
    import urllib.request

    temp = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            total = response.headers.get("Content-Length")
            size = int(total) if total and total.isdigit() else None
            done = 0
            with open(temp, "wb") as handle:
                while chunk := response.read(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, size)
                handle.flush()
                os.fsync(handle.fileno())
        if size is not None and done != size:
            raise ReaderError(f"download of {url} stopped at {done} of {size} bytes")
        if sha256 and digest.hexdigest() != sha256.lower():
            raise ReaderError(f"download of {url} does not match its checksum")
        os.replace(temp, target)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise _offline(url, exc) from None
    finally:
        temp.unlink(missing_ok=True)
