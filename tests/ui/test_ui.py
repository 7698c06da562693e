"""The Gradio app: rendering/escaping unit tests and gradio_client against a launched app."""

import datetime as dt
import json
import shutil
from types import SimpleNamespace

import pytest

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.index.store import Store
from rag.models import Answer, AnswerSentence, Citation
from rag.sources import SourceState, state_path, write_source_states
from tests.conftest import CORPUS
from tests.helpers.servers import free_port
from ui.app import build_demo, launch_kwargs
from ui.corpus import Corpus
from ui.render import answer_as_markdown, answer_markdown, draft_markdown, sources_html

EVIL = 'Rebels said <script>alert("x")</script> and <img src=x onerror=alert(1)> 84 died.'


def _answer(text=EVIL, **extra):
    article = "Before. " + text + " After."
    c = Citation(
        n=1,
        chunk_id="c1",
        doc_id="d1",
        title="<b>T</b>",
        source="Reuters",
        url="javascript:alert(1)",
        published="2024-08-01",
        text=article,
        start=0,
        end=len(article),
        sentence=text,
        sentence_start=8,
        sentence_end=8 + len(text),
        **extra,
    )
    return Answer(
        question="q",
        answer=f"“{text}” [1]",
        citations=[c],
        sentences=[AnswerSentence(text=f"“{text}”", citations=[1], supported=True, quoted=True)],
    )


def test_article_html_is_escaped_and_sentence_highlighted():
    html = sources_html(_answer(), lambda doc_id: "Before. " + EVIL + " After.")
    assert "<script>" not in html and "<img" not in html and "<b>T</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<mark id='mark-1'>Rebels said &lt;script&gt;" in html
    assert "javascript:" not in html  # only http(s) URLs become links
    md = answer_markdown(_answer())
    # every < and > is backslash-escaped: Markdown shows them as text, never as tags
    assert "\\<script\\>alert" in md and "\\<img src=x onerror=alert\\(1\\)\\>" in md
    assert md.replace("\\<", "").count("<") == 0
    assert md.endswith("[\\[1\\]](#src-1)\n\n*\\[1\\] Reuters, 2024\\-08\\-01*")
    assert "<script>" not in draft_markdown(EVIL) and "not yet checked" in draft_markdown(EVIL)


def test_page_and_other_outlets_are_shown():
    a = _answer("The army said 12 people died.", page=3, carried_by=["Sahel Post"])
    html = sources_html(a)
    assert "p. 3" in html and "also carried by Sahel Post" in html
    md = answer_as_markdown(a)
    assert md.splitlines()[-1] == (  # escaped, and the javascript: URL is text, not a link
        "1. &lt;b&gt;T&lt;/b&gt; — Reuters, 2024\\-08\\-01, p\\. 3 (also carried by Sahel Post) "
        "javascript:alert\\(1\\): “The army said 12 people died\\.”"
    )


def test_the_sources_table_shows_each_refresh_escaped(tmp_path):
    corpus = Corpus(SimpleNamespace(home=tmp_path))  # it reads only the home's state file
    assert "No source refreshed yet" in corpus.sources_html()
    t = dt.datetime(2025, 3, 1, 12, 30, tzinfo=dt.UTC)
    write_source_states(
        tmp_path,
        {
            "https://a.example/rss": SourceState(
                url="https://a.example/rss",
                outlet=EVIL,
                language="fr",
                result="new",
                new_articles=3,
                last_refresh=t,
                next_refresh=t + dt.timedelta(hours=6),
            ),
            "javascript:alert(1)": SourceState(
                url="javascript:alert(1)",
                outlet="Broken <b>feed</b>",
                language="en",
                result="error",
                error="HTTP 500 from <i>x</i>",
                failures=2,
            ),
        },
    )
    html = corpus.sources_html()
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "<i>" not in html and "href='javascript:" not in html  # only http(s) is a link
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert (
        "<td>fr</td><td>2025-03-01 12:30 UTC</td><td>new</td><td>3</td>"
        "<td>2025-03-01 18:30 UTC</td><td></td>"
    ) in html
    assert "<td>error</td><td>0</td><td></td><td>HTTP 500 from &lt;i&gt;x&lt;/i&gt;</td>" in html
    state_path(tmp_path).write_text("{not json")
    assert "is not a sources state file" in corpus.sources_html()


def test_refusal_looks_like_a_refusal():
    refused = Answer(
        question="q", answer="The sources in the corpus do not answer this.", refused=True
    )
    assert answer_markdown(refused) == "**The sources in the corpus do not answer this\\.**"
    assert "No answer in the corpus" in sources_html(refused)
    # a coverage refusal names an outlet: data, so no link or tag can come of it
    named = refused.model_copy(
        update={"answer": "… the newest article is from 1 May ([x](javascript:y) <b>)."}
    )
    md = answer_markdown(named)
    assert "](" not in md.replace("\\](", "") and "<b>" not in md


def test_launch_flags():
    kw = launch_kwargs("127.0.0.1", 7860, share=False, user=None, password=None)
    assert (kw["server_name"], kw["server_port"], kw["share"], "auth" in kw) == (
        "127.0.0.1",
        7860,
        False,
        False,
    )
    with pytest.raises(ValueError, match="RAG_UI_USER"):
        launch_kwargs("0.0.0.0", 7860, share=False, user=None, password=None)
    with pytest.raises(ValueError, match="RAG_UI_PASSWORD"):
        launch_kwargs("127.0.0.1", 7860, share=True, user="u", password=None)
    kw = launch_kwargs("0.0.0.0", 8000, share=False, user="u", password="p")
    assert (kw["server_name"], kw["server_port"], kw["auth"]) == ("0.0.0.0", 8000, ("u", "p"))


def launched(demo):
    port = free_port()
    kw = launch_kwargs("127.0.0.1", port, share=False, user=None, password=None)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **kw)
    return f"http://127.0.0.1:{port}/"


def _content(message):
    content = message["content"]
    return content[0]["text"] if isinstance(content, list) else content


@pytest.mark.ui
def test_gradio_client_round_trip_history_and_filters():
    from gradio_client import Client

    seen = []

    def fake_ask(question, *, history=None, filters=None, as_of=None):
        seen.append((question, [m["content"] for m in history or []], filters, as_of))
        return _answer("The rebels said they killed 84.")

    demo = build_demo(fake_ask)
    url = launched(demo)
    try:
        client = Client(url, verbose=False)
        _, chat, sources, md = client.predict("first?", [], [], "", "", "", api_name="/ask")
        assert _content(chat[-1]) == (
            "“The rebels said they killed 84\\.” [\\[1\\]](#src-1)"
            "\n\n*\\[1\\] Reuters, 2024\\-08\\-01*"  # every source with its date
        )
        assert "<mark id='mark-1'>The rebels said they killed 84.</mark>" in sources
        assert md.startswith("**Q:** q") and "1. &lt;b&gt;T&lt;/b&gt; — Reuters" in md
        client.predict(
            "second?", chat, ["Reuters"], "2024-07-01", "", "2024-08-02", api_name="/ask"
        )
        assert seen == [
            ("first?", [], None, None),
            (
                "second?",
                ["first?"],
                {"sources": ["Reuters"], "date_from": "2024-07-01"},
                "2024-08-02",
            ),
        ]
    finally:
        demo.close()


@pytest.fixture
def app_on_index(tmp_path, settings, fake_embedder):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    ingest_paths([corpus_dir], settings=settings, embedder=fake_embedder)
    assistant = Assistant(settings, embedder=fake_embedder, use_llm=False)
    corpus = Corpus(Store(settings, fake_embedder), ingest_paths)
    demo = build_demo(
        stream_fn=assistant.ask_stream,
        corpus=corpus,
        feedback_path=settings.home / "feedback.jsonl",
    )
    url = launched(demo)
    yield url, settings
    demo.close()


@pytest.mark.ui
def test_refusal_upload_ingest_filters_and_feedback(app_on_index, tmp_path):
    from gradio_client import Client, handle_file

    url, settings = app_on_index
    client = Client(url, verbose=False)
    _, chat, sources, _ = client.predict(
        "Who won the Ghana football league title?", [], [], "", "", "", api_name="/ask"
    )
    assert "do not answer" in _content(chat[-1]) and "No answer in the corpus" in sources

    upload = tmp_path / "gao-floods.md"
    upload.write_text(
        "---\ntitle: Floods in Gao\nsource: Sahel Post\npublished: 2024-09-10\n---\n"
        "Floods in Gao destroyed more than 300 homes on Monday, the regional civil protection "
        "office said in a statement, and families were sheltering in schools.\n"
    )
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00binary")
    status, errors, table, coverage, _ = client.predict(
        [handle_file(str(upload)), handle_file(str(tmp_path / "bad.txt"))],
        "",
        False,
        api_name="/ingest",
    )
    assert status.startswith("Done: 2 files, 1 articles indexed")
    assert "bad.txt" in errors and "binary file" in errors
    assert "Floods in Gao" in [row[1] for row in table["data"]]
    assert coverage == "2 articles from 2024-08-01 to 2024-09-10"

    q = "How many homes did the floods in Gao destroy?"
    _, chat, _, _ = client.predict(q, [], [], "", "", "", api_name="/ask")
    assert "300 homes" in _content(chat[-1])
    _, chat, _, _ = client.predict(q, [], ["Reuters"], "", "", "", api_name="/ask")
    assert "do not answer" in _content(chat[-1])  # the outlet filter hides the Gao article
    _, chat, _, _ = client.predict(q, [], [], "", "2024-08-31", "", api_name="/ask")
    assert "do not answer" in _content(chat[-1])  # so does the date range

    assert client.predict("useful", api_name="/feedback_up").startswith("Thanks")
    record = json.loads((settings.home / "feedback.jsonl").read_text().splitlines()[-1])
    assert (record["verdict"], record["comment"], record["question"]) == ("up", "useful", q)

    assert "No source refreshed yet" in client.predict(api_name="/sources")
    write_source_states(
        settings.home,
        {"https://a.example/rss": SourceState(url="https://a.example/rss", outlet="RFI")},
    )
    assert ">RFI</a>" in client.predict(api_name="/sources")

    gao = next(row[0] for row in table["data"] if row[1] == "Floods in Gao")
    msg, table, coverage, _ = client.predict(gao, api_name="/remove")
    assert msg == f"Removed {gao}" and coverage.startswith("1 articles")


def test_an_upload_never_replaces_another_of_the_same_name(tmp_path):
    """Two files called story.txt (one batch or two) are two uploads; the same file again is
    one; a sidecar goes beside the article it belongs to."""
    from ui.corpus import place_uploads

    a, b, c = (tmp_path / d for d in "abc")
    for folder, text in ((a, "Report A"), (b, "Report B"), (c, "Report C")):
        folder.mkdir()
        (folder / "story.txt").write_text(text)
    (c / "story.meta.yaml").write_text("title: C\n")
    up = tmp_path / "uploads"
    first = place_uploads([str(a / "story.txt"), str(b / "story.txt")], up)
    assert [p.read_text() for p in first] == ["Report A", "Report B"]
    assert len(set(first)) == 2
    again = place_uploads([str(a / "story.txt")], up)
    assert again == first[:1]  # unchanged: ingest finds it so
    later = place_uploads([str(c / "story.meta.yaml"), str(c / "story.txt")], up)
    article, sidecar = sorted(later, key=lambda p: p.name.endswith(".meta.yaml"))
    assert article.read_text() == "Report C" and article not in first
    assert sidecar.parent == article.parent
    assert {p.read_text() for p in up.rglob("story.txt")} == {"Report A", "Report B", "Report C"}
