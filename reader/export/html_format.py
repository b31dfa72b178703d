"""HTML: one standalone page, Chinese and English side by side, pinyin as ``<ruby>``.

No script and no external resource: the pinyin toggle is a checkbox and a CSS
rule, glossary terms carry their English in a ``title`` tooltip, and every
piece of text goes through :func:`html.escape` (a ``<script>`` in the source
shows as text). Print CSS drops the toggle and keeps paragraph pairs together.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TextIO

from reader import __version__
from reader.english.layer import PROVENANCE
from reader.export.aligned import (
    FIXED_PROVENANCE,
    AlignedDocument,
    AlignedParagraph,
    translator_note,
)
from reader.language.annotate import Token
from reader.store.output import xml_safe

CSS = """
:root { --rule: #d8d8d8; --muted: #666; --term: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; line-height: 1.6;
  font-family: "Noto Serif", Georgia, serif; color: #111; background: #fff; }
[lang|="zh"] { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC",
  "SimSun", serif; }
header.doc { border-bottom: 1px solid var(--rule); margin-bottom: 1rem; }
.translator { color: var(--muted); font-size: 0.9rem; }
.toggle { font-size: 0.9rem; color: var(--muted); display: inline-block; margin: 0.5rem 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; padding: 0.35rem 0;
  border-bottom: 1px solid #f0f0f0; }
.pair > div { min-width: 0; }
.pair.heading { border-bottom: none; margin-top: 1.2rem; }
.pair.heading > * { margin: 0; }
.byline { font-style: italic; text-align: right; }
ruby { ruby-position: over; }
rt { font-size: 0.55em; color: var(--muted); font-family: system-ui, sans-serif; }
.term { border-bottom: 1px dotted var(--term); cursor: help; }
.flag { color: #a00; font-size: 0.8rem; }
.en .edited, .legend .edited { border-bottom: 2px solid #2a7d2a; }
.en .human, .legend .human { border-bottom: 2px solid #1f5fa8; }
.en .tm, .legend .tm { border-bottom: 2px dashed #8a5a00; }
.legend { list-style: none; padding: 0; font-size: 0.85rem; color: #555; }
.legend li { display: inline; margin-right: 1em; }
#show-pinyin:not(:checked) ~ main rt, #show-pinyin:not(:checked) ~ header rt { display: none; }
#show-pinyin { margin-left: 0; }
@media (max-width: 40rem) { .pair { grid-template-columns: 1fr; gap: 0.2rem; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .toggle, #show-pinyin { display: none; }
  .pair { break-inside: avoid; border-bottom: none; }
  .pair.heading { break-after: avoid; }
  .term { border-bottom: none; }
}
"""


def _e(text: str) -> str:
    return html.escape(xml_safe(text), quote=True)


def _token_html(token: Token) -> str:
    text = _e(token.text)
    if token.is_hanzi and token.pinyin:
        text = f"<ruby>{text}<rp>(</rp><rt>{_e(' '.join(token.pinyin))}</rt><rp>)</rp></ruby>"
    if token.source in ("user", "glossary") and token.definitions:
        text = f'<span class="term" title="{_e(token.definitions[0])}">{text}</span>'
    return text


#: Tokens whose HTML a :class:`RubyMemo` keeps.
MEMO_KEPT = 200_000


class RubyMemo:
    """Each token's HTML, made once per token: a novel is 880,000 tokens of a few
    tens of thousands (kept by identity, with the token, so an id is never reused)."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[Token, str]] = {}

    def html(self, token: Token) -> str:
        made = self._made.get(id(token))
        if made is None or made[0] is not token:
            if len(self._made) >= MEMO_KEPT:
                self._made.clear()
            made = self._made[id(token)] = (token, _token_html(token))
        return made[1]


def ruby(tokens: Iterable[Token], memo: RubyMemo | None = None) -> str:
    """Tokens as HTML: Hanzi words in ``<ruby>``, glossary terms with a tooltip."""
    if memo is None:
        return "".join([_token_html(token) for token in tokens])
    html = memo.html
    return "".join([html(token) for token in tokens])


def _zh(text: str, tokens: tuple[Token, ...], memo: RubyMemo | None = None) -> str:
    body = ruby(tokens, memo) if tokens else _e(text)
    return body.replace("\n", "<br>\n")


def _origin(origin: str, provenance: str) -> str:
    """Where fixed English came from, as the sentence's tooltip."""
    if not origin or provenance not in FIXED_PROVENANCE:
        return ""
    return f' title="{_e(PROVENANCE[provenance])}: {_e(origin)}"'


def _legend(aligned: AlignedDocument) -> str:
    """The marks of English no model made, when the document has any."""
    if not aligned.fixed:
        return ""
    items = "".join(
        f'<li><span class="{kind}">{_e(PROVENANCE[kind])}</span></li>'
        for kind in ("edited", "human", "tm")
        if aligned.fixed.get(kind)
    )
    return f'<ul class="legend" lang="en">{items}</ul>'


def _paragraph(p: AlignedParagraph, memo: RubyMemo | None = None) -> str:
    kind = ' class="byline"' if p.kind == "byline" else ""
    zh = "".join(
        f'<span class="s" id="{_e(s.id)}">{_zh(s.zh, s.tokens, memo)}</span>' for s in p.sentences
    )
    en = " ".join(
        f'<span class="s {_e(s.provenance)}" data-id="{_e(s.id)}"'
        f"{_origin(s.origin, s.provenance)}>{_e(s.en)}</span>"
        + (f' <span class="flag">[{_e(s.flag)}]</span>' if s.flag else "")
        for s in p.sentences
        if s.en
    )
    return (
        f'<div class="pair" id="{_e(p.id)}">'
        f'<div class="zh" lang="zh-CN"><p{kind}>{zh}</p></div>'
        f'<div class="en" lang="en"><p{kind}>{en}</p></div></div>\n'
    )


def write_html(aligned: AlignedDocument, out: TextIO, *, pinyin: bool = False) -> None:
    title = aligned.title
    info = aligned.translator
    page_title = f"{title.zh} — {title.en}" if title.en else title.zh
    out.write(
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="reader {_e(__version__)}">\n'
        f"<title>{_e(page_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<input type="checkbox" id="show-pinyin"{" checked" if pinyin else ""}>'
        '<label class="toggle" for="show-pinyin">pinyin 拼音</label>\n'
        '<header class="doc"><div class="pair heading">'
        f'<h1 class="zh" lang="zh-CN">{_zh(title.zh, title.tokens)}</h1>'
        f'<h1 class="en" lang="en">{_e(title.en)}</h1></div>\n'
        f'<p class="translator" data-translator="{_e(info.name)}">'
        f"{_e(translator_note(info, aligned.fixed))}</p>{_legend(aligned)}</header>\n<main>\n"
    )
    memo = RubyMemo()
    for section in aligned.sections:
        level = min(section.level + 1, 6)
        out.write(f'<section id="{_e(section.id)}" data-level="{section.level}">\n')
        if section.title.zh:
            out.write(
                f'<div class="pair heading"><h{level} class="zh" lang="zh-CN">'
                f"{_zh(section.title.zh, section.title.tokens)}</h{level}>"
                f'<h{level} class="en" lang="en">{_e(section.title.en)}</h{level}></div>\n'
            )
        for paragraph in section.paragraphs:
            out.write(_paragraph(paragraph, memo))
        out.write("</section>\n")
    out.write("</main>\n</body>\n</html>\n")
