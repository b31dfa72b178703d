"""English text for alignment: sentences, paragraphs, chapters and comparable words.

A human translation arrives as plain text: hard-wrapped lines, blank lines
between paragraphs, ``CHAPTER XII.`` headings, Project Gutenberg front and back
matter. The aligner needs it as chapters of paragraphs of sentences, and needs
each sentence's words in a form that can be compared with the English of a
Chinese dictionary: lower case, without diacritics, inflection stripped
(``married`` and ``marry`` meet), function words dropped, numbers as numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Abbreviations that are followed by a name, so a capital after them never starts a sentence.
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "messrs",
        "mme",
        "mlle",
        "dr",
        "st",
        "mt",
        "prof",
        "rev",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "hon",
    ]
)
#: Abbreviations whose full stop does not end a sentence (lower case, no dot): the
#: titles, and these.
ABBREVIATIONS = _TITLES | frozenset(
    [
        "approx",
        "apr",
        "aug",
        "cf",
        "ch",
        "chap",
        "co",
        "dec",
        "dept",
        "ed",
        "eds",
        "esq",
        "etc",
        "feb",
        "fig",
        "inc",
        "jan",
        "jr",
        "jul",
        "jun",
        "ltd",
        "mar",
        "no",
        "nos",
        "nov",
        "oct",
        "op",
        "pp",
        "sep",
        "sept",
        "sr",
        "univ",
        "viz",
        "vol",
        "vols",
        "vs",
    ]
)

_OPENERS = "\"'“‘([«"
_CLOSERS = "\"'”’)]»"
# A candidate end: ., !, ?, or an ellipsis, then closing quotes/brackets, then space.
_END = re.compile(r"([.!?]+|…)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _starts_sentence(rest: str) -> bool:
    """Whether the text after a stop begins a new sentence: a capital, digit or opener."""
    stripped = rest.lstrip(_OPENERS + "—-")
    if not stripped:
        return bool(rest)
    ch = stripped[0]
    return ch.isupper() or ch.isdigit() or (not ch.isascii() and not ch.islower())


def _is_abbreviation(before: str, stop: str, rest: str) -> bool:
    """A full stop after ``Mr``, ``e.g`` or an initial (``J.``) that does not end a sentence."""
    if stop != ".":
        return False
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    if word in _TITLES:
        return True
    if word in ABBREVIATIONS or "." in word:  # etc., e.g., U.S.
        nxt = rest.lstrip(_OPENERS)
        return not nxt[:1].isupper() or word not in ("etc", "e.g", "i.e")
    # A single capital letter: an initial, as in "J. K. Rowling" (but "I." ends one).
    return len(word) == 1 and match.group(1).isupper() and word != "i"


def _split_block(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        stop, end = match.group(1), match.end(2)
        rest = text[match.end() :]
        if not _starts_sentence(rest):
            continue
        if _is_abbreviation(text[start : match.start(1)], stop, rest):
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_english(text: str) -> list[str]:
    """The sentences of ``text``, each on one line (hard-wrapped lines are joined).

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes
    and brackets after it) when what follows starts like a sentence: a capital, a
    digit or an opening quote. ``"Go!" he said.`` is one sentence, ``"Go!" He
    went.`` two; ``Mr. Chia``, ``e.g. this`` and initials (``J. K. Rowling``)
    do not end one. A blank line always ends a sentence.
    """
    sentences: list[str] = []
    for block in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        joined = " ".join(block.split())
        if joined:
            sentences.extend(_split_block(joined + " "))
    return sentences


# -- paragraphs and chapters --------------------------------------------------------------

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * n
    for n, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
    "thirtieth": 30,
    "hundred": 100,
    "thousand": 1000,
}
_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(chapter|chap\.|book|part|section|canto|act|scene)\s+"
    r"([ivxlcdm]+|\d+|[a-z]+(?:[- ][a-z]+)?)\b[.:]?\s*(.*)$",
    re.IGNORECASE,
)


def roman_number(text: str) -> int | None:
    """``XLVI`` → 46; None if ``text`` is not a well-formed Roman numeral."""
    s = text.lower()
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for ch, nxt in zip(s, [*s[1:], ""], strict=True):
        value = _ROMAN[ch]
        total += -value if nxt and _ROMAN[nxt] > value else value
    if _to_roman(total) != s:
        return None
    return total


def _to_roman(number: int) -> str:
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def number_value(word: str) -> int | None:
    """``12``, ``twelve``, ``twelfth``, ``twenty-one``, ``XII`` → the number, else None."""
    w = word.lower().strip(".:")
    if w.isdigit():
        return int(w)
    parts = re.split(r"[- ]", w)
    if len(parts) == 2 and parts[0] in _TENS:
        unit = _NUMBER_WORDS.get(parts[1]) or _ORDINALS.get(parts[1])
        if unit is not None and unit < 10:
            return _TENS[parts[0]] + unit
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w]
    if w in _TENS:
        return _TENS[w]
    if w in _ORDINALS:
        return _ORDINALS[w]
    return roman_number(w)


@dataclass(frozen=True, slots=True)
class EnglishChapter:
    """A chapter of the English text: its heading line (or ""), number and paragraphs."""

    heading: str
    #: The chapter's number from its heading (``CHAPTER XII.`` → 12), or None.
    number: int | None
    #: Each paragraph as its sentences.
    paragraphs: tuple[tuple[str, ...], ...]
    #: The heading's word, lower case (``chapter``, ``book``, ``part``…), or "".
    kind: str = ""

    @property
    def sentences(self) -> list[str]:
        return [s for paragraph in self.paragraphs for s in paragraph]


def chapter_heading(line: str) -> tuple[str, int] | None:
    """``CHAPTER XII.`` → ``("chapter", 12)``; None for a line that is not a heading.

    The words after the number may be a title, but not more numbers: a
    transcriber's list such as ``Chap. XXV  Page 8  Line 29: …`` is not a heading.
    """
    match = _HEADING.match(line)
    if match is None or len(line.strip()) > 80 or any(ch.isdigit() for ch in match.group(3)):
        return None
    number = number_value(match.group(2))
    if number is None:
        return None
    return match.group(1).lower().rstrip("."), number


_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)


def strip_gutenberg(text: str) -> str:
    """The text between Project Gutenberg's ``*** START OF`` and ``*** END OF`` lines.

    Several books joined into one file keep each book's text; a file without the
    markers comes back unchanged. The licence is not part of the translation.
    """
    starts = list(_GUTENBERG_START.finditer(text))
    if not starts:
        return text
    pieces = []
    for start in starts:
        end = _GUTENBERG_END.search(text, start.end())
        pieces.append(text[start.end() : end.start() if end else len(text)])
    return "\n\n".join(pieces)


def english_chapters(text: str) -> list[EnglishChapter]:
    """Split an English text into chapters at ``CHAPTER I.``-style heading lines.

    Text before the first heading is a chapter with no heading (front matter, or
    the whole text when it has no headings); the aligner decides what it pairs
    with. Paragraphs are blank-line separated; hard-wrapped lines are joined.
    Project Gutenberg's header and licence are left out.
    """
    text = strip_gutenberg(text.replace("\r\n", "\n").replace("\r", "\n"))
    chapters: list[EnglishChapter] = []
    heading, number, kind = "", None, ""
    lines: list[str] = []

    def close() -> None:
        paragraphs = tuple(
            tuple(split_english(block)) for block in _PARAGRAPH_BREAK.split("\n".join(lines))
        )
        kept = tuple(p for p in paragraphs if p)
        if heading or kept:
            chapters.append(EnglishChapter(heading, number, kept, kind))

    for line in text.split("\n"):
        found = chapter_heading(line)
        if found is not None:
            close()
            heading, (kind, number), lines = line.strip(), found, []
        else:
            lines.append(line)
    close()
    return chapters


# -- comparable words ----------------------------------------------------------------------

#: Function words: they carry no evidence of which sentence translates which.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "if",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "upon",
        "out",
        "off",
        "up",
        "down",
        "over",
        "under",
        "about",
        "as",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "not",
        "no",
        "all",
        "any",
        "some",
        "such",
        "very",
        "too",
        "also",
        "just",
        "only",
        "own",
        "same",
        "other",
        "each",
        "both",
        "either",
        "neither",
        "one's",
        "sb",
        "sth",
        "someone",
        "something",
        "etc",
        "oneself",
        "itself",
        "himself",
        "herself",
        "themselves",
        "myself",
        "yourself",
        "let",
        "unto",
        "thee",
        "thou",
        "thy",
        "thine",
        "ye",
        "hath",
        "doth",
        "o",
        "oh",
        "ah",
        "lo",
    ]
)

_IRREGULAR = {
    "said": "say",
    "says": "say",
    "went": "go",
    "gone": "go",
    "goes": "go",
    "came": "come",
    "saw": "see",
    "seen": "see",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "got": "get",
    "made": "make",
    "knew": "know",
    "known": "know",
    "thought": "think",
    "told": "tell",
    "felt": "feel",
    "left": "leave",
    "found": "find",
    "brought": "bring",
    "bought": "buy",
    "stood": "stand",
    "sat": "sit",
    "ran": "run",
    "ate": "eat",
    "eaten": "eat",
    "drank": "drink",
    "wrote": "write",
    "written": "write",
    "spoke": "speak",
    "spoken": "speak",
    "heard": "hear",
    "held": "hold",
    "kept": "keep",
    "slept": "sleep",
    "wept": "weep",
    "met": "meet",
    "fell": "fall",
    "fallen": "fall",
    "began": "begin",
    "begun": "begin",
    "became": "become",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "people": "person",
    "died": "die",
    "dead": "die",
    "death": "die",
    "lay": "lie",
    "lain": "lie",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
    "elder": "old",
    "eldest": "old",
    "older": "old",
    "oldest": "old",
    "lost": "lose",
    "sent": "send",
    "spent": "spend",
    "built": "build",
    "taught": "teach",
    "caught": "catch",
    "sought": "seek",
    "fought": "fight",
    "flew": "fly",
    "drew": "draw",
    "grew": "grow",
    "threw": "throw",
    "wore": "wear",
    "tore": "tear",
    "bore": "bear",
    "born": "bear",
    "rode": "ride",
    "rose": "rise",
    "risen": "rise",
    "struck": "strike",
    "hit": "hit",
    "paid": "pay",
    "laid": "lay",
    "led": "lead",
    "fed": "feed",
    "hid": "hide",
    "hidden": "hide",
    "shook": "shake",
    "woke": "wake",
    "understood": "understand",
    "forgot": "forget",
    "forgotten": "forget",
    "chose": "choose",
    "chosen": "choose",
    "broke": "break",
    "broken": "break",
    "sang": "sing",
    "sung": "sing",
    "drove": "drive",
    "won": "win",
    "meant": "mean",
    "dreamt": "dream",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")
#: Longest stem kept: ``marriage``, ``married`` and ``marry`` all become ``marr``-ish
#: prefixes; five letters is the usual compromise between merging and confusing words.
STEM_LENGTH = 5


def fold(word: str) -> str:
    """Lower case without diacritics or apostrophes: ``Yü-ts'un`` → ``yutsun``."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A comparable form of an English word: lemma-ish, then cut to a prefix.

    Not a real lemmatiser: irregular forms from a short table, regular
    suffixes stripped, then the first :data:`STEM_LENGTH` letters. Good enough
    to make ``wept`` meet ``weep`` and ``brothers`` meet ``brother``.
    """
    w = fold(word)
    if w in _IRREGULAR:
        w = _IRREGULAR[w]
    elif len(w) > 4:
        for suffix, repl in (
            ("ies", "y"),
            ("ied", "y"),
            ("ing", ""),
            ("edly", ""),
            ("ed", ""),
            ("es", ""),
            ("ly", ""),
            ("s", ""),
        ):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: len(w) - len(suffix)] + repl
                break
    return w[:STEM_LENGTH]


def english_words(text: str) -> list[str]:
    """The words and numbers of ``text`` as written (``Pao-yü`` stays one word)."""
    return [m.group(0) for m in _WORD.finditer(text.replace("-", "").replace("‐", ""))]


def content_keys(words: list[str]) -> list[str]:
    """Comparison keys of some English words: stems of content words, ``#12`` for numbers."""
    keys: list[str] = []
    for word in words:
        lowered = word.lower()
        if lowered in STOPWORDS or (len(lowered) < 2 and not lowered.isdigit()):
            continue
        value = number_value(lowered) if lowered[0].isdigit() or lowered in _NUMBER_WORDS else None
        if value is None and (lowered in _TENS or lowered in _ORDINALS):
            value = _TENS.get(lowered) or _ORDINALS.get(lowered)
        keys.append(f"#{value}" if value is not None else stem(word))
    return keys
