"""What ``reader translate`` and ``reader export`` say when the model failed on some sentences."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from reader.translate.pipeline import Failure

#: Exit status when the model translated nothing at all (every sentence is a gloss).
EXIT_NOTHING_TRANSLATED = 1


def report_failures(failures: Sequence[Failure], translated: int) -> int:
    """A warning line on stderr for sentences the model failed on; the exit status.

    The work still finished (those sentences carry the gloss, flagged ``failed``),
    so it exits 0, unless nothing at all could be translated.
    """
    if not failures:
        return 0
    count = len(failures)
    noun = "sentence" if count == 1 else "sentences"
    print(
        f"reader: warning: {count} {noun} could not be machine-translated and show the "
        f"word-by-word gloss, flagged 'failed' (first: {failures[0].reason})",
        file=sys.stderr,
    )
    return EXIT_NOTHING_TRANSLATED if translated == 0 else 0
