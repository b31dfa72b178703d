"""jieba's accurate mode (with its HMM), restated for speed: same dictionary, same tokens.

``jieba.Tokenizer.cut`` spends nearly all its time in three pure-Python loops
per character: the prefix DAG, the best route through it, and the HMM's
Viterbi over runs of characters the dictionary does not join. They recompute
each edge's slice and logarithm twice, build a dict per character and copy a
growing path list at every step of the Viterbi. :func:`cut` runs the same
algorithm over the same ``Tokenizer`` state (``FREQ``, ``total``, finalseg's
model and its forced splits) with each edge's log-probability computed once,
the route kept in a list, the Viterbi unrolled over jieba's four states with
back-pointers, and the HMM's answer for a run of unknown characters kept (the
same names recur through a novel). Ties are broken exactly as jieba's ``max``
over tuples breaks them and every float is computed in jieba's order, so the
tokens are jieba's own: tests compare both on names, Latin, numbers,
whitespace, user words and forced splits, bench/speed.py on the whole novel.

Written against jieba 0.42.1 (unchanged since 2020); :func:`supported` says
whether the installed jieba has the internals this relies on, and the
segmenter falls back to ``Tokenizer.cut`` where it does not.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from math import log
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jieba

#: The HMM answers kept per run of unknown characters (a few MB at most).
HMM_KEPT = 200_000


def import_jieba() -> ModuleType:
    """``import jieba``, without the ``pkg_resources`` it imports only to find its own files.

    ``jieba._compat`` tries ``pkg_resources`` first (0.1–0.3 s of setuptools'
    import, deprecated) and falls back to paths next to its own ``__file__``,
    which find the same files. Keeping ``pkg_resources`` out for the length of
    the import takes that fallback; anything importing it later still can.
    """
    loaded: ModuleType | None = sys.modules.get("jieba")
    if loaded is not None:
        return loaded
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import → ImportError
    try:
        import jieba  # noqa: F401  # the import is the point; sys.modules holds it
    finally:
        if block and sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]
    module: ModuleType = sys.modules["jieba"]
    return module


def initialize(tokenizer: jieba.Tokenizer) -> None:
    """``tokenizer.initialize()``, with jieba's cache file read in one piece first.

    jieba unmarshals its prefix dictionary (500,000 words) with ``marshal.load`` on
    the open file, which reads it a few bytes per call: 0.6–0.8 s, where
    ``marshal.loads`` of the same bytes, read at once, takes 0.2 s. Only for the
    default dictionary and its cache in ``tmp_dir`` (``jieba.cache``), which jieba
    itself trusts without a date check; anything else, or a cache that cannot be
    read, is left to jieba, which builds and writes it again as it always does.
    """
    if tokenizer.initialized:
        return
    import jieba

    if tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.cache_file:
        import tempfile

        path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache")
        try:
            with open(path, "rb") as cache:
                freq, total = marshal.loads(cache.read())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and isinstance(total, int) and freq:
                with tokenizer.lock:
                    if not tokenizer.initialized:
                        tokenizer.FREQ, tokenizer.total = freq, total
                        tokenizer.initialized = True
                return
    tokenizer.initialize()


def supported() -> bool:
    """Does the installed jieba have the module state this restatement reads?"""
    try:
        import jieba
        from jieba import finalseg
    except ImportError:  # pragma: no cover - jieba is a dependency
        return False
    needed = ("start_P", "trans_P", "emit_P", "Force_Split_Words", "MIN_FLOAT", "re_han", "re_skip")
    return (
        all(hasattr(finalseg, name) for name in needed)
        and hasattr(jieba, "re_han_default")
        and hasattr(jieba, "re_skip_default")
        and set(finalseg.trans_P) == set("BMES")
    )


class FastCut:
    """``cut(text)`` == ``list(tokenizer.cut(text))`` for one jieba ``Tokenizer``.

    Not thread-safe on its own: the segmenter calls it under its lock.
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        import jieba
        from jieba import finalseg

        tokenizer.check_initialized()
        self.tokenizer = tokenizer
        self._re_han: re.Pattern[str] = jieba.re_han_default
        self._re_skip: re.Pattern[str] = jieba.re_skip_default
        self._finalseg: Any = finalseg
        self._hmm: dict[str, list[str]] = {}
        self._forced_seen = -1
        start, trans, emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
        self._min = float(finalseg.MIN_FLOAT)
        self._start = tuple(float(start[s]) for s in "BMES")
        self._emit = tuple(emit[s] for s in "BMES")
        m = self._min
        # Every transition the Viterbi's PrevStatus allows (all present in jieba's model).
        self._trans = {
            (a, b): float(trans[a].get(b, m))
            for a, b in ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")
        }

    # -- jieba.Tokenizer.cut(sentence), accurate mode, HMM on -------------------------------

    def cut(self, sentence: str) -> list[str]:
        out: list[str] = []
        re_han = self._re_han
        re_skip = self._re_skip
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                self._cut_dag(blk, out)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _cut_dag(self, sentence: str, out: list[str]) -> None:
        """``Tokenizer.__cut_DAG``: the most probable route, unknown runs to the HMM."""
        freq = self.tokenizer.FREQ
        logtotal = log(self.tokenizer.total)
        n = len(sentence)
        # get_DAG and calc() in one backward pass: the edges from k end at i >= k, whose
        # route is known by then. calc() takes max((logp + route[i + 1], i)) over
        # the edges in increasing i, so a later edge wins a tie: ">=" below.
        score: list[float] = [0] * (n + 1)  # jieba's int zero at the end
        ends = [0] * n
        for k in range(n - 1, -1, -1):
            best_end = -1
            best = 0.0
            i = k
            frag = sentence[k]
            while i < n and frag in freq:
                f = freq[frag]
                if f:
                    candidate = log(f) - logtotal + score[i + 1]
                    if best_end < 0 or candidate >= best:
                        best, best_end = candidate, i
                i += 1
                frag = sentence[k : i + 1]
            if best_end < 0:  # no word starts here: the character alone
                best, best_end = log(freq.get(sentence[k]) or 1) - logtotal + score[k + 1], k
            score[k] = best
            ends[k] = best_end
        x = 0
        buf = ""
        while x < n:
            y = ends[x] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    self._flush(buf, freq, out)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            self._flush(buf, freq, out)

    def _flush(self, buf: str, freq: dict[str, int], out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not freq.get(buf):
            out.extend(self._hmm_cut(buf))
        else:
            out.extend(buf)

    # -- jieba.finalseg.cut(sentence) --------------------------------------------------------

    def _hmm_cut(self, sentence: str) -> list[str]:
        forced = self._finalseg.Force_Split_Words
        if len(forced) != self._forced_seen:  # a word was split: answers may differ
            self._hmm.clear()
            self._forced_seen = len(forced)
        cached = self._hmm.get(sentence)
        if cached is not None:
            return cached
        words: list[str] = []
        re_han = self._finalseg.re_han
        for blk in re_han.split(sentence):
            if re_han.match(blk):
                for word in self._viterbi_words(blk):
                    if word not in forced:
                        words.append(word)
                    else:
                        words.extend(word)
            else:
                words.extend(x for x in self._finalseg.re_skip.split(blk) if x)
        if len(self._hmm) >= HMM_KEPT:
            self._hmm.clear()
        self._hmm[sentence] = words
        return words

    def _viterbi_words(self, obs: str) -> list[str]:
        """finalseg's ``__cut``: Viterbi over B/M/E/S, then words from the states."""
        states = self._viterbi(obs)
        words: list[str] = []
        begin = nexti = 0
        for i, char in enumerate(obs):
            pos = states[i]
            if pos == "B":
                begin = i
            elif pos == "E":
                words.append(obs[begin : i + 1])
                nexti = i + 1
            elif pos == "S":
                words.append(char)
                nexti = i + 1
        if nexti < len(obs):
            words.append(obs[nexti:])
        return words

    def _viterbi(self, obs: str) -> str:
        """finalseg.viterbi(obs, 'BMES', …)[1], unrolled; ties as ``max`` over (prob, state)."""
        m = self._min
        e_b, e_m, e_e, e_s = self._emit
        t = self._trans
        t_eb, t_sb, t_mm, t_bm = t["E", "B"], t["S", "B"], t["M", "M"], t["B", "M"]
        t_ss, t_es, t_be, t_me = t["S", "S"], t["E", "S"], t["B", "E"], t["M", "E"]
        c = obs[0]
        s_b, s_m, s_e, s_s = self._start
        v_b = s_b + e_b.get(c, m)
        v_m = s_m + e_m.get(c, m)
        v_e = s_e + e_e.get(c, m)
        v_s = s_s + e_s.get(c, m)
        # back[t] = the previous state chosen for B, M, E, S at step t.
        back: list[tuple[str, str, str, str]] = [("B", "M", "E", "S")]
        for c in obs[1:]:
            em = e_b.get(c, m)
            a, b = v_e + t_eb + em, v_s + t_sb + em  # B from E or S
            n_b, p_b = (a, "E") if a > b else (b, "S")
            em = e_m.get(c, m)
            a, b = v_m + t_mm + em, v_b + t_bm + em  # M from M or B
            n_m, p_m = (a, "M") if a >= b else (b, "B")
            em = e_s.get(c, m)
            a, b = v_s + t_ss + em, v_e + t_es + em  # S from S or E
            n_s, p_s = (a, "S") if a >= b else (b, "E")
            em = e_e.get(c, m)
            a, b = v_b + t_be + em, v_m + t_me + em  # E from B or M
            n_e, p_e = (b, "M") if b >= a else (a, "B")
            v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
            back.append((p_b, p_m, p_e, p_s))
        state = "S" if v_s >= v_e else "E"
        path = [state]
        index = {"B": 0, "M": 1, "E": 2, "S": 3}
        for step in range(len(obs) - 1, 0, -1):
            state = back[step][index[state]]
            path.append(state)
        path.reverse()
        return "".join(path)
