"""What you read first is translated first: MT on screen after a jump into the novel.

Builds the Transformer-base-sized random package bench/translate.py uses (so
decoding costs what a real model's does), opens the novel in the reader
(Textual's headless Pilot, 140×40), jumps to 第八十回 and times how long until
every sentence on screen has machine translation; the same for the first
screen at the start of the book, in the same run, as the figure to compare
with. Target (issue 10): the jump's screen within 5 s. Prints figures only.

Run: python bench/viewport.py
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="reader-bench-viewport-"))
os.environ["READER_DATA_DIR"] = str(WORK / "data")
os.environ["READER_CONFIG_DIR"] = str(WORK / "config")
os.environ["READER_CACHE_DIR"] = str(WORK / "cache")  # a cold translation cache

NOVEL = ROOT / "tests" / "data" / "corpus" / "hongloumeng.gb18030.txt"
BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.model_factory import build_package
build_package(Path(sys.argv[1]), "random", layers=6, heads=8, d_model=512, ffn=2048,
              extra_vocab=32000 - 300)
"""


def _screen_done(screen: object) -> bool:
    from reader.tui.screens.reading import ReadingScreen
    from reader.tui.widgets.bilingual import BilingualView

    assert isinstance(screen, ReadingScreen)
    view = screen.query_one(BilingualView)
    top = int(view.scroll_y)
    first = view.block_at(top)
    last = view.block_at(top + view.size.height - 1)
    session = screen.session
    units = [u for b in session.blocks[first : last + 1] for u in b.sentences if u.text.strip()]
    return bool(units) and all(session.english_for(u.id, u.text).provenance == "mt" for u in units)


async def measure() -> tuple[float, float]:
    from reader.tui.app import ReaderApp
    from reader.tui.screens.reading import ReadingScreen
    from reader.tui.widgets.bilingual import BilingualView

    app = ReaderApp(str(NOVEL))
    async with app.run_test(size=(140, 40)) as pilot:
        while not (
            isinstance(app.screen, ReadingScreen) and app.screen.session.language_ready.is_set()
        ):
            await pilot.pause(0.05)
        start = time.perf_counter()
        while not _screen_done(app.screen):
            await pilot.pause(0.05)
        first = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        index = next(
            i for i, b in enumerate(screen.session.blocks) if b.text.startswith("第八十回")
        )
        start = time.perf_counter()
        screen.query_one(BilingualView).jump_to_block(index)
        while not _screen_done(screen):
            await pilot.pause(0.05)
        jump = time.perf_counter() - start
    return first, jump


def _fixed_length_outputs(tokens: int) -> None:
    """A random model decodes to the length bound (3× the input); a real one stops near the
    input's length. As in bench/translate.py, every output is made ``tokens`` long."""
    import ctranslate2

    class FixedLength(ctranslate2.Translator):  # type: ignore[misc]
        def translate_batch(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["min_decoding_length"] = kwargs["max_decoding_length"] = tokens
            return super().translate_batch(source, *args, **kwargs)

    ctranslate2.Translator = FixedLength


def main() -> None:
    _fixed_length_outputs(40)
    package = WORK / "base.argosmodel"
    subprocess.run([sys.executable, "-c", BUILD, str(package), str(ROOT)], check=True)
    from reader.translate.packages import install

    install(package)
    first, jump = asyncio.run(measure())
    print(f"first screen of the novel, from the language layer ready: {first:.1f} s")
    print(f"after a jump to 第八十回: {jump:.1f} s until the screen has MT (target < 5 s)")


if __name__ == "__main__":
    main()
