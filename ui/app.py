"""The chat UI: a thin Gradio adapter over ``rag.ask`` (inject ``ask_fn`` in tests)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import gradio as gr

from rag.models import Answer
from ui.render import CSS, answer_markdown, sources_html

AskFn = Callable[..., Answer]

EXAMPLES = [
    "How many Wagner fighters did the rebels say they killed at Tinzaouaten?",
    "What did Wagner say about its losses?",
    "Who leads the Ghana Premier League?",
]


def _default_ask(question: str, *, history: Any = None) -> Answer:
    from rag.answer import ask

    return ask(question, history=history)


def _text(content: Any) -> str:
    """Plain text of a chat message (Gradio 6 sends a list of typed parts)."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def build_demo(
    ask_fn: AskFn | None = None, *, title: str = "Mali conflict news assistant"
) -> gr.Blocks:
    """Build the Gradio app; nothing heavy happens until the first question."""
    ask = ask_fn or _default_ask

    def respond(question: str, chat: list[dict[str, Any]] | None):
        chat = list(chat or [])
        question = (question or "").strip()
        if not question:
            return "", chat, sources_html(None)
        history = [
            {"role": "user", "content": _text(m.get("content"))}
            for m in chat
            if isinstance(m, dict) and m.get("role") == "user"
        ]
        try:
            answer = ask(question, history=history)
        except Exception as e:  # shown to the user, not swallowed
            chat += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": f"**Error:** {html.escape(str(e))}"},
            ]
            return "", chat, sources_html(None)
        chat += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer_markdown(answer)},
        ]
        return "", chat, sources_html(answer)

    with gr.Blocks(title=title) as demo:
        gr.Markdown(
            f"## {title}\nAnswers come only from the indexed articles. Every sentence cites "
            "the passage it rests on; click a marker to see it. When the sources do not answer, "
            "the assistant says so."
        )
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480, sanitize_html=True)
                question = gr.Textbox(
                    label="Question", placeholder="Ask about the articles…", lines=1
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary")
                    new_chat = gr.Button("New chat")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(sources_html(None))
        send.click(respond, [question, chatbot], [question, chatbot, sources], api_name="ask")
        question.submit(
            respond, [question, chatbot], [question, chatbot, sources], api_visibility="private"
        )
        new_chat.click(
            lambda: ("", [], sources_html(None)),
            None,
            [question, chatbot, sources],
            api_visibility="private",
        )
    return demo


def launch_kwargs(
    host: str, port: int, *, share: bool, user: str | None, password: str | None
) -> dict[str, Any]:
    """Launch options; exposing the app beyond loopback requires basic auth."""
    exposed = share or host not in ("127.0.0.1", "localhost", "::1")
    if exposed and not (user and password):
        raise ValueError(
            "serving beyond 127.0.0.1 (--share or --host) needs RAG_UI_USER and "
            "RAG_UI_PASSWORD set for basic auth"
        )
    kwargs: dict[str, Any] = {"server_name": host, "server_port": port, "share": share, "css": CSS}
    if user and password:
        kwargs["auth"] = (user, password)
    return kwargs
