"""The printed report: the overall table (reports side by side), then one table per group.

Overall rates are ``value [lo,hi] n=N`` (bootstrap 95% interval over N questions). Group cells
are ``k/n value``: k of the n questions the rate is taken on (answerable ones for correct and
cited, unanswerable ones for refusal, ...); ``-`` when there are none.
"""

from __future__ import annotations

import json
from typing import Any

from evals.metrics import GROUPS, Report, plain, summarise

KEY_WIDTH = 28
COLUMN_WIDTH = 26

# (header, metric key) of the group tables.
GROUP_COLUMNS = [
    ("n", "questions"),
    ("hit@5", "hit@5"),
    ("correct", "correct"),
    ("cited", "cited"),
    ("corr+cit", "correct_and_cited"),
    ("states", "states_answer"),
    ("cit.prec", "citation_precision"),
    ("refusal", "refusal_unanswerable"),
    ("false.ref", "false_refusal_answerable"),
    ("anywhere", "correct_anywhere"),
    ("words", "median_words"),
]
GROUP_TITLES = {
    "by_kind": "kind",
    "by_language": "question language",
    "by_doc_language": "language of the article holding the support",
}
LEGEND = """\
correct: the gold answer is in the answer's first sentence; cited: a citation of that sentence
cites an evidence sentence holding the gold support; states: the gold figure, date, name or place
is anywhere in the answer (fact questions); cit.prec: citations whose sentence holds the support
or a gold string; anywhere / cited_passage: the earlier, lenient rules (gold anywhere in the
answer; support anywhere in a cited chunk); words: median words of answers not refused."""


def _overall_cell(v: Any) -> str:
    if isinstance(v, dict):
        if v["value"] is None:
            return "n/a"
        return f"{v['value']:.3f} [{v['lo']:.2f},{v['hi']:.2f}] n={v['n']}"
    if isinstance(v, float):
        return f"{v:.3f}"
    return "n/a" if v is None else str(v)


def format_overall(reports: list[Report]) -> str:
    """Overall figures, one column per report."""
    metrics = [r.metrics() for r in reports]
    lines = [f"{'metric':{KEY_WIDTH}}" + "".join(f"{r.name:>{COLUMN_WIDTH}}" for r in reports)]
    for key, first in metrics[0].items():
        if key in GROUPS or isinstance(first, dict) and "value" not in first:
            continue
        cells = "".join(f"{_overall_cell(m[key]):>{COLUMN_WIDTH}}" for m in metrics)
        lines.append(f"{key:{KEY_WIDTH}}{cells}")
    return "\n".join(lines)


def group_cell(summary: dict[str, Any], key: str) -> str:
    """One cell of a group table: ``k/n value``, a count, a median or ``-``."""
    v = summary[key]
    if key == "citation_precision":
        n = summary["citations"]
        return "-" if v is None else f"{round(v * n)}/{n} {v:.2f}"
    if isinstance(v, dict):
        if v["value"] is None:
            return "-"
        return f"{round(v['value'] * v['n'])}/{v['n']} {v['value']:.2f}"
    if v is None:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def format_groups(report: Report, key: str) -> str:
    """The table of ``report``'s figures by one grouping (``by_kind``, ``by_language``...)."""
    groups = {g: summarise(rows, plain) for g, rows in report.groups(GROUPS[key]).items()}
    title = GROUP_TITLES[key]
    label_width = max([20, *(len(g) + 2 for g in groups)])
    widths = [6 if k == "questions" else 11 for _, k in GROUP_COLUMNS]
    head = f"{'group':{label_width}}" + "".join(
        f"{h:>{w}}" for (h, _), w in zip(GROUP_COLUMNS, widths, strict=True)
    )
    lines = [f"{report.name}, by {title}:", head]
    for g, summary in groups.items():
        cells = "".join(
            f"{group_cell(summary, k):>{w}}"
            for (_, k), w in zip(GROUP_COLUMNS, widths, strict=True)
        )
        lines.append(f"{g:{label_width}}{cells}")
    return "\n".join(lines)


def format_reports(reports: list[Report], *, groups: bool = True, legend: bool = True) -> str:
    """The overall table, then (``groups``) every report's group tables and the legend.

    A grouping with one group only (the seed file has one kind, one language) is not printed.
    """
    parts = [format_overall(reports)]
    if groups:
        for report in reports:
            parts.extend(
                format_groups(report, key)
                for key, attr in GROUPS.items()
                if len(report.groups(attr)) > 1
            )
    if legend:
        parts.append(LEGEND)
    return "\n\n".join(parts)


def reports_json(reports: list[Report]) -> str:
    """Metrics (overall, ``by_kind``, ``by_language``, ``by_doc_language``) and rows as JSON."""
    return json.dumps(
        {r.name: {"metrics": r.metrics(), "rows": [vars(x) for x in r.rows]} for r in reports},
        indent=1,
        ensure_ascii=False,
    )
