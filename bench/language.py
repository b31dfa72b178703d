"""Language-layer figures: dictionary coverage on the seeds and annotation speed.

Targets (issue 3): coverage >= 98% of Hanzi tokens with a whole-word entry;
annotating both seeds after start-up < 0.3 s; cold start of the first annotate
(jieba + dictionary) < 1.5 s; a single lookup < 1 ms. Prints figures only.

Run: python bench/language.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from reader.context import Context
from reader.document import load_document
from reader.seeds import bundled_seeds

COLD_START = """
import time
start = time.perf_counter()
from reader.context import Context
ann = Context().annotator
ann.annotate("中共浙江省委关于忠实践行八八战略奋力打造重要窗口的决议")
print(time.perf_counter() - start)
"""


def cold_start() -> float:
    """A fresh interpreter, imports included; the dictionary index already built."""
    out = subprocess.run(
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    paragraphs = [p.text for path in bundled_seeds() for p in load_document(path).paragraphs()]
    ann = Context().annotator
    ann.start()

    start = time.perf_counter()
    tokens = [t for text in paragraphs for t in ann.annotate(text)]
    first_pass = time.perf_counter() - start
    start = time.perf_counter()
    for text in paragraphs:
        ann.annotate(text)
    second_pass = time.perf_counter() - start

    hanzi = [t for t in tokens if t.is_hanzi]
    whole = [t for t in hanzi if t.source in ("user", "glossary", "cc-cedict")]
    misses = Counter(t.text for t in hanzi if t.source not in ("user", "glossary", "cc-cedict"))
    sources = Counter(t.source for t in hanzi)

    words = sorted({t.text for t in hanzi})
    ann.dictionary.lookup.cache_clear()
    start = time.perf_counter()
    for word in words:
        ann.lookup(word)
    lookup_ms = (time.perf_counter() - start) / len(words) * 1000

    colds = sorted(cold_start() for _ in range(3))

    print(f"seeds        {len(paragraphs)} paragraphs, {len(hanzi)} Hanzi tokens")
    print(
        f"coverage     {len(whole) / len(hanzi):.1%} with a whole-word entry (target >= 98%); "
        + ", ".join(f"{k}: {v}" for k, v in sources.most_common())
    )
    print(f"misses       {', '.join(f'{w}×{n}' for w, n in misses.most_common(15))}")
    print(
        f"annotate     both seeds: {first_pass:.3f} s first pass, {second_pass:.3f} s again "
        "(target < 0.3 s)"
    )
    print(
        f"cold start   first annotate in a new process: median {colds[1]:.2f} s "
        f"(min {colds[0]:.2f}, max {colds[2]:.2f}; target < 1.5 s)"
    )
    print(f"lookup       {lookup_ms:.3f} ms per word, uncached, {len(words)} words (target < 1 ms)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
