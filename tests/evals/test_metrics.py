"""evals.metrics on hand-made questions, answers and rows: no index, no model."""

import json

import pytest

from evals.metrics import (
    QAItem,
    Report,
    Row,
    evaluate,
    first_hit,
    format_reports,
    is_cited,
    is_correct,
    load_qa,
    reports_json,
)
from rag.models import Answer, AnswerSentence, Chunk, Citation

TOLL = QAItem(
    id="toll",
    question="How many Wagner fighters did the rebels say they killed?",
    any=["84", "eighty-four"],
    all=["Wagner"],
    support="killed at least 84 Russian Wagner mercenaries",
)
PASSAGE = "The rebels said they killed at least 84 Russian Wagner mercenaries and 47 soldiers."
QUOTE = "The rebels said they killed at least 84 Russian Wagner mercenaries."


def _citation(n: int, text: str = PASSAGE, sentence: str = QUOTE) -> Citation:
    return Citation(
        n=n, chunk_id=f"c{n}", doc_id="doc-1", text=text, start=0, end=len(text), sentence=sentence
    )


def _answer(text: str, *, refused: bool = False, citations=(), sentences=(), seconds=1.0):
    return Answer(
        question="q",
        answer=text,
        refused=refused,
        citations=list(citations),
        sentences=list(sentences),
        seconds=seconds,
    )


def _chunk(i: int, text: str, doc_id: str = "doc-x") -> Chunk:
    return Chunk(id=f"c{i}", doc_id=doc_id, index=i, text=text, start=0, end=len(text))


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
    )
    return Row(**{**base, **kw})


# -- correct / cited / hit -------------------------------------------------------------------
def test_correct_needs_every_all_string_one_any_string_and_no_refusal():
    assert is_correct(TOLL, _answer("The REBELS said 84 wagner fighters died [1]."))
    assert not is_correct(TOLL, _answer("The rebels said 84 fighters died [1]."))  # no "Wagner"
    assert not is_correct(TOLL, _answer("Wagner lost 50 fighters [1]."))  # no "any" string
    assert not is_correct(TOLL, _answer("Wagner: 84.", refused=True))
    # no "any" list: "all" alone decides; apostrophes and spacing are normalised
    item = QAItem(id="x", question="?", all=["Mali's  army"])
    assert is_correct(item, _answer("Mali’s army withdrew."))


def test_cited_needs_a_citation_whose_passage_holds_the_support():
    assert is_cited(TOLL, _answer("84 [1].", citations=[_citation(1)]))
    other = _citation(1, text="Wagner said it lost fighters in the ambush.")
    assert not is_cited(TOLL, _answer("84 [1].", citations=[other]))
    assert not is_cited(TOLL, _answer("84."))
    no_support = TOLL.model_copy(update={"support": ""})
    assert not is_cited(no_support, _answer("84 [1].", citations=[_citation(1)]))


def test_first_hit_is_the_rank_of_the_support_or_the_gold_document():
    chunks = [_chunk(0, "Nothing here."), _chunk(1, PASSAGE.upper()), _chunk(2, PASSAGE)]
    assert first_hit(TOLL, chunks) == 2
    assert first_hit(TOLL, chunks[:1]) is None
    gold = QAItem(id="g", question="?", doc_id="doc-gold")
    assert first_hit(gold, [_chunk(0, "x"), _chunk(1, "y", doc_id="doc-gold")]) == 2


def test_load_qa_skips_blank_lines_and_names_a_bad_line(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps(TOLL.model_dump()) + "\n\n" + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{path}:3: not a valid QA line"):
        load_qa(path)
    path.write_text(json.dumps(TOLL.model_dump()) + "\n\n", encoding="utf-8")
    assert load_qa(path) == [TOLL]


# -- evaluate: one row per question --------------------------------------------------------
def test_evaluate_scores_correct_cited_refused_and_citation_precision(fake_embedder):
    unanswerable = QAItem(id="league", question="Who leads the league?", answerable=False)
    answers = {
        TOLL.question: _answer(
            f"“{QUOTE}” [1] The rebels said they killed 90 Wagner fighters [1].",
            citations=[_citation(1)],
            sentences=[
                AnswerSentence(text=f"“{QUOTE}”", citations=[1], supported=True, quoted=True),
                # 90 is not in the cited sentence: a citation that does not support its sentence
                AnswerSentence(
                    text="The rebels said they killed 90 Wagner fighters.",
                    citations=[1],
                    supported=False,
                ),
            ],
            seconds=2.0,
        ),
        unanswerable.question: _answer(
            "The sources in the corpus do not answer this.", refused=True, seconds=0.5
        ),
    }
    calls = []
    report = evaluate(
        [TOLL, unanswerable],
        lambda q: answers[q],
        embedder=fake_embedder,
        min_support_similarity=0.5,
        retrieve_fn=lambda q: [_chunk(0, "Nothing."), _chunk(1, PASSAGE)],
        progress=lambda i, n: calls.append((i, n)),
    )
    assert calls == [(1, 2), (2, 2)]
    toll, league = report.rows
    assert (toll.correct, toll.cited, toll.refused, toll.hit_rank) == (True, True, False, 2)
    assert (toll.citations_ok, toll.citations_total) == (1, 2)
    assert (toll.sentences_cited, toll.sentences_total, toll.seconds) == (2, 2, 2.0)
    assert (league.correct, league.cited, league.refused) == (False, False, True)
    assert league.hit_rank == -1  # unanswerable: retrieval not measured
    m = report.metrics()
    assert m["questions"] == 2
    assert m["correct_and_cited"]["value"] == 1.0 and m["correct_and_cited"]["n"] == 1
    assert m["refusal_unanswerable"]["value"] == 1.0
    assert m["false_refusal_answerable"]["value"] == 0.0
    assert m["citation_precision"] == 0.5
    assert (m["hit@1"]["value"], m["hit@5"]["value"], m["mrr@10"]) == (0.0, 1.0, 0.5)


# -- Report: bootstrap intervals and aggregates --------------------------------------------
def test_bootstrap_interval_is_deterministic_with_seed_0():
    rows = [_row(i, correct=i < 7) for i in range(10)]
    first = Report("ours", rows).metrics()["correct"]
    again = Report("ours", [_row(i, correct=i < 7) for i in range(10)]).metrics()["correct"]
    assert first == again
    # pinned: random.Random(0), 1000 resamples, 2.5th and 97.5th percentiles
    assert first == {"value": 0.7, "lo": 0.4, "hi": 1.0, "n": 10}
    assert first["lo"] <= first["value"] <= first["hi"]


def test_rates_with_no_rows_are_none_and_constant_rates_have_no_spread():
    m = Report("ours", [_row(i) for i in range(5)]).metrics()
    assert m["correct"] == {"value": 1.0, "lo": 1.0, "hi": 1.0, "n": 5}
    assert m["refusal_unanswerable"] == {"value": None, "n": 0}
    assert m["mrr@10"] is None and m["hit@1"] == {"value": None, "n": 0}  # ranks not measured
    empty = Report("ours").metrics()
    assert empty["questions"] == 0 and empty["median_seconds"] is None
    assert empty["citation_precision"] is None and empty["sentences_with_citation"] is None


def test_metrics_aggregate_ranks_citations_and_times():
    rows = [
        _row(0, hit_rank=1, seconds=1.0, citations_ok=2, citations_total=2),
        _row(1, hit_rank=4, seconds=3.0, citations_ok=0, citations_total=1, correct=False),
        _row(2, hit_rank=None, seconds=2.0, citations_total=1, sentences_cited=0),
        _row(3, answerable=False, refused=True, correct=False, cited=False, seconds=10.0),
    ]
    m = Report("ours", rows).metrics()
    assert m["hit@1"]["value"] == pytest.approx(1 / 3) and m["hit@1"]["n"] == 3
    assert m["hit@5"]["value"] == pytest.approx(2 / 3)
    assert m["mrr@10"] == pytest.approx((1 + 0.25 + 0) / 3)
    assert m["correct"]["value"] == pytest.approx(2 / 3) and m["correct"]["n"] == 3
    assert m["refusal_unanswerable"]["value"] == 1.0 and m["refusal_unanswerable"]["n"] == 1
    assert m["citation_precision"] == pytest.approx(4 / 5)
    assert m["sentences_with_citation"] == pytest.approx(3 / 4)
    assert (m["median_seconds"], m["p95_seconds"]) == (2.5, 10.0)


# -- output --------------------------------------------------------------------------------
def test_format_reports_lines():
    ours = Report("ours", [_row(0, hit_rank=1), _row(1, answerable=False, refused=True)])
    naive = Report("naive", [_row(0, hit_rank=None, cited=False), _row(1, answerable=False)])
    lines = format_reports([ours, naive]).splitlines()
    assert [line.split()[0] for line in lines] == ["metric", *ours.metrics()]
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
    assert by_key["median_seconds"] == f"{'median_seconds':28}{'1.000':>26}{'1.000':>26}"
    assert all(len(line) == 28 + 2 * 26 for line in lines)


def test_format_reports_writes_n_a_for_missing_figures():
    lines = format_reports([Report("ours")]).splitlines()
    by_key = {line.split()[0]: line for line in lines}
    assert by_key["correct"] == f"{'correct':28}{'n/a':>26}"
    assert by_key["median_seconds"] == f"{'median_seconds':28}{'n/a':>26}"
    assert by_key["questions"] == f"{'questions':28}{'0':>26}"


def test_reports_json_has_metrics_and_rows_per_report():
    data = json.loads(reports_json([Report("ours", [_row(0)]), Report("naive")]))
    assert set(data) == {"ours", "naive"}
    assert data["ours"]["metrics"]["questions"] == 1
    assert data["ours"]["rows"][0]["id"] == "q0" and data["naive"]["rows"] == []
