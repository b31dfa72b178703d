"""Translation speed: reader's batched CTranslate2 path against argostranslate's own.

By default the bench builds a random-weight Transformer-base-sized package
(6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary; the recipe of the
test model, larger) so the compute is realistic; with ``--package FILE`` it
runs unchanged on a real zh→en ``.argosmodel``. Output lengths are fixed
(min = max decoding length) so both paths do the same work. argostranslate
gets an offline sentence splitter (reader's) for the comparison: its own one
downloads a model on first use.

Targets (issue 4): reader's path >= 10x argostranslate's at the same beam;
re-opening a translated document >= 50x faster than translating it; (issue
10) reader's pipeline >= 0.9x a hand-written ``translate_batch`` loop at the
same settings (what the splitting, term protection and failure isolation
cost), and the bundled seeds translate completely with a 256-position model.
Prints figures only.

Run: python bench/translate.py [--package FILE] [--paragraphs N] [--length N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Everything reader and argostranslate write goes to a throw-away folder; both
# read these variables at import, so they are set first.
WORK = Path(tempfile.mkdtemp(prefix="reader-bench-translate-"))
os.environ["READER_DATA_DIR"] = str(WORK / "data")
os.environ["READER_CONFIG_DIR"] = str(WORK / "config")
os.environ.setdefault("READER_CACHE_DIR", str(WORK / "cache"))
os.environ["ARGOS_PACKAGES_DIR"] = str(WORK / "data" / "models")
for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[name] = str(WORK / "xdg" / name.lower())

import ctranslate2  # noqa: E402

from reader.document import load_document, split_sentences  # noqa: E402
from reader.translate.base import FAILED, SPLIT  # noqa: E402
from reader.translate.cache import TranslationCache  # noqa: E402
from reader.translate.engine import ArgosTranslator, DecodeOptions, detokenize  # noqa: E402
from reader.translate.packages import install  # noqa: E402
from reader.translate.pipeline import Pipeline  # noqa: E402

FIXED_LENGTH = {"value": 0}


class FixedLengthTranslator(ctranslate2.Translator):  # type: ignore[misc]
    """Forces every output to the same length, for both paths alike."""

    def translate_batch(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if FIXED_LENGTH["value"]:
            kwargs["min_decoding_length"] = FIXED_LENGTH["value"]
            kwargs["max_decoding_length"] = FIXED_LENGTH["value"]
        return super().translate_batch(source, *args, **kwargs)


ctranslate2.Translator = FixedLengthTranslator


BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.model_factory import build_package
build_package(Path(sys.argv[1]), "random", layers=6, heads=8, d_model=512, ffn=2048,
              extra_vocab=32000 - 300)
"""


def build_base_package() -> Path:
    """In a child process, so the peak memory below is the translating process's own."""
    import subprocess

    path = WORK / "base.argosmodel"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(path), str(ROOT)], check=True)
    print(
        f"model        built a Transformer-base random package in {time.perf_counter() - start:.1f} s"
    )
    return path


def argos_path(paragraphs: list[str]) -> float:
    import argostranslate.sbd
    import argostranslate.translate

    argostranslate.sbd.MiniSBDSentencizer.split_sentences = lambda self, text: [
        s.strip() for s in split_sentences(text) if s.strip()
    ]
    translation = argostranslate.translate.get_translation_from_codes("zh", "en")
    translation.hypotheses(paragraphs[0][:10], 1)  # load the model outside the timing
    start = time.perf_counter()
    for paragraph in paragraphs:
        argostranslate.translate.translate(paragraph, "zh", "en")
    return time.perf_counter() - start


def reader_path(model, sentences: list[str], options: DecodeOptions) -> float:  # type: ignore[no-untyped-def]
    translator = ArgosTranslator(model, options)
    translator.load()
    pipeline = Pipeline(translator, cache=None)
    start = time.perf_counter()
    list(pipeline.run((str(i), s) for i, s in enumerate(sentences)))
    return time.perf_counter() - start


def raw_path(model, sentences: list[str], options: DecodeOptions) -> float:  # type: ignore[no-untyped-def]
    """CTranslate2 by hand: SentencePiece, one ``translate_batch`` per 32 sentences, join."""
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(model.path / "sentencepiece.model")
    )
    inter, intra = options.threads()
    translator = ctranslate2.Translator(
        str(model.path / "model"), device="cpu", compute_type=options.compute_type,
        inter_threads=inter, intra_threads=intra,
    )  # fmt: skip
    start = time.perf_counter()
    for first in range(0, len(sentences), 32):
        batch = [processor.encode(s, out_type=str) for s in sentences[first : first + 32]]
        results = translator.translate_batch(
            batch, beam_size=options.beam_size, max_batch_size=max(1, len(batch) // inter),
            repetition_penalty=options.repetition_penalty, max_input_length=0,
        )  # fmt: skip
        [detokenize(r.hypotheses[0]) for r in results]
    return time.perf_counter() - start


BUILD_SHORT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.model_factory import build_package
build_package(Path(sys.argv[1]), "copy", max_pos=256, version="0.0.256")
"""


def seeds_with_a_short_model() -> str:
    """Every sentence of both seeds through a 256-position model: none may be lost."""
    import subprocess

    path = WORK / "short.argosmodel"
    subprocess.run([sys.executable, "-c", BUILD_SHORT, str(path), str(ROOT)], check=True)
    translator = ArgosTranslator(install(path), DecodeOptions())
    results = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        units = [(s.id, s.text) for s in load_document(seed).sentences()]
        results += list(Pipeline(translator, None).run(units))
    empty = sum(1 for r in results if not r.en.strip())
    split = sum(1 for r in results if r.flag == SPLIT)
    failed = sum(1 for r in results if r.flag == FAILED)
    return (
        f"the bundled seeds translate completely with a 256-position model: "
        f"{len(results)} sentences, {split} split, {failed} failed, {empty} empty"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a real .argosmodel (default: build one)")
    parser.add_argument("--paragraphs", type=int, default=8, help="paragraphs of the seed")
    parser.add_argument("--length", type=int, default=40, help="fixed output length (0: free)")
    args = parser.parse_args()
    FIXED_LENGTH["value"] = args.length

    model = install(args.package or build_base_package())
    doc = load_document(ROOT / "seeds" / "zhejiang-common-prosperity-resolution-2021.txt")
    paragraphs = [p.text for p in doc.paragraphs()][1 : 1 + args.paragraphs]
    sentences = [s.strip() for p in paragraphs for s in split_sentences(p) if s.strip()]
    tokens = len(sentences) * args.length if args.length else None
    print(
        f"input        {len(paragraphs)} paragraphs, {len(sentences)} sentences; "
        f"output fixed at {args.length} tokens per sentence"
    )

    def rate(seconds: float) -> str:
        return f"{seconds:.2f} s" + (f", {tokens / seconds:,.0f} target tokens/s" if tokens else "")

    argos_s = argos_path(paragraphs)
    print(
        f"argos        argostranslate.translate (beam 4, one paragraph per call): {rate(argos_s)}"
    )
    same_beam = reader_path(model, sentences, DecodeOptions(beam_size=4))
    print(
        f"reader       same beam 4, batched: {rate(same_beam)}  -> {argos_s / same_beam:.1f}x "
        "(target >= 10x)"
    )
    default = reader_path(model, sentences, DecodeOptions())
    inter, intra = DecodeOptions().threads()
    print(
        f"reader       defaults (beam 2, int8, {inter} worker x {intra} threads): {rate(default)} "
        f"-> {argos_s / default:.1f}x"
    )
    raw = raw_path(model, sentences, DecodeOptions())
    print(
        f"raw          ctranslate2 translate_batch by hand, same settings: {rate(raw)} "
        f"-> reader is {raw / default:.2f}x its speed (target >= 0.9x)"
    )

    cache = TranslationCache(WORK / "bench-cache.sqlite")
    translator = ArgosTranslator(model, DecodeOptions())
    translator.load()
    units = [(s.id, s.text) for s in doc.sentences()]
    start = time.perf_counter()
    list(Pipeline(translator, cache).run(units))
    first = time.perf_counter() - start
    start = time.perf_counter()
    list(Pipeline(ArgosTranslator(model, DecodeOptions()), TranslationCache(cache.path)).run(units))
    again = time.perf_counter() - start
    print(
        f"reopen       whole seed ({len(units)} sentences): first {first:.2f} s, from the cache "
        f"{again * 1000:.1f} ms -> {first / again:,.0f}x (target >= 50x)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory       peak RSS {peak:.0f} MB with the model loaded (both paths in one process)")
    print(f"long         {seeds_with_a_short_model()}")


if __name__ == "__main__":
    main()
