"""Time in questions: periods resolved against an as-of date, order, timelines, revisions."""

from datetime import date

import pytest

from rag.analysis.timeframe import question_time

AS_OF = date(2025, 9, 14)  # a Sunday


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("How many people were killed around Kéra this week?", "2025-09-08", "2025-09-14"),
        ("What happened in Ménaka last week?", "2025-09-01", "2025-09-07"),
        ("Que s'est-il passé à Gao la semaine dernière ?", "2025-09-01", "2025-09-07"),
        ("Où en sont les négociations cette semaine ?", "2025-09-08", "2025-09-14"),
        ("Any attacks in the past ten days?", "2025-09-04", "2025-09-14"),
        ("Combien de morts ces trois derniers jours ?", "2025-09-11", "2025-09-14"),
        ("What did the army say in July 2024?", "2024-07-01", "2024-07-31"),
        ("How has the toll claim changed since July?", "2025-07-01", "2025-09-14"),
        ("What happened since the coup in 2021?", "2021-01-01", "2025-09-14"),
        ("What happened between March and May 2024?", "2024-03-01", "2024-05-31"),
        ("Que s'est-il passé le 12 mai ?", "2025-05-12", "2025-05-12"),
        ("What happened yesterday?", "2025-09-13", "2025-09-13"),
        ("What was agreed this month?", "2025-09-01", "2025-09-14"),
    ],
)
def test_periods_are_resolved_against_as_of(question: str, start: str, end: str) -> None:
    t = question_time(question, AS_OF)
    assert (str(t.start), str(t.end)) == (start, end)
    assert t.text and t.text.lower() in question.lower()


def test_until_has_no_start_and_next_week_is_not_a_period() -> None:
    t = question_time("Who was killed before June 2025?", AS_OF)
    assert (t.start, t.end) == (None, date(2025, 6, 30))
    assert not question_time("What will happen next week?", AS_OF).window
    assert not question_time("Why did the rebels fight Wagner?", AS_OF).window


@pytest.mark.parametrize(
    ("question", "order"),
    [
        ("What is the latest toll of the Kassoro attack?", "newest"),
        ("Quel est le dernier bilan de l'attaque ?", "newest"),
        ("What is the current price of petrol in Gao?", "newest"),
        ("What was the first toll given by the army?", "oldest"),
        ("Quel bilan l'armée a-t-elle donné initialement ?", "oldest"),
        ("Que s'est-il passé la semaine dernière ?", ""),  # "dernière" of a period
        ("How many soldiers died in Kassoro?", ""),
    ],
)
def test_order_words(question: str, order: str) -> None:
    assert question_time(question, AS_OF).order == order


def test_timeline_and_revision_questions() -> None:
    assert question_time("Give me a timeline of the Tinzaouaten battle.", AS_OF).timeline
    assert question_time("Chronologie du blocus de carburant", AS_OF).timeline
    assert question_time("How has the Wagner death toll claim changed?", AS_OF).revision
    assert question_time("Le bilan a-t-il été révisé ?", AS_OF).revision
    plain = question_time("Who leads the CSP?", AS_OF)
    assert not plain.timeline and not plain.revision
