"""Export speed and memory: the GB18030 novel (红楼梦) with the gloss, to every format.

Each format runs in its own process so that its peak memory (ru_maxrss) is its
own. ``base`` is the process after loading the novel and the language layer
(jieba, CC-CEDICT, pinyin); ``peak`` is the highest it reached during the
export, so ``peak - base`` is what exporting cost on top of the parsed book.

By default every process glosses the book from scratch (no translation cache):
the time of a first export. ``--cache`` shares one translation cache, filled
by a first run, so the figures are those of exporting again. The gloss
annotates every sentence (about 0.1 ms per token); json, tsv, csv and html
annotate it a second time for pinyin.

Run: python bench/export.py [--chapters N] [--formats json,md,...] [--cache]
Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOVEL = ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"
FORMATS = ("json", "md", "html", "tmx", "tsv", "csv", "epub")


def _rss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def worker(fmt: str, chapters: int | None, out: Path, cache: str | None) -> None:
    import dataclasses

    from reader.context import Context
    from reader.document import load_document
    from reader.export.document import export_document
    from reader.translate.cache import TranslationCache

    start = time.perf_counter()
    doc = load_document(NOVEL)
    if chapters:
        doc = dataclasses.replace(doc, sections=doc.sections[:chapters])
    # The composition root, as the CLI builds it; the gloss translator, cached or cold.
    context = Context(
        document=NOVEL,
        cache=TranslationCache(Path(cache)) if cache else None,
        cached=bool(cache),
    )
    context.annotator.start()
    context.annotator.annotate("预热")
    base = _rss_mb()
    loaded = time.perf_counter()
    export_document(doc, fmt, out, context, translator="gloss", force=True)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "load_s": loaded - start,
                "export_s": done - loaded,
                "base_mb": base,
                "peak_mb": _rss_mb(),
                "bytes": out.stat().st_size,
                "sentences": sum(1 for _ in doc.sentences()),
                "chapters": len(doc.sections),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, help="only the first N chapters (default: all)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument(
        "--cache", nargs="?", const="", metavar="FILE", help="share one translation cache"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.chapters, Path(args.out), args.cache)
        return

    work = Path(tempfile.mkdtemp(prefix="reader-bench-export-"))
    env = dict(os.environ)
    env["READER_DATA_DIR"] = str(work / "data")
    env["READER_CONFIG_DIR"] = str(work / "config")
    # The CC-CEDICT index and jieba cache in the usual cache folder are reused; with
    # --cache, translations go to this run's folder, not the user's cache.
    formats = [f for f in args.formats.split(",") if f]
    scope = f"first {args.chapters} chapters" if args.chapters else "whole book"
    cache = "shared translation cache" if args.cache is not None else "no translation cache (cold)"
    print(f"{NOVEL.name}, {scope}, gloss translator, {cache}")
    print(f"{'format':<7}{'export s':>10}{'base MB':>10}{'peak MB':>10}{'+MB':>8}{'output MB':>11}")
    for fmt in formats:
        command = [sys.executable, __file__, "--worker", fmt, "--out", str(work / f"novel.{fmt}")]
        if args.chapters:
            command += ["--chapters", str(args.chapters)]
        if args.cache is not None:
            command += ["--cache", str(work / "translations.sqlite")]
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode:
            print(f"{fmt:<7} failed:\n{result.stderr}")
            continue
        r = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{fmt:<7}{r['export_s']:>10.1f}{r['base_mb']:>10.0f}{r['peak_mb']:>10.0f}"
            f"{r['peak_mb'] - r['base_mb']:>8.0f}{r['bytes'] / 1e6:>11.1f}"
        )
    print(f"({r['sentences']} sentences in {r['chapters']} chapters; outputs in {work})")


if __name__ == "__main__":
    main()
