"""The "Copy answer with references (Markdown)" export: hostile article text stays inert."""

import html
import re
import string

import pytest
from markdown_it import MarkdownIt

from rag.models import Answer, AnswerSentence, Citation
from ui.render import answer_as_markdown

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[click](javascript:alert(1))"
IMAGE = "![x](http://evil/x.png)"
HOSTILE = f"Rebels said {SCRIPT} {IMG} {JS_LINK} {IMAGE} 84 died."


def _citation(n, **fields):
    sentence = fields.pop("sentence", "The rebels said they killed 84 Wagner fighters.")
    text = fields.pop("text", f"Before. {sentence} After.")
    return Citation(
        n=n,
        chunk_id=f"c{n}",
        doc_id=f"d{n}",
        text=text,
        start=0,
        end=len(text),
        sentence=sentence,
        sentence_start=8,
        sentence_end=8 + len(sentence),
        **fields,
    )


def _answer(question, sentences, citations):
    return Answer(
        question=question,
        answer=" ".join(f"{t} " + "".join(f"[{n}]" for n in ns) for t, ns in sentences),
        citations=citations,
        sentences=[AnswerSentence(text=t, citations=ns, supported=True) for t, ns in sentences],
    )


def hostile_answer():
    return _answer(
        f"Who said {SCRIPT}?",
        [(f"“{HOSTILE}”", [1]), (f"{JS_LINK} and {IMAGE} {IMG}", [2, 3])],
        [
            _citation(
                1,
                title=f"{SCRIPT}{JS_LINK}",
                source=f"{IMG} Reuters",
                url="javascript:alert(1)",
                published=f"2024-08-01{SCRIPT}",
                sentence=HOSTILE,
                carried_by=[IMAGE, SCRIPT],
            ),
            _citation(
                2,
                title=IMAGE,
                source=JS_LINK,
                # http(s), but trying to break out of the <...> autolink and the href
                url=f'https://evil.example/a"><script>alert(1)</script>](javascript:alert(1)) {IMG}',
                sentence="",  # no evidence sentence: the passage is quoted instead
                text=f"Passage {SCRIPT} {IMG} {JS_LINK} {IMAGE}",
                page=2,
            ),
            _citation(
                3,
                title=f"Multi\n\n# line\n\n{IMG}\n    title",
                url=" JavaScript:alert(1)",
                sentence=f"[1]: javascript:alert(1)\n\n{SCRIPT}",  # a link reference definition
            ),
        ],
    )


def benign_answer():
    return _answer(
        "How many died at Tinzaouaten?",
        [
            ("The rebels said they killed 84 Wagner fighters.", [1]),
            ("The army said 47 soldiers died.", [2]),
        ],
        [
            _citation(
                1,
                title="Rebels claim heavy Wagner losses",
                source="Reuters",
                published="2024-07-29",
                url="https://www.reuters.com/world/africa/mali-rebels-2024-07-29/",
            ),
            _citation(
                2,
                title="Mali army gives its toll",
                source="Sahel Post",
                published="2024-07-30",
                url="https://sahelpost.example/toll?id=3&lang=en",
                sentence="The army said 47 soldiers died.",
                page=2,
                carried_by=["AFP"],
            ),
        ],
    )


def permissive_renderers():
    """CommonMark with raw HTML on; the second one also accepts any link scheme."""
    strict = MarkdownIt("commonmark", {"html": True})
    anything = MarkdownIt("commonmark", {"html": True})
    anything.validateLink = lambda url: True  # a renderer that does not filter javascript:
    return [strict, anything]


def test_export_of_hostile_article_text_has_no_markup():
    md = answer_as_markdown(hostile_answer())
    for raw in ("<script", "<img", "](javascript:", "<javascript:", "<JavaScript:", "](", "!["):
        assert raw not in md, raw
    assert "[1]:" not in md  # no link reference definition from the article either
    # the text itself survives, escaped
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in md
    # one line per reference, the http URL percent-encoded inside its <...>
    lines = md.splitlines()
    assert [line[:3] for line in lines if line[:1].isdigit()] == ["1. ", "2. ", "3. "]
    assert lines[-1].startswith(
        "3. Multi \\# line &lt;img src=x onerror=alert\\(1\\)&gt; title JavaS"
    )
    assert (
        " <https://evil.example/a%22%3E%3Cscript%3Ealert%281%29%3C/script%3E%5D%28javascript:"
        "alert%281%29%29%20%3Cimg%20src=x%20onerror=alert%281%29%3E>: “Passage "
    ) in md


@pytest.mark.parametrize("renderer", permissive_renderers(), ids=["commonmark", "any-link"])
def test_hostile_export_renders_inert_with_html_allowed(renderer):
    out = renderer.render(answer_as_markdown(hostile_answer()))
    assert "<script" not in out and "<img" not in out
    assert 'href="javascript:' not in out.lower()
    assert all(h.startswith(("http://", "https://")) for h in re.findall(r'href="([^"]*)"', out))
    assert set(re.findall(r"</?(\w+)", out)) == {"p", "strong", "ol", "li", "a"}
    # the only link is the source's http(s) URL, and its href stays one attribute
    assert re.findall(r"<a (\w+)=", out) == ["href"]
    assert re.findall(r'href="([^"]*)"', out)[0].startswith("https://evil.example/a%22%3E")
    # the hostile text is shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "[click](javascript:alert(1))" in out and "![x](http://evil/x.png)" in out
    assert "<ol>" in out and out.count("<li>") == 3


@pytest.mark.parametrize(
    "text",
    [
        string.punctuation,
        "a\\<b>c\\&amp;d &lt;script&gt; &#60;img&#62; *em* _em_ `code` ~~del~~ | a | b |",
        "1. not a list",
        "# not a heading",
        "> not a quote",
        "    not code",
        "x\n===",
        "[a]: http://evil",
        "<http://evil> <javascript:alert(1)> www.evil.com",
        "¡ünïcode — “quotes” ‮reversed",
    ],
)
def test_question_and_answer_read_back_exactly(text):
    """Whatever the text, the rendered export shows exactly that text (whitespace collapsed)."""
    md = answer_as_markdown(Answer(question=text, answer=text))
    out = MarkdownIt("commonmark", {"html": True}).render(md)
    shown = " ".join(text.split())
    assert out == (
        f"<p><strong>Q:</strong> {html.escape(shown, quote=False)}</p>\n"
        f"<p>{html.escape(shown, quote=False)}</p>\n"
    ).replace('"', "&quot;")


def test_benign_export_is_pinned_and_readable():
    md = answer_as_markdown(benign_answer())
    assert md == (
        "**Q:** How many died at Tinzaouaten?\n"
        "\n"
        "The rebels said they killed 84 Wagner fighters\\. \\[1\\] "
        "The army said 47 soldiers died\\. \\[2\\]\n"
        "\n"
        "**Sources**\n"
        "\n"
        "1. Rebels claim heavy Wagner losses — Reuters, 2024\\-07\\-29 "
        "<https://www.reuters.com/world/africa/mali-rebels-2024-07-29/>: "
        "“The rebels said they killed 84 Wagner fighters\\.”\n"
        "2. Mali army gives its toll — Sahel Post, 2024\\-07\\-30, p\\. 2 (also carried by AFP) "
        "<https://sahelpost.example/toll?id=3&lang=en>: “The army said 47 soldiers died\\.”"
    )
    out = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "<p>The rebels said they killed 84 Wagner fighters. [1] The army said 47" in out
    assert (
        "<li>Rebels claim heavy Wagner losses — Reuters, 2024-07-29 "
        '<a href="https://www.reuters.com/world/africa/mali-rebels-2024-07-29/">'
    ) in out
    assert '<a href="https://sahelpost.example/toll?id=3&amp;lang=en">' in out
    assert "Mali army gives its toll — Sahel Post, 2024-07-30, p. 2 (also carried by AFP)" in out
    assert out.count("<li>") == 2 and "<ol>" in out


def test_export_without_answer_or_citations():
    assert answer_as_markdown(None) == ""
    refused = Answer(question="q", answer="The sources do not answer this.", refused=True)
    assert answer_as_markdown(refused) == "**Q:** q\n\nThe sources do not answer this\\."


def test_two_citations_from_one_passage_make_one_card_with_both_sentences_marked():
    from rag.models import Answer, AnswerSentence, Citation
    from ui.render import sources_html

    passage = "The rebels said they killed 84. The army said 47 soldiers died. Talks stalled."
    base = dict(chunk_id="c1", doc_id="d1", title="T", source="Reuters", url="", text=passage)
    one = Citation(n=1, start=0, end=len(passage), sentence=passage[:31], sentence_start=0,
                   sentence_end=31, **base)  # fmt: skip
    two = Citation(n=2, start=0, end=len(passage), sentence=passage[32:63], sentence_start=32,
                   sentence_end=63, **base)  # fmt: skip
    answer = Answer(
        question="q",
        answer="x [1] y [2]",
        citations=[one, two],
        sentences=[
            AnswerSentence(text="x", citations=[1], supported=True),
            AnswerSentence(text="y", citations=[2], supported=True),
        ],
    )
    html = sources_html(answer, lambda _doc: passage)
    assert html.count("class='source'") == 1  # the passage is shown once
    assert html.count("The army said 47 soldiers died.") == 1
    assert (
        "<div class='source' id='src-1'><span id='src-2'></span><div class='source-meta'>"
        "<b>[1]</b> <b>[2]</b> characters 0–31, 32–63</div>"
    ) in html
    assert (
        "<span class='passage'><mark id='mark-1'>The rebels said they killed 84.</mark> "
        "<mark id='mark-2'>The army said 47 soldiers died.</mark> Talks stalled.</span>"
    ) in html
