"""Bilingual word evidence: what a Chinese sentence could say in English, as keys.

Both sides are reduced to sets of small integer *keys* so that comparing a
Chinese sentence with an English one is a set intersection:

- an English sentence's keys are the stems of its content words
  (:func:`~reader.english.english_text.content_keys`), ``#12`` for a number,
  and ``@name`` for each capitalised word and run of two or three of them
  (``Chia Pao-yü`` → ``@chia``, ``@paoyu``, ``@chiapaoyu``);
- a Chinese word's keys are the same stems of its English senses (the
  glossary's English first, then CC-CEDICT's, as the annotator gives them),
  ``#12`` for a numeral, and ``@`` keys for the names it may be part of: the
  pinyin of every two- or three-syllable window of Hanzi around it, in pinyin
  and in Wade–Giles (贾宝玉 → ``@jiabaoyu``, ``@baoyu``, ``@chiapaoyu``…).
  Name keys only ever meet capitalised English words, and a window is kept
  only when the English has that name, so read the English side first;
- both sides have a ``?question``, ``?exclaim`` or ``?quote`` key when they
  ask, exclaim or quote (:func:`chinese_marks`), and each sentence records the
  class of its last mark (:func:`end_mark`) for the scoring of link ends.

Each Chinese word keeps its own key set: coverage counts how many Chinese words
found any of their keys in an English sentence, not how many keys matched, so a
word with twenty senses is not twenty times the evidence. The :class:`Lexicon`
also holds a document's learned word table (:meth:`Lexicon.learn`), keys found
with a Chinese word in confidently aligned sentences, significantly more often
than chance, that its dictionary senses lacked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from reader.english.english_text import (
    STOPWORDS,
    content_keys,
    english_words,
    fold,
)
from reader.english.wadegiles import wade_giles
from reader.hanzi import is_hanzi
from reader.language.annotate import Annotator, Token

#: Senses read per Chinese word: CC-CEDICT lists the common ones first, and a
#: word's twentieth sense is more often a chance match than a translation.
SENSES_READ = 8
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|[^\x00-\u02ff\s]+")
_DROPPED_SENSE = re.compile(r"^(?:old |archaic )?(?:variant of|see |also written|abbr\. )")
_NUMERALS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NAME_SYLLABLES = (2, 3)
#: Marks that survive translation: a question stays a question, an exclamation an
#: exclamation, direct speech stays quoted. Each is one more "word" whose finding
#: is evidence, weighed like any other by how often it is found by chance.
_ZH_MARKS = (("？?", "?question"), ("！!", "?exclaim"), ('“”「」『』"', "?quote"))
_EN_MARKS = (("?", "?question"), ("!", "?exclaim"), ('"“”', "?quote"))
_EN_SINGLE_QUOTE = re.compile(r"(?:^|[\s(\[—–-])[‘'](?=\w)|[.,!?;:—–-][’'](?:\s|$)")
_END_CLASSES = {
    **dict.fromkeys("。．.", "stop"),
    **dict.fromkeys("？?", "question"),
    **dict.fromkeys("！!", "exclaim"),
    **dict.fromkeys("，,、", "comma"),
    **dict.fromkeys("；;", "semicolon"),
    **dict.fromkeys("：:", "colon"),
    **dict.fromkeys("…", "ellipsis"),
    **dict.fromkeys("—–-─", "dash"),
    **dict.fromkeys("”’」』）)》〉]\"'", "close"),
}


def end_mark(text: str) -> str:
    """The class of a sentence's last mark, the same for both languages.

    A sentence ending in a comma or a colon rarely ends a translated unit, one
    ending in a closing quote usually does; how strongly depends on how the
    texts were split, so :mod:`reader.english.scoring` learns what each class
    means from the document's own first alignment.
    """
    stripped = text.rstrip()
    return _END_CLASSES.get(stripped[-1:], "none") if stripped else "none"


def sentence_form(text: str) -> str:
    """A sentence's text as its recurrences would repeat it (whitespace dropped).

    A sentence that recurs word for word — a formula that closes a speech, a
    speaker's tag, a refrain — is attached the same way each time it occurs
    (:func:`reader.english.scoring.recurring_forms`).
    """
    return "".join(text.split())


def chinese_marks(text: str) -> list[str]:
    """The translation-stable punctuation keys of a Chinese sentence."""
    return [key for chars, key in _ZH_MARKS if any(ch in text for ch in chars)]


def english_marks(text: str) -> list[str]:
    """The same keys for an English sentence; ``'`` counts as a quote only at a word's edge."""
    keys = [key for chars, key in _EN_MARKS if any(ch in text for ch in chars)]
    if "?quote" not in keys and ("‘" in text or _EN_SINGLE_QUOTE.search(text)):
        keys.append("?quote")
    return keys


#: G² for p = 0.001 with one degree of freedom (see :meth:`Lexicon.learn`).
LEARN_G2 = 10.83


def _g2(
    both: npt.NDArray[np.float64],
    first: npt.NDArray[np.float64],
    second: npt.NDArray[np.float64],
    total: int,
) -> npt.NDArray[np.float64]:
    """Dunning's G² of each pair of events' co-occurrence over ``total`` trials.

    ``both`` times together, ``first`` and ``second`` times each; 0 where they
    occur together no more often than independence predicts.
    """
    observed = (both, first - both, second - both, total - first - second + both)
    expected = (
        first * second / total,
        first * (total - second) / total,
        (total - first) * second / total,
        (total - first) * (total - second) / total,
    )
    g2 = np.zeros_like(both)
    for o, e in zip(observed, expected, strict=True):
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where((o > 0) & (e > 0), o * np.log(o / e), 0.0)
        g2 += term
    return np.where(both > expected[0], 2 * g2, 0.0)


def _all_hanzi(text: str) -> bool:
    return bool(text) and all(is_hanzi(ch) for ch in text)


def chinese_number(text: str) -> int | None:
    """十二 → 12, 一百二十 → 120, 第三 → 3, 二〇二一 → 2021; None if not a numeral."""
    s = text.removeprefix("第")
    if not s or any(ch not in _NUMERALS and ch not in _UNITS for ch in s):
        return None
    if all(ch in _NUMERALS for ch in s):
        return int("".join(str(_NUMERALS[ch]) for ch in s)) if len(s) > 1 else _NUMERALS[s]
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _NUMERALS:
            digit = _NUMERALS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + section + (digit or 0)


@lru_cache(maxsize=4096)
def _spellings(pinyin: str) -> tuple[str, str]:
    """A syllable as pinyin and as Wade–Giles, both folded (``Bǎo`` → ``bao``, ``pao``)."""
    plain = fold(pinyin)
    return plain, fold(wade_giles(plain))


def sense_words(sense: str) -> list[str]:
    """The English words of one dictionary sense, notes and Chinese cross-references removed."""
    if _DROPPED_SENSE.match(sense):
        return []
    text = _NOTE.sub(" ", sense)
    text = text.replace("classifier for", " ").replace("surname ", " ")
    return english_words(text)


def name_keys_of_words(words: Sequence[str]) -> list[str]:
    """``@`` keys of an English text's capitalised words and runs of two or three of them."""
    keys: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word[:1].isupper() and word.lower() not in STOPWORDS:
            run.append(fold(word))
            keys.append("@" + run[-1])
            for size in (2, 3):
                if len(run) >= size:
                    keys.append("@" + "".join(run[-size:]))
        else:
            run = []
    return keys


@dataclass(frozen=True, slots=True)
class ChineseSentence:
    """What the aligner knows of a Chinese sentence."""

    #: Characters, whitespace excluded: the length statistic.
    length: int
    #: One key set per content word (a word whose senses gave any key).
    words: tuple[frozenset[int], ...]
    #: The jieba words behind :attr:`words`, in the same order (for learning).
    texts: tuple[str, ...]
    #: Every key of every word.
    keys: frozenset[int]
    #: How the sentence ends (:func:`end_mark`): whether a link may end here.
    end: str = ""
    #: Its text as a recurrence repeats it (:func:`sentence_form`).
    form: str = ""


@dataclass(frozen=True, slots=True)
class EnglishSentence:
    """What the aligner knows of an English sentence."""

    length: int
    #: Distinct keys: content-word stems, numbers, names.
    keys: frozenset[int]
    end: str = ""
    form: str = ""
    #: One key per occurrence, sorted (a key said twice is here twice): the
    #: evidence counts occurrences, so that a second *Lord* needs a second 主
    #: (empty: each key once, as in :attr:`keys`).
    occurrences: tuple[int, ...] = ()

    def key_occurrences(self) -> tuple[int, ...]:
        """:attr:`occurrences`, or each key once where none were recorded."""
        return self.occurrences or tuple(sorted(self.keys))


class Lexicon:
    """Turns sentences into keys, interning every key as an int for fast set work."""

    def __init__(self, annotator: Annotator) -> None:
        self.annotator = annotator
        self._ids: dict[str, int] = {}
        #: The ``@`` name keys of every English sentence read so far: a Chinese name
        #: window is only worth a key if the English has that name somewhere.
        self._english_names: set[str] = set()
        self._word_keys: dict[tuple[str, tuple[str, ...]], frozenset[int]] = {}
        #: Learned: a Chinese word → keys seen with it in confident links.
        self._learned: dict[str, frozenset[int]] = {}

    def key(self, text: str) -> int:
        found = self._ids.get(text)
        if found is None:
            found = self._ids[text] = len(self._ids)
        return found

    def keys(self, texts: Iterable[str]) -> frozenset[int]:
        return frozenset(self.key(t) for t in texts)

    # -- English ---------------------------------------------------------------------------

    def english(self, text: str) -> EnglishSentence:
        words = english_words(text)
        names = name_keys_of_words(words)
        self._english_names.update(names)
        occurrences = sorted(
            self.key(k) for k in [*content_keys(words), *names, *english_marks(text)]
        )
        return EnglishSentence(
            sum(not ch.isspace() for ch in text),
            frozenset(occurrences),
            end_mark(text),
            sentence_form(text),
            tuple(occurrences),
        )

    # -- Chinese ---------------------------------------------------------------------------

    def _sense_keys(self, token: Token) -> frozenset[int]:
        cache_key = (token.text, token.pinyin)
        found = self._word_keys.get(cache_key)
        if found is not None:
            return found
        texts: list[str] = []
        number = chinese_number(token.text)
        if number is not None:
            texts.append(f"#{number}")
        for sense in token.definitions[:SENSES_READ]:
            words = sense_words(sense.split(": ", 1)[-1] if ": " in sense[:4] else sense)
            texts.extend(content_keys(words))
            texts.extend(name_keys_of_words(words))
        found = self._word_keys[cache_key] = self.keys(texts)
        return found

    def _name_windows(self, tokens: Sequence[Token]) -> list[set[str]]:
        """For each token, the ``@`` keys of the name-sized Hanzi windows it is part of.

        Only windows that some English sentence read so far has as a name are
        kept (read the English first): a document has thousands of windows and
        a few dozen names.
        """
        names = self._english_names
        out: list[set[str]] = [set() for _ in tokens]
        if not names:
            return out
        run: list[tuple[int, tuple[str, str]]] = []  # (token index, spellings) per Hanzi run
        longest = max(_NAME_SYLLABLES)

        def flush() -> None:
            # Each window's two spellings grow a syllable at a time from its start.
            for start in range(len(run) - 1):
                pinyin, wade = "@" + run[start][1][0], "@" + run[start][1][1]
                for end in range(start + 1, min(len(run), start + longest)):
                    pinyin += run[end][1][0]
                    wade += run[end][1][1]
                    if end - start + 1 not in _NAME_SYLLABLES:
                        continue
                    for spelled in (pinyin, wade):
                        if spelled in names:
                            for owner, _ in run[start : end + 1]:
                                out[owner].add(spelled)
            run.clear()

        for index, token in enumerate(tokens):
            if token.is_hanzi and token.pinyin:
                run.extend((index, _spellings(p)) for p in token.pinyin)
            else:
                flush()
        flush()
        return out

    def chinese(self, text: str) -> ChineseSentence:
        tokens = self.annotator.annotate(text)
        windows = self._name_windows(tokens)
        words: list[frozenset[int]] = []
        texts: list[str] = []
        for token, names in zip(tokens, windows, strict=True):
            if token.is_hanzi:
                senses = self._sense_keys(token)
                learned = self._learned.get(token.text)
                if learned:
                    senses = senses | learned
            elif token.text.strip().isdigit():
                senses = self.keys([f"#{int(token.text.strip())}"])
            else:
                continue
            if not senses:
                continue
            words.append(senses | self.keys(names) if names else senses)
            texts.append(token.text)
        for mark in chinese_marks(text):
            words.append(self.keys([mark]))
            texts.append(mark)
        length = sum(not ch.isspace() for ch in text)
        keys = frozenset().union(*words) if words else frozenset()
        return ChineseSentence(
            length, tuple(words), tuple(texts), keys, end_mark(text), sentence_form(text)
        )

    def relearned(self, sentence: ChineseSentence) -> ChineseSentence:
        """``sentence`` with the learned keys of its words added."""
        if not self._learned:
            return sentence
        words = tuple(
            w | self._learned[t] if t in self._learned else w
            for w, t in zip(sentence.words, sentence.texts, strict=True)
        )
        keys = frozenset().union(*words) if words else frozenset()
        return replace(sentence, words=words, keys=keys)

    # -- learning ----------------------------------------------------------------------------

    def learn(
        self,
        pairs: Iterable[tuple[Sequence[ChineseSentence], Sequence[EnglishSentence]]],
        *,
        min_count: int = 2,
        critical: float = LEARN_G2,
    ) -> int:
        """Learn keys that go with Chinese words in confidently aligned sentence groups.

        A Chinese word and an English key the word's senses lack become part of
        the word's keys for the next :meth:`chinese` call (a name the dictionary
        does not have, a translator's habit) when they occur together in at
        least ``min_count`` linked groups and more often than their own
        frequencies explain: Dunning's log-likelihood ratio G² of the 2×2 table
        of groups over ``critical`` (10.83: chance would do it once in a
        thousand). A plain overlap measure (Dice) also pairs the commonest
        words with the commonest keys (的 with *Lord* in a Bible); G² does not,
        as their co-occurrence is what their frequencies predict. Returns how
        many (word, key) pairs were learned.
        """
        word_ids: dict[str, int] = {}
        codes: list[npt.NDArray[np.int64]] = []
        words_seen: list[npt.NDArray[np.int64]] = []
        keys_seen: list[npt.NDArray[np.int64]] = []
        span = max(1, len(self._ids))
        groups = 0
        for zh_group, en_group in pairs:
            groups += 1
            zh_words = {t for s in zh_group for t in s.texts if _all_hanzi(t)}
            ids = np.array([word_ids.setdefault(t, len(word_ids)) for t in zh_words], np.int64)
            en_keys = frozenset().union(*(s.keys for s in en_group))
            known = frozenset().union(*(s.keys for s in zh_group))
            keys = np.fromiter(en_keys, np.int64, len(en_keys))
            new = np.fromiter(en_keys - known, np.int64)
            words_seen.append(ids)
            keys_seen.append(keys)
            codes.append((ids[:, None] * span + new[None, :]).ravel())
        if not codes:
            return 0
        pair_codes, counts = np.unique(np.concatenate(codes), return_counts=True)
        keep = counts >= min_count
        pair_codes, both = pair_codes[keep], counts[keep].astype(np.float64)
        word_count = np.bincount(np.concatenate(words_seen), minlength=len(word_ids))
        key_count = np.bincount(np.concatenate(keys_seen), minlength=span)
        word, key = pair_codes // span, pair_codes % span
        g2 = _g2(
            both, word_count[word].astype(np.float64), key_count[key].astype(np.float64), groups
        )
        texts = list(word_ids)
        learned: dict[str, set[int]] = {}
        for w, k in zip(word[g2 >= critical].tolist(), key[g2 >= critical].tolist(), strict=True):
            learned.setdefault(texts[w], set()).add(k)
        for text, found in learned.items():
            self._learned[text] = self._learned.get(text, frozenset()) | frozenset(found)
        return sum(len(k) for k in learned.values())
