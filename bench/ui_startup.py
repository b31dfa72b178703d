"""Reader UI start-up: process start to the first frame with text, and peak memory.

Targets (issue 5): the 1.7 MB novel's first screen in under 1.5 s. The app
runs headless (Textual's test driver) in a fresh process per document; the
clock starts before that process is spawned. Also printed: the time until
pinyin and the gloss are on screen (jieba and the dictionary loaded in a
background worker). Prints figures only.

Run: python bench/ui_startup.py
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

CHILD = r"""
import asyncio, json, resource, sys, time
start = float(sys.argv[2])
from reader.tui.app import ReaderApp
from reader.tui.widgets.bilingual import BilingualView

MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")

async def main():
    app = ReaderApp(sys.argv[1])
    first = ready = loaded = None
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(3000):
            await pilot.pause(0.01)
            views = app.screen.query(BilingualView)
            if not views:
                continue
            view = views.first()
            lines = [view.render_line(y).text for y in range(min(12, view.size.height))]
            if first is None and any(line.strip() for line in lines[:5]):
                first = time.time() - start
            # Pinyin on screen: the first screen's words may come before the full load.
            if ready is None and first is not None and MARKS & set("".join(lines)):
                ready = time.time() - start
            if loaded is None and app.screen.session.language_ready.is_set():
                loaded = time.time() - start
            if ready is not None and loaded is not None:
                break
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first": first, "ready": ready, "loaded": loaded, "rss": rss}))

asyncio.run(main())
"""


def measure(path: Path, env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(start)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="reader-bench-ui-"))
    env = {
        **os.environ,
        "READER_DATA_DIR": str(work / "data"),
        "READER_CONFIG_DIR": str(work / "config"),
    }
    documents = [
        ROOT / "seeds" / "xi-zhejiang-common-prosperity-party-building.txt",
        ROOT / "seeds" / "zhejiang-common-prosperity-resolution-2021.txt",
        ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt",
    ]
    measure(documents[0], env)  # warm the dictionary index and jieba cache once
    for path in documents:
        runs = [measure(path, env) for _ in range(3)]
        first = sorted(r["first"] for r in runs)[1]
        ready = sorted(r["ready"] for r in runs)[1]
        rss = max(r["rss"] for r in runs)
        print(
            f"{path.name:52} first frame {first:.2f} s (target < 1.5 s), "
            f"pinyin+gloss {ready:.2f} s, peak RSS {rss:.0f} MB  (median of 3)"
        )


if __name__ == "__main__":
    main()
