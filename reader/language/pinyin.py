"""Pinyin for segmented words: pypinyin, corrected by CC-CEDICT, a project table and context.

Order of authority for a word: the project's override table
(``reader/data/pinyin_overrides.tsv``), then CC-CEDICT when it knows exactly one
reading of the whole word, then pypinyin's phrase dictionary. Then a few
context rules fix the particles pypinyin reads in isolation: 地 and 得 after a
word are the structural particles *de* (慢慢地, 长得很快), 得 after a subject
and before a verb is *děi* (我得走了). Output is one syllable per Hanzi.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from reader.hanzi import HANZI_RUN, hanzi_count, is_hanzi

# pypinyin copies its phrase and character tables at import unless told not to: a
# tenth of its import time, for copies only its table-loading functions (which
# reader never calls) would need.
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

_SYLLABLE = re.compile(r"^[a-zü\u0300-\u036fāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]+$")
_TONE_OF = {
    **dict.fromkeys("āēīōūǖ", 1),
    **dict.fromkeys("áéíóúǘḿń", 2),
    **dict.fromkeys("ǎěǐǒǔǚň", 3),
    **dict.fromkeys("àèìòùǜǹ", 4),
}
#: Subjects and adverbs after which 得 is the modal *děi* ("must").
_DEI_BEFORE = frozenset(
    [
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "她们",
        "咱们",
        "咱",
        "大家",
        "谁",
        "就",
        "还",
        "也",
        "都",
        "总",
        "总是",
        "又",
        "可",
        "恐怕",
        "必须",
        "非",
    ]
)


_NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两第")


def tone_of(syllable: str) -> int:
    """1-4, or 5 for the neutral tone."""
    for ch in syllable:
        if ch in _TONE_OF:
            return _TONE_OF[ch]
    return 5


def to_numbers(syllable: str) -> str:
    """``zhòng`` → ``zhong4``; the neutral tone is 5 (``de5``), as in CC-CEDICT."""
    return _numbers(syllable) if syllable else ""


@lru_cache(maxsize=8192)
def _numbers(syllable: str) -> str:
    from reader.language.pinyin_table import shared_table

    table = shared_table()
    found = table.converted("numbers", syllable) if table is not None else None
    if found is not None:
        return found
    from pypinyin.contrib.tone_convert import to_tone3

    return str(to_tone3(syllable, v_to_u=True, neutral_tone_with_five=True))


def _data_rows(name: str) -> list[list[str]]:
    text = (files("reader") / "data" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and line[0] != "#"]


#: pypinyin's ``Style.NORMAL`` of a reading: tone marks (and any combining mark) off,
#: ü as ``v`` (``lv``, as a keyboard types it).
_BARE = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
        **dict.fromkeys(map(chr, range(0x300, 0x370))),
    }
)


def toneless(text: str) -> str:
    """``重要的事`` → ``zhongyaodeshi``: for searching by pinyin typed without tones.

    pypinyin's ``lazy_pinyin(text, Style.NORMAL, errors="ignore")`` (a test holds
    them equal), read from the pinyin table: no pypinyin import for the first search.
    """
    # One translation of the whole reading (a character pypinyin cannot read is given
    # back as itself, a Hanzi: dropped after): a translation per syllable was a third
    # of a novel's index.
    read = "".join(["".join(_pypinyin_items(run)) for run in HANZI_RUN.findall(text)])
    return HANZI_RUN.sub("", read.translate(_BARE))


@lru_cache(maxsize=4096)
def toneless_syllables(text: str) -> tuple[str, ...]:
    """One toneless syllable per character of ``text``, '' where pypinyin reads none.

    Read in context, as :func:`toneless` reads the whole text: 银行 is ``yin hang``
    where 行 alone is ``xing``, so a match the search index found (``yinhang``) is
    placed and highlighted on the characters that spell it.
    """
    return tuple(_toneless_items(text))


def _toneless_items(text: str) -> list[str]:
    out = [""] * len(text)
    for run in HANZI_RUN.finditer(text):
        start = run.start()
        for k, (ch, syllable) in enumerate(
            zip(run.group(), _pypinyin_items(run.group()), strict=False)
        ):
            if syllable != ch:
                out[start + k] = syllable.translate(_BARE)
    return out


def load_overrides() -> dict[str, tuple[str, ...]]:
    """The project's table: ``WORD<TAB>syllables`` with tone marks."""
    return {row[0]: tuple(row[1].split()) for row in _data_rows("pinyin_overrides.tsv")}


@dataclass(frozen=True, slots=True)
class ContextRule:
    syllables: tuple[str, ...]
    #: "prev" or "next": which neighbouring token the pattern looks at.
    side: str
    pattern: re.Pattern[str]


def load_context_rules() -> dict[str, list[ContextRule]]:
    """``pinyin_context.tsv``: readings that depend on the neighbouring token."""
    rules: dict[str, list[ContextRule]] = {}
    for row in _data_rows("pinyin_context.tsv"):
        word, syllables, side, pattern = row[:4]
        rule = ContextRule(tuple(syllables.split()), side, re.compile(pattern))
        rules.setdefault(word, []).append(rule)
    return rules


def _pypinyin_items(run: str) -> list[str]:
    """pypinyin's own answer for a run of Hanzi: from its table on disk when there is
    one (no 0.5 s import, no 100 MB of tables in memory), else from pypinyin."""
    from reader.language.pinyin_table import shared_table

    table = shared_table()
    if table is not None:
        return table.reading(run)
    from pypinyin import Style, pinyin

    return [item[0] if item else "" for item in pinyin(run, style=Style.TONE, heteronym=False)]


@lru_cache(maxsize=65536)
def _pypinyin(word: str) -> tuple[str, ...]:
    """pypinyin's reading, one syllable per Hanzi ('' where it has none)."""
    out: list[str] = []
    for run in HANZI_RUN.findall(word):
        for ch, syllable in zip(run, _pypinyin_items(run), strict=False):
            out.append("" if syllable == ch or not _SYLLABLE.match(syllable) else syllable)
    return tuple(out)


class PinyinReader:
    """Choose the reading of each token of a sentence."""

    def __init__(
        self,
        cedict_readings: Callable[[str], Sequence[str]],
        overrides: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        #: Maps a word to CC-CEDICT's readings (tone marks, space-separated).
        self._cedict = cedict_readings
        self._overrides = load_overrides() if overrides is None else overrides
        self._rules = load_context_rules()
        #: Tokens whose reading a neighbour can change: the rules' and the particles.
        self._decided = frozenset(self._rules) | _PARTICLES
        self._cache: dict[str, tuple[str, ...]] = {}

    def word(self, word: str) -> tuple[str, ...]:
        """The reading of ``word`` out of context, in citation tones."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = _citation(word, self._word(word))
        return cached

    def _word(self, word: str) -> tuple[str, ...]:
        count = hanzi_count(word)
        if count == 0:
            return ()
        override = self._overrides.get(word)
        if override is not None and len(override) == count:
            return override
        readings = {r.lower() for r in self._cedict(word)}
        if len(readings) == 1:
            syllables = tuple(next(iter(readings)).split())
            if len(syllables) == count and all(_SYLLABLE.match(s) for s in syllables):
                return syllables
        return _pypinyin(word)

    def apply_context(
        self, tokens: Sequence[str], readings: list[tuple[str, ...]], *, sandhi: bool = False
    ) -> None:
        """Correct ``readings`` in place where a neighbouring token decides."""
        decided = self._decided
        for i, token in enumerate(tokens):
            if token not in decided:
                continue  # most tokens: no rule, not a particle
            prev = tokens[i - 1] if i > 0 else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            for rule in self._rules.get(token, ()):
                if rule.pattern.fullmatch(prev if rule.side == "prev" else nxt):
                    readings[i] = rule.syllables
                    break
            else:
                particle = _particle(token, prev, nxt)
                if particle:
                    readings[i] = (particle,)
        if sandhi:
            _yi_bu_sandhi(tokens, readings)


def _citation(word: str, syllables: tuple[str, ...]) -> tuple[str, ...]:
    """Undo the 一/不 sandhi pypinyin's phrase data bakes in (不要 bú yào, 一定 yí dìng)."""
    hanzi = [ch for ch in word if is_hanzi(ch)]
    if ("一" not in hanzi and "不" not in hanzi) or len(hanzi) != len(syllables):
        return syllables
    fixed = list(syllables)
    for i, ch in enumerate(hanzi):
        if ch == "一" and fixed[i] in ("yí", "yì"):
            fixed[i] = "yī"
        elif ch == "不" and fixed[i] == "bú":
            fixed[i] = "bù"
    return tuple(fixed)


_PARTICLES = frozenset(("地", "得", "着"))


def _particle(token: str, prev: str, nxt: str) -> str:
    """The reading of a standalone 地, 得 or 着 decided by its neighbours, or ''."""
    if token not in _PARTICLES or not prev or hanzi_count(prev) != len(prev):
        return ""
    next_is_word = bool(nxt) and is_hanzi(nxt[0])
    if token == "地":
        # 慢慢地走, 扎实地推进: after an adverbial word; 种地, 一块地: the noun dì.
        return "de" if len(prev) >= 2 and next_is_word else ""
    if token == "着":
        # 等着他, 看着: the aspect particle; 睡不着了: zháo.
        return "zháo" if nxt == "了" else "zhe"
    if nxt in ("了", "到"):
        return "dé"  # 得了奖, 得到: to obtain
    if prev in _DEI_BEFORE and next_is_word:
        return "děi"  # 我得走了: must
    return "de"  # 长得很快, 累得不想说话: the complement particle


def _yi_bu_sandhi(tokens: Sequence[str], readings: list[tuple[str, ...]]) -> None:
    """一 and 不 change tone before another syllable: 不是 búshì, 一个 yígè, 一天 yìtiān.

    一 keeps yī in numbers and ordinals (第一, 十一, 一一) and before a pause.
    """
    # Every character of the sentence: (text position, token index, syllable index).
    chars: list[tuple[str, int, int]] = []
    for t, token in enumerate(tokens):
        syllable = 0
        for ch in token:
            if is_hanzi(ch):
                chars.append((ch, t, syllable))
                syllable += 1
            else:
                chars.append((ch, t, -1))
    for k, (ch, t, s) in enumerate(chars):
        if ch not in "一不" or s < 0 or k + 1 >= len(chars):
            continue
        nch, nt, ns = chars[k + 1]
        if ns < 0 or ns >= len(readings[nt]) or not readings[nt][ns]:
            continue  # a pause, punctuation or Latin text follows
        tone = tone_of(readings[nt][ns])
        if tone == 5:
            # A neutral syllable keeps its own tone for sandhi: 一个 yí ge (个 is gè).
            citation = _pypinyin(nch)
            tone = tone_of(citation[0]) if citation and citation[0] else tone
        if ch == "不":
            new = "bú" if tone == 4 else ""
        else:
            prev = chars[k - 1][0] if k > 0 else ""
            if prev in _NUMERALS or nch in _NUMERALS:
                continue
            new = "yí" if tone == 4 else ("yì" if tone in (1, 2, 3) else "")
        if new and s < len(readings[t]):
            syllables = list(readings[t])
            syllables[s] = new
            readings[t] = tuple(syllables)
