"""The translation memory in the files CAT tools exchange: TMX 1.4b and TSV.

A TMX from OmegaT, Trados or memoQ imports if it has units with a Chinese
(``zh``, ``zh-CN``, ``zh-Hans``, ``zh-TW``…) and an English (``en``, ``en-US``…)
variant; everything else in it is skipped and counted. The export is TMX 1.4b
with each pair's origin as a ``<prop>``, so a CAT tool can tell your edits from
imported pairs. The TSV export quotes a cell that a spreadsheet would read as a
formula (``'-ish``); importing a TSV or CSV takes that quote off again, so an
exported memory imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError
from reader.store import tmx
from reader.store.memory import TranslationMemory
from reader.store.output import output_text, tsv_cell
from reader.text_safety import restore_cell, strip_controls

#: The biggest file imported at once (a TMX of several million units is ~1 GB).
MAX_IMPORT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int


def _lang(tuv: ET.Element) -> str:
    return (tuv.get(tmx.XML_LANG) or tuv.get("lang") or "").lower()


#: TMX inline elements whose content is the original file's markup, not text.
_NATIVE_CODE = frozenset({"bpt", "ept", "ph", "it", "ut"})


def _text(element: ET.Element) -> str:
    """The text of a segment: inline codes (<bpt>, <ph>…) dropped, <hi> kept."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _NATIVE_CODE:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _segment(tuv: ET.Element) -> str:
    seg = tuv.find("seg")
    return " ".join(strip_controls(_text(seg)).split()) if seg is not None else ""


def _tmx_pairs(path: Path) -> tuple[list[tuple[str, str]], int]:
    pairs: list[tuple[str, str]] = []
    skipped = 0
    try:
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag != "tu":
                continue
            sides = {_lang(t)[:2]: _segment(t) for t in element.findall("tuv")}
            zh, en = sides.get("zh", ""), sides.get("en", "")
            if zh and en:
                pairs.append((zh, en))
            else:
                skipped += 1
            element.clear()
    except ET.ParseError as exc:
        raise ReaderError(f"{path}: not a TMX file ({exc})") from None
    return pairs, skipped


def _tsv_pairs(text: str, *, comma: bool) -> tuple[list[tuple[str, str]], int]:
    rows = (
        csv.reader(io.StringIO(text)) if comma else (line.split("\t") for line in text.splitlines())
    )
    pairs: list[tuple[str, str]] = []
    skipped = 0
    for number, row in enumerate(rows):
        cells = [restore_cell(" ".join(strip_controls(c).split())) for c in row]
        if number == 0 and cells and cells[0].lower() in ("zh", "source", "chinese"):
            continue
        if len(cells) >= 2 and cells[0] and cells[1]:
            pairs.append((cells[0], cells[1]))
        elif any(cells):
            skipped += 1
    return pairs, skipped


def import_memory(memory: TranslationMemory, path: Path) -> ImportResult:
    """Add a TMX, TSV or CSV file's pairs to the memory (origin: the file's name)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReaderError(f"{path}: no such file") from None
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read ({exc.strerror})") from None
    if not path.is_file():
        raise ReaderError(f"{path}: not a file")
    if size > MAX_IMPORT_BYTES:
        raise ReaderError(f"{path}: too large to import ({size / 1e6:.0f} MB)")
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        pairs, skipped = _tmx_pairs(path)
    elif suffix in (".tsv", ".txt", ".csv"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReaderError(f"{path}: cannot read as UTF-8 text ({exc})") from None
        pairs, skipped = _tsv_pairs(text, comma=suffix == ".csv")
    else:
        raise ReaderError(f"{path}: import a .tmx, .tsv or .csv file")
    if not pairs:
        raise ReaderError(f"{path}: no Chinese–English pairs found ({skipped} units skipped)")
    added = memory.add_many((zh, en, path.name, "") for zh, en in pairs)
    return ImportResult(len(added), skipped + len(pairs) - len(added))


def export_memory(memory: TranslationMemory, path: Path, *, force: bool = False) -> int:
    """Write every pair as TMX 1.4b (or TSV, by the extension); returns the count."""
    suffix = path.suffix.lower()
    if suffix not in (".tmx", ".tsv"):
        raise ReaderError(f"{path}: export the memory as .tmx or .tsv")
    count = 0
    with output_text(path, force=force) as out:
        if suffix == ".tsv":
            out.write("zh\ten\torigin\n")
            for entry in memory.entries():
                cells = (entry.source, entry.target, entry.origin)
                out.write("\t".join(tsv_cell(c) for c in cells) + "\n")
                count += 1
            return count
        out.write(tmx.PROLOGUE)
        out.write(ET.tostring(tmx.header(), encoding="unicode") + "\n  <body>\n")
        for entry in memory.entries():
            tu = tmx.unit(entry.source, entry.target, [("x-reader-origin", entry.origin)])
            out.write("    " + ET.tostring(tu, encoding="unicode") + "\n")
            count += 1
        out.write("  </body>\n</tmx>\n")
    return count
