from __future__ import annotations

import hashlib
import http.server
import json
import socketserver
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.store.paths import cache_dir
from reader.translate import packages
from reader.translate.packages import PackageError, check_package, install, installed, remove
from tests.model_factory import build_package


def _rewrite(source: Path, target: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """Copy a package zip, letting ``change(name, data)`` alter or drop members."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            result = change(info.filename, zin.read(info))
            if result is not None:
                name, data = result
                zout.writestr(name, data)
    return target


def _models_dir_is_clean() -> bool:
    root = packages.models_dir()
    return not root.exists() or all(not p.name.startswith(".") for p in root.iterdir())


def test_install_list_remove(model_files: dict[str, Path]) -> None:
    assert installed() == []
    model = install(model_files["random"])
    assert (model.name, model.from_code, model.to_code, model.version) == (
        "translate-zh_en-0_0_1",
        "zh",
        "en",
        "0.0.1",
    )
    assert (model.path / "model" / "model.bin").is_file()
    install(model_files["copy"])
    # Newest version first.
    assert [m.version for m in installed()] == ["0.0.2", "0.0.1"]
    # Installing the same package again replaces it in place.
    install(model_files["random"])
    assert len(installed()) == 2
    assert remove("translate-zh_en-0_0_1").version == "0.0.1"
    assert [m.name for m in installed()] == ["translate-zh_en-0_0_2"]
    with pytest.raises(ReaderError, match="no installed model named"):
        remove("nope")
    assert _models_dir_is_clean()


def test_argostranslate_reads_the_installed_package(model_files: dict[str, Path]) -> None:
    model = install(model_files["copy"])
    package = packages.argos_package(model)
    assert (package.from_code, package.to_code, package.package_version) == ("zh", "en", "0.0.2")
    assert package.tokenizer.encode("浙江")


def _cases(source: Path, tmp: Path) -> dict[str, tuple[Path, str]]:
    top = "translate-zh_en-0_0_1"
    not_zip = tmp / "not-a-zip.argosmodel"
    not_zip.write_bytes(b"PK but not really")
    empty = tmp / "empty.argosmodel"
    zipfile.ZipFile(empty, "w").close()
    corrupt = tmp / "corrupt.argosmodel"
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo(f"{top}/model/model.bin")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    data[start : start + 20] = bytes(20)
    corrupt.write_bytes(bytes(data))

    def link(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes] | tuple[str, bytes]:
        if name.endswith("README.md"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            return info, b"/etc/passwd"
        return name, data

    return {
        "not a zip": (not_zip, "not a zip"),
        "empty": (empty, "empty"),
        "two tops": (
            _rewrite(
                source,
                tmp / "two.argosmodel",
                lambda n, d: (n.replace(top, "other") if "README" in n else n, d),
            ),
            "exactly one top folder",
        ),
        "no top": (
            _rewrite(source, tmp / "flat.argosmodel", lambda n, d: (n.split("/", 1)[1], d)),
            "exactly one top folder",
        ),
        "no metadata": (
            _rewrite(
                source,
                tmp / "nometa.argosmodel",
                lambda n, d: None if n.endswith("metadata.json") else (n, d),
            ),
            "no metadata.json",
        ),
        "no model": (
            _rewrite(
                source, tmp / "nomodel.argosmodel", lambda n, d: None if "/model/" in n else (n, d)
            ),
            "no model/",
        ),
        "wrong pair": (
            _rewrite(
                source,
                tmp / "enzh.argosmodel",
                lambda n, d: (
                    (n, json.dumps({**json.loads(d), "from_code": "en", "to_code": "zh"}).encode())
                    if n.endswith("metadata.json")
                    else (n, d)
                ),
            ),
            "not zh→en",
        ),
        "dot dot": (
            _rewrite(
                source,
                tmp / "dotdot.argosmodel",
                lambda n, d: (n.replace("README.md", "../../evil.txt"), d),
            ),
            "unsafe path",
        ),
        "absolute": (
            _rewrite(
                source, tmp / "abs.argosmodel", lambda n, d: ("/" + n if "README" in n else n, d)
            ),
            "unsafe path",
        ),
        "link": (_rewrite(source, tmp / "link.argosmodel", link), "contains a link"),
        "corrupt": (corrupt, "corrupt member"),
        "garbage tokenizer": (
            _replace(source, tmp / "garbage-sp.argosmodel", "sentencepiece.model", b"\x00junk"),
            "sentencepiece.model is not a SentencePiece model",
        ),
        "garbage model": (
            _replace(source, tmp / "garbage-bin.argosmodel", "model/model.bin", b"\x07" * 64),
            "model/model.bin is not a CTranslate2 model (binary version",
        ),
        "truncated model": (
            _rewrite(
                source,
                tmp / "short-bin.argosmodel",
                lambda n, d: (n, d[: len(d) // 2] if n.endswith("model.bin") else d),
            ),
            "model/model.bin is not a CTranslate2 model (truncated)",
        ),
        "bad config": (
            _replace(source, tmp / "config.argosmodel", "model/config.json", b"{nope"),
            "unreadable model/config.json",
        ),
        "no vocabulary": (
            _replace(source, tmp / "novocab.argosmodel", "model/shared_vocabulary.json", None),
            "no vocabulary in model/",
        ),
        "bpe": (
            _rewrite(
                source,
                tmp / "bpe.argosmodel",
                lambda n, d: (n.replace("sentencepiece.model", "bpe.model"), d),
            ),
            "BPE (bpe.model), which reader does not support",
        ),
    }


def _replace(source: Path, target: Path, member: str, data: bytes | None) -> Path:
    """The package with one file (inside its folder) replaced, or left out (None)."""

    def change(name: str, old: bytes) -> tuple[str, bytes] | None:
        if name.split("/", 1)[1] != member:
            return name, old
        return None if data is None else (name, data)

    return _rewrite(source, target, change)


CASES = ["not a zip", "empty", "two tops", "no top", "no metadata", "no model", "wrong pair",
         "dot dot", "absolute", "link", "corrupt", "garbage tokenizer", "garbage model",
         "truncated model", "bad config", "no vocabulary", "bpe"]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_bad_packages_are_refused_before_anything_is_written(
    model_files: dict[str, Path], tmp_path: Path, case: str
) -> None:
    path, message = _cases(model_files["random"], tmp_path)[case]
    with pytest.raises(PackageError) as info:
        install(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    assert installed() == []
    assert _models_dir_is_clean()
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_package_with_stanza_and_a_target_prefix_installs(tmp_path: Path) -> None:
    # Locomotive's OPUS-MT conversions carry a stanza/ sentence splitter: reader ignores it.
    path = build_package(
        tmp_path / "stanza.argosmodel",
        "random",
        target_prefix="__en__",
        files={"stanza/zh/tokenize/gsd.pt": b"not read", "stanza/resources.json": b"{}"},
    )
    model = install(path)
    assert model.target_prefix == "__en__"
    assert (model.path / "stanza").is_dir()


def test_model_header_names_every_weight(model_files: dict[str, Path]) -> None:
    model = install(model_files["random"])
    with open(model.path / "model" / "model.bin", "rb") as stream:
        shapes = packages.read_model_header(stream)
    assert shapes["encoder/position_encodings/encodings"] == (1024, 32)
    assert shapes["decoder/embeddings/weight"][1] == 32
    assert packages.model_limits(model) == packages.ModelLimits(1024, 1024)


def test_oversized_package(model_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", 1000)
    with pytest.raises(PackageError, match="more than"):
        check_package(model_files["random"])


def test_interrupted_install_keeps_the_old_version(
    model_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    install(model_files["random"])
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:
        if self.parent.name.startswith(".installing-"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "rename", failing_rename)
        with pytest.raises(PackageError, match="No space left"):
            install(model_files["random"])
    # The working copy was moved aside for the swap: it must be back, whole.
    assert [m.name for m in installed()] == ["translate-zh_en-0_0_1"]
    assert (installed()[0].path / "model" / "model.bin").is_file()
    assert _models_dir_is_clean()


# -- download from a package index served on 127.0.0.1 ------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index_server(tmp_path: Path, model_files: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    (root / "zh_en.argosmodel").write_bytes(model_files["random"].read_bytes())
    handler = lambda *a, **k: _Quiet(*a, directory=str(root), **k)  # noqa: E731
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base, root
    server.shutdown()
    server.server_close()


def _write_index(root: Path, base: str, checksum: str | None) -> str:
    entry = {
        "package_version": "0.0.1",
        "argos_version": "1.9.0",
        "from_code": "zh",
        "to_code": "en",
        "code": "translate-zh_en",
        "type": "translate",
        "links": [f"{base}/zh_en.argosmodel"],
    }
    if checksum:
        entry["sha256"] = checksum
    other = {**entry, "from_code": "en", "to_code": "de", "links": [f"{base}/missing"]}
    (root / "index.json").write_text(json.dumps([other, entry]), encoding="utf-8")
    return f"{base}/index.json"


def test_download_with_checksum(
    index_server: tuple[str, Path], model_files: dict[str, Path]
) -> None:
    base, root = index_server
    digest = hashlib.sha256(model_files["random"].read_bytes()).hexdigest()
    seen: list[tuple[int, int | None]] = []
    model = packages.download(
        index_url=_write_index(root, base, digest), progress=lambda d, t: seen.append((d, t))
    )
    assert model.name == "translate-zh_en-0_0_1"
    assert installed() == [model]
    assert seen[-1] == (model_files["random"].stat().st_size,) * 2
    assert list((cache_dir() / "downloads").iterdir()) == []


def test_download_with_a_wrong_checksum_installs_nothing(index_server: tuple[str, Path]) -> None:
    base, root = index_server
    with pytest.raises(ReaderError, match="does not match its checksum"):
        packages.download(index_url=_write_index(root, base, "0" * 64))
    assert installed() == []
    assert list((cache_dir() / "downloads").iterdir()) == []


def test_offline_fails_at_once_naming_the_manual_way() -> None:
    with pytest.raises(ReaderError) as info:
        packages.download(index_url="http://127.0.0.1:9/index.json")
    message = str(info.value)
    assert "reader models install FILE" in message
    assert "\n" not in message


def test_index_without_the_pair(index_server: tuple[str, Path]) -> None:
    base, root = index_server
    (root / "index.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ReaderError, match="no zh→en package"):
        packages.download(index_url=f"{base}/index.json")
