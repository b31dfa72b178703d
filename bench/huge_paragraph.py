"""A whole book on one line: the reader's first frame, quitting, and peak memory.

Builds a 6 MB single-line file from the novel (its lines joined, repeated to
6 MB of UTF-8), opens it headless (Textual's test driver, 80×24) in a fresh
process, and measures the time from process start to the first frame with
text, how long ``q`` then takes to end the app, and the peak RSS; the novel
itself (thousands of ordinary paragraphs, the same words) is measured in the
same run as the figure to compare with. Such a line is cut into paragraphs of
at most ``MAX_PARAGRAPH_CHARS`` between sentences (reader/document/parse.py);
before that it was one paragraph, laid out whole: ~65 s to the first frame,
``q`` ignored for minutes, 2.9 GB. Prints figures only.

Run: python bench/huge_paragraph.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"
SIZE_BYTES = 6_000_000

CHILD = r"""
import asyncio, json, resource, sys, time
start = float(sys.argv[2])
from reader.tui.app import ReaderApp
from reader.tui.widgets.bilingual import BilingualView

async def main():
    app = ReaderApp(sys.argv[1])
    first = None
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60000):
            await pilot.pause(0.01)
            views = app.screen.query(BilingualView)
            if views and any(views.first().render_line(y).text.strip() for y in range(5)):
                first = time.time() - start
                break
        asked = time.time()
        await pilot.press("q")
    quit = time.time() - asked
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first": first, "quit": quit, "rss": rss}))

asyncio.run(main())
"""


def one_line_book(folder: Path) -> Path:
    text = "".join(NOVEL.read_text(encoding="gb18030").split())
    data = text.encode("utf-8")
    path = folder / "one-line-book.txt"
    path.write_bytes(
        (data * (SIZE_BYTES // len(data) + 1))[:SIZE_BYTES]
        .decode("utf-8", errors="ignore")
        .encode("utf-8")
        + b"\n"
    )
    return path


def measure(path: Path, env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(start)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="reader-bench-huge-"))
    env = {
        **os.environ,
        "READER_DATA_DIR": str(work / "data"),
        "READER_CONFIG_DIR": str(work / "config"),
        "PYTHONPATH": str(ROOT),
    }
    book = one_line_book(work)
    measure(NOVEL, env)  # warm the dictionary index and jieba cache once
    base = measure(NOVEL, env)
    huge = measure(book, env)
    for name, run in ((NOVEL.name, base), (f"{book.name} (6 MB, one line)", huge)):
        print(
            f"{name:40} first frame {run['first']:.2f} s, q ends it in {run['quit']:.2f} s, "
            f"peak RSS {run['rss']:.0f} MB"
        )
    print(
        f"one line / novel: first frame ×{huge['first'] / base['first']:.2f}, "
        f"peak RSS ×{huge['rss'] / base['rss']:.2f}"
    )


if __name__ == "__main__":
    main()
