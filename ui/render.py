"""HTML/Markdown rendering of answers and sources. All article text is HTML-escaped here."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote

from rag.models import Answer, Citation
from rag.sources import SourceState

ArticleText = Callable[[str], str]


_MD_SYNTAX = re.compile(r"[\\`*_{}\[\]()#+\-.!|<>&~]")
# What an http(s) URL may keep as is inside ``<...>``; anything else is percent-encoded.
_URL_UNSAFE = re.compile(r"[^\w\-.~:/?#@!$&+,;=%]")


def _md_escape(text: str, *, entities: bool = False) -> str:
    r"""Text shown literally by Markdown.

    Every syntax character is backslash-escaped, so ``<script>`` arrives as text, never as a
    tag (the chat also sanitises its HTML). With ``entities``, ``<``, ``>`` and ``&`` become
    HTML entities instead: every Markdown flavour shows those as text, while some
    (Markdown.pl, Python-Markdown) do not honour ``\<``.
    """

    def one(m: re.Match[str]) -> str:
        if entities and m[0] in "<>&":
            return html.escape(m[0], quote=False)
        return "\\" + m[0]

    return _MD_SYNTAX.sub(one, text)


def _is_http(url: str) -> bool:
    """Only http(s) URLs become links; any other scheme (``javascript:``) stays text."""
    return url.startswith(("http://", "https://"))


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat window: escaped text, [n] markers linked to the source panel."""
    if answer.refused:  # may name outlets and the question's words: data, escaped
        return f"**{_md_escape(answer.answer, entities=True)}**"
    parts = []
    for s in answer.sentences:
        marks = " ".join(f"[\\[{n}\\]](#src-{n})" for n in s.citations)
        flag = "" if s.supported else " ⚠ *not verified against its source*"
        parts.append(f"{_md_escape(s.text)} {marks}{flag}")
    notes = "".join(f"\n\n*({_md_escape(n)})*" for n in answer.notes)
    # a timeline is a list, one dated event per line; any other answer is running text
    body = "\n".join(f"- {p}" for p in parts) if answer.timeline else " ".join(parts)
    return body + _source_dates(answer) + notes


def _source_dates(answer: Answer) -> str:
    """Each cited source's outlet and publication date, after the answer."""
    if not answer.citations:
        return ""
    cells = [
        _md_escape(f"[{c.n}] {c.source or c.title or c.doc_id}, {c.published or 'undated'}")
        for c in answer.citations
    ]
    as_of = f" · as of {_md_escape(answer.as_of)}" if answer.as_of else ""
    return "\n\n*" + " · ".join(cells) + as_of + "*"


def draft_markdown(draft: str) -> str:
    """A draft while the model writes: visibly unverified."""
    return f"{_md_escape(draft)}\n\n*(drafting — not yet checked against the sources)*"


def answer_as_markdown(answer: Answer | None) -> str:
    """The answer with its references, for copying into notes or a report.

    Everything that comes from the question or the articles (the answer quotes them) is
    escaped and kept on one line, so no Markdown or HTML renderer makes a tag, an image or a
    link out of it; the only links are the http(s) URLs of the sources, as ``<url>``.
    """
    if answer is None:
        return ""

    def text(s: str) -> str:
        return _md_escape(" ".join(s.split()), entities=True)

    lines = [f"**Q:** {text(answer.question)}", ""]
    if answer.timeline:  # the list stays a list: one event per line
        lines += [
            f"- {text(e.text)} {''.join(f'[{n}]' for n in e.citations)}" for e in answer.timeline
        ]
    else:
        lines.append(text(answer.answer))
    if answer.as_of:
        lines += ["", f"*(as of {text(answer.as_of)})*"]
    lines += [f"*({text(n)})*" for n in answer.notes]
    if answer.citations:
        lines += ["", "**Sources**", ""]
    for c in answer.citations:
        meta = ", ".join(
            text(x) for x in (c.source, c.published, f"p. {c.page}" if c.page else "") if x
        )
        meta = f" — {meta}" if meta else ""
        also = f" (also carried by {text(', '.join(c.carried_by))})" if c.carried_by else ""
        if _is_http(c.url):
            link = f" <{_URL_UNSAFE.sub(lambda m: quote(m[0]), c.url)}>"
        else:
            link = f" {text(c.url)}" if c.url.strip() else ""
        cited = c.sentence or c.text
        quoted = f": “{text(cited)}”" if cited.strip() else ""
        lines.append(f"{c.n}. {text(c.title or c.doc_id)}{meta}{also}{link}{quoted}")
    return "\n".join(lines)


def _context(cites: list[Citation], article: str) -> str:
    """The article, escaped, the cited passage marked and each cited sentence in it highlighted.

    ``cites`` share one passage (chunk); each sentence gets its own ``mark-N`` anchor.
    """
    c = cites[0]
    if not article or article[c.start : c.end] != c.text:
        article, offset = c.text, c.start  # article gone or changed: the passage alone
    else:
        offset = 0
    a, b = c.start - offset, c.end - offset
    spans: list[tuple[int, int, int]] = []  # (start, end, n), in text order, not overlapping
    for x in sorted(cites, key=lambda x: (x.sentence_start, x.n)):
        sa, sb = max(x.sentence_start - offset, a), min(x.sentence_end - offset, b)
        if not x.sentence or sa >= sb or (spans and sa < spans[-1][1]):
            sa = sb = max(a, spans[-1][1] if spans else a)  # an anchor without highlight
        spans.append((sa, sb, x.n))
    out = [html.escape(article[:a]), "<span class='passage'>"]
    pos = a
    for sa, sb, n in spans:
        out += [html.escape(article[pos:sa]), f"<mark id='mark-{n}'>"]
        out += [html.escape(article[sa:sb]), "</mark>"]
        pos = sb
    out += [html.escape(article[pos:b]), "</span>", html.escape(article[b:])]
    return "".join(out)


def sources_html(answer: Answer | None, article_text: ArticleText | None = None) -> str:
    """The sources panel: passages grouped by article, each in its article's context."""
    if answer is None:
        return "<div class='sources-empty'>Sources of the answer appear here.</div>"
    if answer.refused:
        return (
            "<div class='refusal'><b>No answer in the corpus.</b> No retrieved passage "
            "supports an answer to this question, so none is given.</div>"
        )
    groups: dict[str, list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault(c.doc_id, []).append(c)
    out = []
    for doc_id, cites in groups.items():
        first = cites[0]
        title = html.escape(first.title or doc_id)
        if _is_http(first.url):
            title = (
                f"<a href='{html.escape(first.url, quote=True)}' target='_blank' "
                f"rel='noopener noreferrer'>{title}</a>"
            )
        meta = " · ".join(html.escape(x) for x in (first.source, first.published) if x)
        also = (
            f"<div class='also'>also carried by {html.escape(', '.join(first.carried_by))}</div>"
            if first.carried_by
            else ""
        )
        article = article_text(doc_id) if article_text else ""
        passages: dict[str, list[Citation]] = {}  # one card per passage, every citation in it
        for c in cites:
            passages.setdefault(c.chunk_id, []).append(c)
        cards = []
        for group in passages.values():
            c = group[0]
            page = f" · p. {c.page}" if c.page else ""
            numbers = " ".join(f"<b>[{x.n}]</b>" for x in group)
            spans = ", ".join(f"{x.sentence_start}–{x.sentence_end}" for x in group)
            # the card answers to its first number; the others are anchors inside it
            anchors = "".join(f"<span id='src-{x.n}'></span>" for x in group[1:])
            cards.append(
                f"<div class='source' id='src-{c.n}'>{anchors}<div class='source-meta'>"
                f"{numbers} characters {spans}{page}</div>"
                f"<div class='context'>{_context(group, article)}</div></div>"
            )
        out.append(
            f"<div class='article'><div class='article-head'>{title}"
            f"<div class='article-meta'>{meta}</div>{also}</div>{''.join(cards)}</div>"
        )
    return "\n".join(out)


def _when(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else ""


def source_states_html(states: list[SourceState], *, problem: str = "") -> str:
    """The sources table of the corpus tab: last refresh, result, new articles, next refresh.

    Every value is data (outlet names, URLs, server error messages) and is escaped.
    """
    if problem:
        return f"<div class='refusal'>{html.escape(problem)}</div>"
    if not states:
        return (
            "<div class='sources-empty'>No source refreshed yet: run <code>python -m ingest "
            "--sources corpus/sources.yaml</code> (add <code>--watch</code> to keep it "
            "current).</div>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("outlet", "lang", "last refresh", "result", "new", "next refresh", "problem")
    )
    rows = []
    for st in sorted(states, key=lambda s: (s.outlet.lower(), s.url)):
        outlet = html.escape(st.outlet or st.url)
        if _is_http(st.url):
            outlet = (
                f"<a href='{html.escape(st.url, quote=True)}' target='_blank' "
                f"rel='noopener noreferrer'>{outlet}</a>"
            )
        problem_text = st.error or (
            f"{len(st.problems)} entries failed: {st.problems[0]}" if st.problems else ""
        )
        cells = [
            outlet,
            html.escape(st.language),
            _when(st.last_refresh),
            html.escape(st.result or ""),
            str(st.new_articles),
            _when(st.next_refresh),
            html.escape(problem_text),
        ]
        rows.append(
            f"<tr class='source-{html.escape(st.result or 'none').replace(' ', '-')}'>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    return f"<table class='source-states'><tr>{head}</tr>{''.join(rows)}</table>"


CSS = """
.article { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
.article-meta, .source-meta, .also { color: #666; font-size: 0.85em; }
.source { margin-top: 8px; }
.source.active { outline: 2px solid #f0b429; border-radius: 6px; }
.context { white-space: pre-wrap; max-height: 240px; overflow: auto; font-size: 0.92em;
           border-left: 3px solid #eee; padding-left: 8px; }
.context .passage { background: #f4f8ff; }
.context mark { background: #ffe58a; padding: 0 2px; }
.refusal { border-left: 4px solid #c0392b; padding: 8px 12px; background: #fdf0ef; }
.source-states td, .source-states th { padding: 2px 8px; text-align: left; font-size: 0.9em; }
.source-states .source-error td { color: #c0392b; }
"""

# Clicking a [n] marker in the chat opens that source: scroll to its card and its sentence.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[href^='#src-']");
  if (!link) return;
  event.preventDefault();
  const n = link.getAttribute("href").slice(5);
  const anchor = document.getElementById("src-" + n);
  const card = anchor && anchor.closest(".source");
  if (!card) return;
  document.querySelectorAll(".source.active").forEach((el) => el.classList.remove("active"));
  card.classList.add("active");
  card.scrollIntoView({block: "start"});
  const mark = document.getElementById("mark-" + n);
  if (mark) {
    const box = mark.closest(".context");
    box.scrollTop = mark.offsetTop - box.offsetTop - 20;
  }
}, true);
</script>
"""
