"""Time in answering: the as-of date, the period asked about as a filter, recency, event dates.

A question is answered as of a date (today unless the caller gives one): articles published
after it do not exist for the question. The period it names ("this week", "in July 2024") keeps
retrieval to articles published in it or up to ``time_grace_days`` after (a Sunday attack is
reported on Monday), never past the as-of date. Within what is retrieved, a newer report ranks
above an older one (``recency``), and a sentence whose own date lies outside the period ranks
below one inside it (``time_fit``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np

from rag.analysis.models import DateMention, SentenceClaim
from rag.analysis.timeframe import SINCE, TimeFrame, since_reference, span_of
from rag.answering.prompts import REFUSAL
from rag.answering.retrieval import HybridRetriever, Retrieved
from rag.language import question_language
from rag.models import Evidence, Filters, published_int

MONTHS = {
    "en": "January February March April May June July August September October November "
    "December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre".split(),
}


_SINCE = re.compile(SINCE + r"[^,;.]*$", re.I)
_SINCE_CHARS = 50  # before a date: "since" there makes it a reference, not the event's date
# "the March 14 attack", "l'attaque du 12 juin": a date naming an event, not dating the sentence
_NAMING_EN = re.compile(r"\bthe\s+$", re.I), re.compile(r"^\s+(?!and\b)[^\W\d_]{3,}")
_NAMING_FR = re.compile(r"\bdu\s+$", re.I), re.compile(r"^(?!\s+au\b)")
_DATELINE_CHARS = 60  # "BAMAKO, March 15 (Sahel Wire) - ": a date before its dash is the dateline


def as_of_date(as_of: str | date | None) -> date:
    """The as-of date: ``as_of`` (a date or YYYY-MM-DD) or today.

    Raises:
        ValueError: ``as_of`` is not a YYYY-MM-DD date.
    """
    if as_of is None or as_of == "":
        return date.today()
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    text = as_of.strip() if isinstance(as_of, str) else ""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"as_of must be a date as YYYY-MM-DD, got {as_of!r}") from None


def period_filters(filters: Filters | None, frame: TimeFrame, grace_days: int) -> Filters:
    """``filters`` narrowed to articles published by as-of (and in a relative period).

    A period counted back from as-of ("this week", "since July") keeps articles published in it
    (plus ``grace_days``). A period named by its date ("in March 2025", "the June 2025 elections") often names the
    event, not when it was reported ("the displacement figure as of late March", published
    in April): it only ranks sentences dated in it higher (``time_fit``), it filters nothing.
    """
    base = filters or Filters()
    hi = frame.as_of
    lo = frame.start if frame.relative else None
    if frame.end is not None and frame.relative:
        hi = min(hi, frame.end + timedelta(days=grace_days))
    given_lo, given_hi = base.days()
    if given_hi is not None:
        hi = min(hi, given_hi)
    if given_lo is not None:
        lo = max(lo, given_lo) if lo else given_lo
    # only the as-of bound: an undated article is not known to be later, so it stays
    undated = lo is None and given_hi is None and not (frame.relative and frame.window)
    return base.model_copy(
        update={
            "date_from": lo.isoformat() if lo else None,
            "date_to": hi.isoformat(),
            "keep_undated": undated or base.keep_undated,
        }
    )


def event_dates(claim: SentenceClaim) -> list[DateMention]:
    """The claim's resolved dates, without a wire dateline's ("BAMAKO, March 15 (Agency) -")."""
    cut = dateline_end(claim)
    return [d for d in claim.dates if d.iso and d.start >= cut]


def dateline_end(claim: SentenceClaim) -> int:
    """Where the claim's wire dateline ends ("ROME, June 14 (Agency) - "): its start if none.

    A dateline says where and when the story was filed, not what happened.
    """
    dash = min(
        (
            p
            for p in (claim.text.find(" - "), claim.text.find(" – "), claim.text.find(" — "))
            if p >= 0
        ),
        default=-1,
    )
    return claim.start + dash if 0 <= dash <= _DATELINE_CHARS else claim.start


def time_fit(claim: SentenceClaim | None, frame: TimeFrame | None) -> float:
    """1: the sentence's own date lies in the asked period; -1: only outside it; 0: no date."""
    if frame is None or not frame.window or claim is None:
        return 0.0
    lo = frame.start or date.min
    hi = frame.end or frame.as_of
    verdicts = []
    for d in event_dates(claim):
        span = span_of(d)
        if span is not None:
            verdicts.append(span[0] <= hi and lo <= span[1])
    if not verdicts:
        return 0.0
    return 1.0 if any(verdicts) else -1.0


def dated_outside(
    e: Evidence, frame: TimeFrame | None, in_period: bool, figure: bool, grace_days: int
) -> bool:
    """The sentence tells of another time than the asked period, so it cannot answer.

    ``in_period``: a period counted back from as-of ("this week"): "last week, three soldiers
    were killed" recalls, it does not say what happened this week; a ``figure`` may (a toll of
    Saturday's attack revised on Tuesday). A closed period named by its dates ("in 2023",
    "between March 14 and 22"): not a sentence dated outside it, nor an undated sentence of a
    report written more than ``grace_days`` after it (it tells of its own days).
    """
    fit = e.signals.get("time_fit", 0.0)
    if in_period and fit < 0 and not figure:
        return True
    if frame is None or frame.relative or frame.end is None:
        return False
    late = (frame.end + timedelta(days=grace_days)).isoformat()
    return fit < 0 or (fit == 0 and bool(e.published) and e.published > late)


def recency(published: list[str], frame: TimeFrame | None, unasked: float) -> list[float]:
    """Each article's place among these dates: 0 the oldest, 1 the newest (0.5 undated).

    Reversed when the question asks for the first report; scaled by ``unasked`` when it asks
    for no order. All 0 without a frame (time handling off).
    """
    if frame is None:
        return [0.0] * len(published)
    days = [published_int(p) for p in published]
    known = sorted({d for d in days if d})
    if len(known) < 2:
        return [0.0] * len(published)
    rank = {d: i / (len(known) - 1) for i, d in enumerate(known)}
    out = []
    for d in days:
        r = rank.get(d, 0.5)
        if frame.order == "oldest":
            r = 1.0 - r
        out.append(r if frame.order else r * unasked)
    return out


def event_date(claim: SentenceClaim | None, published: str) -> tuple[str, bool]:
    """(ISO date of what the sentence reports, True when it is only the publication date).

    The sentence's first resolved date not after its publication (a plan for next month is not
    when something happened); else the publication date. Skipped: a dateline, "last week" and
    "this month" (no day known), a date after "since" or naming an event ("the March 14
    attack"): those are references, not when the reported thing happened.
    """
    if claim is not None:
        for d in event_dates(claim):
            span = span_of(d)
            if d.precision == "week" or span is None or not d.iso:
                continue
            lo, hi = span[0].isoformat(), span[1].isoformat()
            if d.precision != "day" and published and lo <= published <= hi:
                continue  # "this month", "earlier this year": the report's own period
            before = claim.text[
                max(0, d.start - claim.start - _SINCE_CHARS) : d.start - claim.start
            ]
            if _SINCE.search(before):  # "have left since the strike on 16 November"
                continue
            after = claim.text[d.end - claim.start :]
            if any(b.search(before) and a.match(after) for b, a in (_NAMING_EN, _NAMING_FR)):
                continue  # "the nine deaths announced on the evening of the March 14 attack"
            if not published or lo <= published:
                return d.iso, False
    return published, True


def format_date(iso: str, lang: str) -> str:
    """'2024-03-14' -> '14 March 2024' (or '14 mars 2024'); months and years as far as known."""
    parts = iso.split("-")
    months = MONTHS[lang]
    if len(parts) == 3:
        day = date.fromisoformat(iso)
        return f"{day.day} {months[day.month - 1]} {day.year}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return iso


def not_covered(frame: TimeFrame, newest: str, outlet: str, language: str, refusal: str) -> str:
    """The refusal for a period no report reaches, naming the newest report on the subject.

    "The sources in the corpus do not answer this. They do not cover “this week” (8 September
    2025 to 14 September 2025): the newest article on this is from 1 August 2024 (Sahel Wire)."
    """
    lang = "fr" if language == "fr" else "en"
    start = format_date((frame.start or frame.as_of).isoformat(), lang)
    end = format_date((frame.end or frame.as_of).isoformat(), lang)
    day = format_date(newest, lang)
    if lang == "fr":
        asked = f"« {frame.text} » (du {start} au {end})" if frame.text else f"du {start} au {end}"
        return (
            "Les sources du corpus ne répondent pas à cette question. Elles ne couvrent pas "
            f"{asked} : l'article le plus récent sur ce sujet date du {day} ({outlet})."
        )
    asked = f"“{frame.text}” ({start} to {end})" if frame.text else f"{start} to {end}"
    return (
        f"{refusal} They do not cover {asked}: the newest article on this is from {day} ({outlet})."
    )


def before_corpus(as_of: date, earliest: str, language: str, refusal: str) -> str:
    """The refusal when nothing in the corpus was published by the as-of date."""
    lang = "fr" if language == "fr" else "en"
    when, first = format_date(as_of.isoformat(), lang), format_date(earliest, lang)
    if lang == "fr":
        return (
            "Les sources du corpus ne répondent pas à cette question : aucun article n'était "
            f"publié au {when} (date de référence) ; le premier sur ce sujet date du {first}."
        )
    return (
        f"{refusal} No article in the corpus had been published by {when} (the as-of date); "
        f"the earliest on this is from {first}."
    )


REFERENCE_MARGIN = 0.1
"""Cosine below the closest match to a "since" clause's event within which a match may date it."""


def restates_reference(
    question: str,
    frame: TimeFrame | None,
    similarity: Callable[[str], np.ndarray],
    days: list[str],
) -> list[bool]:
    """For each candidate: it reports the event a "since" clause names, not what followed.

    "Since the parliament amended the law, what has the FRA urged?": ``similarity(text)``
    gives each candidate's cosine to a text. The earliest-dated of the candidates closest to
    "the parliament amended the law" (within :data:`REFERENCE_MARGIN`, and nearer to it than to
    "what has the FRA urged?") dates the reference. A candidate dated no later (``days``: its
    event or report date; '' for one in another language, whose cosine means nothing here) and
    nearer to the reference than to the rest of the question restates it.
    """
    out = [False] * len(days)
    clause, event = since_reference(question) if frame is not None and frame.reference else ("", "")
    rest = question.replace(clause, " ").strip(" ,;")
    if not event or len(rest.split()) < 3:
        return out
    best_ref, best_main = similarity(event), similarity(rest)
    nearer = [i for i, day in enumerate(days) if day and best_ref[i] > best_main[i]]
    if not nearer:
        return out
    # the earliest of the closest matches: a later report recalls the reference too
    top = max(best_ref[i] for i in nearer)
    when = min(days[i] for i in nearer if best_ref[i] >= top - REFERENCE_MARGIN)
    return [
        bool(day) and day[: len(when)] <= when[: len(day)] and best_ref[i] > best_main[i]
        for i, day in enumerate(days)
    ]


def refusal(
    retriever: HybridRetriever,
    query: str,
    frame: TimeFrame | None,
    filters: Filters | None,
    results: list[Retrieved],
    grace_days: int,
) -> str:
    """The refusal; for a period the corpus does not reach, what its newest report is."""
    if frame is not None and not results:  # nothing published by the as-of date?
        later = [r.chunk.published for r in retriever.retrieve(query, filters=filters)]
        after = sorted(p for p in later if p > frame.as_of.isoformat())
        if after and len(after) == len(later):
            language = question_language(query, ("en", "fr"))
            return before_corpus(frame.as_of, after[0], language, REFUSAL)
    if frame is None or frame.start is None or not frame.relative:
        return REFUSAL
    unbounded = frame.model_copy(update={"start": None, "end": None})
    wider = retriever.retrieve(query, filters=period_filters(filters, unbounded, grace_days))
    dated = [r.chunk for r in wider if r.chunk.published]
    if not dated:
        return REFUSAL
    newest = max(dated, key=lambda c: c.published)
    if newest.published >= frame.start.isoformat() or any(
        r.lexical_rank is not None for r in results
    ):
        return REFUSAL  # the period has reports sharing the question's words: no claim
    language = question_language(query, ("en", "fr"))
    return not_covered(frame, newest.published, newest.source or newest.title, language, REFUSAL)
