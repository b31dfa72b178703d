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


def _whole(data: bytes) -> str:
    """The text as decoding the file in one piece gives it."""
    from reader.document.load import normalise_newlines
    from reader.text_safety import strip_controls

    text, _ = decode(data, "x")
    return strip_controls(normalise_newlines(text), page_breaks=True).lstrip("\ufeff")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("第一行。\r\n第二行，\r\n\r\n　　第三段。\r".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "\ufeff标题\r\n正文。\x1b\x0c下一页。\n".encode(), "utf-8-sig"),
        (("ASCII first, " * 9 + "\n然后是中文。\r\n" * 7).encode("gb18030"), "gb18030"),
        (("開頭\r\n" + TRADITIONAL * 3).encode("big5"), "big5"),
        (codecs.BOM_UTF16_LE + "甲\r\n乙\r丙\n".encode("utf-16-le"), "utf-16"),
    ],
)
def test_a_file_read_a_chunk_at_a_time_is_the_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, encoding: str, chunk: int
) -> None:
    """Chunk edges fall inside characters, between CR and LF, in a BOM; a GB18030 file
    fails UTF-8 only after its ASCII opening: the lines are the whole text's all the same."""
    import hashlib

    from reader.document import load

    monkeypatch.setattr(load, "CHUNK_BYTES", chunk)
    f = tmp_path / "doc.txt"
    f.write_bytes(data)
    source = load.read_lines(f)
    assert source.lines == _whole(data).split("\n")
    assert source.encoding == encoding
    assert source.sha256 == hashlib.sha256(data).hexdigest()


def test_a_nul_byte_past_the_first_chunk_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.document import load

    monkeypatch.setattr(load, "CHUNK_BYTES", 16)
    f = tmp_path / "late.bin"
    f.write_bytes(SIMPLIFIED.encode() + b"\x00\x01")
    with pytest.raises(DocumentError, match="NUL bytes"):
        load.read_lines(f)


def test_a_parsed_file_keeps_no_lines_and_an_outline_splits_no_sentence_for_good() -> None:
    """The parser takes the lines over (the book is held once, as paragraphs) and an
    outline counts sentences without keeping them: a 60 MB book's sentences as
    objects weighed several times its text."""
    from reader.document.load import read_lines
    from reader.document.outline import outline
    from reader.document.parse import parse_source

    source = read_lines(HLM)
    doc = parse_source(source, HLM)
    assert source.lines == []
    counted = outline(doc)["sentences"]
    paragraphs = list(doc.paragraphs())
    assert all(p._sentences is None for p in paragraphs)
    assert counted == sum(len(p.sentences) for p in paragraphs) > 10_000
    assert all(p._sentences is not None for p in paragraphs)  # kept once split
    assert all("".join(s.text for s in p.sentences) == p.text for p in paragraphs)
    assert doc == parse_source(load_text(HLM), HLM)  # the same document as from whole text
