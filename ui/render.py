"""HTML/Markdown rendering of answers and sources. All article text is HTML-escaped here."""

from __future__ import annotations

import html
import re

from rag.models import Answer, Citation

_MARK = re.compile(r"\[(\d+)\]")


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat window: escaped text, [n] markers linked to the source panel."""
    if answer.refused:
        return f"**{html.escape(answer.answer)}**"
    parts = []
    for s in answer.sentences:
        text = html.escape(s.text)
        # escape Markdown emphasis characters that article text may contain
        text = re.sub(r"([*_`\\[\]])", r"\\\1", text)
        marks = " ".join(f"[\\[{n}\\]](#src-{n})" for n in s.citations)
        flag = "" if s.supported else " ⚠ *unverified*"
        parts.append(f"{text} {marks}{flag}")
    return " ".join(parts)


def _highlight(c: Citation) -> str:
    """The passage, escaped, with the cited sentence in <mark>."""
    a = max(c.sentence_start - c.start, 0)
    b = min(c.sentence_end - c.start, len(c.text))
    if not c.sentence or a >= b:
        return html.escape(c.text)
    return (
        html.escape(c.text[:a])
        + "<mark>"
        + html.escape(c.text[a:b])
        + "</mark>"
        + html.escape(c.text[b:])
    )


def sources_html(answer: Answer | None) -> str:
    """The sources panel: one card per citation, cited sentence highlighted."""
    if answer is None:
        return "<div class='sources-empty'>Sources of the answer appear here.</div>"
    if answer.refused:
        return (
            "<div class='refusal'><b>No answer in the corpus.</b> No retrieved passage "
            "supports an answer to this question.</div>"
        )
    cards = []
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else ""
        meta = " · ".join(html.escape(x) for x in (c.source, c.published, page) if x)
        if c.carried_by:
            meta += " · also carried by " + html.escape(", ".join(c.carried_by))
        title = html.escape(c.title or c.doc_id)
        if c.url and c.url.startswith(("http://", "https://")):
            title = (
                f"<a href='{html.escape(c.url, quote=True)}' target='_blank' "
                f"rel='noopener noreferrer'>{title}</a>"
            )
        cards.append(
            f"<div class='source' id='src-{c.n}'>"
            f"<div class='source-head'><b>[{c.n}]</b> {title}"
            f"<div class='source-meta'>{meta} · chars {c.sentence_start}–{c.sentence_end}</div>"
            f"</div><p class='passage'>{_highlight(c)}</p></div>"
        )
    return "\n".join(cards)


CSS = """
.source { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin-bottom: 10px; }
.source-meta { color: #666; font-size: 0.85em; }
.passage { white-space: pre-wrap; }
.passage mark { background: #ffe58a; padding: 0 2px; }
.refusal { border-left: 4px solid #c0392b; padding: 8px 12px; background: #fdf0ef; }
"""
