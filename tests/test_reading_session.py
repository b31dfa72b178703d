"""The reading session without Textual: English layer, stale rule, position, bookmarks, words."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.context import Context
from reader.document import load_document
from reader.reading.session import ReadingSession
from reader.settings import Settings
from reader.store import vocab
from reader.store.state import load_state, recent_documents
from reader.translate.packages import install
from tests.conftest import PARTY_BUILDING, RESOLUTION


def _session(path: Path = RESOLUTION, settings: Settings | None = None) -> ReadingSession:
    doc = load_document(path)
    session = ReadingSession(doc, Context(settings or Settings()).for_document(doc))
    session.load_language()
    return session


def _translate_all(session: ReadingSession) -> int:
    job = session.translation_job()
    translations = [t for _, t in job.run(threading.Event())]
    session.apply(translations)
    return len(job.units)


def test_the_gloss_until_machine_translation_arrives(model_files: dict[str, Path]) -> None:
    doc = load_document(RESOLUTION)
    before = ReadingSession(doc, Context(Settings()).for_document(doc))
    first = doc.paragraphs().__next__().sentences[0]
    assert before.english_for(first.id, first.text).provenance == "none"
    before.load_language()
    gloss = before.english_for(first.id, first.text)
    assert gloss.provenance == "gloss" and gloss.text and not gloss.pending
    assert before.translation_job().info.name == "gloss"  # no model: nothing to run

    install(model_files["copy"])
    session = _session()
    assert session.english_for(first.id, first.text).pending  # the gloss, MT on its way
    assert _translate_all(session) == session.total
    english = session.english_for(first.id, first.text)
    assert english.provenance == "mt" and not english.pending
    assert english.translator is not None and english.translator.model == "translate-zh_en-0_0_2"
    assert session.translated == session.total
    assert not session.translation_job().units  # nothing left to do


def test_a_glossary_edit_makes_exactly_the_sentences_with_the_term_stale(
    model_files: dict[str, Path],
) -> None:
    install(model_files["copy"])
    session = _session()
    _translate_all(session)
    word = "八八战略"
    using = {
        u.id
        for u in session.order.units()
        if word in u.text or (u.id == "title" and word in u.text)
    }
    assert using
    stale = session.add_term(word, "the Eight-Eight Strategy")
    assert stale == len(using)
    job = session.translation_job()
    assert {u.id for u in job.units} == using  # only those are translated again
    session.apply([t for _, t in job.run(threading.Event())])
    for sid in using:
        assert "the Eight-Eight Strategy" in session.english_layer.translations[sid].en
    # An edit that no sentence uses makes nothing stale.
    assert session.add_term("从未出现的词", "never used") == 0


def test_position_bookmarks_and_contents_persist() -> None:
    session = _session(PARTY_BUILDING)
    assert session.position() is None
    target = next(i for i, b in enumerate(session.blocks) if b.kind == "paragraph" and i > 5)
    session.move_to(target, 3)
    assert session.toggle_bookmark(target)
    session.save()
    again = _session(PARTY_BUILDING)
    assert again.position() == (target, 3)
    assert again.state.progress == target / (len(again.blocks) - 1)
    contents = again.contents()
    headings = [e for e in contents if not e.bookmark]
    assert [e.block for e in headings] == again.headings()
    (mark,) = [e for e in contents if e.bookmark]
    assert mark.block == target and again.blocks[target].text.strip().startswith(mark.text[:5])
    assert not again.toggle_bookmark(target)
    assert load_state(again.doc.source_sha256).bookmarks == []


def test_search_chinese_toneless_pinyin_and_english(model_files: dict[str, Path]) -> None:
    install(model_files["copy"])
    session = _session()
    hit = session.search("共同富裕")[0]
    text = session.blocks[hit.block].sentences[hit.sentence].text
    assert text[hit.offset :].startswith("共同富裕")
    by_pinyin = session.search("gongtong fuyu")
    assert [(h.block, h.sentence) for h in by_pinyin][:3] == [
        (h.block, h.sentence) for h in session.search("共同富裕")
    ][:3]
    assert not session.search("plenary session")  # not translated yet
    _translate_all(session)
    assert session.search("plenary session")


def test_pinyin_search_reads_each_character_in_its_word(tmp_path: Path) -> None:
    """行 is xing alone and hang in 银行, 长 chang in 长城: the search finds the word by
    the reading it has there, lands on its first character and highlights all of it."""
    from reader.reading.search import match_length

    path = tmp_path / "bank.txt"
    path.write_text("《银行》\n\n他在银行工作，去过长城。\n\n他们步行回家。\n", encoding="utf-8")
    session = _session(path)

    def found(query: str) -> list[str]:
        out = []
        for hit in session.search(query):
            text = session.blocks[hit.block].sentences[hit.sentence].text
            out.append(text[hit.offset : hit.offset + match_length(text, hit.offset, query)])
        return out

    assert found("yinhang") == ["银行", "银行"]  # the title and the sentence
    assert found("Chang Cheng") == ["长城"]
    assert found("buxing") == ["步行"]
    assert found("yinxing") == []
    assert found("hanggong") == ["行工"]


def test_saved_words_use_the_pinyin_style(user_dirs: Path) -> None:
    session = _session(settings=Settings(tone_numbers=True))
    entry = session.save_word("重要", " 共同富裕很重要。 ", "s1.p1.t1")
    assert entry.pinyin == "zhong4 yao4" and entry.definition
    assert entry.sentence == "共同富裕很重要。" and entry.document == session.doc.title
    assert [e.word for e in vocab.load()] == ["重要"]


def test_the_library_lists_documents_by_when_they_were_last_opened(
    tmp_path: Path, make_context: Callable[..., Context]
) -> None:
    for name in ("first", "second"):
        (tmp_path / f"{name}.txt").write_text(f"《{name}》\n\n共同富裕。\n", encoding="utf-8")
    for name in ("first", "second", "first"):
        doc = load_document(tmp_path / f"{name}.txt")
        ReadingSession(doc, make_context()).save()
        time.sleep(0.01)
    assert [Path(s.path).name for s in recent_documents()] == ["first.txt", "second.txt"]


def test_what_is_on_screen_is_translated_first(model_files: dict[str, Path]) -> None:
    install(model_files["copy"])
    session = _session()
    front = len(session.blocks) - 4
    job = session.translation_job(front, screen=2)
    screen_ids = [u.id for b in session.blocks[front : front + 2] for u in b.sentences]
    assert [u.id for u in job.phases[0][1]] == screen_ids
    assert job.phases[0][0] == "screen" and job.size("screen") == len(screen_ids)
    # Ahead: the blocks after the screen (two here, to the end); then the rest, in order.
    assert [u.id for u in job.phases[1][1]] == [
        u.id for b in session.blocks[front + 2 :] for u in b.sentences
    ]
    rest = [u.id for u in job.phases[2][1]]
    assert rest == [u.id for b in session.blocks[:front] for u in b.sentences]
    phases = [phase for phase, _ in job.run(threading.Event())]
    first = phases.index("document")
    assert set(phases[:first]) == {"screen", "ahead"} and phases[0] == "screen"
    # Nothing is translated twice: a new job after these arrive has nothing left.
    assert job.covers(screen_ids[0]) and not job.covers(rest[0])
