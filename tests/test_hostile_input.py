"""Hostile input (issue 12, groups 4–6): special files, terminal escapes, spreadsheet formulas.

Each case ends in the right result or one clear line, with nothing lost.
Cases that would hang without the fix (a named pipe, ``/dev/zero``) run in a
child process with a timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.context import Context
from reader.document import load_text, parse_text
from reader.document.load import MAX_DOCUMENT_BYTES, read_input
from reader.errors import DocumentError, ReaderError
from reader.export.document import export_document
from reader.language.annotate import Annotator
from reader.language.glossary import Glossary
from reader.store import vocab
from reader.store.output import check_target
from reader.text_safety import (
    json_safe,
    restore_cell,
    spreadsheet_cell,
    strip_controls,
    terminal_safe,
)
from tests.conftest import PARTY_BUILDING

#: Everything a terminal acts on: ESC (CSI, OSC), BEL, CR, backspace, C1 CSI/OSC.
RAW_CONTROLS = ("\x1b", "\x07", "\r", "\x08", "\x9b", "\x9d")
#: A window title, a screen clear and a colour, as a hostile file carries them.
INJECTION = "\x1b]0;PWNED\x07\x1b[2J\x1b[31m\x9b2J"


def _two_gb_of_memory() -> None:
    """In the child: a regression that reads ``/dev/zero`` fails fast, not by filling memory."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``reader ARGS`` in a child process (the user's folders of this test)."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        preexec_fn=_two_gb_of_memory,
    )


def assert_clean(output: str) -> None:
    found = [repr(c) for c in RAW_CONTROLS if c in output]
    assert found == [], f"raw controls reached the output: {found}"


def hostile_document(folder: Path, *, short: bool = False) -> Path:
    """A real document (the party-building seed) with escapes in its title, a heading, text.

    ``short``: its first sections and its closing note only: the same places to print
    (title, headings, paragraphs, the note) in a fifteenth of the text to translate (less,
    and the escapes are too large a share of it to pass for a text file).
    """
    lines = PARTY_BUILDING.read_text(encoding="utf-8").splitlines()
    if short:
        lines = lines[:20] + lines[-2:]
    lines[0] = lines[0] + INJECTION
    lines.insert(2, "第一章 总则" + INJECTION)
    lines.insert(4, "浙江很好。" + INJECTION + "大家都去公园了。\x1a")
    path = folder / "hostile.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- 4. special files and size --------------------------------------------------------------


def test_a_named_pipe_is_refused_at_once_by_the_cli(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for args in (["outline", str(fifo)], ["translate", str(fifo)], [str(fifo)]):
        result = cli(*args)  # hangs for ever without the fix: the timeout fails it
        assert result.returncode == 2, result
        assert result.stderr == f"reader: {fifo}: is a named pipe (FIFO), not a regular file\n"


def test_a_named_pipe_is_refused_by_every_reading_command(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.tsv"
    os.mkfifo(fifo)
    commands = [
        ["glossary", "import", str(fifo)],
        ["known", "import", str(fifo)],
        ["coverage", str(fifo)],
        ["export", str(fifo), "--format", "md"],
        ["tm", "import", str(fifo)],
    ]
    for args in commands:
        result = cli(*args)
        assert result.returncode == 2, (args, result)
        assert result.stderr.count("\n") == 1 and str(fifo) in result.stderr, (args, result)
        assert "Traceback" not in result.stderr


def test_the_reader_refuses_a_named_pipe_without_waiting(tmp_path: Path) -> None:
    """The reader (``reader FILE`` in a terminal) opens documents through the same check."""
    from reader.tui.app import build_app

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            build_app(str(fifo))
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=open_it, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "the reader waits on a named pipe"
    assert len(errors) == 1 and isinstance(errors[0], DocumentError)
    assert "named pipe" in str(errors[0])


def test_dev_zero_is_refused_not_read_until_memory_runs_out() -> None:
    # In a child process only: without the fix this reads until memory runs out.
    result = cli("outline", "/dev/zero")
    assert result.returncode == 2
    assert result.stderr == "reader: /dev/zero: is a device, not a regular file\n"


def test_a_file_over_the_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("正文。\n".encode() * 100)
    with pytest.raises(DocumentError) as info:
        read_input(big, limit=999)
    assert str(info.value) == f"{big}: too large (0.0 MB; reader opens files up to 0.000999 MB)"
    assert len(read_input(big, limit=1000)) == 1000  # exactly the limit still reads


def test_the_limit_is_100_mb_and_a_60_mb_file_still_reads(tmp_path: Path) -> None:
    assert MAX_DOCUMENT_BYTES == 100_000_000  # the README says so
    sixty = tmp_path / "sixty.txt"
    with open(sixty, "wb") as handle:  # sparse: 60 MB on disk in no time
        handle.truncate(60_000_000)
    assert len(read_input(sixty)) == 60_000_000
    over = tmp_path / "over.txt"
    with open(over, "wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(DocumentError, match=r"too large .*up to 100 MB"):
        read_input(over)


def test_a_small_file_is_read_without_a_buffer_of_the_limits_size(tmp_path: Path) -> None:
    """A document of a few kilobytes took a 100 MB allocation (the limit's) to read."""
    import tracemalloc

    small = tmp_path / "small.txt"
    small.write_bytes("正文。\n".encode() * 1000)
    tracemalloc.start()
    try:
        data = read_input(small)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == small.read_bytes()
    assert peak < 1_000_000, peak


def _special_targets(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "out-fifo"
    os.mkfifo(fifo)
    kept = tmp_path / "kept.md"
    kept.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "out-link.md"
    link.symlink_to(kept)
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    return {"a named pipe (FIFO)": fifo, "a symbolic link": link, "a dangling link": dangling}


def test_export_force_never_replaces_a_pipe_or_a_link(tmp_path: Path) -> None:
    targets = _special_targets(tmp_path)
    for kind, target in targets.items():
        result = cli("export", str(PARTY_BUILDING), "-f", "md", "--out", str(target), "--force")
        assert result.returncode == 2, (kind, result)
        shown = "a symbolic link" if "link" in kind else kind
        assert result.stderr == (
            f"reader: {target}: is {shown}, not a regular file; give another file name\n"
        )
    assert targets["a named pipe (FIFO)"].is_fifo()
    assert targets["a symbolic link"].is_symlink() and targets["a dangling link"].is_symlink()
    assert (tmp_path / "kept.md").read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "nowhere.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_every_export_command_refuses_a_special_target(tmp_path: Path) -> None:
    fifo = tmp_path / "out.tsv"
    os.mkfifo(fifo)
    assert main(["glossary", "add", "浙里办", "Zheliban app"]) == 0
    assert main(["vocab", "add", "浙江", "--definition", "Zhejiang"]) == 0
    assert main(["known", "add", "浙江"]) == 0
    for args in (
        ["glossary", "export", str(fifo), "--force"],
        ["vocab", "export", str(fifo), "--format", "tsv", "--force"],
        ["tm", "export", str(fifo), "--force"],
        ["known", "export", str(fifo), "--force"],
    ):
        with pytest.raises(ReaderError, match="is a named pipe"):
            _raise_from(args)
    assert fifo.is_fifo()


def _raise_from(args: list[str]) -> None:
    """Run a command's handler so its ReaderError is seen (main() turns it into a line)."""
    from reader.cli import _build_parser

    parsed = _build_parser().parse_args(args)
    parsed.handler(parsed)


def test_a_device_is_never_a_target_even_with_force() -> None:
    # check_target decides before anything is written: /dev/null is never touched.
    for force in (False, True):
        with pytest.raises(ReaderError, match="/dev/null: is a device, not a regular file"):
            check_target("/dev/null", force=force)


# -- 5. terminal escapes --------------------------------------------------------------------


def test_terminal_safe_marks_controls_and_keeps_layout() -> None:
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("t\x1b]0;x\x07\r\x7f\x9b") == "t␛]0;x␇␍␡\ufffd"
    assert terminal_safe("浙江 ≈ Zhèjiāng") == "浙江 ≈ Zhèjiāng"


def test_json_safe_keeps_the_json_and_escapes_c1() -> None:
    data = {"t": "a\x9b2Jb\x7f\x1b"}
    dumped = json_safe(json.dumps(data, ensure_ascii=False))
    assert_clean(dumped)
    assert json.loads(dumped) == data


def test_a_document_loses_its_controls_when_loaded(tmp_path: Path) -> None:
    text = load_text(hostile_document(tmp_path)).text
    assert_clean(text)
    assert "\x1a" not in text
    assert "浙江很好。]0;PWNED[2J[31m2J大家都去公园了。" in text  # the text itself is kept
    # A form feed (a page break in old text files) still separates lines.
    page = tmp_path / "page.txt"
    page.write_bytes("第一页的文字。\f第二页的文字。\n".encode() * 20)
    assert "第一页的文字。\n第二页的文字。" in load_text(page).text


def test_outline_and_translate_print_no_escape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile_document(tmp_path, short=True)
    for args in (
        ["outline", str(path)],
        ["outline", str(path), "--json"],
        ["translate", str(path)],
        ["translate", str(path), "--json"],
        # Text given on the command line is not a loaded file: the print sites must hold.
        ["translate", "浙江很好。" + INJECTION],
        ["translate", "浙江很好。" + INJECTION, "--json"],
        ["annotate", "浙江很好。" + INJECTION],
        ["annotate", "浙江很好。" + INJECTION, "--json"],
    ):
        assert main(args) == 0, args
        captured = capsys.readouterr()
        assert_clean(captured.out + captured.err)
        assert "浙江" in captured.out
    assert main(["translate", "浙江\x9b2J很好。", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sentences"][0]["zh"] == "浙江\x9b2J很好。"  # escaped in the JSON, not lost


def test_glossary_and_lookup_print_no_escape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["READER_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "glossary.tsv").write_text(
        f"共同富裕\tcommon{INJECTION} prosperity\tnote{INJECTION}\n", encoding="utf-8"
    )
    # A glossary shared as a file (an import, or a document's own NAME.glossary.tsv).
    shared = tmp_path / "shared.tsv"
    shared.write_text(f"浙里办\tZheliban{INJECTION} app\tgov{INJECTION} app\n", encoding="utf-8")
    assert main(["glossary", "import", str(shared)]) == 0
    for args in (
        ["glossary", "list"],
        ["glossary", "list", "--json"],
        ["lookup", "共同富裕"],
        ["lookup", "共同富裕", "--json"],
        ["translate", "共同富裕很重要", "--translator", "gloss"],
    ):
        assert main(args) == 0, args
        captured = capsys.readouterr()
        assert_clean(captured.out + captured.err)
        assert "common" in captured.out or "Zheliban" in captured.out
    terms = {t.source: t for t in Glossary().user_terms()}
    assert terms["浙里办"].target == "Zheliban]0;PWNED[2J[31m2J app"


def test_vocab_list_prints_no_escape(capsys: pytest.CaptureFixture[str]) -> None:
    # The vocabulary file is read as it is: the print sites must hold.
    vocab.add("浙江", "Zhè" + INJECTION, "Zhejiang" + INJECTION, "浙江很好。", "doc")
    for args in (["vocab", "list"], ["vocab", "list", "--json"]):
        assert main(args) == 0
        captured = capsys.readouterr()
        assert_clean(captured.out)
        assert "Zhejiang" in captured.out


def test_an_error_line_prints_no_escape(capsys: pytest.CaptureFixture[str]) -> None:
    name = f"missing{INJECTION}.txt"
    assert main(["outline", name]) == 2
    err = capsys.readouterr().err
    assert_clean(err)
    assert err.startswith("reader: missing␛]0;PWNED␇") and err.count("\n") == 1


# -- 6. spreadsheet formulas ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("-ism; ideology", "'-ism; ideology"),
        ("'=1", "''=1"),  # so that the quote taken off on import gives '=1 back
        ("-3", "-3"),  # a number is no formula
        ("+86", "+86"),
        ("'quoted'", "'quoted'"),
        ("共同富裕", "共同富裕"),
        ("a\x1b]0;x\x07b", "a]0;xb"),
        ("\x1b=1", "'=1"),
    ],
)
def test_spreadsheet_cell(cell: str, written: str) -> None:
    assert spreadsheet_cell(cell) == written


def test_restore_cell_undoes_spreadsheet_cell_exactly() -> None:
    rng = random.Random(12)
    alphabet = "=+-@'\tab1 共"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert restore_cell(spreadsheet_cell(text)) == text, repr(text)
    assert strip_controls("a\x1b\x07b\x9b") == "ab"


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_document_csv_and_tsv_quote_formulas(
    make_context: Callable[..., Context], tmp_path: Path
) -> None:
    doc = parse_text(
        '标题\n\n=HYPERLINK("http://evil","点这里")。\n\n@SUM(1+1)是公式。\n\n-3度。\x07\n'
    )
    context = make_context()
    export_document(doc, "csv", tmp_path / "d.csv", context, translator="gloss")
    export_document(doc, "tsv", tmp_path / "d.tsv", context, translator="gloss")
    rows = _read_csv(tmp_path / "d.csv")
    tsv = [line.split("\t") for line in (tmp_path / "d.tsv").read_text("utf-8").splitlines()]
    for table in (rows, tsv):
        zh = [row[2] for row in table[1:]]
        assert '\'=HYPERLINK("http://evil","点这里")。' in zh
        assert "'@SUM(1+1)是公式。" in zh
        assert "'-3度。" in zh  # quoted too: only a plain number is left as it is
        for row in table:
            assert all(cell[:1] not in {"=", "+", "-", "@"} for cell in row), row
    raw = (tmp_path / "d.csv").read_text("utf-8") + (tmp_path / "d.tsv").read_text("utf-8")
    assert "\x07" not in raw


def test_markdown_has_no_escape(make_context: Callable[..., Context], tmp_path: Path) -> None:
    doc = parse_text(f"标题{INJECTION}\n\n第一章{INJECTION}\n\n浙江很好。{INJECTION}\n")
    for layout in ("interleaved", "table"):
        out = tmp_path / f"d-{layout}.md"
        export_document(doc, "md", out, make_context(), translator="gloss", layout=layout)
        text = out.read_text(encoding="utf-8")
        assert_clean(text)
        assert "浙江很好。" in text


def test_glossary_csv_round_trip_keeps_the_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["glossary", "add", "主义", "-ism; ideology", "--note", "=not a formula"]) == 0
    assert main(["glossary", "add", "浙里办", "'=quoted", "--note", "@home"]) == 0
    out = tmp_path / "g.csv"
    assert main(["glossary", "export", str(out)]) == 0
    rows = _read_csv(out)
    assert ["主义", "'-ism; ideology", "'=not a formula"] in rows
    assert ["浙里办", "''=quoted", "'@home"] in rows
    # The OmegaT TSV is read by OmegaT, which evaluates nothing: written as it is.
    tsv = tmp_path / "g.tsv"
    assert main(["glossary", "export", str(tsv)]) == 0
    assert "主义\t-ism; ideology\t=not a formula" in tsv.read_text(encoding="utf-8")
    before = {t.source: (t.target, t.note) for t in Glossary().user_terms()}
    (Path(os.environ["READER_CONFIG_DIR"]) / "glossary.tsv").unlink()
    assert main(["glossary", "import", str(out)]) == 0
    after = {t.source: (t.target, t.note) for t in Glossary().user_terms()}
    assert (
        after
        == before
        == {
            "主义": ("-ism; ideology", "=not a formula"),
            "浙里办": ("'=quoted", "@home"),
        }
    )
    capsys.readouterr()


def test_tm_tsv_round_trip_keeps_the_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.context import Context
    from reader.english.memory_files import export_memory, import_memory

    memory = Context().memory
    pairs = [("主义是什么。", "-ism: what is it?"), ("加一。", "+1."), ("公式。", "=SUM(A1)")]
    memory.add_many((zh, en, "test", "") for zh, en in pairs)
    out = tmp_path / "tm.tsv"
    assert export_memory(memory, out) == 3
    written = out.read_text(encoding="utf-8")
    assert "\t'-ism: what is it?\t" in written and "\t'=SUM(A1)\t" in written
    assert "\t'+1.\t" in written
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "elsewhere"))  # an empty memory
    fresh = Context().memory
    assert import_memory(fresh, out).added == 3
    assert sorted((e.source, e.target) for e in fresh.entries()) == sorted(pairs)


def test_vocab_exports(tmp_path: Path) -> None:
    from reader.export.vocab import export_vocab

    entries = [vocab.add("主义", "zhǔyì", "-ism; ideology\x07", "=主义。", "doc")]
    export_vocab(entries, tmp_path / "v.tsv", "tsv")
    export_vocab(entries, tmp_path / "a.txt", "anki")
    plain = (tmp_path / "v.tsv").read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert plain[2:4] == ["'-ism; ideology", "'=主义。"]
    # Anki evaluates nothing and shows every character: a definition stays as it is.
    anki = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert "\t-ism; ideology\t=主义。\t" in anki
    assert "\x07" not in anki and "\x07" not in "".join(plain)


def test_a_models_control_pieces_and_saved_english_never_reach_the_screen(
    annotator: Annotator,
) -> None:
    """The model's vocabulary and the user's saved English are data, not terminal codes."""
    from reader.document.parse import parse_text
    from reader.document.units import reading_order
    from reader.english.layer import English
    from reader.translate.engine import detokenize
    from reader.tui.layout import Options, Styles, layout_block

    assert detokenize(["▁Hello", "\x1b]0;pwned\x07", "▁world"]) == "Hello]0;pwned world"
    doc = parse_text("标题\n\n共同富裕。\n")
    block = reading_order(doc).blocks[-1]
    layout = layout_block(
        block,
        Options(80, pinyin=False, english=True, stacked=True),
        Styles(),
        annotator.annotate,
        lambda sid, zh: English("Common\x1b[2J prosperity\x07.", "edited"),
    )
    drawn = "".join(segment.text for line in layout.lines for segment in line)
    assert "Common[2J prosperity." in drawn
    assert "\x1b" not in drawn and "\x07" not in drawn
