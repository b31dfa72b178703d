"""Bytes to text: encoding detection and newline normalisation.

Only the encodings Chinese texts actually come in are considered (UTF-8,
UTF-16 with a BOM, GB18030 and Big5). A general-purpose detector weighs dozens
of codecs (Shift-JIS, EUC-KR, Latin-1 …) and misfires on short Chinese files;
here the question is narrower: which of GB18030 and Big5, both of which
happily decode each other's bytes, gives text made of common characters.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reader.errors import DocumentError
from reader.store.output import special_kind
from reader.text_safety import strip_controls

#: The largest file reader opens (a long novel is a few MB; 100 MB is a shelf of them).
#: A bigger one is refused in one line rather than filling memory (``/dev/zero``).
MAX_DOCUMENT_BYTES = 100_000_000

# The most frequent characters of modern Chinese, in both scripts. A GB18030
# file decoded as Big5 (or the reverse) turns into rare characters, so the
# share of these is a reliable vote even on a few lines of text.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子"
    "那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面"
    "起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机"
    "十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文"
    "体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门"
    "任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别"
    "打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山"
    "金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且"
    "权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师"
    "观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元"
    "英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百"
    "需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须"
    "九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首"
    "医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案"
    "黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲"
)
_COMMON_TRADITIONAL = (
    "們這個來為國對會說時發後裡過種經麼學現當沒動還進從實軍無與長機關點業將間問"
    "題產話見應戰頭體麼開東聲員處義門總電數報結應務場計資導爭運風導車親極準試組"
    "幾歲萬書邊張該規覺術領師觀讓識帶聯辦議單羅愛擊備連調質團價黨華級離際復臺臨"
    "樣說讀認記這樣們會時麼還們個來為"
)
_COMMON = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)
#: :func:`reader.hanzi.is_common_range`'s characters, found in C rather than one by one.
_COMMON_RANGE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    #: The codec that decoded the file: utf-8, utf-8-sig, utf-16, gb18030, big5.
    encoding: str
    sha256: str


def _common_share(text: str) -> float:
    """Share of CJK characters in ``text`` that are common ones."""
    cjk = _COMMON_RANGE.findall(text)
    return sum(map(_COMMON.__contains__, cjk)) / len(cjk) if cjk else 0.0


#: Bytes read at a time: a 60 MB file is decoded a chunk at a time, never held whole
#: beside its text (the bytes and the text together were 2.5× the text).
CHUNK_BYTES = 1 << 20
#: The sample that settles GB18030 against Big5 and tells a binary file (characters).
SAMPLE_CHARS = 20000
#: What the codecs are chosen on: a sample's worth at 4 bytes a character at most.
_HEAD_BYTES = 4 * SAMPLE_CHARS


def _codecs(head: bytes, whole: bool, name: str) -> tuple[list[str], str]:
    """The codecs to try on a file that starts with ``head`` (all of it when ``whole``),
    best first, and the message for when none decodes it."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return [codec], f"{name}: not a text file (invalid {codec})"
    if b"\x00" in head:
        raise DocumentError(f"{name}: not a text file (it contains NUL bytes)")
    scored: list[tuple[float, str]] = []
    for codec in ("gb18030", "big5"):
        try:
            sample = codecs.getincrementaldecoder(codec)().decode(head, final=whole)
        except UnicodeDecodeError:
            continue
        # The vote is settled long before the end of a novel.
        scored.append((_common_share(sample[:SAMPLE_CHARS]), codec))
    # Ties go to GB18030, the first candidate: it is by far the commoner (a stable sort).
    ranked = [codec for _, codec in sorted(scored, key=lambda pair: -pair[0])]
    return ["utf-8", *ranked], (
        f"{name}: not a text file, or not in UTF-8, UTF-16, GB18030 or Big5"
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data``, returning ``(text, encoding)``; ``name`` is for errors."""
    candidates, failure = _codecs(data, True, name)
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise DocumentError(failure)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Unassigned and private-use code points: what random bytes decode to.
_NOT_TEXT = frozenset({"Cn", "Co"})


def _looks_binary(text: str) -> bool:
    """Control bytes or unassigned characters: a binary file that happened to decode."""
    sample = text[:20000]
    limit = max(2, len(sample) // 100)
    if len(_CONTROL.findall(sample)) > limit:
        return True
    categories = Counter(map(unicodedata.category, sample))
    return sum(categories[name] for name in _NOT_TEXT) > limit


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refuse_special(name: str, mode: int) -> None:
    """Only a regular file is read: a named pipe would wait forever for a writer,
    ``/dev/zero`` never ends."""
    if stat.S_ISDIR(mode):
        raise DocumentError(f"{name}: is a directory, not a file")
    if not stat.S_ISREG(mode):
        kind = special_kind(mode) or "not a regular file"
        raise DocumentError(f"{name}: is {kind}, not a regular file")


def _too_large(name: str, size: int, limit: int) -> DocumentError:
    return DocumentError(
        f"{name}: too large ({size / 1e6:.1f} MB; reader opens files up to {limit / 1e6:g} MB)"
    )


def _open_input(path: str | Path, limit: int) -> tuple[BinaryIO, int]:
    """A file the user gave reader to read, open, with its size: a regular file of at most
    ``limit`` bytes, or a one-line DocumentError.

    The file is opened without blocking and checked again once open, so a
    named pipe swapped in after the first look still cannot hang the reader.
    """
    name = str(path)
    try:
        _refuse_special(name, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    handle = os.fdopen(fd, "rb")
    try:
        info = os.fstat(handle.fileno())
        _refuse_special(name, info.st_mode)
        if info.st_size > limit:
            raise _too_large(name, info.st_size, limit)
    except OSError as exc:
        handle.close()
        raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    except DocumentError:
        handle.close()
        raise
    return handle, info.st_size


def read_input(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a file the user gave reader to read: a regular file of at most
    ``limit`` bytes (default :data:`MAX_DOCUMENT_BYTES`), or a one-line DocumentError;
    at most ``limit + 1`` bytes are ever read."""
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    name = str(path)
    handle, size = _open_input(path, limit)
    with handle:
        try:
            # As much as the file holds (and a byte more, to see it grow), not a buffer
            # of ``limit`` bytes for a file of a few: a 100 MB allocation per document.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limit + 1 - len(data))
        except OSError as exc:
            raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew while being read
        raise _too_large(name, len(data), limit)
    return data


@dataclass(slots=True)
class SourceLines:
    """A decoded document as its lines (the text split at ``"\n"``), never as one string:
    the parser takes the lines over one by one (:meth:`take`), so a 60 MB book is held
    once, as its paragraphs, rather than as bytes, text, lines and paragraphs at once."""

    lines: list[str]
    encoding: str
    sha256: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def take(self) -> Iterator[str]:
        """The lines in order, each dropped from here once given out."""
        lines = self.lines
        lines.reverse()
        while lines:
            yield lines.pop()


class _Undecodable(Exception):
    """The codec being tried does not decode the file (a later one may)."""


def _decode_lines(handle: BinaryIO, codec: str, name: str, limit: int) -> SourceLines:
    """One pass over ``handle`` with ``codec``: the lines, normalised as :func:`decode_source`
    normalises a whole text, a chunk at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    digest = hashlib.sha256()
    lines: list[str] = []
    carry = ""  # a CR the last chunk ended in, held back in case an LF follows
    sample = ""  # the first characters as decoded, for the binary test
    checked = started = text_seen = False
    total = 0
    nul_refused = codec not in ("utf-16", "utf-8-sig")  # UTF-16 is half NUL bytes
    while True:
        try:
            data = handle.read(CHUNK_BYTES)
        except OSError as exc:
            raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
        total += len(data)
        if total > limit:  # it grew while being read
            raise _too_large(name, total, limit)
        final = not data
        if nul_refused and b"\x00" in data:
            raise DocumentError(f"{name}: not a text file (it contains NUL bytes)")
        digest.update(data)
        try:
            chunk = decoder.decode(data, final=final)
        except UnicodeDecodeError:
            raise _Undecodable from None
        if not checked:
            sample += chunk[: SAMPLE_CHARS - len(sample)]
            if final or len(sample) >= SAMPLE_CHARS:
                checked = True
                if _looks_binary(sample):
                    raise DocumentError(
                        f"{name}: not a text file (it contains control bytes or no text)"
                    )
        chunk = carry + chunk
        if not final and chunk.endswith("\r"):  # a CRLF split between two chunks
            carry, chunk = "\r", chunk[:-1]
        else:
            carry = ""
        # A stray ESC, BEL or DOS end-of-file mark is not text, and would reach the
        # terminal from every surface (a title that retitles the window).
        chunk = strip_controls(normalise_newlines(chunk), page_breaks=True)
        if not started:
            chunk = chunk.lstrip("\ufeff")
            started = bool(chunk)
        text_seen = text_seen or bool(chunk.strip())
        pieces = chunk.split("\n")
        if lines:  # the line the last chunk ended in goes on in this one
            lines[-1] += pieces[0]
            del pieces[0]
        lines.extend(pieces)
        if final:
            break
    if not text_seen:
        raise DocumentError(f"{name}: the file is empty")
    return SourceLines(lines, codec, digest.hexdigest())


def read_lines(path: str | Path, limit: int | None = None) -> SourceLines:
    """Read a document from disk as lines; every failure is a one-line DocumentError."""
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    handle, _ = _open_input(path, limit)
    with handle:
        return _decode_handle(handle, str(path), limit)


def _decode_handle(handle: BinaryIO, name: str, limit: int) -> SourceLines:
    try:
        head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    candidates, failure = _codecs(head, len(head) < _HEAD_BYTES, name)
    for codec in candidates:
        handle.seek(0)
        try:
            return _decode_lines(handle, codec, name, limit)
        except _Undecodable:
            continue
    raise DocumentError(failure)


def load_text(path: str | Path) -> SourceText:
    """Read a document from disk; every failure is a one-line DocumentError."""
    source = read_lines(path)
    return SourceText(source.text, source.encoding, source.sha256)


def decode_source(data: bytes, name: str) -> SourceText:
    """Bytes already read, decoded and normalised as a file is."""
    source = _decode_handle(io.BytesIO(data), name, len(data))
    return SourceText(source.text, source.encoding, source.sha256)
