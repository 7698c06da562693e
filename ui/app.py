"""The chat UI: a thin Gradio adapter over ``rag`` (inject ``ask_fn``/``stream_fn`` in tests)."""

from __future__ import annotations

import datetime as dt
import html
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.models import Answer
from ui.corpus import Corpus
from ui.render import CSS, HEAD, answer_as_markdown, answer_markdown, draft_markdown, sources_html

AskFn = Callable[..., Answer]
StreamFn = Callable[..., Iterator[str | Answer]]

EXAMPLES = [
    "How many Wagner fighters did the rebels say they killed at Tinzaouaten?",
    "What did Wagner say about its losses?",
    "Who leads the Ghana Premier League?",
]
TABLE_HEADERS = ["id", "title", "outlet", "date", "chunks", "also carried by"]


def _text(content: Any) -> str:
    """Plain text of a chat message (Gradio 6 sends a list of typed parts)."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def _filters(sources: list[str] | None, date_from: str, date_to: str) -> dict[str, Any] | None:
    f: dict[str, Any] = {}
    if sources:
        f["sources"] = list(sources)
    if date_from and date_from.strip():
        f["date_from"] = date_from.strip()
    if date_to and date_to.strip():
        f["date_to"] = date_to.strip()
    return f or None


def build_demo(
    ask_fn: AskFn | None = None,
    *,
    stream_fn: StreamFn | None = None,
    corpus: Corpus | None = None,
    feedback_path: Path | None = None,
    title: str = "Mali conflict news assistant",
) -> gr.Blocks:
    """Build the Gradio app; nothing heavy happens until the first question."""
    if stream_fn is None:
        if ask_fn is None:
            from rag.answering.assistant import get_assistant

            def stream_fn(question: str, **kw: Any) -> Iterator[str | Answer]:
                return get_assistant().ask_stream(question, **kw)
        else:
            one = ask_fn

            def stream_fn(question: str, **kw: Any) -> Iterator[str | Answer]:
                yield one(question, **kw)

    stream = stream_fn
    article_text = corpus.article_text if corpus else None

    def respond(question, chat, sources, date_from, date_to, as_of=""):
        chat = list(chat or [])
        question = (question or "").strip()
        if not question:
            yield "", chat, gr.skip(), gr.skip(), gr.skip()
            return
        history = [
            {"role": "user", "content": _text(m.get("content"))}
            for m in chat
            if isinstance(m, dict) and m.get("role") == "user"
        ]
        chat = [*chat, {"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
        yield "", chat, gr.skip(), gr.skip(), gr.skip()
        try:
            filters = _filters(sources, date_from, date_to)
            when = (as_of or "").strip() or None
            for item in stream(question, history=history, filters=filters, as_of=when):
                if isinstance(item, Answer):
                    chat[-1] = {"role": "assistant", "content": answer_markdown(item)}
                    yield (
                        "",
                        chat,
                        sources_html(item, article_text),
                        answer_as_markdown(item),
                        item.model_dump(mode="json"),
                    )
                else:
                    chat[-1] = {"role": "assistant", "content": draft_markdown(item)}
                    yield "", chat, gr.skip(), gr.skip(), gr.skip()
        except Exception as e:  # shown to the user, not swallowed
            chat[-1] = {"role": "assistant", "content": f"**Error:** {html.escape(str(e))}"}
            yield "", chat, sources_html(None), "", None

    def feedback(verdict: str, comment: str, last: dict[str, Any] | None) -> str:
        if not last:
            return "Ask a question first."
        if feedback_path is None:
            return "Feedback is not recorded in this app."
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "verdict": verdict,
            "comment": comment or "",
            "question": last.get("question"),
            "answer": last.get("answer"),
            "refused": last.get("refused"),
            "citations": [
                {k: c.get(k) for k in ("n", "doc_id", "chunk_id", "source", "sentence")}
                for c in last.get("citations", [])
            ],
        }
        feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with feedback_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"Thanks — recorded as {verdict}."

    with gr.Blocks(title=title) as demo:
        gr.Markdown(
            f"## {title}\nAnswers come only from the indexed articles. Every sentence cites "
            "the passage it rests on — click a marker to open it. When the sources do not "
            "answer, the assistant says so."
        )
        coverage = gr.Markdown(corpus.coverage() if corpus else "")
        last_answer = gr.State(None)
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=460, sanitize_html=True)
                question = gr.Textbox(
                    label="Question", placeholder="Ask about the articles…", lines=1
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    new_chat = gr.Button("New chat")
                with gr.Accordion("Filters", open=False):
                    sources = gr.Dropdown(
                        choices=corpus.sources() if corpus else [],
                        multiselect=True,
                        label="Outlets (none = all)",
                        allow_custom_value=True,
                    )
                    with gr.Row():
                        date_from = gr.Textbox(label="From (YYYY-MM-DD)")
                        date_to = gr.Textbox(label="To (YYYY-MM-DD)")
                    as_of = gr.Textbox(
                        label="As of (YYYY-MM-DD): 'this week', 'latest' and later articles "
                        "are read against this date (empty: today)"
                    )
                gr.Examples(EXAMPLES, inputs=question)
                with gr.Accordion("Copy answer with references (Markdown)", open=False):
                    markdown = gr.Textbox(show_label=False, lines=6, buttons=["copy"])
                with gr.Row():
                    up = gr.Button("Helpful", size="sm")
                    down = gr.Button("Wrong or unhelpful", size="sm")
                    comment = gr.Textbox(show_label=False, placeholder="Optional comment", scale=3)
                feedback_status = gr.Markdown()
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources_panel = gr.HTML(sources_html(None), elem_id="sources")
        inputs = [question, chatbot, sources, date_from, date_to, as_of]
        outputs = [question, chatbot, sources_panel, markdown, last_answer]
        send.click(respond, inputs, outputs, api_name="ask")
        question.submit(respond, inputs, outputs, api_visibility="private")
        new_chat.click(
            lambda: ("", [], sources_html(None), "", None),
            None,
            outputs,
            api_visibility="private",
        )
        up.click(
            lambda c, last: feedback("up", c, last),
            [comment, last_answer],
            feedback_status,
            api_name="feedback_up",
        )
        down.click(
            lambda c, last: feedback("down", c, last),
            [comment, last_answer],
            feedback_status,
            api_name="feedback_down",
        )
        if corpus is not None:
            _corpus_tab(corpus, coverage, sources)
    return demo


def _corpus_tab(corpus: Corpus, coverage: gr.Markdown, sources: gr.Dropdown) -> None:
    """Articles table, upload / URLs ingest in the background, remove, refreshed sources."""

    def refreshed() -> tuple[Any, ...]:
        return (
            corpus.rows(),
            corpus.coverage(),
            gr.update(choices=corpus.sources()),
        )

    def ingest(files, urls_text, allow_private):
        paths = [str(getattr(f, "name", f)) for f in files or []]
        urls = [u.strip() for u in (urls_text or "").splitlines() if u.strip()]
        if not paths and not urls:
            yield "Nothing to ingest: add files or URLs.", "", *refreshed()
            return
        try:
            corpus.start_ingest(paths, urls, allow_private=bool(allow_private))
        except RuntimeError as e:
            yield f"**{html.escape(str(e))}**", "", *refreshed()
            return
        t0 = time.monotonic()
        while corpus.busy:
            yield (
                f"Ingesting {len(paths) + len(urls)} sources… {corpus.progress} "
                f"({time.monotonic() - t0:.0f} s)",
                "",
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
            time.sleep(0.5)
        if corpus.failure:
            yield f"**Ingest failed:** {html.escape(corpus.failure)}", "", *refreshed()
            return
        report = corpus.result
        errors = "\n".join(str(e) for e in getattr(report, "errors", []))
        notes = "\n".join(f"note: {n}" for n in getattr(report, "skipped", []))
        summary = report.summary() if hasattr(report, "summary") else str(report)
        yield f"Done: {summary}", "\n".join(x for x in (errors, notes) if x), *refreshed()

    def remove(doc_id: str) -> tuple[Any, ...]:
        removed = corpus.remove(doc_id or "")
        msg = f"Removed {', '.join(removed)}" if removed else f"No article {doc_id!r}"
        return (msg, *refreshed())

    with gr.Tab("Corpus"):
        table = gr.Dataframe(
            value=corpus.rows(), headers=TABLE_HEADERS, interactive=False, wrap=True
        )
        with gr.Row():
            with gr.Column():
                files = gr.File(label="Upload articles", file_count="multiple")
                urls = gr.Textbox(label="URLs or feeds (one per line)", lines=3)
                allow_private = gr.Checkbox(label="Allow URLs on private/local addresses")
                go = gr.Button("Ingest", variant="primary")
                status = gr.Markdown()
                errors = gr.Textbox(label="Problems (one per file or record)", lines=6)
            with gr.Column():
                doc_id = gr.Textbox(label="Article id to remove")
                rm = gr.Button("Remove article", variant="stop")
                rm_status = gr.Markdown()
        go.click(
            ingest,
            [files, urls, allow_private],
            [status, errors, table, coverage, sources],
            api_name="ingest",
        )
        rm.click(remove, [doc_id], [rm_status, table, coverage, sources], api_name="remove")
        gr.Markdown(
            "### Sources\nFeeds and pages kept current by `python -m ingest --sources "
            "corpus/sources.yaml [--watch]`."
        )
        # a callable value is read again at every page load
        feeds = gr.HTML(corpus.sources_html, elem_id="source-states")
        reload = gr.Button("Reload sources", size="sm")
        reload.click(corpus.sources_html, None, feeds, api_name="sources")


def launch_kwargs(
    host: str, port: int, *, share: bool, user: str | None, password: str | None
) -> dict[str, Any]:
    """Launch options; exposing the app beyond loopback requires basic auth."""
    exposed = share or host not in ("127.0.0.1", "localhost", "::1")
    if exposed and not (user and password):
        raise ValueError(
            "serving beyond 127.0.0.1 (--share or --host) needs RAG_UI_USER and "
            "RAG_UI_PASSWORD (or RAG_UI__USER and RAG_UI__PASSWORD) set for basic auth"
        )
    kwargs: dict[str, Any] = {
        "server_name": host,
        "server_port": port,
        "share": share,
        "css": CSS,
        "head": HEAD,
    }
    if user and password:
        kwargs["auth"] = (user, password)
    return kwargs
