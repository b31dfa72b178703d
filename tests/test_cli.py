from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main
from reader.seeds import bundled_seeds
from tests.conftest import AQ, HLM, PARTY_BUILDING, RESOLUTION


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reader`` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_outline_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", str(PARTY_BUILDING), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"title", "encoding", "paragraphs", "sentences", "notes", "sections"}
    assert data["title"] == "习近平在浙江关于共同富裕的探索与实践"
    assert data["encoding"] == "utf-8"
    assert data["notes"] == ["（下转第二十八版）"]
    assert data["paragraphs"] == 25
    for section in data["sections"]:
        assert set(section) == {"id", "title", "level", "paragraphs", "sentences"}
    assert sum(s["paragraphs"] for s in data["sections"]) == data["paragraphs"]
    assert sum(s["sentences"] for s in data["sections"]) == data["sentences"]
    # Counts are each section's own: 一、 has one paragraph of its own, the
    # paragraphs of (一)…(五) are counted under them.
    first_part = next(s for s in data["sections"] if s["title"].startswith("一、"))
    assert first_part["level"] == 1
    assert first_part["paragraphs"] == 1


def test_outline_json_for_the_novels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", str(HLM), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["encoding"] == "gb18030"
    assert len(data["sections"]) == 120
    assert main(["outline", str(AQ), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in data["sections"]][-1] == "第九章大团圆"
    assert data["paragraphs"] == 312


def test_plain_outline_is_indented(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outline", str(PARTY_BUILDING)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "习近平在浙江关于共同富裕的探索与实践"
    top = next(line for line in lines if "一、习近平同志" in line)
    sub = next(line for line in lines if "(一)创造性" in line)
    assert len(sub) - len(sub.lstrip()) > len(top) - len(top.lstrip())
    assert lines[-1] == "note: （下转第二十八版）"


def test_no_argument_prints_the_bundled_seeds() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert "习近平在浙江关于共同富裕的探索与实践" in result.stdout
    assert "中共浙江省委关于忠实践行“八八战略”" in result.stdout


def test_a_file_argument_prints_its_outline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(RESOLUTION)]) == 0
    assert capsys.readouterr().out.startswith("中共浙江省委关于")


def test_seeds_ship_in_the_package() -> None:
    names = sorted(p.name for p in bundled_seeds())
    assert names == [
        "hongloumeng-chapters-1-3.txt",
        "xi-zhejiang-common-prosperity-party-building.txt",
        "zhejiang-common-prosperity-resolution-2021.txt",
    ]


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"reader {__version__}"


def test_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "outline" in result.stdout
    sub = run("outline", "--help")
    assert sub.returncode == 0 and "--json" in sub.stdout


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    return {
        "missing": (str(tmp_path / "missing.txt"), "no such file"),
        "directory": (str(tmp_path), "is a directory"),
        "binary": (str(binary), "not a text file"),
        "empty": (str(empty), "empty"),
        "unreadable": (str(empty / "x"), "cannot read"),
    }


#: The case each command kind also runs in a real process: one line and no traceback as a
#: user sees them (the other cases call the same entry point in this process, faster).
IN_A_PROCESS = {"outline": "missing", "outline --json": "binary", "": "unreadable"}


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "empty", "unreadable"])
@pytest.mark.parametrize("command", [["outline"], ["outline", "--json"], []])
def test_bad_input_one_line_exit_2(
    tmp_path: Path, case: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, words = _bad_inputs(tmp_path)[case]
    args = [*command[:1], path, *command[1:]]
    if IN_A_PROCESS[" ".join(command)] == case:
        result = run(*args)
        code, out, err = result.returncode, result.stdout, result.stderr
    else:
        code = main(args)
        out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reader: ")
    assert path in lines[0]
    assert words in lines[0]
    assert "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    result = run("outline")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_the_reader_leaves_at_once_as_a_normal_exit_would(tmp_path: Path) -> None:
    """After the UI: threads still writing finish, exit handlers run, output is flushed."""
    code = (
        "import atexit, sys, threading, time\n"
        "from pathlib import Path\n"
        "from reader.cli import _leave_at_once\n"
        "folder = Path(sys.argv[1])\n"
        "def write():\n"
        "    time.sleep(0.3)\n"
        "    (folder / 'thread.txt').write_text('done')\n"
        "threading.Thread(target=write).start()\n"
        "atexit.register(lambda: (folder / 'atexit.txt').write_text('ran'))\n"
        "print('buffered', end='')\n"
        "_leave_at_once()\n"
        "print('never')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "buffered"
    assert (tmp_path / "thread.txt").read_text() == "done"
    assert (tmp_path / "atexit.txt").read_text() == "ran"
