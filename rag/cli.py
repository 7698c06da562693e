"""``python -m rag ask "..." [--json]`` and ``python -m rag eval QA.jsonl [--json]``."""

from __future__ import annotations

import argparse
import os
import sys

from rag.errors import RagError


def _cmd_ask(args: argparse.Namespace) -> int:
    from rag.answer import ask

    answer = ask(args.question, k=args.k)
    if args.json:
        print(answer.model_dump_json(indent=1))
        return 0
    print(answer.answer)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.source, c.published, c.title) if x)
        print(f"\n[{c.n}] {meta}\n    “{c.sentence}” (chars {c.sentence_start}-{c.sentence_end})")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from rag.answer import get_assistant
    from rag.evaluate import evaluate, format_reports, load_qa, reports_json

    items = load_qa(args.qa)
    assistant = get_assistant()
    if not args.no_llm:
        assistant.llm  # noqa: B018 - load the model before timing starts
    report = evaluate(
        items,
        lambda q: assistant.ask(q),
        embedder=assistant.embedder,
        min_support_similarity=assistant.settings.answer.min_support_similarity,
        progress=None if args.json else lambda i, n: print(f"\r{i}/{n}", end="", file=sys.stderr),
    )
    if args.json:
        print(reports_json([report]))
        return 0
    print(file=sys.stderr)
    if args.verbose:
        for r in report.rows:
            flag = "REFUSED" if r.refused else ("ok" if r.correct and r.cited else "WRONG")
            print(f"{flag:8} {r.id:24} {r.seconds:5.1f}s  {r.answer[:150]}")
        print()
    print(format_reports([report]))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m rag", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    p_ask = sub.add_parser("ask", help="answer a question from the index, with citations")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true", help="print the Answer model as JSON")
    p_ask.add_argument("-k", type=int, default=None, help="chunks to retrieve")
    p_eval = sub.add_parser("eval", help="score the assistant on a QA JSONL file")
    p_eval.add_argument("qa", help="QA file (see rag/evaluate.py for the format)")
    p_eval.add_argument("--json", action="store_true")
    p_eval.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    p_eval.add_argument("--no-llm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command is None:
        from rag.settings import get_settings

        home = get_settings().home
        if not (home / "chroma").exists():
            print(
                f"error: no index at {home.resolve()}: run 'make demo' or "
                "'python -m ingest corpus/' first",
                file=sys.stderr,
            )
            return 2
        parser.print_help()
        return 2
    try:
        return int(_cmd_ask(args) if args.command == "ask" else _cmd_eval(args))
    except RagError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
