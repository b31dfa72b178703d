"""What a killed reader leaves: its ``.NAME.<hex>.tmp`` goes at the next start; SIGTERM cleans
up as Ctrl-C does; a live writer's temporary file is never taken from under it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.store.atomic import STALE_AFTER, TEMPORARY, sweep_stale
from tests.faults_storage_support import ROOT, reader_cli

#: A writer that stops halfway through a write of FILE and waits to be killed.
#: With ``cli``, it runs inside ``reader.cli.main`` (its ``glossary list`` handler
#: stands for any command that writes), so main's signal handling is what is tested.
HALFWAY = """
import sys, time
from pathlib import Path
from reader.store.atomic import atomic_writer
target, how = Path(sys.argv[1]), sys.argv[2]

def write_slowly(args=None):
    with atomic_writer(target) as handle:
        handle.write("half of a new fi")
        handle.flush()
        print("halfway", flush=True)
        time.sleep(60)
    return 0

if how == "cli":
    from reader import cli
    cli.cmd_glossary = write_slowly
    sys.exit(cli.main(["glossary", "list"]))
write_slowly()
"""


def _halfway(target: Path, how: str, home: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HALFWAY, str(target), how],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "READER_CONFIG_DIR": str(home / "config"),
            "READER_DATA_DIR": str(home / "data"),
            "READER_CACHE_DIR": str(home / "cache"),
        },
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "halfway"
    return child


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TEMPORARY.match(p.name)]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_kill_9_leftovers_go_at_the_next_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    target = home / "config" / "glossary.tsv"
    target.parent.mkdir(parents=True)
    target.write_text("浙里办\tZheliban app\t\n", encoding="utf-8")
    child = _halfway(target, "plain", home)
    child.kill()
    child.wait()
    (left,) = _temporaries(target.parent)
    fresh = reader_cli("glossary", "list", home=home)
    assert fresh.returncode == 0 and "浙里办" in fresh.stdout
    assert _temporaries(target.parent) == [left]  # too recent to be sure: kept
    _age(left, STALE_AFTER + 60)
    again = reader_cli("glossary", "list", home=home)
    assert again.returncode == 0 and again.stderr == ""
    assert _temporaries(target.parent) == []
    assert target.read_text(encoding="utf-8") == "浙里办\tZheliban app\t\n"


def test_a_live_writers_temporary_file_is_never_swept(tmp_path: Path) -> None:
    target = tmp_path / "vocabulary.json"
    child = _halfway(target, "plain", tmp_path)
    try:
        (temp,) = _temporaries(tmp_path)
        _age(temp, STALE_AFTER + 60)  # old, but its writer holds it
        assert sweep_stale([tmp_path]) == []
        assert temp.exists()
    finally:
        child.kill()
        child.wait()
    assert sweep_stale([tmp_path]) == [temp]
    assert not target.exists()


def test_sigterm_cleans_up_like_ctrl_c(tmp_path: Path) -> None:
    home = tmp_path / "home"
    target = home / "config" / "glossary.tsv"
    target.parent.mkdir(parents=True)
    target.write_text("precious\n", encoding="utf-8")
    child = _halfway(target, "cli", home)
    assert len(_temporaries(target.parent)) == 1
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert _temporaries(target.parent) == []
    assert target.read_text(encoding="utf-8") == "precious\n"
