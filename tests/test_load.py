from __future__ import annotations

import codecs
import os
import random
from pathlib import Path
from typing import Any

import pytest

from reader.document import decode, load_text
from reader.document.load import decode_source
from reader.errors import DocumentError
from tests.conftest import AQ, HLM, RESOLUTION

SIMPLIFIED = "全会指出，共同富裕是马克思主义的一个基本目标，也是自古以来我国人民的一个基本理想。"
TRADITIONAL = "全會指出，共同富裕是馬克思主義的一個基本目標，也是自古以來我國人民的一個基本理想。"


def test_utf8_without_bom() -> None:
    assert decode(SIMPLIFIED.encode("utf-8"), "x") == (SIMPLIFIED, "utf-8")


def test_utf8_with_bom_is_stripped(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"))
    source = load_text(f)
    assert source.encoding == "utf-8-sig"
    assert source.text == SIMPLIFIED


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    f = tmp_path / "u16.txt"
    f.write_bytes(bom + f"第一章　序\r\n{SIMPLIFIED}\r\n".encode(codec))
    source = load_text(f)
    assert source.encoding == "utf-16"
    assert source.text == f"第一章　序\n{SIMPLIFIED}\n"


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "gb2312"])
def test_simplified_legacy_encodings_read_as_gb18030(codec: str) -> None:
    assert decode(SIMPLIFIED.encode(codec), "x") == (SIMPLIFIED, "gb18030")


def test_gb18030_only_characters() -> None:
    # 𠀀 (U+20000) exists in GB18030 as a four-byte sequence but not in GBK.
    text = "这是扩展字符𠀀的测试。"
    assert decode(text.encode("gb18030"), "x") == (text, "gb18030")


def test_big5_traditional_text() -> None:
    assert decode(TRADITIONAL.encode("big5"), "x") == (TRADITIONAL, "big5")


def test_big5_short_line() -> None:
    text = "第一回　我們來說這個故事"
    assert decode(text.encode("big5"), "x") == (text, "big5")


def test_gb18030_novel() -> None:
    source = load_text(HLM)
    assert source.encoding == "gb18030"
    assert source.text.startswith("《红楼梦》")
    assert "\r" not in source.text


def test_crlf_is_normalised() -> None:
    raw = AQ.read_bytes()
    assert b"\r\n" in raw
    source = load_text(AQ)
    assert "\r" not in source.text
    assert source.text.count("\n") == raw.count(b"\r\n")


def test_lone_cr_is_normalised() -> None:
    source = decode_source("一行。\r二行。\r\n三行。".encode(), "x")
    assert source.text == "一行。\n二行。\n三行。"


def test_sha256_is_of_the_bytes() -> None:
    import hashlib

    assert load_text(RESOLUTION).sha256 == hashlib.sha256(RESOLUTION.read_bytes()).hexdigest()


def _noise() -> bytes:
    """Random bytes without NUL, the way a compressed file looks."""
    rng = random.Random(7)
    return bytes(rng.randrange(1, 256) for _ in range(4000))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04\x00\x00binary", "NUL"),
        (bytes(range(256)) * 4, "NUL"),
        (_noise(), "not a text file"),
        (codecs.BOM_UTF16_LE + _noise(), "not a text file"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 20 + b"abc", "control"),
    ],
)
def test_binary_input_is_refused_naming_the_file(tmp_path: Path, data: bytes, reason: str) -> None:
    f = tmp_path / "picture.bin"
    f.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        load_text(f)
    message = str(info.value)
    assert str(f) in message
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\r\n", codecs.BOM_UTF8])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    with pytest.raises(DocumentError, match="empty"):
        load_text(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_text(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a directory"):
        load_text(tmp_path)


def test_unreadable_path(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("正文。", encoding="utf-8")
    # A path through a regular file fails with ENOTDIR, even for root.
    with pytest.raises(DocumentError, match="cannot read"):
        load_text(f / "inside.txt")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root here, which reads any file: simulate the refusal.
    secret = tmp_path / "secret.txt"
    secret.write_text("正文。", encoding="utf-8")
    real_open = os.open

    def refuse(path: str | Path, *args: Any, **kwargs: Any) -> int:
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DocumentError, match="permission denied"):
        load_text(secret)
