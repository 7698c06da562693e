"""``python -m rag ask "..." [--json]`` and ``python -m rag eval QA.jsonl [--json]``."""

from __future__ import annotations

import argparse
import os
import sys

from rag.errors import RagError


def _cmd_ask(args: argparse.Namespace) -> int:
    from rag.answering.assistant import ask

    answer = ask(args.question, k=args.k)
    if args.json:
        print(answer.model_dump_json(indent=1))
        return 0
    print(answer.answer)
    for note in answer.notes:
        print(f"({note})")
    for c in answer.citations:
        page = f"p. {c.page}" if c.page else ""
        meta = ", ".join(x for x in (c.source, c.published, c.title, page) if x)
        if c.carried_by:
            meta += f" (also carried by {', '.join(c.carried_by)})"
        print(f"\n[{c.n}] {meta}\n    “{c.sentence}” (chars {c.sentence_start}-{c.sentence_end})")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from evals.metrics import Report, evaluate, format_reports, load_qa, reports_json
    from rag.answering.assistant import Assistant, get_assistant

    if not args.qa and not args.clapnq:
        print("error: give a QA file or --clapnq DIR", file=sys.stderr)
        return 2
    tmp = None
    if args.clapnq:
        from evals.datasets import load_clapnq
        from rag.embeddings import get_embedder
        from rag.index.indexing import index_articles
        from rag.index.store import Store
        from rag.settings import get_settings

        articles, items = load_clapnq(args.clapnq, limit=args.limit)
        tmp = tempfile.TemporaryDirectory(prefix="rag-clapnq-")
        settings = get_settings().model_copy(update={"home": tmp.name})
        embedder = get_embedder(settings.embedding)
        store = Store(settings, embedder, create=True)
        print(f"indexing {len(articles)} ClapNQ passages into {tmp.name}", file=sys.stderr)
        index_articles(store, articles, settings=settings, progress=not args.json)
        assistant = Assistant(settings, embedder=embedder, use_llm=not args.no_llm)
    else:
        items = load_qa(args.qa)
        if args.limit:
            items = items[: args.limit]
        assistant = get_assistant()
        if args.no_llm:
            assistant = Assistant(assistant.settings, embedder=assistant.embedder, use_llm=False)
    llm = assistant.llm  # load the model before timing starts

    def progress(i: int, n: int) -> None:
        if not args.json:
            print(f"\r{i}/{n}", end="", file=sys.stderr, flush=True)

    reports: list[Report] = [
        evaluate(
            items,
            lambda q: assistant.ask(q),
            embedder=assistant.embedder,
            min_support_similarity=assistant.settings.answer.min_support_similarity,
            retrieve_fn=lambda q: [r.chunk for r in assistant.retriever.retrieve(q, k=10)],
            progress=progress,
        )
    ]
    if args.baseline == "naive":
        from evals.baseline import NaiveRAG

        store = assistant.store
        arts = [a for d in store.documents() if (a := store.article(d)) is not None]
        naive = NaiveRAG(arts, embedder=assistant.embedder, llm=llm)  # type: ignore[arg-type]
        reports.append(
            evaluate(
                items,
                naive.ask,
                embedder=assistant.embedder,
                min_support_similarity=assistant.settings.answer.min_support_similarity,
                name="naive",
                retrieve_fn=naive.retrieve,
                progress=progress,
            )
        )
    if tmp is not None:
        tmp.cleanup()
    if args.json:
        print(reports_json(reports))
        return 0
    print(file=sys.stderr)
    if args.verbose:
        for report in reports:
            for r in report.rows:
                flag = "REFUSED" if r.refused else ("ok" if r.correct and r.cited else "WRONG")
                print(f"{report.name:6} {flag:8} {r.id:24} {r.seconds:5.1f}s  {r.answer[:150]}")
        print()
    print(format_reports(reports))
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
    p_eval.add_argument("qa", nargs="?", help="QA file (see rag/evaluate.py for the format)")
    p_eval.add_argument(
        "--clapnq", metavar="DIR", help="score ClapNQ (its 600 passages in a temporary index)"
    )
    p_eval.add_argument(
        "--baseline", choices=["naive"], help="also run the textbook LangChain pipeline"
    )
    p_eval.add_argument("--limit", type=int, help="questions (per ClapNQ file) to use")
    p_eval.add_argument("--json", action="store_true", help="metrics and rows as JSON")
    p_eval.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    p_eval.add_argument(
        "--no-llm", action="store_true", help="quotes only (evidence selection and refusals)"
    )
    sub.add_parser(
        "doctor",
        help="check Python, CPU, packages, models, the index and a one-token LLM run",
    )
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from rag import doctor

        return 1 if doctor.run().problems else 0
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
