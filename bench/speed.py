"""Issue 13 (and 14's coverage target): every speed figure with what it is compared with.

The machine is shared and noisy, so each figure is printed next to a baseline
measured in the same run, on the same input, and the ratio: the interpreter's
own start for the CLI, plain ``jieba.Tokenizer.cut`` for annotation and
coverage, a minimal Textual app's ``on_ready`` for the reader's first frame,
a Chinese substring search for the pinyin search. Every process runs in
throw-away user folders; "warm" means the dictionary index and jieba's cache
exist (a user who has run reader once), "cold" that the document was never
counted, annotated or translated, "first run ever" an empty cache folder.

Sections (``--only a,b``): cli, throughput, coverage, search, dictionary, ui,
gloss, export, scale. Prints figures only; targets are in the issue.

Run: python bench/speed.py [--only throughput,coverage] [--chapters N] [--scale 1,2,4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOVEL = ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"
PYTHON = sys.executable
#: Repetitions of each figure (``--runs``); medians are printed.
RUNS = [3]
READER = [PYTHON, "-m", "reader"]


def user_dirs(folder: Path, *, cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # An installed reader has its bytecode compiled; without it every start compiles
    # reader's modules again (a tenth of a second), which no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("config", "data", "cache"):
        env[f"READER_{name.upper()}_DIR"] = str(folder / name)
    if cache is not None:
        env["READER_CACHE_DIR"] = str(cache)
    return env


def timed(command: list[str], env: dict[str, str], *, check: bool = True) -> tuple[float, str]:
    """Wall time of a fresh process, from before it is spawned to its exit."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if check and done.returncode:
        raise SystemExit(f"{' '.join(command[:6])} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def row(name: str, value: float, base: float, base_name: str, target: str, unit: str = "s") -> None:
    ratio = value / base if base else float("nan")
    print(
        f"  {name:<44} {value:8.3f} {unit}  {ratio:6.2f}× {base_name} ({base:.3f} {unit})  {target}"
    )


WARM = """
from reader.context import Context
Context().annotator.start()
"""


def warm_caches(env: dict[str, str]) -> None:
    """Build the dictionary index and jieba's cache, as a first run does."""
    timed([PYTHON, "-c", WARM], env)


# -- cli ---------------------------------------------------------------------------------------


def section_cli(work: Path) -> None:
    env = user_dirs(work / "cli")
    warm_caches(env)
    python = median(RUNS[0] + 2, lambda: timed([PYTHON, "-c", "pass"], env)[0])
    print("cli (median of 5 fresh processes; baseline: the interpreter starting and exiting)")
    for name, args, target, ok in (
        ("reader --version", ["--version"], "target ≤ 0.15 s", True),
        ("reader --bogus (argument error)", ["--bogus"], "target ≤ 0.15 s", False),
        (
            "reader annotate 共同富裕很重要 (warm)",
            ["annotate", "共同富裕很重要"],
            "target ≤ 0.5 s",
            True,
        ),
        ("reader lookup 行 (warm)", ["lookup", "行"], "target ≤ 0.3 s", True),
    ):
        value = median(RUNS[0] + 2, lambda a=args, c=ok: timed(READER + a, env, check=c)[0])
        row(name, value, python, "python -c pass", target)


# -- throughput ----------------------------------------------------------------------------------


def _paragraphs(chapters: int | None) -> list[str]:
    from reader.document import load_document

    doc = load_document(NOVEL)
    sections = list(doc.walk())[: chapters + 1] if chapters else list(doc.walk())
    return [p.text for s in sections for p in s.paragraphs]


def section_throughput(work: Path, chapters: int) -> None:
    """In one process: plain jieba, then the annotator, on the same paragraphs."""
    env = user_dirs(work / "throughput")
    warm_caches(env)
    os.environ.update({k: v for k, v in env.items() if k.startswith("READER_")})
    import jieba

    from reader.context import Context
    from reader.store.paths import cache_dir

    texts = _paragraphs(chapters)
    chars = sum(len(t) for t in texts)
    jieba.setLogLevel(60)
    plain = jieba.Tokenizer()
    plain.tmp_dir = str(cache_dir())
    plain.initialize()

    def jieba_pass() -> float:
        start = time.perf_counter()
        for text in texts:
            list(plain.cut(text))
        return time.perf_counter() - start

    def annotator_pass(method: str) -> float:
        annotator = Context().annotator  # fresh: nothing of this text is cached yet
        annotator.start()
        call = getattr(annotator, method)
        start = time.perf_counter()
        for text in texts:
            call(text)
        return time.perf_counter() - start

    # Interleaved, best of --runs each: the machine's load changes from second to second.
    runs: dict[str, list[float]] = {"jieba": [], "annotate": [], "words": []}
    for _ in range(RUNS[0]):
        runs["jieba"].append(jieba_pass())
        runs["annotate"].append(annotator_pass("annotate"))
        if hasattr(Context().annotator, "words"):
            runs["words"].append(annotator_pass("words"))
    base = min(runs["jieba"])
    print(
        f"throughput ({len(texts)} paragraphs, {chars:,} characters of the novel; best of {RUNS[0]}, "
        "interleaved; baseline: plain jieba.Tokenizer.cut)"
    )
    print(f"  {'plain jieba.cut':<44} {chars / base:10,.0f} chars/s")
    for name, key, target in (
        ("annotate (segmentation + pinyin + dictionary)", "annotate", "target ≤ 3× jieba"),
        ("words only (coverage: no pinyin, no senses)", "words", ""),
    ):
        if not runs[key]:
            continue
        value = min(runs[key])
        print(
            f"  {name:<44} {chars / value:10,.0f} chars/s  costs {value / base:5.2f}× plain jieba  "
            f"{target}"
        )


# -- coverage --------------------------------------------------------------------------------------

JIEBA_NOVEL = """
import sys, time, jieba
start = float(sys.argv[1])
from reader.document import load_document
jieba.setLogLevel(60)
tokenizer = jieba.Tokenizer()
tokenizer.tmp_dir = sys.argv[2]
tokenizer.initialize()
for p in load_document(sys.argv[3]).paragraphs():
    list(tokenizer.cut(p.text))
print(time.time() - start)
"""


def section_coverage(work: Path) -> None:
    """Fresh processes: `reader coverage NOVEL` never counted, then again; plain jieba."""
    cache = work / "coverage-cache"
    env = user_dirs(work / "coverage", cache=cache)
    warm_caches(env)
    timed([*READER, "known", "add", "--hsk", "3"], env)

    def jieba_novel() -> float:
        return float(
            timed([PYTHON, "-c", JIEBA_NOVEL, str(time.time()), str(cache), str(NOVEL)], env)[1]
        )

    def cold() -> float:
        for old in (cache / "coverage").glob("*.json"):
            old.unlink()
        return timed([*READER, "coverage", str(NOVEL), "--top", "5"], env)[0]

    bases, colds = [], []
    for _ in range(RUNS[0]):  # interleaved
        bases.append(jieba_novel())
        colds.append(cold())
    warm = median(RUNS[0], lambda: timed([*READER, "coverage", str(NOVEL), "--top", "5"], env)[0])
    base = statistics.median(bases)
    python = median(RUNS[0], lambda: timed([PYTHON, "-c", "pass"], env)[0])
    print(
        "coverage of the novel, whole process (median of 3, interleaved; baseline: a process that "
        "parses it and runs plain jieba over it)"
    )
    row(
        "reader coverage, never counted (cold)",
        statistics.median(colds),
        base,
        "plain jieba",
        "target ≤ 3 s (#13), < 2 s (#14)",
    )
    row(
        "reader coverage again (warm, cached counts)",
        warm,
        python,
        "python -c pass",
        "target: instant",
    )
    # The words above HSK 6 as a flash-card list: every sentence annotated (pinyin, senses).
    listing = [
        *READER,
        "vocab",
        "export",
        "--from-document",
        str(NOVEL),
        "--hsk-above",
        "6",
        str(work / "words.tsv"),
        "--force",
    ]

    def vocabulary_cold() -> float:
        for old in (cache / "annotations").glob("*.json"):
            old.unlink()
        return timed(listing, env)[0]

    cold_list = median(RUNS[0], vocabulary_cold)
    row(
        "reader vocab export --from-document, --hsk-above 6 (cold)",
        cold_list,
        base,
        "plain jieba",
        "target ≤ 3 s",
    )
    # What an export or the gloss of the book leaves: every sentence annotated and kept.
    timed([PYTHON, "-c", ANNOTATE_WHOLE, str(NOVEL)], env)
    row(
        "the same, the novel annotated before (an export's cache)",
        median(RUNS[0], lambda: timed(listing, env)[0]),
        base,
        "plain jieba",
        "target ≤ 3 s",
    )


ANNOTATE_WHOLE = """
import sys
from reader.context import Context
from reader.document import load_document
from reader.language.annotation_cache import AnnotationCache
from reader.language.parallel import annotate_texts
doc = load_document(sys.argv[1])
annotator = Context(document=sys.argv[1]).annotator
made = annotate_texts(annotator, (s.text for s in doc.sentences()))
AnnotationCache(annotator).save(doc.source_sha256, made)
"""


# -- search ------------------------------------------------------------------------------------


def section_search(work: Path) -> None:
    """In one process: the novel open in a reading session, searched in Chinese and pinyin."""
    os.environ.update(
        {k: v for k, v in user_dirs(work / "search").items() if k.startswith("READER_")}
    )
    from reader.context import Context
    from reader.document import load_document
    from reader.reading.session import ReadingSession

    doc = load_document(NOVEL)
    context = Context().for_document(doc)

    def clock(session: ReadingSession, query: str) -> tuple[float, int]:
        start = time.perf_counter()
        hits = len(session.search(query))
        return time.perf_counter() - start, hits

    from reader.language.pinyin_table import shared_table

    shared_table()  # built on the first run of anything (the first-run figure has it)
    session = ReadingSession(doc, context)
    chinese, n_chinese = clock(session, "宝玉")
    cold, n_pinyin = clock(session, "baoyu")  # builds the index: first search ever
    warm, _ = clock(session, "daiyu")
    again = ReadingSession(doc, context)  # the next session: the index from the cache
    cached, _ = clock(again, "fupin")
    base = min(chinese, clock(session, "宝玉")[0])
    print(
        f"search in the novel (baseline: a Chinese search, 宝玉, {n_chinese} hits; baoyu {n_pinyin} hits)"
    )
    row(
        "toneless pinyin, first search ever (builds)",
        cold,
        base,
        "Chinese search",
        "target ≤ 0.3 s (or in a worker: prepare_search)",
    )
    row("toneless pinyin, index built", warm, base, "Chinese search", "target ≤ 0.3 s")
    row(
        "toneless pinyin, next session (cached index)",
        cached,
        base,
        "Chinese search",
        "target ≤ 0.3 s",
    )


# -- the dictionary index and the first run ever -------------------------------------------------

FIRST = """
import sys, time
start = float(sys.argv[1])
from reader.context import Context
Context().annotator.annotate("中共浙江省委关于忠实践行八八战略奋力打造重要窗口的决议")
print(time.time() - start)
"""


def section_dictionary(work: Path) -> None:
    from reader.language.dictionary import _build_index, find_data_file

    def build() -> float:
        target = work / "index" / f"cc-cedict-{time.time_ns()}.sqlite"
        target.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        _build_index(find_data_file(), target)
        return time.perf_counter() - start

    def first(folder: str) -> float:
        env = user_dirs(work / folder)
        return float(timed([PYTHON, "-c", FIRST, str(time.time())], env)[1])

    python = median(RUNS[0], lambda: timed([PYTHON, "-c", "pass"], dict(os.environ))[0])
    index = median(RUNS[0], build)
    firsts = [first(f"first-{i}") for i in range(RUNS[0])]
    warm = median(RUNS[0], lambda: first("first-0"))
    print("dictionary index and first run (median of 3)")
    row("CC-CEDICT index build (in process)", index, python, "python -c pass", "")
    row(
        "first annotate, empty cache folder (first run)",
        statistics.median(firsts),
        warm,
        "warm run",
        "builds jieba's cache and the index",
    )
    row("first annotate, caches built (warm)", warm, python, "python -c pass", "")


# -- the reader's first frame ---------------------------------------------------------------

MINIMAL = r"""
import asyncio, sys, time
start = float(sys.argv[1])
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("共同富裕")
    def on_ready(self):
        self.ready = time.time() - start

async def main():
    app = Minimal()
    app.ready = None
    async with app.run_test(size=(140, 40)) as pilot:
        while app.ready is None:
            await pilot.pause(0.01)
    print(app.ready)

asyncio.run(main())
"""


def section_ui(work: Path) -> None:
    """Fresh processes: a minimal Textual app to on_ready, the reader to its first frame."""
    sys.path.insert(0, str(ROOT / "bench"))
    from ui_startup import CHILD  # the reader's headless first-frame measurement

    def reader(path: Path, env: dict[str, str]) -> dict[str, float]:
        out = timed([PYTHON, "-c", CHILD, str(path), str(time.time())], env)[1]
        return dict(json.loads(out.strip().splitlines()[-1]))

    def minimal(env: dict[str, str]) -> float:
        return float(
            timed([PYTHON, "-c", MINIMAL, str(time.time())], env)[1].strip().splitlines()[-1]
        )

    env = user_dirs(work / "ui")
    warm_caches(env)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    print(
        "reader first frame (median of 3, interleaved with a minimal Textual app showing one Static)"
    )
    for path in [seeds[0], NOVEL]:
        runs, bases = [], []
        for _ in range(RUNS[0]):
            bases.append(minimal(env))
            runs.append(reader(path, env))
        base = statistics.median(bases)
        first = statistics.median(r["first"] for r in runs)
        ready = statistics.median(r["ready"] for r in runs)
        row(
            f"{path.name[:30]}: first frame with text",
            first,
            base,
            "minimal app on_ready",
            "target ≤ 1.3×",
        )
        loaded = statistics.median(r["loaded"] for r in runs)
        row(
            f"{path.name[:30]}: pinyin on screen (warm)",
            ready,
            base,
            "minimal app on_ready",
            "target ≤ 1.5 s",
        )
        row(f"{path.name[:30]}: language layer loaded", loaded, base, "minimal app on_ready", "")
    fresh = user_dirs(work / "ui-first-run")
    ever = reader(seeds[0], fresh)
    row(
        f"{seeds[0].name[:30]}: pinyin, first run ever",
        ever["ready"],
        minimal(fresh),
        "minimal app on_ready",
        "target ≤ 3 s",
    )


# -- gloss translation and exports ---------------------------------------------------------------

RSS = """
import resource, runpy, sys, time
start = time.perf_counter()
sys.argv = ["reader", *sys.argv[1:]]
try:
    runpy.run_module("reader", run_name="__main__")
except SystemExit as exit:
    if exit.code:
        raise
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
# This process's own peak: ru_maxrss keeps the spawning process's across exec (the
# bench's, with a 60 MB text in it); VmHWM is this address space's alone.
peak = own.ru_maxrss / 1024
try:
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    pass
print(f"@@ {time.perf_counter() - start} {peak} "
      f"{own.ru_utime + own.ru_stime} {workers.ru_utime + workers.ru_stime} {workers.ru_maxrss / 1024}")
"""


@dataclass(frozen=True)
class Run:
    """A fresh ``reader`` process: wall time, and what it and its worker processes used."""

    seconds: float
    #: Peak RSS of the process itself (MB), and of its largest worker (0: none).
    rss: float
    cpu: float
    worker_cpu: float
    worker_rss: float

    def note(self) -> str:
        workers = (
            f" + {self.worker_cpu:.1f} s in workers (peak {self.worker_rss:.0f} MB each)"
            if self.worker_cpu
            else ""
        )
        return f"CPU {self.cpu:.1f} s{workers}"


def run_reader(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``reader ARGS`` in a fresh process (output discarded)."""
    done = measure_reader(args, env)
    return done.seconds, done.rss


def measure_reader(args: list[str], env: dict[str, str]) -> Run:
    """``reader ARGS`` in a fresh process (output discarded), with its CPU and memory."""
    out = timed([PYTHON, "-c", RSS, *args], env)[1]
    line = next(line for line in reversed(out.splitlines()) if line.startswith("@@ "))
    return Run(*(float(x) for x in line.split()[1:]))


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _jieba_novel(env: dict[str, str], path: Path = NOVEL) -> float:
    cache = Path(env["READER_CACHE_DIR"])
    return float(
        timed([PYTHON, "-c", JIEBA_NOVEL, str(time.time()), str(cache), str(path)], env)[1]
    )


def section_gloss(work: Path) -> None:
    """Fresh processes: the novel glossed never translated (cold), then from the cache.

    A cold gloss annotates the whole book on every core (worker processes): their
    CPU and peak memory are printed beside the process's own.
    """
    env = user_dirs(work / "gloss")
    warm_caches(env)
    base = _jieba_novel(env)
    args = ["translate", str(NOVEL), "--translator", "gloss"]
    cache = work / "gloss" / "cache"
    colds = []
    for _ in range(RUNS[0]):
        for old in cache.glob("translations*.sqlite*"):
            old.unlink()
        colds.append(measure_reader(args, env))
    cold = sorted(colds, key=lambda r: r.seconds)[len(colds) // 2]
    again = measure_reader(args, env)
    print(
        f"gloss translation of the novel, whole process (median of {RUNS[0]}; baseline: parse + "
        f"plain jieba, fresh process; {load()})"
    )
    row(
        f"reader translate --translator gloss (cold, {cold.rss:.0f} MB)",
        cold.seconds,
        base,
        "plain jieba",
        "target ≤ 10 s",
    )
    print(f"  {'':<44} {cold.note()}")
    row("the same again (translation cache)", again.seconds, base, "plain jieba", "")


def section_export(work: Path, formats: list[str]) -> None:
    """Fresh processes: each format cold (never translated nor annotated), then cached."""
    env = user_dirs(work / "export")
    warm_caches(env)
    base = _jieba_novel(env)
    print(
        "exports of the novel with the gloss, whole process (baseline: parse + plain jieba; "
        f"{load()})"
    )
    cache = work / "export" / "cache"
    for fmt in formats:
        out = work / f"novel.{fmt}"
        args = ["export", str(NOVEL), "--format", fmt, "--translator", "gloss", "--out", str(out)]
        for old in [*cache.glob("translations*.sqlite*"), *cache.glob("annotations/*.json")]:
            old.unlink()  # cold: never translated nor annotated
        cold = measure_reader([*args, "--force"], env)
        cached = measure_reader([*args, "--force"], env)
        row(
            f"{fmt}: cold, peak {cold.rss:.0f} MB",
            cold.seconds,
            base,
            "plain jieba",
            "target ≤ 10 s, ≤ 250 MB",
        )
        print(f"  {'':<44} {cold.note()}; {load()}")
        row(
            f"{fmt}: annotation + translation cached, {cached.rss:.0f} MB",
            cached.seconds,
            base,
            "plain jieba",
            "target ≤ 3 s",
        )


# -- scale ----------------------------------------------------------------------------------------


def section_scale(work: Path, factors: list[int], heavy: list[int]) -> None:
    """The novel concatenated k times (UTF-8): outline for every k, translation and export for
    the ``heavy`` ones (minutes each on a 2-core machine past 4×)."""
    from reader.document.load import load_text

    text = load_text(NOVEL).text
    env = user_dirs(work / "scale")
    warm_caches(env)
    print("scale: the novel concatenated (time, peak RSS of the whole process)")
    for k in sorted(set(factors) | set(heavy)):
        path = work / f"novel-x{k}.txt"
        path.write_text(text * k, encoding="utf-8")
        decoded = len(text) * k * 2 / 1e6  # CPython keeps CJK text at 2 bytes a character
        seconds, rss = run_reader(["outline", str(path)], env)
        line = f"  {k:>3}× ({path.stat().st_size / 1e6:5.1f} MB): outline {seconds:6.2f} s {rss:5.0f} MB ({rss / decoded:.1f}× decoded)"
        if k in heavy:
            # Cold, as the 1× figures are: the k copies' sentences are the 1× novel's,
            # and a cache kept from the run before would answer them all.
            cache = work / "scale" / "cache"
            for old in [*cache.glob("translations*.sqlite*"), *cache.glob("annotations/*.json")]:
                old.unlink()
            t_gloss, r_gloss = run_reader(["translate", str(path), "--translator", "gloss"], env)
            t_export, r_export = run_reader(
                [
                    "export",
                    str(path),
                    "--format",
                    "tsv",
                    "--translator",
                    "gloss",
                    "--out",
                    str(work / "x.tsv"),
                    "--force",
                ],
                env,
            )  # annotations of this very file kept by the gloss: cold translation only
            line += f"; gloss {t_gloss:6.1f} s {r_gloss:5.0f} MB; export tsv {t_export:6.1f} s {r_export:5.0f} MB"
        print(line)
        path.unlink()
    size = 60_000_000
    big = work / "sixty.txt"
    big.write_text(text * (size // len(text.encode("utf-8")) + 1), encoding="utf-8")
    chars = len(big.read_text(encoding="utf-8"))
    seconds, rss = run_reader(["outline", str(big)], env)
    row(
        f"60 MB file outline ({rss:.0f} MB, {rss / (chars * 2 / 1e6):.1f}× decoded)",
        seconds,
        _jieba_novel(env),
        "plain jieba of 1×",
        "target < 10 s, < 3× decoded",
    )


SECTIONS = {
    "cli": section_cli,
    "throughput": section_throughput,
    "coverage": section_coverage,
    "search": section_search,
    "dictionary": section_dictionary,
    "ui": section_ui,
    "gloss": section_gloss,
    "export": section_export,
    "scale": section_scale,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--chapters", type=int, default=20, help="throughput: first N chapters")
    parser.add_argument("--formats", default="json,md,html,tmx,tsv,csv,epub", help="export")
    parser.add_argument("--scale", default="1,2,4,16", help="outline at these multiples")
    parser.add_argument("--heavy", default="1,2,4", help="gloss and export at these")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each figure")
    args = parser.parse_args()
    RUNS[0] = args.runs
    print(f"{NOVEL.name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="reader-bench-speed-") as folder:
        work = Path(folder)
        for name in args.only.split(","):
            if name == "throughput":
                section_throughput(work, args.chapters)
            elif name == "export":
                section_export(work, args.formats.split(","))
            elif name == "scale":
                numbers = [int(k) for k in args.scale.split(",") if k]
                section_scale(work, numbers, [int(k) for k in args.heavy.split(",") if k])
            else:
                SECTIONS[name](work)  # type: ignore[operator]


if __name__ == "__main__":
    main()
