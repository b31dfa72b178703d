"""The aligner's evidence beyond length and dictionary words.

Each mechanism has a small parallel text written for these tests, where that
mechanism decides a link the others leave open, or a unit test of what it
learns from a document:

- translation-stable punctuation (a question stays a question, a quotation
  stays quoted) as lexical keys;
- end marks: what a sentence's last mark says about whether a link ends
  there, learned from the document's own first pass;
- a learned word table that pairs words with keys by significance (G²), not by
  overlap, so the commonest words are not paired with the commonest keys;
- per-word literalness: how often a pass's links found each word;
- recurring sentences: a formula that recurs word for word is attached the
  way the document's first pass attaches it elsewhere;
- occurrences, not sets: within a link a word said twice needs two
  translations, so a speech formula goes with the sentence that repeats it.

The 2–2 test guards the link types the search allows: a clause that the
English moves into the previous sentence makes two Chinese and two English
sentences one link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from reader.context import Context
from reader.english.dp import full_band
from reader.english.lexicon import (
    ChineseSentence,
    EnglishSentence,
    Lexicon,
    chinese_marks,
    end_mark,
    english_marks,
    sentence_form,
)
from reader.english.scoring import (
    MAX_SPAN,
    boundaries,
    literalness,
    pair_stats,
    recurring_forms,
)
from reader.english.sentence_align import align_features

Pairs = list[tuple[tuple[int, ...], tuple[int, ...]]]


@pytest.fixture
def context(make_context: Callable[..., Context]) -> Context:
    return make_context()


def aligned(context: Context, zh: Sequence[str], en: Sequence[str]) -> Pairs:
    result = align_features(Lexicon(context.annotator), zh, en)
    return [(link.zh, link.en) for link in result.links]


# -- punctuation ----------------------------------------------------------------------------

#: A fight told in short lines of dialogue. The boy's question (1) is translated by
#: two English sentences, the second a bare question with no dictionary word in
#: common with the Chinese: only the question mark and the quotation say where it
#: belongs, and the long next sentence (2) would take it for its length.
DIALOGUE_ZH = [
    "两个孩子在院子里扭打起来。",
    "那男孩哈哈大笑，问道：“服了吗？”",
    "小宝心里很不服气，咬了咬牙，一句话也不说，又猛地扑了上去。",
    "这一次他把那男孩压在了下面。",
    "“现在谁服了？”",
    "那男孩喘着气说：“还没有！”",
    "他们一直打到天黑。",
    "后来两人都累得躺在地上。",
    "那男孩说：“明天再来？”",
    "小宝说：“一言为定。”",
]
DIALOGUE_EN = [
    "The two boys started wrestling in the yard.",
    "The boy burst out laughing.",
    "'Had enough?'",
    "Xiaobao jumped at him again.",
    "This time he got the other boy underneath him.",
    "'Who has had enough now?'",
    "'Not yet!' panted the boy.",
    "They went on fighting until it was dark.",
    "In the end both of them lay on the ground, worn out.",
    "'Tomorrow again?' said the boy.",
    "'It's a deal,' said Xiaobao.",
]
DIALOGUE_GOLD = [((0,), (0,)), ((1,), (1, 2)), *(((i,), (i + 1,)) for i in range(2, 10))]


def test_marks_are_keys_on_both_sides() -> None:
    assert chinese_marks("那男孩问道：“服了吗？”") == ["?question", "?quote"]
    assert english_marks("'Had enough?'") == ["?question", "?quote"]
    assert english_marks("'It's a deal,' said Xiaobao.") == ["?quote"]
    # An apostrophe is not a quotation mark: not in a word, nor after a plural.
    assert english_marks("The boys' mother didn't come.") == []
    assert english_marks("Stop!") == ["?exclaim"]


def test_a_question_goes_with_its_question(context: Context) -> None:
    assert aligned(context, DIALOGUE_ZH, DIALOGUE_EN) == DIALOGUE_GOLD


# -- end marks ------------------------------------------------------------------------------

#: A text split into clauses as well as sentences: every Chinese line that ends in a
#: comma is continued by the next line in the same English sentence. 于是 ("so")
#: (11) has no dictionary word in the English, and the long English sentence
#: before it (6) would take it for its length; that a comma-ending line does not
#: end a link in this document is what keeps it with the sentence it opens.
FLOOD_ZH = [
    "春天来了，",
    "山上的雪都化了。",
    "河水一天比一天高。",
    "一天夜里，",
    "河水冲进了村边的田地。",
    "农民们站在岸上，",
    "难过地看着被水淹没的麦子。",
    "老人们说这样的大水五十年没有见过了。",
    "第二天早上，",
    "村长把大家叫到了庙前。",
    "他说大家要一起修一道新的河堤。",
    "于是，",
    "男人们都拿起了铁锹。",
    "女人们给他们做饭送水。",
    "一个月以后，",
    "新的河堤修好了。",
]
FLOOD_EN = [
    "Spring came, and the snow on the hills all melted.",
    "Day by day the river rose higher.",
    "One night the river broke into the fields by the village.",
    "The farmers stood on the bank, sadly watching the flooded wheat.",
    "The old people said they had not seen such a flood for fifty years.",
    "The next morning the head of the village called everyone to the temple.",
    "He said that they must all build a new dyke together, and that nobody could stay "
    "at home while the others worked.",
    "So the men all took up their spades.",
    "The women cooked for them and brought them water.",
    "A month later the new dyke was finished.",
]
FLOOD_GOLD = [
    ((0, 1), (0,)),
    ((2,), (1,)),
    ((3, 4), (2,)),
    ((5, 6), (3,)),
    ((7,), (4,)),
    ((8, 9), (5,)),
    ((10,), (6,)),
    ((11, 12), (7,)),
    ((13,), (8,)),
    ((14, 15), (9,)),
]


def test_end_mark_classes() -> None:
    assert [end_mark(s) for s in ("春天来了，", "服了吗？”", "Cry.", "plain:", "and ")] == [
        "comma",
        "close",
        "stop",
        "colon",
        "none",
    ]


def test_a_clause_stays_with_the_sentence_it_opens(context: Context) -> None:
    assert aligned(context, FLOOD_ZH, FLOOD_EN) == FLOOD_GOLD


def test_end_marks_learned_from_the_links() -> None:
    # Ten links: a comma clause and a full stop each, the English one sentence,
    # and two questions answered by questions.
    zh = [ChineseSentence(5, (), (), frozenset(), mark) for mark in ["comma", "stop"] * 10]
    zh += [ChineseSentence(5, (), (), frozenset(), "question")] * 2
    en = [EnglishSentence(20, frozenset(), "stop")] * 10 + [
        EnglishSentence(20, frozenset(), "question")
    ] * 2
    links = [(2 * k, k, 2, 1) for k in range(10)] + [(20, 10, 1, 1), (21, 11, 1, 1)]
    learned = boundaries(zh, en, links)
    assert learned.zh_final["comma"] > 0.5 > 0.0 > learned.zh_inner["comma"]
    assert learned.zh_final["stop"] < 0.5
    assert learned.pair["question", "question"] < 0 < learned.pair["stop", "question"]


# -- the learned word table -----------------------------------------------------------------


def test_learning_pairs_words_by_significance_not_overlap(context: Context) -> None:
    """的 is in every group and *lord* in most: they overlap (Dice 0.86) because
    both are common, and G² says so. 撒拉 and *sarah* meet three times in forty
    groups, never apart: that is no chance."""
    lexicon = Lexicon(context.annotator)
    de, sala = lexicon.keys(["taxi"]), lexicon.keys(["@sala"])

    def chinese(*texts: str) -> ChineseSentence:
        words = tuple(de if t == "的" else sala for t in texts)
        return ChineseSentence(10, words, texts, frozenset().union(*words))

    groups = []
    for k in range(40):
        zh = chinese("的", "撒拉") if k < 3 else chinese("的")
        keys = {"lord"} if k % 4 else set()
        keys |= {"sarah"} if k < 3 else set()
        groups.append(([zh], [EnglishSentence(40, lexicon.keys(keys))]))
    assert lexicon.learn(groups) == 1
    relearned = lexicon.relearned(chinese("的", "撒拉"))
    assert lexicon.key("sarah") in relearned.words[1]
    assert lexicon.key("lord") not in relearned.words[0]


# -- literalness per word -------------------------------------------------------------------


def test_each_word_has_its_own_literalness(context: Context) -> None:
    """A word the links always find counts for more than the side's average, a
    word they never find for less; a word seen once keeps no record of its own
    (its one link is the one being decided) and gets what rare words find."""
    lexicon = Lexicon(context.annotator)
    name, particle = lexicon.keys(["@wang"]), lexicon.keys(["taxi"])
    zh, en = [], []
    for k in range(12):
        words = [particle, lexicon.keys([f"thing{k}"])]
        texts = ["的", f"物{k}"]
        en_keys = {f"thing{k}"} if k % 3 else set()
        if k % 3 == 0:
            words.append(name)
            texts.append("王")
            en_keys.add("@wang")
        zh.append(ChineseSentence(10, tuple(words), tuple(texts), frozenset().union(*words)))
        en.append(EnglishSentence(30, lexicon.keys(en_keys)))
    links = [(k, k, 1, 1) for k in range(12)]
    band = full_band(len(zh), len(en))
    stats = pair_stats(zh, en, band.widened(MAX_SPAN))
    literal = literalness(stats, zh, en, links)
    assert literal.zh_words["王"] > literal.p0_zh > literal.zh_words["的"]
    assert "物1" not in literal.zh_words  # seen once
    assert literal.zh_unseen > literal.p0_zh  # rare words are content words


# -- recurring sentences ---------------------------------------------------------------------

#: A school's rules, each closed in the Chinese by a formula of its own (这是老师说的,
#: "this is what the teacher said") that the English folds into the rule's sentence.
#: The last rule is long and the sentence after the formula also has the teacher
#: saying something: the formula's words are in both English sentences, and the
#: long one pays more for taking it. The other eight times the formula closes
#: the sentence before it; that is what attaches it there once more.
FORMULA = "这是老师说的。"
RULES = [
    ("大家要先读书，再写字。", "Everyone must read first and then write"),
    ("吃完饭不要跑。", "Do not run after eating"),
    ("雨天不要出门。", "Do not go out on a rainy day"),
    ("每天都要洗手。", "Wash your hands every day"),
    ("上课不要睡觉。", "Do not sleep in class"),
    ("书要放好。", "Put your books away"),
    ("不要在墙上写字。", "Do not write on the walls"),
    ("见了人要问好。", "Greet people when you meet them"),
]
EVENTS = [
    ("学生们早上八点到了学校。", "The students arrived at school at eight in the morning."),
    ("中午大家在院子里吃饭。", "At noon everyone ate in the courtyard."),
    ("下午下了一场大雨。", "In the afternoon there was a heavy rain."),
    ("晚上孩子们回家了。", "In the evening the children went home."),
    ("第二天天气很好。", "The next day the weather was fine."),
    ("小明画了一只猫。", "Xiaoming drew a cat."),
    ("小红唱了一首歌。", "Xiaohong sang a song."),
    ("门口来了一只狗。", "A dog came to the door."),
]
SCHOOL_ZH = [
    *(
        z
        for (event, _), (rule, _) in zip(EVENTS, RULES, strict=True)
        for z in (event, rule, FORMULA)
    ),
    "上课的时候大家要认真听讲，不要说话，不要跑。",
    FORMULA,
    "老师说，明天要早点来。",
]
SCHOOL_EN = [
    *(
        e
        for (_, event), (_, rule) in zip(EVENTS, RULES, strict=True)
        for e in (event, f"{rule}, said the teacher.")
    ),
    "In class everyone must listen carefully, must not talk and must not run, said the teacher.",
    "The teacher said, come early tomorrow.",
]
SCHOOL_GOLD = [
    *(
        link
        for k in range(8)
        for link in (((3 * k,), (2 * k,)), ((3 * k + 1, 3 * k + 2), (2 * k + 1,)))
    ),
    ((24, 25), (16,)),
    ((26,), (17,)),
]


def test_a_formula_closes_what_it_closes_elsewhere(context: Context) -> None:
    assert aligned(context, SCHOOL_ZH, SCHOOL_EN) == SCHOOL_GOLD


def test_recurring_sentences_learned_from_the_links() -> None:
    """A sentence seen three times or more is a class of its own; how often it
    opens a link, against the document's rate, is what starting one there costs."""
    assert sentence_form(" 这是老师 说的。") == "这是老师说的。"
    formula = ChineseSentence(7, (), (), frozenset(), "stop", FORMULA)
    zh = [ChineseSentence(5, (), (), frozenset(), "stop", f"第{k}句。") for k in range(12)]
    for k in (2, 5, 8, 11):
        zh[k] = formula
    assert recurring_forms(zh[:6]) == [""] * 6  # twice is not yet a formula
    assert recurring_forms(zh)[2] == FORMULA and recurring_forms(zh)[3] == ""
    en = [EnglishSentence(20, frozenset(), "stop")] * 8
    # The formula continues the sentence before it three times and opens a link once.
    links = [(0, 0, 1, 1), (1, 1, 2, 1), (3, 2, 1, 1), (4, 3, 2, 1), (6, 4, 1, 1)]
    links += [(7, 5, 1, 1), (8, 6, 2, 1), (10, 7, 2, 1)]
    learned = boundaries(zh, en, links)
    assert learned.zh_first[FORMULA] > 0 > learned.zh_next[FORMULA]
    assert "" not in learned.zh_first and not learned.en_first


# -- occurrences ----------------------------------------------------------------------------

#: 国王说 ("the king said", 1) could close the long opening sentence or open the
#: king's order; both English neighbours have *king*, and length would give it to the
#: order (2), whose English is long. Only the first English sentence has *king*
#: twice, for the two 国王 of sentences 0 and 1.
KING_ZH = [
    "国王把全国各地所有的士兵们都叫到了京城的宫里来。",
    "国王说。",
    "国王命令你们明天去河边打仗。",
    "士兵们听了都很害怕。",
    "一个老兵站起来问国王。",
    "国王为什么要打仗？",
    "国王回答。",
    "敌人烧了我们的村子。",
    "老兵不再说话了。",
    "第二天士兵们都去了河边。",
]
KING_EN = [
    "The king called them; the king declared:",
    "The king orders that tomorrow morning at first light you must all go down and fight "
    "by the river.",
    "The soldiers were all afraid when they heard it.",
    "An old soldier stood up and asked the king why the king wanted a war.",
    "The king answered: the enemy has burned our village.",
    "The old soldier said no more.",
    "The next day all the soldiers went to the river.",
]


def test_a_word_said_twice_needs_two_translations(context: Context) -> None:
    assert aligned(context, KING_ZH, KING_EN) == [
        ((0, 1), (0,)),
        ((2,), (1,)),
        ((3,), (2,)),
        ((4, 5), (3,)),
        ((6, 7), (4,)),
        ((8,), (5,)),
        ((9,), (6,)),
    ]


# -- link types -----------------------------------------------------------------------------

#: The English moves the old man of sentence 3 into sentence 2: neither Chinese
#: sentence has an English sentence of its own.
DOOR_ZH = [
    "小明今天早上七点起床。",
    "他吃了两个鸡蛋，喝了一杯牛奶。",
    "他打开门。",
    "门外站着一个老人，手里拿着一封信。",
    "小明把信交给了妈妈。",
    "妈妈看完信，高兴地笑了。",
]
DOOR_EN = [
    "Xiaoming got up at seven o'clock this morning.",
    "He ate two eggs and drank a glass of milk.",
    "He opened the door and saw an old man standing outside.",
    "The man was holding a letter in his hand.",
    "Xiaoming gave the letter to his mother.",
    "When she had read it, his mother smiled happily.",
]


def test_two_sentences_with_two(context: Context) -> None:
    assert aligned(context, DOOR_ZH, DOOR_EN) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2, 3), (2, 3)),
        ((4,), (4,)),
        ((5,), (5,)),
    ]
