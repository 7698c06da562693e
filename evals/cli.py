"""``python -m evals QA.jsonl | --clapnq DIR | --sahel DIR [--split dev|test|all]`` and options.

Options: ``[--baseline naive] [--limit N] [--json] [-v] [--no-llm]``. Scores the assistant on a
QA file against the current index ($RAG_HOME), or on ClapNQ or the Sahel news benchmark
(evals/data/sahel) in a temporary index of its own, and prints the metrics tables: overall, then
by question kind and language (``--json``: metrics and rows). See evals/metrics.py for the
definitions.
``python -m evals calibrate ...`` sweeps the answerability thresholds (see evals/calibrate.py);
``python -m evals fit ...`` fits the evidence-score weights on the Sahel dev split (evals/fit.py).
``python -m rag eval ...`` is the same command, handed over from rag's CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rag.errors import RagError

if TYPE_CHECKING:  # imported when run: --help and usage errors stay quick
    from evals.metrics import QAItem, Row
    from rag.answering.assistant import Assistant


def build_parser(prog: str = "python -m evals") -> argparse.ArgumentParser:
    """The evaluation command's options (shared by ``python -m rag eval``)."""
    p = argparse.ArgumentParser(
        prog=prog,
        description="Score the assistant on a QA JSONL file, on ClapNQ or on the Sahel news "
        "benchmark. "
        "'python -m evals calibrate -h': the threshold sweep.",
    )
    p.add_argument("qa", nargs="?", help="QA file (see evals/metrics.py for the format)")
    p.add_argument(
        "--clapnq", metavar="DIR", help="score ClapNQ (its 600 passages in a temporary index)"
    )
    p.add_argument(
        "--sahel",
        metavar="DIR",
        help="score the Sahel news benchmark (evals/data/sahel) in a temporary index",
    )
    p.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="test",
        help="Sahel questions to use (default: test; tune on dev only)",
    )
    p.add_argument(
        "--questions",
        default="questions.jsonl",
        metavar="FILE",
        help="the benchmark's question file, in its folder (default questions.jsonl; "
        "time_questions.jsonl: the questions asked as of a date)",
    )
    p.add_argument(
        "--time-off",
        action="store_true",
        help="answer with time handling off (as-of dates and periods ignored), for comparison",
    )
    p.add_argument(
        "--one-support",
        action="store_true",
        help="Sahel: grade citations against each question's one gold support, ignoring "
        "supports.jsonl (the other sentences stating the answer; the older, stricter rule)",
    )
    p.add_argument("--baseline", choices=["naive"], help="also run the textbook LangChain pipeline")
    p.add_argument(
        "--limit",
        type=int,
        help="questions to use (per ClapNQ file; Sahel: taken in turn from each kind)",
    )
    p.add_argument("--json", action="store_true", help="metrics and rows as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per question")
    p.add_argument(
        "--no-llm", action="store_true", help="quotes only (evidence selection and refusals)"
    )
    return p


@contextmanager
def _progress_bar(name: str, total: int, *, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr fed by ``evaluate``'s progress callback; off unless ``enabled``."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="question", desc=name, disable=not enabled, file=sys.stderr)
    try:

        def update(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        yield update
    finally:
        bar.close()


@contextmanager
def _assistant(args: argparse.Namespace) -> Iterator[tuple[Assistant, list[QAItem]]]:
    """The assistant to score and its questions: a benchmark in a temporary index, or the QA file."""
    from rag.answering.assistant import Assistant, get_assistant

    if args.sahel:
        from evals.datasets import build_temp_index, load_sahel

        articles, items = load_sahel(
            args.sahel,
            args.split,
            limit=args.limit,
            questions=args.questions,
            other_supports=not args.one_support,
        )
        with build_temp_index(articles, progress=not args.json, prefix="rag-sahel-") as index:
            settings = index.settings
            if args.time_off:
                answer = settings.answer.model_copy(update={"time_aware": False})
                settings = settings.model_copy(update={"answer": answer})
            yield Assistant(settings, embedder=index.embedder, use_llm=not args.no_llm), items
        return

    if args.clapnq:
        from evals.datasets import build_temp_index, load_clapnq

        articles, items = load_clapnq(args.clapnq, limit=args.limit)
        with build_temp_index(articles, progress=not args.json, prefix="rag-clapnq-") as index:
            yield Assistant(index.settings, embedder=index.embedder, use_llm=not args.no_llm), items
        return
    from evals.metrics import load_qa

    items = load_qa(args.qa)
    if args.limit:
        items = items[: args.limit]
    assistant = get_assistant()
    if args.no_llm:
        assistant = Assistant(assistant.settings, embedder=assistant.embedder, use_llm=False)
    yield assistant, items


def _verbose_line(name: str, r: Row) -> str:
    """One question: what the answer got right, then its start."""
    if r.refused:
        flag = "refused" if not r.answerable else "REFUSED"
    elif not r.answerable:
        flag = "ANSWERED"
    else:
        flag = ("correct" if r.correct else "WRONG") + ("+cited" if r.cited else "")
    answer = " ".join(r.answer.split())[:150]
    note = " [note]" if r.notes else ""
    return f"{name:6} {flag:15} {r.id:24} {r.kind[:12]:12} {r.seconds:5.1f}s{note}  {answer}"


def run(args: argparse.Namespace) -> int:
    """Evaluate as ``args`` say and print the report; returns the exit status."""
    from evals.metrics import Report, evaluate
    from evals.tables import format_reports, reports_json

    show_progress = not args.json and sys.stderr.isatty()
    with _assistant(args) as (assistant, items):
        llm = assistant.llm  # load the model before timing starts
        with _progress_bar("ours", len(items), enabled=show_progress) as progress:
            reports: list[Report] = [
                evaluate(
                    items,
                    assistant.ask,
                    retrieve_fn=lambda q: [r.chunk for r in assistant.retriever.retrieve(q, k=10)],
                    progress=progress,
                )
            ]
        if args.baseline == "naive":
            from evals.baseline import NaiveRAG

            store = assistant.store
            arts = [a for d in store.documents() if (a := store.article(d)) is not None]
            naive = NaiveRAG(arts, embedder=assistant.embedder, llm=llm)  # type: ignore[arg-type]
            with _progress_bar("naive", len(items), enabled=show_progress) as progress:
                reports.append(
                    evaluate(
                        items,
                        naive.ask,
                        name="naive",
                        retrieve_fn=naive.retrieve,
                        progress=progress,
                    )
                )
    if args.json:
        print(reports_json(reports))
        return 0
    if args.verbose:
        for report in reports:
            for r in report.rows:
                print(_verbose_line(report.name, r))
        print()
    print(format_reports(reports))
    return 0


def main(argv: list[str] | None = None, *, prog: str = "python -m evals") -> int:
    """Run the evaluation CLI (or ``calibrate ...``); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["fit"]:
        from evals import fit

        return fit.main(argv[1:], prog=f"{prog} fit")
    if argv[:1] == ["calibrate"]:
        from evals import calibrate

        return calibrate.main(argv[1:], prog=f"{prog} calibrate")
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if sum(bool(x) for x in (args.qa, args.clapnq, args.sahel)) != 1:
        print("error: give one of a QA file, --clapnq DIR or --sahel DIR", file=sys.stderr)
        return 2
    try:
        return run(args)
    except (RagError, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
