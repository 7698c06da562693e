"""``python -m rag ask "..." [--json]`` and ``python -m rag eval QA.jsonl [--json]``.

``eval`` is the evaluation package's CLI (``python -m evals``), handed over unchanged.
"""

from __future__ import annotations

import argparse
import sys

from rag.errors import RagError


def _cmd_ask(args: argparse.Namespace) -> int:
    from rag.answering.assistant import ask

    answer = ask(args.question, k=args.k, as_of=args.as_of)
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


def _cmd_eval(argv: list[str]) -> int:
    """Hand ``eval ARGS`` over to ``evals``: the one place where rag's CLI imports it (lazily).

    ``rag`` never imports ``evals`` otherwise; the import happens only when eval is run.
    """
    from evals.cli import main as evals_main

    return evals_main(argv, prog="python -m rag eval")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["eval"]:  # its options are evals.cli's: hand over before parsing
        return _cmd_eval(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m rag", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    p_ask = sub.add_parser("ask", help="answer a question from the index, with citations")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true", help="print the Answer model as JSON")
    p_ask.add_argument("-k", type=int, default=None, help="chunks to retrieve")
    p_ask.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="answer as of this date: later articles unused, 'this week' is that week "
        "(default today)",
    )
    sub.add_parser(  # listed for --help; "eval ..." is handed over above, before parsing
        "eval",
        help="score the assistant on a QA JSONL file or ClapNQ ('python -m rag eval -h')",
        add_help=False,
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
        return _cmd_ask(args)
    except (RagError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
