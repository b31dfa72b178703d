"""Pinyin syllables in Wade–Giles, for names in older English translations.

Translations made before about 1980 spell names in Wade–Giles: Joly's 1892
*Hung Lou Meng* calls 贾宝玉 "Chia Pao-yü". The aligner reads a Chinese name's
pinyin from the dictionary and needs the same name as such a translator wrote
it. The conversion is regular enough to be a few rules (initials, then finals)
plus a short table of whole syllables; apostrophes and diacritics are kept here
and dropped by the caller when it compares names.
"""

from __future__ import annotations

from functools import lru_cache

#: Whole syllables that the initial-plus-final rules do not give.
_WHOLE: dict[str, str] = {
    "zhi": "chih",
    "chi": "ch'ih",
    "shi": "shih",
    "ri": "jih",
    "zi": "tzu",
    "ci": "tz'u",
    "si": "ssu",
    "er": "erh",
    "e": "o",
    "yi": "i",
    "you": "yu",
    "yu": "yü",
    "yue": "yüeh",
    "yuan": "yüan",
    "yun": "yün",
    "yan": "yen",
    "ye": "yeh",
    "yong": "yung",
    "gui": "kuei",
    "kui": "k'uei",
    "lüe": "lüeh",
    "nüe": "nüeh",
}

#: Pinyin initials, longest first, and their Wade–Giles spelling.
_INITIALS: tuple[tuple[str, str], ...] = (
    ("zh", "ch"),
    ("ch", "ch'"),
    ("sh", "sh"),
    ("b", "p"),
    ("p", "p'"),
    ("m", "m"),
    ("f", "f"),
    ("d", "t"),
    ("t", "t'"),
    ("n", "n"),
    ("l", "l"),
    ("g", "k"),
    ("k", "k'"),
    ("h", "h"),
    ("j", "ch"),
    ("q", "ch'"),
    ("x", "hs"),
    ("r", "j"),
    ("z", "ts"),
    ("c", "ts'"),
    ("s", "s"),
    ("y", "y"),
    ("w", "w"),
)

#: Finals whose spelling changes whatever the initial.
_FINALS: dict[str, str] = {
    "ie": "ieh",
    "ian": "ien",
    "ong": "ung",
    "iong": "iung",
    "üe": "üeh",
}


def _final(initial: str, final: str) -> str:
    if initial in ("j", "q", "x") and final.startswith("u"):
        final = "ü" + final[1:]  # ju, que, xuan: the u is ü
    if final == "uo" and initial not in ("g", "k", "h", "sh"):
        return "o"  # duo → to, zhuo → cho; guo → kuo keeps it
    if final == "e":
        return "o" if initial in ("g", "k", "h") else "ê"
    return _FINALS.get(final, final)


@lru_cache(maxsize=2048)
def wade_giles(syllable: str) -> str:
    """``bao`` → ``pao``, ``qing`` → ``ch'ing``, ``xue`` → ``hsüeh`` (toneless, lower case).

    Accepts ``ü`` written as ``ü``, ``v`` or ``u:`` (CC-CEDICT). Anything that is not
    a pinyin syllable comes back unchanged.
    """
    s = syllable.lower().replace("u:", "ü").replace("v", "ü")
    if s in _WHOLE:
        return _WHOLE[s]
    for initial, spelled in _INITIALS:
        if s.startswith(initial) and len(s) > len(initial):
            return spelled + _final(initial, s[len(initial) :])
    return _FINALS.get(s, s)
