"""``reader batch`` throughput: one worker against two, and the scheduler's cost per document.

Two measurements, both ratios against a baseline taken in the same run:

1. **Scaling.** Documents cut from 阿Q正传 are translated with the bench model
   (the random-weight Transformer-base package of ``bench/translate.py``, or a
   real ``--package``) and exported as TMX on a local Dask cluster of one
   worker, then of two (one process per core, one thread each). Each cluster
   first does one small warm-up batch (every worker loads jieba, the dictionary
   and the model once, as it would once per corpus), then the measured batch,
   with the translation cache off so both do the same work. Target (issue 15):
   two workers >= 1.7x one worker's sentences per second, on 2 cores.
2. **Overhead.** 1,000 tiny documents (one or two sentences) with the gloss
   translator: ``reader batch`` end to end as a user runs it (cluster start and
   stop included), against the same documents done in this process without
   Dask. Target: under 60 s.

It also prints what the README's capacity plan is scaled from: sentences per
second per worker, the model's load time, and documents per hour. Prints
figures only; nothing is asserted.

Run: python bench/batch.py [--package FILE | --model base|small] [--documents N]
     [--sentences N] [--tiny N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Worker processes re-import this file (multiprocessing's spawn): nothing runs at import.

BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.model_factory import build_package
sizes = {
    "base": dict(layers=6, heads=8, d_model=512, ffn=2048, extra_vocab=32000 - 300),
    "small": dict(layers=3, heads=4, d_model=256, ffn=1024, extra_vocab=8000 - 300),
}
build_package(Path(sys.argv[1]), "random", **sizes[sys.argv[3]])
"""


def _cpu_seconds() -> float:
    """This process's CPU time (user and system): run on each worker."""
    times = os.times()
    return times.user + times.system


def _environment(work: Path) -> None:
    """Everything reader writes goes to a throw-away folder (workers inherit it)."""
    os.environ["READER_DATA_DIR"] = str(work / "data")
    os.environ["READER_CONFIG_DIR"] = str(work / "config")
    os.environ.setdefault("READER_CACHE_DIR", str(work / "cache"))


def build_package(work: Path, size: str) -> Path:
    path = work / f"{size}.argosmodel"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(path), str(ROOT), size], check=True)
    name = "Transformer-base" if size == "base" else "small (3+3 layers, d_model 256)"
    print(f"model      built a {name} random package in {time.perf_counter() - start:.1f} s")
    return path


def aq_sentences() -> list[str]:
    """阿Q正传's sentences of 8 to 30 characters (17 on average: a policy text's clause).

    A random-weight model decodes to its length bound and loops (so it is decoded
    twice): longer sentences make each one cost seconds on one core.
    """
    from reader.document import load_document

    doc = load_document(ROOT / "tests" / "data" / "corpus" / "a-q-zhengzhuan.txt")
    texts = [s.text.strip() for p in doc.paragraphs() for s in p.sentences]
    return [t for t in texts if 8 <= len(t) <= 30]


def write_documents(folder: Path, sentences: list[str], count: int, per_doc: int) -> int:
    """``count`` documents of ``per_doc`` sentences each (cycling through ``sentences``)."""
    folder.mkdir(parents=True)
    used = 0
    for i in range(count):
        body = [sentences[(i * per_doc + k) % len(sentences)] for k in range(per_doc)]
        used += len(body)
        name = folder / f"{i // 100:02}" / f"doc{i:04}.txt"
        name.parent.mkdir(exist_ok=True)
        name.write_text(f"《第{i}篇》\n\n" + "".join(body) + "\n", encoding="utf-8")
    return used


def model_load_seconds() -> float:
    """One worker's start-up work, in this process: jieba, the dictionary, the model."""
    from reader.batch.tasks import BatchConfig, WorkerState

    start = time.perf_counter()
    WorkerState(BatchConfig("tmx", "argos"), threads=1).warm()
    return time.perf_counter() - start


def scaling(work: Path, documents: int, per_doc: int) -> dict[int, float]:
    """Sentences per second on a local cluster of 1 and of 2 workers (warm, cache off).

    Also the workers' CPU seconds per sentence: on a machine other work keeps busy, wall
    time says how the CPUs were shared; CPU time per sentence says whether two workers do
    the same work as one (then, each with a core of its own, they are twice as fast).
    """
    from reader.batch.cluster import connect
    from reader.batch.discovery import discover
    from reader.batch.engine import run_batch
    from reader.batch.tasks import BatchConfig

    sentences = aq_sentences()
    docs = work / "scaling"
    total = write_documents(docs, sentences, documents, per_doc)
    warm = work / "warm"
    write_documents(warm, ["你好。"], 4, 1)
    config = BatchConfig("tmx", "argos", cached=False)
    print(f"scaling    {documents} documents, {total} sentences of 阿Q正传, argos, TMX, cache off")
    rates: dict[int, float] = {}
    cpu_rates: dict[int, float] = {}
    for workers in (1, 2):
        start = time.perf_counter()
        with connect(None, workers) as runner:
            started = time.perf_counter() - start
            out = work / f"out-{workers}"
            run_batch(discover(warm, out / "warm"), out / "warm", config, runner)
            warmed = time.perf_counter() - start - started
            jobs = discover(docs, out)
            cpu_before = sum(runner.client.run(_cpu_seconds).values())
            begin = time.perf_counter()
            result = run_batch(jobs, out, config, runner)
            seconds = time.perf_counter() - begin
            cpu = sum(runner.client.run(_cpu_seconds).values()) - cpu_before
        done = result.tally.sentences
        rates[workers] = done / seconds
        cpu_rates[workers] = done / cpu * workers  # each worker with a core of its own
        print(
            f"           {workers} worker{'s' if workers > 1 else ' '}: cluster up in "
            f"{started:.1f} s, warm-up {warmed:.1f} s; {result.tally.done} documents, "
            f"{done} sentences in {seconds:.1f} s = {rates[workers]:.2f} sentences/s, "
            f"{result.tally.done / seconds * 3600:,.0f} documents/hour; workers' CPU "
            f"{cpu / done:.2f} s a sentence"
        )
    print(
        f"           2 workers / 1 worker: {rates[2] / rates[1]:.2f}x in wall time "
        f"(target >= 1.7x on 2 idle cores; {os.cpu_count()} CPUs here, load average "
        f"{os.getloadavg()[0]:.1f}); {cpu_rates[2] / cpu_rates[1]:.2f}x from CPU time "
        f"(each worker with a core): {cpu_rates[1]:.2f} sentences/s per worker"
    )
    return rates


def overhead(work: Path, count: int) -> None:
    """``count`` tiny documents with the gloss: ``reader batch`` end to end, and in-process."""
    from reader.batch.discovery import discover
    from reader.batch.engine import InProcess, run_batch
    from reader.batch.tasks import BatchConfig

    docs = work / "tiny"
    write_documents(docs, aq_sentences()[:200], count, 1)
    out = work / "out-tiny"
    command = [sys.executable, "-m", "reader", "batch", str(docs), "-f", "tmx", "-o", str(out)]
    start = time.perf_counter()
    subprocess.run([*command, "--translator", "gloss"], check=True, stdout=subprocess.DEVNULL)
    dask_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = run_batch(
        discover(docs, work / "out-tiny-here"), work / "out-tiny-here", BatchConfig("tmx", "gloss"),
        InProcess(),
    )  # fmt: skip
    here = time.perf_counter() - start
    print(
        f"overhead   {count} tiny documents, gloss, TMX: reader batch (local cluster, start and "
        f"stop included) {dask_seconds:.1f} s (target < 60 s); in this process without Dask "
        f"{here:.1f} s ({result.tally.done} done, jieba and dictionary loaded once)"
    )
    print(
        f"           {dask_seconds / count * 1000:.1f} ms per document on the cluster, "
        f"{here / count * 1000:.1f} ms in process"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a real .argosmodel (default: build one)")
    parser.add_argument(
        "--model", choices=("base", "small"), default="base", help="the random model built"
    )
    parser.add_argument("--documents", type=int, default=16, help="documents for the scaling run")
    parser.add_argument("--sentences", type=int, default=4, help="sentences per document")
    parser.add_argument("--tiny", type=int, default=1000, help="tiny documents (0: skip)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reader-bench-batch-"))
    _environment(work)
    print(f"machine    {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    if args.documents:
        from reader.translate.packages import install

        install(args.package or build_package(work, args.model))
        load = model_load_seconds()
        print(
            f"load       one worker's jieba, dictionary and model: {load:.1f} s (once per worker)"
        )
        scaling(work, args.documents, args.sentences)
    if args.tiny:
        overhead(work, args.tiny)
    print(
        f"machine    load average {os.getloadavg()[0]:.1f} at the end (other work shares the CPUs)"
    )


if __name__ == "__main__":
    main()
