"""Timeline answers: dated events in order, each one sentence with every source reporting it.

For "timeline of …", "what happened …", "chronologie …": the candidate sentences that bear on
the question (the same coverage and similarity floors as any evidence, and, when the question
names a period, not dated outside it) are dated by what they report (their own resolved date,
else their article's publication date), merged when two sources report the same thing on the
same date, and listed oldest first.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from rag.analysis.timeframe import TimeFrame
from rag.answering.compose import Composed, quote
from rag.answering.timing import event_date, format_date
from rag.embeddings import TextEncoder
from rag.models import Answer, Evidence, TimelineEvent
from rag.settings import AnswerSettings

SAME_EVENT = 0.75
"""Cosine of two same-day sentences above which they report one event (merged, both cited)."""
REPORTED = {"en": "reported", "fr": "date de l'article"}
BACKGROUND_DAYS = 30
"""An event dated this long before the oldest report in the timeline is background, left out."""


def timeline_evidence(
    scored: list[Evidence], frame: TimeFrame, settings: AnswerSettings
) -> list[Evidence]:
    """The candidates that can stand as events: each article's news first, then dated others.

    A news report leads with the development it reports, so every article with a sentence
    that bears on the question (best article first) contributes its lead sentence, or that
    sentence when the lead is not a candidate or reports nothing. Then come other sentences
    dated by their own words on a day their article has no event for yet ("on Thursday the
    UN called for an inquiry"), up to ``timeline_events``.
    """
    when = {id(e): event_date(e.claim, e.published) for e in scored}  # (day, reported-only)
    fit = [e for e in scored if _bears(e, when[id(e)], frame, settings)]  # best first
    leads = {
        e.doc_id: e
        for e in scored
        # news, unless it restates a "since" clause's event or names none of the question's
        if e.signals.get("lead") == 1.0 and e.type_ok and _in_period(when[id(e)][0], frame)
    }
    out: list[Evidence] = []
    for e in fit:
        if len(out) < settings.timeline_events and all(o.doc_id != e.doc_id for o in out):
            out.append(leads.get(e.doc_id, e))
    # the article is on the story: a sentence of it dated by its own words is an event of the
    # story even when it shares few of the question's words ("a funeral was held on Thursday")
    stories = {o.doc_id for o in out}
    taken = {(o.doc_id, when[id(o)][0]) for o in out}
    reports = sorted(o.published for o in out if o.published)
    floor = _background_floor(reports[0]) if reports else ""
    for e in scored:
        if len(out) >= settings.timeline_events:
            break
        day, reported = when[id(e)]
        if (
            reported
            or (e.doc_id, day) in taken
            or e.doc_id not in stories
            or day < floor[: len(day)]
            or not _eventful(e, reported)
            or not _in_period(day, frame)
            or any(o.doc_id == e.doc_id and e.start < o.end and o.start < e.end for o in out)
        ):
            continue
        out.append(e)
        taken.add((e.doc_id, day))
    return out


def _bears(e: Evidence, when: tuple[str, bool], frame: TimeFrame, settings: AnswerSettings) -> bool:
    """Clears the evidence floors, is not dated outside the asked period, and reports.

    Not a sentence that restates a "since" clause's event, asks a question or names none of
    the question's names (``type_ok`` false): "what has happened since farmers went back to
    their fields" is not answered by the farmers going back.
    """
    if not e.type_ok:
        return False
    if e.coverage < settings.min_coverage or e.similarity < settings.min_similarity:
        return False
    if e.coverage + e.similarity < settings.min_answerability - settings.evidence_margin:
        return False
    if frame.window and e.signals.get("time_fit", 0.0) < 0:
        return False  # dated outside the asked period: recalled, not what happened then
    return _eventful(e, when[1]) and _in_period(when[0], frame)


def _in_period(day: str, frame: TimeFrame) -> bool:
    """An event (or, undated, report) ``day`` falls in the asked period, if one was asked."""
    if not frame.window:
        return True
    lo, hi = (frame.start or date.min).isoformat(), (frame.end or frame.as_of).isoformat()
    return not day or lo[: len(day)] <= day <= hi[: len(day)]


def _background_floor(oldest_report: str) -> str:
    """Events dated before this (ISO) are background to the reports, not part of the story."""
    return (date.fromisoformat(oldest_report) - timedelta(days=BACKGROUND_DAYS)).isoformat()


def _eventful(e: Evidence, reported: bool) -> bool:
    """Reports something: a speaker, a figure or a date of its own (``reported``: none).

    "Kassoro lies in the Ségou region" describes; it is not an event of the story.
    """
    c = e.claim
    return c is None or bool(c.speaker or c.figures or not reported)


def timeline(
    question: str,
    evidence: list[Evidence],
    *,
    embedder: TextEncoder,
    settings: AnswerSettings,
    language: str,
) -> list[tuple[str, bool, str, list[int]]]:
    """(date, reported-only, line, evidence indexes) for each event, oldest first."""
    if not evidence:
        return []
    lang = language if language in REPORTED else "en"
    vecs = np.asarray(embedder.encode([e.text for e in evidence]))
    events: list[tuple[str, bool, list[int]]] = []
    for i, e in enumerate(evidence):
        day, reported = event_date(e.claim, e.published)
        same = next(
            (
                ev
                for ev in events
                if ev[0] == day and max(float(vecs[i] @ vecs[j]) for j in ev[2]) >= SAME_EVENT
            ),
            None,
        )
        if same is not None:
            same[2].append(i)
        elif len(events) < settings.timeline_events:
            events.append((day, reported, [i]))
    # background ("since the 2012 insurgency") is not an event of the story being asked about
    reports = sorted(e.published for e in evidence if e.published)
    if reports:
        floor = _background_floor(reports[0])
        events = [ev for ev in events if not ev[0] or ev[0] >= floor[: len(ev[0])]]
    events.sort(key=lambda ev: (ev[0] or "9999", min(ev[2])))
    out = []
    for day, reported, idx in events:
        shown = format_date(day, lang) if day else "?"
        if reported:
            shown += f" ({REPORTED[lang]})"
        text = quote(question, evidence[idx[0]].text, settings.quote_max_words)
        out.append((day, reported, f"{shown}: “{text}”", idx))
    return out


def as_composed(lines: list[tuple[str, bool, str, list[int]]]) -> list[Composed]:
    """The timeline's lines as answer sentences (verbatim quotes, cited)."""
    return [Composed(text, idx, True, True) for _, _, text, idx in lines]


def finish(answer: Answer, lines: list[tuple[str, bool, str, list[int]]]) -> Answer:
    """Set ``answer.timeline`` and write ``answer.answer`` as a Markdown list of the lines."""
    rows = []
    for (day, reported, _, _), s in zip(lines, answer.sentences, strict=True):
        rows.append(TimelineEvent(date=day, reported=reported, text=s.text, citations=s.citations))
    answer.timeline = rows
    answer.answer = "\n".join(f"- {r.text} {''.join(f'[{n}]' for n in r.citations)}" for r in rows)
    return answer
