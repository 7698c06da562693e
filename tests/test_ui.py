"""The Gradio app: rendering/escaping unit tests and gradio_client against a launched app."""

import socket

import pytest

from rag.models import Answer, AnswerSentence, Citation
from ui.app import build_demo, launch_kwargs
from ui.render import answer_markdown, sources_html

EVIL = 'Rebels said <script>alert("x")</script> and <img src=x onerror=alert(1)> 84 died.'


def _answer(text=EVIL):
    c = Citation(
        n=1,
        chunk_id="c1",
        doc_id="d1",
        title="<b>T</b>",
        source="Reuters",
        url="javascript:alert(1)",
        published="2024-08-01",
        text="Before. " + text + " After.",
        start=100,
        end=100 + len(text) + 15,
        sentence=text,
        sentence_start=108,
        sentence_end=108 + len(text),
    )
    return Answer(
        question="q",
        answer=f"“{text}” [1]",
        citations=[c],
        sentences=[AnswerSentence(text=f"“{text}”", citations=[1], supported=True, quoted=True)],
    )


def test_article_html_is_escaped_and_sentence_highlighted():
    html = sources_html(_answer())
    assert "<script>" not in html and "<img" not in html and "<b>T</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<mark>Rebels said &lt;script&gt;" in html
    assert "javascript:" not in html  # only http(s) URLs become links
    md = answer_markdown(_answer())
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "[\\[1\\]](#src-1)" in md


def test_refusal_looks_like_a_refusal():
    refused = Answer(
        question="q", answer="The sources in the corpus do not answer this.", refused=True
    )
    assert answer_markdown(refused) == "**The sources in the corpus do not answer this.**"
    assert "No answer in the corpus" in sources_html(refused)


def test_launch_flags():
    assert (
        launch_kwargs("127.0.0.1", 7860, share=False, user=None, password=None)["server_name"]
        == "127.0.0.1"
    )
    with pytest.raises(ValueError, match="RAG_UI_USER"):
        launch_kwargs("0.0.0.0", 7860, share=False, user=None, password=None)
    with pytest.raises(ValueError, match="RAG_UI_PASSWORD"):
        launch_kwargs("127.0.0.1", 7860, share=True, user="u", password=None)
    kw = launch_kwargs("0.0.0.0", 8000, share=False, user="u", password="p")
    assert (kw["server_name"], kw["server_port"], kw["auth"]) == ("0.0.0.0", 8000, ("u", "p"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launched(ask_fn):
    demo = build_demo(ask_fn)
    port = free_port()
    demo.queue().launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True
    )
    return demo, f"http://127.0.0.1:{port}/"


@pytest.mark.ui
def test_gradio_client_round_trip_with_history():
    from gradio_client import Client

    seen = []

    def fake_ask(question, *, history=None):
        seen.append((question, [m["content"] for m in history or []]))
        return _answer("The rebels said they killed 84.")

    demo, url = launched(fake_ask)
    try:
        client = Client(url, verbose=False)
        _, chat, sources = client.predict("first?", [], api_name="/ask")
        content = chat[-1]["content"]
        text = content[0]["text"] if isinstance(content, list) else content
        assert text == "“The rebels said they killed 84.” [\\[1\\]](#src-1)"
        assert "<mark>The rebels said they killed 84.</mark>" in sources
        client.predict("second?", chat, api_name="/ask")
        assert seen == [("first?", []), ("second?", ["first?"])]
    finally:
        demo.close()
