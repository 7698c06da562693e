"""evals.tables: the printed overall and per-group tables, and the JSON, from hand-made rows."""

import json

from evals.metrics import Report, Row
from evals.tables import GROUP_COLUMNS, format_groups, format_overall, format_reports, reports_json


def _row(i: int, **kw) -> Row:
    base = dict(
        id=f"q{i}",
        answerable=True,
        refused=False,
        correct=True,
        cited=True,
        seconds=1.0,
        citations_ok=1,
        citations_total=1,
        sentences_cited=1,
        sentences_total=1,
        answer="a",
        hit_rank=-1,
        words=10,
    )
    return Row(**{**base, **kw})


def _sahel_rows() -> list[Row]:
    return [
        _row(0, kind="number", language="en", doc_language="en", hit_rank=1),
        _row(1, kind="number", language="en", doc_language="fr", hit_rank=None, correct=False),
        _row(2, kind="who", language="fr", doc_language="fr", hit_rank=2, cited=False),
        _row(
            3, kind="near_miss", answerable=False, refused=True, citations_ok=0, citations_total=0
        ),
        _row(4, kind="near_miss", answerable=False, citations_ok=0, citations_total=0, words=8),
    ]


def test_overall_table_lines():
    ours = Report("ours", [_row(0, hit_rank=1), _row(1, answerable=False, refused=True)])
    naive = Report("naive", [_row(0, hit_rank=None, cited=False), _row(1, answerable=False)])
    lines = format_overall([ours, naive]).splitlines()
    keys = [k for k, v in ours.metrics().items() if not k.startswith("by_")]
    assert [line.split()[0] for line in lines] == ["metric", *keys]
    assert keys[:4] == ["questions", "answerable", "unanswerable", "hit@1"]
    assert lines[0] == f"{'metric':28}{'ours':>26}{'naive':>26}"
    by_key = {line.split()[0]: line for line in lines}
    assert by_key["questions"] == f"{'questions':28}{'2':>26}{'2':>26}"
    assert by_key["hit@1"] == (
        f"{'hit@1':28}{'1.000 [1.00,1.00] n=1':>26}{'0.000 [0.00,0.00] n=1':>26}"
    )
    assert by_key["mrr@10"] == f"{'mrr@10':28}{'1.000':>26}{'0.000':>26}"
    assert by_key["refusal_unanswerable"].endswith(
        f"{'1.000 [1.00,1.00] n=1':>26}{'0.000 [0.00,0.00] n=1':>26}"
    )
    assert by_key["cited"].endswith(f"{'1.000 [1.00,1.00] n=1':>26}{'0.000 [0.00,0.00] n=1':>26}")
    assert all(len(line) == 28 + 2 * 26 for line in lines)


def test_overall_table_writes_n_a_for_missing_figures():
    by_key = {line.split()[0]: line for line in format_overall([Report("ours")]).splitlines()}
    assert by_key["correct"] == f"{'correct':28}{'n/a':>26}"
    assert by_key["median_seconds"] == f"{'median_seconds':28}{'n/a':>26}"
    assert by_key["questions"] == f"{'questions':28}{'0':>26}"


def test_group_table_by_kind_has_counts_and_rates():
    lines = format_groups(Report("ours", _sahel_rows()), "by_kind").splitlines()
    assert lines[0] == "ours, by kind:"
    assert lines[1].split() == ["group", *(h for h, _ in GROUP_COLUMNS)]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert list(rows) == ["number", "who", "near_miss"]
    # n, hit@5, correct, cited, corr+cit, states, cit.prec, refusal, false.ref, anywhere, words
    assert rows["number"][0] == "2"
    assert rows["number"][1:3] == ["1/2", "0.50"]  # hit@5
    assert rows["number"][3:5] == ["1/2", "0.50"]  # correct
    assert rows["who"][5:7] == ["0/1", "0.00"]  # cited
    # unanswerable: only the refusal rate and the length of the answer given
    assert rows["near_miss"] == ["2", *["-"] * 6, "1/2", "0.50", "-", "-", "8"]
    assert len({len(line) for line in lines[1:]}) == 1  # aligned


def test_group_tables_by_question_and_article_language():
    report = Report("ours", _sahel_rows())
    by_language = format_groups(report, "by_language").splitlines()
    assert by_language[0] == "ours, by question language:"
    assert [line.split()[:2] for line in by_language[2:]] == [["en", "4"], ["fr", "1"]]
    by_doc = format_groups(report, "by_doc_language").splitlines()
    assert by_doc[0] == "ours, by language of the article holding the support:"
    assert [line.split()[0] for line in by_doc[2:]] == ["en", "fr", "none"]


def test_format_reports_prints_groups_per_report_but_not_single_group_ones():
    sahel = format_reports([Report("ours", _sahel_rows()), Report("naive", _sahel_rows())])
    for name in ("ours", "naive"):
        for title in ("kind", "question language", "language of the article holding"):
            assert f"{name}, by {title}" in sahel
    assert "correct: the gold answer is in the answer's first sentence" in sahel
    seed = format_reports([Report("ours", [_row(0), _row(1)])])  # one kind, one language
    assert "by kind" not in seed and "by question language" not in seed
    assert seed.startswith("metric")
    assert format_reports([Report("ours")], groups=False, legend=False) == format_overall(
        [Report("ours")]
    )


def test_reports_json_has_overall_and_group_sections_and_rows():
    data = json.loads(reports_json([Report("ours", _sahel_rows()), Report("naive")]))
    assert set(data) == {"ours", "naive"}
    m = data["ours"]["metrics"]
    assert m["questions"] == 5 and {"by_kind", "by_language", "by_doc_language"} <= set(m)
    assert m["by_kind"]["number"]["correct"] == {"value": 0.5, "n": 2}
    assert m["by_language"]["fr"]["questions"] == 1
    assert data["ours"]["rows"][0]["kind"] == "number" and data["naive"]["rows"] == []
