"""Time with the real parts: bundled MiniLM and e5, embedded Chroma, real claims at ingest.

The six-week set (evals/data/weeks: fictional articles over six weeks of overlapping stories)
is indexed once; the same question is then asked as of each week's Sunday.
"""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.settings import Settings

pytestmark = pytest.mark.slow

WEEKS = Path(__file__).resolve().parents[2] / "evals" / "data" / "weeks"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, real_embedder):
    settings = Settings(home=tmp_path_factory.mktemp("weeks-index"))
    report = ingest_paths([WEEKS / "articles"], settings=settings, embedder=real_embedder)
    assert (report.articles, len(report.errors)) == (23, 0)
    return Assistant(settings, embedder=real_embedder, use_llm=False)


def _questions(template: str) -> list[dict]:
    rows = [json.loads(line) for line in (WEEKS / "questions.jsonl").read_text().splitlines()]
    return [q for q in rows if q.get("template") == template]


@pytest.mark.parametrize("template", ["toll", "fuel"])
def test_the_same_question_as_of_each_sunday_is_answered_from_that_week(assistant, template):
    answered = {}
    for q in _questions(template):
        sunday = date.fromisoformat(q["as_of"])
        monday = sunday - timedelta(days=6)
        ans = assistant.ask(q["question"], as_of=q["as_of"])
        assert ans.as_of == q["as_of"]
        if ans.refused:
            continue
        # only that week's reports are used, and every source shows its date
        days = [date.fromisoformat(c.published) for c in ans.citations]
        assert days and all(monday <= d <= sunday for d in days), (q["id"], days)
        answered[q["week"]] = ans.answer
    assert len(answered) >= 3, answered  # at least half the weeks
    assert len(set(answered.values())) == len(answered)  # each week its own answer


def test_without_time_handling_later_weeks_leak_into_the_first(assistant):
    q = _questions("fuel")[0]
    off = assistant.settings.model_copy(deep=True)
    off.answer.time_aware = False
    blind = Assistant(off, embedder=assistant.embedder, use_llm=False)
    aware = assistant.ask(q["question"], as_of=q["as_of"])
    plain = blind.ask(q["question"], as_of=q["as_of"])
    assert aware.citations and all(c.published <= q["as_of"] for c in aware.citations)
    assert any(c.published > q["as_of"] for c in plain.citations)


def test_a_week_after_the_corpus_ends_is_refused_saying_what_the_newest_report_is(assistant):
    ans = assistant.ask(
        "How many people were killed around Bandiéla this week?", as_of="2025-11-02"
    )
    assert ans.refused and ans.citations == []
    assert "do not cover “this week” (27 October 2025 to 2 November 2025)" in ans.answer
    assert "the newest article on this is from " in ans.answer and "October 2025" in ans.answer


def test_a_timeline_is_dated_ordered_and_every_line_cited(assistant):
    ans = assistant.ask(
        "Give me a timeline of the talks on lifting the Bandiéla blockade.", as_of="2025-10-12"
    )
    assert not ans.refused and len(ans.timeline) >= 3
    days = [e.date for e in ans.timeline]
    assert days == sorted(days)
    by_n = {c.n: c for c in ans.citations}
    for event in ans.timeline:
        assert event.citations
        # the event's date is never after the reports that carry it
        assert all(event.date <= by_n[n].published for n in event.citations)
    assert ans.answer.count("\n- ") == len(ans.timeline) - 1  # a Markdown list


def test_articles_after_as_of_do_not_exist_for_the_question(assistant):
    ans = assistant.ask("What stage had the talks on the Bandiéla blockade reached?",
                        as_of="2025-09-20")  # fmt: skip
    assert ans.evidence  # answered or not, the candidates it weighed are kept
    assert all(c.published <= "2025-09-20" for c in ans.citations)
    assert all(e.published <= "2025-09-20" for e in ans.evidence)


def test_a_revised_toll_gives_each_reports_figure_newest_first_across_languages(assistant):
    """An English report of nine dead, a French one of thirteen three days later."""
    ans = assistant.ask("Has the death toll of the attack on Kérétio been revised?",
                        as_of="2025-09-28")  # fmt: skip
    assert not ans.refused
    # one first sentence: the newest figure, then "earlier: …", each with its outlet and date
    latest, earlier = ans.sentences[0].text.split("; earlier: ")[:2]
    # a number written in words is given in digits; the quote keeps the words
    assert "13 morts" in latest and "26 September 2025" in latest, ans.answer
    assert "9 civilians" in earlier and "23 September 2025" in earlier
    assert "treize morts" in ans.answer
    by_n = {c.n: c for c in ans.citations}
    assert {"2025-09-23", "2025-09-26"} <= {by_n[n].published for n in ans.sentences[0].citations}


def test_a_named_year_the_reports_do_not_cover_is_not_answered_from_later_news(assistant):
    """ "In 2024": the September 2025 killings do not answer it; "in September 2025" they do."""
    asked = "How many men did the gunmen kill in Fanikoro in {}?"
    later = assistant.ask(asked.format("2024"), as_of="2025-10-31")
    assert later.refused
    ans = assistant.ask(asked.format("September 2025"), as_of="2025-10-31")
    assert not ans.refused and any(w in ans.answer for w in ("6", "six"))
