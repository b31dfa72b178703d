"""Time parsing the 1.7 MB GB18030 novel (target: under 1 s here). Prints figures only.

Run: python bench/parse_novel.py [FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from reader.document import load_document

NOVEL = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"
)
TARGET_S = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(NOVEL))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        doc = load_document(args.file)
        times.append(time.perf_counter() - start)

    tracemalloc.start()
    load_document(args.file)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    size = Path(args.file).stat().st_size
    sections = sum(1 for _ in doc.walk())
    paragraphs = sum(1 for _ in doc.paragraphs())
    sentences = sum(1 for _ in doc.sentences())
    print(f"file        {Path(args.file).name} ({size / 1e6:.2f} MB, {doc.encoding})")
    print(f"structure   {sections} sections, {paragraphs} paragraphs, {sentences} sentences")
    print(
        f"load+parse  best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"over {args.runs} runs (target < {TARGET_S:.1f} s)"
    )
    print(f"peak memory {peak / 1e6:.1f} MB (tracemalloc, one parse)")


if __name__ == "__main__":
    main()
