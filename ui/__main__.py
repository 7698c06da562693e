"""``python -m ui [--host 127.0.0.1] [--port 7860] [--share]``.

Defaults and the basic-auth login come from the ``ui`` settings (:class:`rag.settings.UISettings`):
``RAG_UI__HOST``, ``RAG_UI__PORT``, ``RAG_UI__USER``, ``RAG_UI__PASSWORD``, or the older
``RAG_UI_HOST``, ``RAG_UI_PORT``, ``RAG_UI_USER``, ``RAG_UI_PASSWORD``.
"""

from __future__ import annotations

import argparse
import os
import sys

from rag.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Start the chat UI; returns the exit status."""
    try:
        ui = get_settings().ui
    except ValueError as e:  # pydantic's ValidationError: a bad RAG_* variable
        print(f"error: {e}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m ui", description="Start the chat UI.")
    parser.add_argument("--host", default=ui.host)
    parser.add_argument("--port", type=int, default=ui.port)
    parser.add_argument("--share", action="store_true", help="public Gradio link (needs auth)")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

    from ingest.pipeline import ingest_paths  # composition root: the UI package imports rag only
    from rag.answering.assistant import get_assistant
    from rag.errors import RagError
    from ui.app import build_demo, launch_kwargs
    from ui.corpus import Corpus

    try:
        kwargs = launch_kwargs(
            args.host,
            args.port,
            share=args.share,
            user=ui.user,
            password=ui.password.get_secret_value() if ui.password else None,
        )
        assistant = get_assistant()  # open the index now: a missing one is a clear error
        assistant.llm  # noqa: B018 - load the model before the first question
    except (RagError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"Chat UI on http://{args.host}:{args.port}", flush=True)
    demo = build_demo(
        stream_fn=assistant.ask_stream,
        corpus=Corpus(assistant.store, ingest_paths),
        feedback_path=assistant.settings.home / "feedback.jsonl",
    )
    demo.queue(default_concurrency_limit=4).launch(**kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
