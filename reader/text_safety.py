"""Text from files reader did not write, made safe for a terminal and for a spreadsheet.

A document, a glossary, a vocabulary file or a model package can carry
control characters: ESC starts the sequences that retitle the terminal window,
clear the screen or move the cursor; BEL, CR and backspace hide or overwrite
what was printed. None of them is text. And a CSV cell that starts with ``=``,
``+``, ``-`` or ``@`` is a formula to Excel or LibreOffice (``=HYPERLINK(…)``,
DDE), so OWASP's advice for CSV opened in spreadsheets is to prefix such a
cell with a single quote. The rules live here, once, for every layer.
"""

from __future__ import annotations

import json
import re

#: C0 controls except tab and newline, DEL, and the C1 controls (U+0080–U+009F:
#: U+009B is CSI, U+009D is OSC to a terminal that reads 8-bit controls).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Controls a file may contain for its layout: kept as what they mean.
_LAYOUT = re.compile("[\x0b\x0c\x85]")
#: The raw controls ``json.dumps(..., ensure_ascii=False)`` leaves in its output.
_JSON_RAW = re.compile("[\x7f-\x9f]")

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = frozenset("=+-@\t\r")
#: First characters worth a closer look: a formula start, or quotes before one.
_QUOTE_FIRST = FORMULA_START | {"'"}
#: A cell that is plainly a number is harmless and stays as it is (``-3``, ``+86``).
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")
#: A cell this module neutralised: quotes, then what would have been a formula.
_NEUTRALISED = re.compile("'+[=+\\-@\t\r]")


def _picture(match: re.Match[str]) -> str:
    """A control as a visible, one-cell mark: ESC as ␛, BEL as ␇, C1 as �."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def terminal_safe(text: str) -> str:
    """``text`` for a terminal: tabs and newlines kept, every other control shown as a mark.

    Marked rather than dropped, so the reader sees that something was there
    (a ``␛`` in a glossary note says the file is odd) and nothing it sent runs.
    """
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text


def has_control(text: str) -> bool:
    """Any control character at all, tab and newline included: not a one-line name."""
    return "\t" in text or "\n" in text or _CONTROL.search(text) is not None


def strip_controls(text: str, *, page_breaks: bool = False) -> str:
    """``text`` without control characters (tab and newline kept).

    For text that becomes content (a loaded document, an export cell), where a
    control is never meant. With ``page_breaks`` (a whole file), vertical tab,
    form feed and NEL become line breaks, so the lines they separated stay apart.
    """
    if not _CONTROL.search(text):
        return text
    if page_breaks:
        text = _LAYOUT.sub("\n", text)
    return _CONTROL.sub("", text)


def json_safe(dumped: str) -> str:
    """Output of ``json.dumps(..., ensure_ascii=False)`` with DEL and C1 controls escaped.

    json escapes C0 controls itself; the rest can only occur inside strings,
    where ``\\u009b`` means the same character, so the JSON is unchanged.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON, safe for a terminal (the one JSON print of the CLI)."""
    print(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))


def spreadsheet_cell(text: str) -> str:
    """A CSV/TSV cell that a spreadsheet shows as text: controls dropped, formulas quoted.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR (or with quotes
    before one, so that :func:`restore_cell` is exact) gets a leading ``'``;
    a plain number does not.
    """
    return quote_formula(strip_controls(text))


def quote_formula(text: str) -> str:
    """``text`` (already free of controls) with the leading ``'`` of :func:`spreadsheet_cell`
    where a spreadsheet would read it as a formula; for cell writers that clean cells anyway."""
    if text and text[0] in _QUOTE_FIRST and _needs_quote(text):
        return "'" + text
    return text


def _needs_quote(text: str) -> bool:
    if _NUMBER.fullmatch(text):
        return False
    return text.lstrip("'")[:1] in FORMULA_START


def restore_cell(text: str) -> str:
    """A cell read back from a CSV/TSV reader wrote: the quote :func:`spreadsheet_cell` added,
    removed, so an export imported again is what was exported."""
    return text[1:] if _NEUTRALISED.match(text) else text
