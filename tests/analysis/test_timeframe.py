"""Time in questions: periods resolved against an as-of date, order, timelines, revisions."""

from datetime import date

import pytest

from rag.analysis.timeframe import question_time, without_time

AS_OF = date(2025, 9, 14)  # a Sunday


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("How many people were killed around Kéra this week?", "2025-09-08", "2025-09-14"),
        ("What happened in Ménaka last week?", "2025-09-01", "2025-09-07"),
        ("Que s'est-il passé à Gao la semaine dernière ?", "2025-09-01", "2025-09-07"),
        ("Où en sont les négociations cette semaine ?", "2025-09-08", "2025-09-14"),
        ("Any attacks in the past ten days?", "2025-09-05", "2025-09-14"),  # ten, as-of included
        ("Combien de morts ces trois derniers jours ?", "2025-09-12", "2025-09-14"),
        ("Combien de morts ces derniers jours ?", "2025-09-08", "2025-09-14"),  # a week
        ("What happened between 2024 and 2023?", "2023-01-01", "2024-12-31"),  # reversed
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


def test_this_week_on_a_monday_reaches_back_seven_days() -> None:
    monday = date(2025, 9, 8)
    t = question_time("What happened in Gao this week?", monday)
    assert (t.start, t.end) == (date(2025, 9, 2), monday)
    last = question_time("What happened in Gao last week?", monday)
    assert (last.start, last.end) == (date(2025, 9, 1), date(2025, 9, 7))  # the calendar week


def test_until_has_no_start_and_future_periods_are_none() -> None:
    t = question_time("Who was killed before June 2025?", AS_OF)
    assert (t.start, t.end) == (None, date(2025, 6, 30))
    assert not question_time("What will happen next week?", AS_OF).window
    # "by early March 2025": everything up to then, not March alone
    by = question_time("How many tankers had the army escorted by early March 2025?", AS_OF)
    assert (by.start, by.end) == (None, date(2025, 3, 31))
    inside = question_time("How many were killed by the army in March 2025?", AS_OF)
    assert (inside.start, inside.end) == (date(2025, 3, 1), date(2025, 3, 31))
    assert not question_time("What happened since 2026?", AS_OF).window  # after as-of
    assert not question_time("Why did the rebels fight Wagner?", AS_OF).window
    huge = question_time("Any attack in the past 99999 years?", AS_OF)
    assert huge.start is not None and huge.start < AS_OF  # clamped, no overflow


def test_named_dates_are_not_relative_periods_counted_back_from_as_of() -> None:
    assert question_time("What happened this week?", AS_OF).relative
    assert question_time("What changed since July?", AS_OF).relative
    assert not question_time("What did the army say in July 2024?", AS_OF).relative
    assert not question_time("What happened between March and May 2024?", AS_OF).relative


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        (
            "According to the reports published this week, how many soldiers died in Gao?",
            "How many soldiers died in Gao?",
        ),
        (
            "How many soldiers are now dead after the latest attack in Gao this week?",
            "How many soldiers are dead after the attack in Gao?",
        ),
        ("What happened since the coup in 2021?", "What happened since the coup?"),
        ("Who is the Mayor of Gao in May 2025?", "Who is the Mayor of Gao?"),  # not "or"
        ("Give me a timeline of the Kassoro camp attack.", "The Kassoro camp attack."),
        ("How many civilians did yesterday's strike kill?", "How many civilians did strike kill?"),
    ],
)
def test_the_subject_is_the_question_without_its_time_words(question: str, subject: str) -> None:
    assert without_time(question, question_time(question, AS_OF)) == subject


@pytest.mark.parametrize(
    ("question", "order"),
    [
        ("What is the latest toll of the Kassoro attack?", "newest"),
        ("Quel est le dernier bilan de l'attaque ?", "newest"),
        ("What is the current price of petrol in Gao?", "newest"),
        ("What was the first toll given by the army?", "oldest"),
        ("What is the army's final toll?", "newest"),
        ("Quel est le bilan définitif ?", "newest"),
        ("How many did the army eventually say were killed?", "newest"),
        ("Quel bilan l'armée a-t-elle donné initialement ?", "oldest"),
        ("Que s'est-il passé la semaine dernière ?", ""),  # "dernière" of a period
        ("How many soldiers died in Kassoro?", ""),
        ("Has the army revised its toll since its first statement?", "newest"),  # "since"
        ("Since his release, where has the engineer travelled?", "newest"),
        ("L'armée a-t-elle modifié son bilan depuis sa première annonce ?", "newest"),
        ("Que dit le Premier ministre sur le blocus ?", ""),
        ("Who won the first round of the election?", ""),
    ],
)
def test_order_words(question: str, order: str) -> None:
    assert question_time(question, AS_OF).order == order


def test_timeline_and_revision_questions() -> None:
    assert question_time("Give me a timeline of the Tinzaouaten battle.", AS_OF).timeline
    assert question_time("Chronologie du blocus de carburant", AS_OF).timeline
    assert question_time("What happened in Ménaka last week?", AS_OF).timeline
    assert not question_time("What happened to the kidnapped journalist?", AS_OF).timeline
    assert not question_time("Où s'est déroulé le sommet ?", AS_OF).timeline
    assert question_time("How has the Wagner death toll claim changed?", AS_OF).revision
    assert question_time("Le bilan a-t-il été révisé ?", AS_OF).revision
    plain = question_time("Who leads the CSP?", AS_OF)
    assert not plain.timeline and not plain.revision


def test_a_revision_questions_change_words_are_not_its_subject() -> None:
    """Reports say "rose to", not "revised": the asking words are left out of coverage."""
    from rag.text import question_terms

    q = "Has the death toll from the Ménaka raids been revised?"
    frame = question_time(q, AS_OF)
    assert [t for t in question_terms(q) if not frame.asks_change(t)] == [
        "die", "toll", "ménaka", "raid"
    ]  # fmt: skip
    fr = "L'armée a-t-elle modifié le nombre de soldats tués ?"
    assert {t for t in question_terms(fr) if question_time(fr, AS_OF).asks_change(t)} == {"modifié"}
    assert not question_time("Who leads the CSP?", AS_OF).asks_change("lead")


def test_figures_that_differ_between_outlets_ask_for_each_reports_figure() -> None:
    """ "Les chiffres ont-ils varié selon les médias ?": each report's figure, newest first."""
    from rag.text import question_terms

    fr = "Combien d'otages ont-ils libérés, et les chiffres ont-ils varié selon les médias ?"
    frame = question_time(fr, AS_OF)
    assert frame.revision
    # what frames the question (figures, media) and asks the change (varied) is no evidence
    assert [t for t in question_terms(fr) if not frame.asks_change(t)] == ["otag", "libéré"]
    assert question_time("Did the outlets differ on the toll?", AS_OF).revision
    assert not question_time("How many hostages were freed?", AS_OF).revision
    assert question_time("Les bilans diffèrent-ils selon les sources ?", AS_OF).revision
    # the adjective is no change: "les différents groupes" are several groups
    assert not question_time("Quels sont les différents groupes armés ?", AS_OF).revision


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("Since his release, where has the freed engineer travelled?", "his release"),
        (
            "Qu'est-il advenu des élections depuis que le Conseil en avait fixé la date ?",
            "le Conseil en avait fixé la date",
        ),
        ("Since the decree was adopted, has the text been published?", "the decree was adopted"),
        ("How has the toll changed since July?", ""),  # a date, not an event
        ("L'armée a-t-elle changé son bilan depuis sa première annonce ?", ""),  # the change's
        ("D'après l'armée, combien de soldats sont morts ?", ""),
    ],
)
def test_a_since_clause_names_the_reference_event(question: str, event: str) -> None:
    frame = question_time(question, AS_OF)
    assert frame.reference == event
