"""Sweep the answerability thresholds over ClapNQ, the seed QA set and the Sahel dev split.

Whole sets, never single questions: prints refusal / false-refusal rates for each setting.

    python -m evals calibrate --clapnq ../shared/data/clapnq --seed tests/data/seed_qa.jsonl

The seed set is scored against the current index ($RAG_HOME); ClapNQ gets its own index under
--clapnq-home (built once, reused). The signals are cached in --cache: delete it to recompute.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from evals.datasets import build_temp_index, load_clapnq, load_sahel
from evals.metrics import QAItem, load_qa
from rag.answering.assistant import Assistant, condense
from rag.embeddings import get_embedder
from rag.models import Evidence
from rag.settings import Settings, get_settings


def scored(assistant: Assistant, question: str) -> list[Evidence]:
    """Every candidate sentence for ``question``, scored as ``ask`` scores them, thresholds off."""
    loose = assistant.settings.answer.model_copy(
        update={"min_coverage": 0.0, "min_similarity": -1.0, "min_answerability": -1.0}
    )
    standalone = condense(question, None)
    results = assistant.retriever.retrieve(standalone.query)
    return assistant.select(question, results, extra_terms=standalone.carried, settings=loose)[1]


def signals(assistant: Assistant, items: list[QAItem]) -> list[dict]:
    """Every scored candidate sentence per question, thresholds off."""
    return [
        {
            "answerable": it.answerable,
            "cands": [
                (e.type_ok, e.coverage, e.similarity) for e in scored(assistant, it.question)
            ],
        }
        for it in items
    ]


def rates(rows: list[dict], cov: float, sim: float, total: float) -> tuple[float, float]:
    """(refusal on unanswerable, false refusal on answerable)."""

    def answers(r: dict) -> bool:
        return any(t and c >= cov and s >= sim and c + s >= total for t, c, s in r["cands"])

    una = [r for r in rows if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    return (
        sum(not answers(r) for r in una) / max(len(una), 1),
        sum(not answers(r) for r in ans) / max(len(ans), 1),
    )


def main(argv: list[str] | None = None, *, prog: str = "python -m evals calibrate") -> int:
    """Compute signals once (or read them from --cache), then sweep; returns the exit status."""
    p = argparse.ArgumentParser(
        prog=prog,
        description="Sweep the answerability thresholds over ClapNQ and the seed QA set.",
    )
    p.add_argument("--clapnq", required=True, metavar="DIR", help="the ClapNQ folder")
    p.add_argument(
        "--sahel",
        metavar="DIR",
        help="also sweep the Sahel benchmark's dev split (evals/data/sahel; never test)",
    )
    p.add_argument(
        "--clapnq-home",
        default="/tmp/rag-clapnq-calibration",
        metavar="DIR",
        help="ClapNQ's own index (built once, reused)",
    )
    p.add_argument("--seed", required=True, metavar="QA", help="the seed QA file ($RAG_HOME index)")
    p.add_argument(
        "--cache",
        default="/tmp/rag-calibration-signals.json",
        metavar="FILE",
        help="computed signals (reused when present)",
    )
    args = p.parse_args(argv)
    cache = Path(args.cache)
    if cache.exists():
        data = json.loads(cache.read_text())
    else:
        embedder = get_embedder()
        articles, items = load_clapnq(args.clapnq)
        with build_temp_index(
            articles, settings=Settings(), embedder=embedder, home=args.clapnq_home, progress=True
        ) as clap_index:
            clap_assistant = Assistant(clap_index.settings, embedder=embedder, use_llm=False)
            clap = signals(clap_assistant, items)
        seed_assistant = Assistant(get_settings(), embedder=embedder, use_llm=False)
        seed = signals(seed_assistant, load_qa(args.seed))
        data = {"clapnq": clap, "seed": seed}
        if args.sahel:
            sahel_articles, sahel_items = load_sahel(args.sahel, "dev")
            with build_temp_index(
                sahel_articles, settings=Settings(), embedder=embedder, progress=True
            ) as sahel_index:
                sahel_assistant = Assistant(sahel_index.settings, embedder=embedder, use_llm=False)
                data["sahel"] = signals(sahel_assistant, sahel_items)
        cache.write_text(json.dumps(data))
    sets = [k for k in ("clapnq", "seed", "sahel") if k in data]
    print(
        f"{'cov':>5} {'sim':>5} {'sum':>5} | "
        + " | ".join(f"{k + ' refuse/false':>20}" for k in sets)
    )
    grid = itertools.product(
        [0.3, 0.35, 0.4, 0.45, 0.5, 0.55], [0.2, 0.3, 0.4], [0.0, 0.9, 0.95, 1.0, 1.05, 1.1]
    )
    for cov, sim, total in grid:
        cells = []
        for k in sets:
            refuse, false = rates(data[k], cov, sim, total)
            cells.append(f"{refuse:12.3f} {false:7.3f}")
        print(f"{cov:5.2f} {sim:5.2f} {total:5.2f} | " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
