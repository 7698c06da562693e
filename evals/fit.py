"""Fit the evidence-score weights on the Sahel benchmark's dev split (never on test).

    python -m evals fit --sahel evals/data/sahel [--cache FILE]

For every answerable dev question whose gold support is among the candidate sentences, the
weights of :data:`rag.answering.evidence.SIGNALS` are fitted so that a sentence holding the
support scores highest (a listwise softmax over the question's candidates, L2-regularised).
Prints the weights (scaled so their absolute values sum to 1, the scale the other thresholds
use), top-1 accuracy with the current settings and the fitted weights, and the same for a
5-fold split of the dev questions (fitted on four folds, scored on the fifth) to show how much
of the gain is fitting noise. Copy the weights into ``AnswerSettings`` by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from evals.calibrate import scored
from evals.datasets import build_temp_index, load_sahel
from evals.grading import QAItem, support_in
from rag.answering.assistant import Assistant
from rag.answering.evidence import SIGNALS
from rag.embeddings import get_embedder
from rag.settings import Settings

L2 = 0.01
STEPS = 3000
RATE = 0.5
FOLDS = 5


def candidates(assistant: Assistant, items: list[QAItem]) -> list[dict]:
    """Per question: each candidate's signals and whether it holds the gold support."""
    out = []
    for it in items:
        found = scored(assistant, it.question)
        out.append(
            {
                "id": it.id,
                "answerable": it.answerable,
                "x": [[e.signals[s] for s in SIGNALS] for e in found],
                "y": [bool(it.support) and support_in(it.support, e.text) for e in found],
            }
        )
    return out


def fit(groups: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Weights maximising the softmax probability of the gold candidates, per question."""
    w = np.zeros(len(SIGNALS))
    for _ in range(STEPS):
        grad = L2 * w
        for x, y in groups:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            gold = y / y.sum()
            grad -= (gold - p) @ x / len(groups)
        w -= RATE * grad
    return w / max(np.abs(w).sum(), 1e-9)


def top1(groups: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> float:
    """Share of questions whose best-scored candidate holds the support."""
    return sum(bool(y[int(np.argmax(x @ w))]) for x, y in groups) / max(len(groups), 1)


def main(argv: list[str] | None = None, *, prog: str = "python -m evals fit") -> int:
    """Collect signals (or read --cache), fit, print; returns the exit status."""
    p = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    p.add_argument("--sahel", required=True, metavar="DIR", help="evals/data/sahel")
    p.add_argument("--cache", metavar="FILE", help="signals JSON (reused when present)")
    args = p.parse_args(argv)
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        rows = json.loads(cache.read_text())
    else:
        articles, items = load_sahel(args.sahel, "dev")
        embedder = get_embedder()
        with build_temp_index(articles, settings=Settings(), embedder=embedder) as index:
            assistant = Assistant(index.settings, embedder=embedder, use_llm=False)
            rows = candidates(assistant, items)
        if cache:
            cache.write_text(json.dumps(rows))
    groups = [
        (np.asarray(r["x"], dtype=float), np.asarray(r["y"], dtype=float))
        for r in rows
        if r["answerable"] and any(r["y"])
    ]
    settings = Settings().answer
    current = np.asarray([getattr(settings, f"weight_{s}") for s in SIGNALS])
    w = fit(groups)
    print(f"{len(groups)} dev questions with the support among the candidates")
    for name, a, b in zip(SIGNALS, current, w, strict=True):
        print(f"  weight_{name:<18} current {a:+.3f}   fitted {b:+.3f}")
    print(f"top-1 on dev: current {top1(groups, current):.3f}, fitted {top1(groups, w):.3f}")
    held = []
    for k in range(FOLDS):
        train = [g for i, g in enumerate(groups) if i % FOLDS != k]
        test = [g for i, g in enumerate(groups) if i % FOLDS == k]
        held.append((top1(test, fit(train)) * len(test), top1(test, current) * len(test)))
    n = len(groups)
    print(
        f"top-1, {FOLDS}-fold within dev: fitted {sum(h[0] for h in held) / n:.3f}, "
        f"current {sum(h[1] for h in held) / n:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
