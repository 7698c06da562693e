"""Time in answering: as-of, the period as a filter, recency, dated figure lines, timelines."""

from datetime import date

import numpy as np
import pytest

from rag.analysis.models import DateMention, Figure, QuestionAnalysis, SentenceClaim, Speaker
from rag.analysis.timeframe import TimeFrame
from rag.answering.lead import figure_lines
from rag.answering.timeline import finish, timeline, timeline_evidence
from rag.answering.timing import (
    as_of_date,
    event_date,
    period_filters,
    recency,
    restates_reference,
    time_fit,
)
from rag.models import Answer, AnswerSentence, Evidence, Filters
from rag.settings import AnswerSettings

AS_OF = date(2024, 3, 24)


def frame(**kw):
    return TimeFrame(as_of=AS_OF, **kw)


def claim(text, **kw):
    return SentenceClaim(start=0, end=len(text), text=text, **kw)


def when(text, iso, precision="day", start=0):
    return DateMention(
        text=text, start=start, end=start + len(text), iso=iso, precision=precision, relative=True
    )


def ev(text, published, *, source="Sahel Wire", doc="d", c=None, score=1.0, **kw):
    return Evidence(
        chunk_id=f"{doc}-c",
        doc_id=doc,
        text=text,
        start=0,
        end=len(text),
        similarity=kw.pop("similarity", 0.6),
        coverage=kw.pop("coverage", 0.6),
        type_ok=True,
        score=score,
        claim=c,
        language="en",
        source=source,
        published=published,
        **kw,
    )


def test_as_of_defaults_to_today_and_names_a_bad_date():
    from datetime import datetime

    assert as_of_date(None) == date.today()
    assert as_of_date("2024-01-12") == date(2024, 1, 12)
    assert as_of_date(datetime(2024, 1, 12, 18, 30)) == date(2024, 1, 12)
    for bad in ("12/01/2024", "20240112", 20240112):
        with pytest.raises(ValueError, match=f"as_of must be a date as YYYY-MM-DD, got {bad!r}"):
            as_of_date(bad)  # type: ignore[arg-type]


def test_the_as_of_bound_keeps_undated_articles_a_period_does_not():
    from rag.models import Chunk

    undated = Chunk(id="u", doc_id="u", index=0, text="t", start=0, end=1, published="")
    later = undated.model_copy(update={"published": "2024-04-01"})
    bound = period_filters(None, frame(), grace_days=7)
    assert bound.keep_undated and bound.matches(undated) and not bound.matches(later)
    assert bound.where() == {
        "$or": [{"published_int": {"$lte": 20240324}}, {"published_int": {"$eq": 0}}]
    }
    week = frame(start=date(2024, 3, 18), end=date(2024, 3, 24), relative=True)
    assert not period_filters(None, week, grace_days=7).matches(undated)
    # the user's own date range keeps its rule: undated articles never match it
    mine = Filters(date_from="2024-03", date_to="2024-03-20")
    f = period_filters(mine, frame(), grace_days=7)
    assert (f.date_from, f.date_to, f.keep_undated) == ("2024-03-01", "2024-03-20", False)


def test_the_period_filters_publication_with_grace_never_past_as_of():
    week = frame(start=date(2024, 3, 11), end=date(2024, 3, 17), text="last week", relative=True)
    f = period_filters(None, week, grace_days=7)
    assert (f.date_from, f.date_to) == ("2024-03-11", "2024-03-24")  # grace stops at as-of
    f = period_filters(None, week, grace_days=2)
    assert (f.date_from, f.date_to) == ("2024-03-11", "2024-03-19")
    # no period: only the as-of bound; the user's own filters are kept and intersected
    mine = Filters(sources=["Reuters"], date_from="2024-03-15", date_to="2024-03-20")
    f = period_filters(mine, frame(), grace_days=7)
    assert (f.sources, f.date_from, f.date_to) == (["Reuters"], "2024-03-15", "2024-03-20")
    f = period_filters(mine, week, grace_days=7)
    assert (f.date_from, f.date_to) == ("2024-03-15", "2024-03-20")
    # a named month often names the event ("the figure as of late March", out in April)
    march = frame(start=date(2024, 3, 1), end=date(2024, 3, 31), text="March 2024")
    f = period_filters(None, march, grace_days=7)
    assert (f.date_from, f.date_to) == (None, "2024-03-24")


def test_recency_ranks_reports_and_is_reversed_for_first():
    dates = ["2024-03-15", "2024-03-22", "", "2024-03-17"]
    assert recency(dates, frame(order="newest"), 0.2) == [0.0, 1.0, 0.5, 0.5]
    assert recency(dates, frame(order="oldest"), 0.2) == [1.0, 0.0, 0.5, 0.5]
    assert recency(dates, frame(), 0.2) == [0.0, 0.2, 0.1, 0.1]
    assert recency(dates, None, 0.2) == [0.0] * 4  # time handling off
    assert recency(["2024-03-15", "2024-03-15"], frame(order="newest"), 0.2) == [0.0, 0.0]


def test_time_fit_is_the_sentences_own_date_against_the_period():
    week = frame(start=date(2024, 3, 11), end=date(2024, 3, 17))
    inside = claim("On Thursday gunmen attacked.", dates=[when("Thursday", "2024-03-14")])
    before = claim("Last month's raid killed 4.", dates=[when("Last month", "2024-02", "month")])
    undated = claim("The army said nine died.")
    assert time_fit(inside, week) == 1.0
    assert time_fit(before, week) == -1.0
    assert time_fit(undated, week) == 0.0
    assert time_fit(inside, frame()) == 0.0  # no period asked


def test_event_date_skips_a_dateline_and_a_vague_week():
    text = "BAMAKO, March 15 (Sahel Wire) - Gunmen attacked on Thursday."
    c = claim(
        text,
        dates=[when("March 15", "2024-03-15", start=8), when("Thursday", "2024-03-14", start=52)],
    )
    assert event_date(c, "2024-03-15") == ("2024-03-14", False)
    week = claim("Last week's attack killed 21.", dates=[when("Last week", "2024-03-11", "week")])
    assert event_date(week, "2024-03-22") == ("2024-03-22", True)
    plan = claim("Elections will be held on 29 June.", dates=[when("29 June", "2025-06-29")])
    assert event_date(plan, "2024-12-05") == ("2024-12-05", True)  # a plan is not an event


@pytest.mark.parametrize(
    ("text", "mention", "iso", "expected"),
    [
        ("It doubles the nine deaths of the March 14 attack.", "March 14", "2024-03-14", None),
        ("Le bilan de l'attaque du 12 juin atteint 31 morts.", "12 juin", "2025-06-12", None),
        ("The army struck on March 14 near Tin-Adar.", "March 14", "2024-03-14", "2024-03-14"),
        ("Le scrutin a eu lieu du 12 au 14 juin.", "12", "2025-06-12", "2025-06-12"),
    ],
)
def test_a_date_naming_an_event_does_not_date_the_sentence(text, mention, iso, expected):
    """ "the March 14 attack" names an attack; the sentence (a later report) is not of 14 March."""
    c = claim(text, dates=[when(mention, iso, start=text.index(mention))])
    published = "2025-06-30" if iso.startswith("2025") else "2024-03-22"
    assert event_date(c, published) == ((expected, False) if expected else (published, True))


def _toll(text, value, hedge="exact", speaker=None, counts=""):
    at = text.index(str(value))
    f = Figure(
        text=str(value), start=at, end=at + len(str(value)), value=value, hedge=hedge,
        counts=counts, counts_lemma=counts.rstrip("s"),
    )  # fmt: skip
    return claim(text, figures=[f], speaker=speaker)


def test_figure_lines_give_the_latest_report_first_then_earlier_ones_dated():
    army = Speaker(text="the army", start=0, end=8, cue="say")
    first = _toll("the army said nine soldiers were killed, 9 in all.", 9, speaker=army)
    later = _toll(
        "the army said the toll of soldiers killed had risen to 21.", 21, "at_least", army
    )
    qa = QuestionAnalysis(question="What is the latest death toll?", language="en", kind="number",
                          terms=["late", "death", "toll"])  # fmt: skip
    evidence = [
        ev(first.text, "2024-03-15", c=first, doc="a"),
        ev(later.text, "2024-03-22", source="Bamako Monitor", c=later, doc="b"),
    ]
    lines = figure_lines(qa, evidence, frame(order="newest"))
    assert lines == [
        ("At least 21, according to the army (Bamako Monitor, 22 March 2024)", [1]),
        ("Earlier: 9, according to the army (Sahel Wire, 15 March 2024)", [0]),
    ]
    oldest = figure_lines(qa, evidence, frame(order="oldest"))
    assert oldest is not None and oldest[0][1] == [0]
    assert figure_lines(qa, evidence[:1], frame()) is None  # one figure: the usual lead


def test_a_toll_question_leaves_out_figures_that_count_no_dead():
    text = "The number of civilians killed in attacks on two villages rose to at least 31."
    villages = Figure(text="two", start=text.index("two"), end=text.index("two") + 3, value=2,
                      counts="villages", counts_lemma="village")  # fmt: skip
    toll = Figure(text="31", start=text.index("31"), end=text.index("31") + 2, value=31,
                  hedge="at_least")  # fmt: skip
    c = claim(text, figures=[villages, toll])
    other = _toll("Officials said 20 civilians were killed on Friday.", 20, counts="civilians")
    qa = QuestionAnalysis(question="Has the death toll been revised?", language="en",
                          kind="number", terms=["death", "toll", "revise"])  # fmt: skip
    lines = figure_lines(
        qa, [ev(text, "2024-03-22", c=c, doc="a"), ev(other.text, "2024-03-20", c=other)], frame()
    )
    # "two villages" is left out; each line cites its own report
    assert lines == [
        ("At least 31 (Sahel Wire, 22 March 2024)", [0]),
        ("Earlier: 20 civilians (Sahel Wire, 20 March 2024)", [1]),
    ]


class _Encoder:
    """Unit vectors by sentence subject: same first word, same event."""

    def encode(self, texts):
        out = []
        for t in texts:
            v = np.zeros(8)
            v[hash(t.split()[0]) % 8] = 1.0
            out.append(v)
        return np.asarray(out)


def test_a_timeline_lists_events_in_date_order_and_merges_the_same_day():
    settings = AnswerSettings()
    a = claim(
        "Gunmen attacked the camp on Thursday.", dates=[when("Thursday", "2024-03-14", start=28)]
    )
    b = claim(
        "Gunmen attacked the Kassoro camp on Thursday.",
        dates=[when("Thursday", "2024-03-14", start=35)],
    )
    c = claim(
        "The army raised the toll to 16 on Monday.", dates=[when("Monday", "2024-03-18", start=31)]
    )
    d = claim("Families buried the dead, residents said.",
              speaker=Speaker(text="residents", start=28, end=37, cue="say"))  # fmt: skip
    place = claim("Kassoro lies in the Ségou region.")  # describes: not an event
    evidence = [
        ev(c.text, "2024-03-19", c=c, doc="c"),
        ev(a.text, "2024-03-15", c=a, doc="a"),
        ev(d.text, "2024-03-21", c=d, doc="d"),
        ev(b.text, "2024-03-15", c=b, doc="b", source="ASP"),
        ev(place.text, "2024-03-15", c=place, doc="p"),
    ]
    picked = timeline_evidence(evidence, frame(timeline=True), settings)
    lines = timeline("timeline of the Kassoro attack?", picked, embedder=_Encoder(),
                     settings=settings, language="en")  # fmt: skip
    assert [(day, reported, idx) for day, reported, _, idx in lines] == [
        ("2024-03-14", False, [1, 3]),  # two outlets, one event, both cited
        ("2024-03-18", False, [0]),
        ("2024-03-21", True, [2]),  # undated sentence: its report's date, said so
    ]
    assert lines[0][2] == "14 March 2024: “Gunmen attacked the camp on Thursday.”"
    assert lines[2][2].startswith("21 March 2024 (reported): ")
    answer = Answer(
        question="q",
        answer="",
        sentences=[
            AnswerSentence(text=t, citations=[n + 1 for n in idx], supported=True)
            for _, _, t, idx in lines
        ],  # fmt: skip
    )
    finish(answer, lines)
    assert [e.date for e in answer.timeline] == ["2024-03-14", "2024-03-18", "2024-03-21"]
    assert answer.answer.splitlines()[0] == (
        "- 14 March 2024: “Gunmen attacked the camp on Thursday.” [2][4]"
    )


def test_timeline_leaves_out_sentences_dated_outside_the_period_and_background():
    settings = AnswerSettings()
    recalled = ev("Last year's attack.", "2024-03-15")
    recalled.signals["time_fit"] = -1.0
    kept = ev("The attack on Thursday.", "2024-03-15", doc="k")
    assert timeline_evidence([recalled, kept], frame(start=date(2024, 3, 11), timeline=True),
                             settings) == [kept]  # fmt: skip
    old = claim("The insurgency began in 2012.", dates=[when("2012", "2012", "year", start=24)])
    news = claim("Gunmen attacked on Thursday.", dates=[when("Thursday", "2024-03-14", start=19)])
    lines = timeline("what happened?", [ev(old.text, "2024-03-15", c=old, doc="o"),
                                        ev(news.text, "2024-03-15", c=news, doc="n")],
                     embedder=_Encoder(), settings=settings, language="en")  # fmt: skip
    assert [day for day, *_ in lines] == ["2024-03-14"]


class _Words:
    """Bag-of-words vectors over a fixed vocabulary: cosine = shared words."""

    VOCAB = "parliament amended law fra urged boycott supporters what has".split()

    def encode(self, texts):
        out = []
        for t in texts:
            v = np.array([float(w in t.lower().split()) for w in self.VOCAB]) + 1e-3
            out.append(v / np.linalg.norm(v))
        return np.asarray(out)


def test_a_sentence_restating_the_since_event_is_not_an_answer():
    question = "Since the parliament amended the law, what has the FRA urged supporters?"
    sentences = [
        "The parliament amended the law on Thursday.",  # the reference, 12 December
        "The FRA urged supporters to boycott.",  # what followed, 14 December
        "The parliament amended the law again.",  # recalled later, 20 December
        "Le FRA appelle au boycott.",  # another language: not judged
    ]
    days = ["2024-12-12", "2024-12-14", "2024-12-20", ""]
    enc = _Words()
    frame = TimeFrame(as_of=AS_OF, reference="the parliament amended the law")
    vecs = enc.encode(sentences)

    def similarity(text):
        return vecs @ enc.encode([text])[0]

    got = restates_reference(question, frame, similarity, days)
    assert got == [True, False, False, False]
    assert (
        restates_reference(question, TimeFrame(as_of=AS_OF), similarity, days) == [False] * 4
    )  # no 'since' clause asked


def test_a_timeline_leaves_out_what_restates_its_since_clause():
    """ "What has happened since farmers went back to their fields": not the farmers going back.

    A sentence that cannot answer (``type_ok`` false: it restates the clause's event, asks a
    question or names none of the question's names) is no event, nor does it stand in for
    its article as the article's lead.
    """
    settings = AnswerSettings()
    back = claim("Farmers went back to their fields, officials said.",
                 speaker=Speaker(text="officials", start=35, end=44, cue="say"))  # fmt: skip
    incident = claim("A herder was beaten on Sunday.", dates=[when("Sunday", "2024-06-16")])
    collapse = claim("The truce collapsed on Sunday.", dates=[when("Sunday", "2024-09-01")])
    lead = ev(back.text, "2024-06-20", c=back, doc="june")
    lead.type_ok = False
    lead.signals["lead"] = 1.0
    picked = timeline_evidence(
        [lead, ev(incident.text, "2024-06-20", c=incident, doc="june"),
         ev(collapse.text, "2024-09-05", c=collapse, doc="sept")],
        TimeFrame(as_of=date(2024, 9, 11), start=date(2024, 6, 1), timeline=True),
        settings,
    )  # fmt: skip
    assert [e.text for e in picked] == [incident.text, collapse.text]
