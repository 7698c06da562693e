"""Time in a question: the period it asks about, resolved against an "as of" date.

"this week", "last month", "la semaine dernière", "in July 2024", "since the coup in 2021",
"between March and May 2024", "in the past ten days" become a date range; "latest",
"current", "le dernier bilan" ask for the newest report, "first", "initially" for the oldest;
"timeline of", "what happened", "chronologie" ask for dated events in order; "how has ...
changed", "revised" for a figure's history. Dates are found and resolved by the same code as
the articles' dates (:func:`rag.analysis.dates.dates`, on ``dateparser``'s locale data).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.analysis.models import DateMention

Order = Literal["newest", "oldest", ""]

_NEWEST = re.compile(
    r"\b(latest|most recent|newest|current(ly)?|now|so far|to date|as of|still|up to date|"
    r"final|definitive|eventually|ultimately|in the end|d[ée]finiti(f|ve)|final(e)?|"
    r"finalement|en fin de compte|au final|"
    r"dernier|derni[eè]re|derniers|derni[eè]res|plus r[ée]cent[es]*|actuel(le)?(ment)?|"
    r"[àa] ce jour|jusqu'?[àa] pr[ée]sent|jusqu'ici|d[ée]sormais|maintenant|encore)\b",
    re.I,
)
_OLDEST = re.compile(
    r"\b(first|initial(ly)?|original(ly)?|earliest|at first|"
    r"premier|premi[eè]re|initial(e|ement)?|au d[ée]part|d'abord)\b",
    re.I,
)
# "first" that names something rather than an order: "the Prime Minister", "the first round";
# and "since its first statement" (the reference of a change, not what is asked)
_NOT_ORDER = re.compile(
    r"\b(premier|first) (ministre|minister|lady|round|tour|vice|secr[ée]taire|adjoint)\b|"
    r"\b(since|after|depuis|apr[eè]s)\s+(\w+\s+){0,2}(first|initial|premi[eè]re?|original)\w*",
    re.I,
)
# "la semaine dernière" / "le dernier bilan": "dernier" in a relative date is not recency
_LAST_PERIOD = re.compile(
    r"\b(la semaine|le mois|l'ann[ée]e|ces|les)\s+(derni[eè]re?s?|pass[ée]e?s?)\b|"
    r"\bderni[eè]re?s?\s+(semaines?|jours|mois|heures)\b",
    re.I,
)
_TIMELINE = re.compile(
    r"\b(timeline|chronolog\w*|sequence of events|how did .{3,60} unfold|step by step|"
    r"[ée]tape par [ée]tape|day by day|jour apr[eè]s jour)\b",
    re.I,
)
# "what happened ..." asks for events in order when it names a period ("last week", "since
# July") or follows a story over time; "what happened to the journalist?" asks for an outcome
_HAPPENED = re.compile(
    r"\b(what (has |have )?happened|what (were|are) the (main |key )?(events|developments)|"
    r"que s'est-il pass[ée]|qu'est-il arriv[ée]|quels? (ont été|sont) les (principaux )?"
    r"([ée]v[ée]nements|faits))\b",
    re.I,
)
_REVISION = re.compile(
    r"\b(chang(e|ed|ing)|revis(e|ed|ion|ions)|evolv(e|ed)|updat(e|ed)|ris(e|en)|rose|"
    r"grew|gone up|went up|fell|dropped|corrected|[ée]volu[ée]?|a [ée]volu|r[ée]vis[ée]s?|"
    r"alourdi|chang[ée]|modifi[ée]|var(y|ied|ies)|vari[ée]s?|varient|differ(ed)?|diff[èe]rent|diff[ée]r(é|ée?s?|er|ai\w*))\b",
    re.I,
)
_CHANGE_LEMMA = re.compile(
    r"(chang|r[ée]vis|[ée]volu|evolv|updat|modifi|alourd|rise$|vari|differ|diff[èé]r)", re.I
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 3,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10,
    "quelques": 3, "plusieurs": 3,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNITS_FR = {"jour": "day", "semaine": "week", "mois": "month", "an": "year", "année": "year"}
_PAST_N = re.compile(
    r"\b(?:in |over |during )?(?:the )?(?:(?:past|recent)\s+(?P<n>\d+|[a-z]+)?|"
    r"(?:last|previous)\s+(?P<n2>\d+|[a-z]+))\s*(?P<unit>day|week|month|year)s?\b"
    r"|\b(?:ces|les|au cours des)\s+(?P<nf>\d+|[a-zé]+)?\s*derni(?:er|ère)s\s+"
    r"(?P<unitf>jours|semaines|mois|années|ans)\b",
    re.I,
)
_RECENT_DAYS = re.compile(r"\b(recent days|these days|ces derniers temps)\b", re.I)
SINCE = r"(?<!d')(?<!d’)\b(since|after|following|depuis|apr[eè]s)\b"  # not "d'après"
_SINCE_WORD = re.compile(SINCE, re.I)
_UNTIL = r"\b(before|until|till|up to|by the end of|prior to|avant|jusqu'(?:au|à|a|en))\b"
_BY = re.compile(
    r"\bby\s+(?:(?:early|mid|late)[- ]?|the (?:start|beginning|middle|end) of\s+)?$", re.I
)
"""Up to a date: "by early March 2025", "by 2024" (everything until then, not that month only)."""
_BETWEEN = r"\b(between|from|entre|du|de)\b"
_AND = r"\b(and|to|until|through|et|au|à|a)\b"


class TimeFrame(BaseModel):
    """The period a question asks about (``start``..``end``, inclusive), as of ``as_of``."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    start: date | None = Field(None, description="First day asked about (None: open).")
    end: date | None = Field(None, description="Last day asked about (None: open).")
    text: str = Field("", description="The words the period was read from.")
    core: str = Field("", description="The time expression alone ('in 2021', 'this week').")
    relative: bool = Field(False, description="Counted back from as_of (this week, since X).")
    order: Order = Field("", description="'newest' (latest, current), 'oldest' (first).")
    timeline: bool = Field(False, description="Asks for dated events in order.")
    revision: bool = Field(False, description="Asks how a figure or claim changed.")
    reference: str = Field(
        "", description="The event a 'since' clause names ('since his release'): not the answer."
    )

    def asks_change(self, term: str) -> bool:
        """``term`` (a question's lemma) is how a revision question asks for the change.

        "Has the toll been revised?": the frame asks for each report's figure; the reports
        say "rose to", not "revised", so the word is no evidence of being on the subject.
        """
        return self.revision and bool(_REVISION.fullmatch(term) or _CHANGE_LEMMA.match(term))

    @property
    def window(self) -> bool:
        """True when the question names a period."""
        return self.start is not None or self.end is not None


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def span_of(mention: DateMention) -> tuple[date, date] | None:
    """The days a resolved date mention covers: a day, a week, a month or a year."""
    if not mention.iso:
        return None
    parts = [int(p) for p in mention.iso.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        return first, _month_end(first)
    day = date(*parts)
    if mention.precision == "week":
        return day, day + timedelta(days=6)
    if mention.precision == "month":
        return day.replace(day=1), _month_end(day)
    if mention.precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    return day, day


_VAGUE = {"day": 7, "week": 2, "month": 2, "year": 1}  # "the past days", "ces derniers jours"
_MAX_DAYS = 36500


def _count(word: str | None, unit: str, plural: bool) -> int:
    if not word:
        return _VAGUE[unit] if plural else 1
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower(), 0)


def _window(
    question: str, mentions: list[DateMention], as_of: date
) -> tuple[date | None, date | None, str, bool, str]:
    """(start, end, words, relative, core) of the period the question names, or Nones.

    ``words`` shows the period ("since the coup in 2021"); ``core`` is the time expression
    alone ("in 2021"), the part that can be taken out of the question.
    """
    m = _PAST_N.search(question)
    if m:
        unit = (m["unit"] or _UNITS_FR.get((m["unitf"] or "").rstrip("s"), "day")).lower()
        plural = m[0].rstrip().lower().endswith("s")
        n = _count(m["n"] or m["n2"] or m["nf"], unit, plural)
        if n:  # "past N days" is N days back from as_of, as_of included
            days = min(n * _UNIT_DAYS[unit], _MAX_DAYS)
            found = m[0].strip()
            return as_of - timedelta(days=days - 1), as_of, found, True, found
    m = _RECENT_DAYS.search(question)
    if m:
        return as_of - timedelta(days=6), as_of, m[0], True, m[0]
    spans = [(d, s) for d in mentions if (s := span_of(d)) is not None]
    if not spans:
        return None, None, "", False, ""
    (first, (lo, hi)), last = spans[0], spans[-1]
    before = question[: first.start]
    relative = first.relative and not any(ch.isdigit() for ch in first.text)
    if lo > as_of:
        return None, None, "", False, ""  # "next week", "since 2030": not a period to report on
    words = question[first.start : last[0].end]
    between = re.search(_BETWEEN + r"[^?]{0,12}$", before, re.I)
    if len(spans) >= 2 and between and re.search(_AND, question[first.end : last[0].start], re.I):
        hi2 = last[1][1]
        while lo > hi2 and not re.search(r"\d{4}", first.text):  # "March and May 2024"
            lo = lo.replace(year=lo.year - 1)
        if lo > hi2:  # "between 2024 and 2023"
            lo, hi2 = last[1][0], hi
        both = relative and last[0].relative and not any(ch.isdigit() for ch in last[0].text)
        return lo, min(hi2, as_of), before[between.start() :] + words, both, words
    since = re.search(SINCE + r"[^?.;]{0,80}$", before, re.I)
    if since:  # "since the coup in 2021": from the named date to as_of
        return lo, as_of, before[since.start() :] + words, True, words
    if re.search(_UNTIL + r"[^?.;]{0,12}$", before, re.I) or _BY.search(before):
        return None, min(hi, as_of), words, relative, words
    if first.precision == "week" and lo <= as_of <= hi:
        # "this week" asked on a Monday still means the last few days' news: the current
        # calendar week, or the last seven days when those reach further back
        lo = min(lo, as_of - timedelta(days=6))
    return lo, min(hi, as_of), words, relative, words


_META = re.compile(
    r"\b(according to (the )?(reports?|news|articles?|press)( (published|released|out))?|"
    r"(in |by )?(the )?(reports?|articles?|news|press) (published|released|out|so far)|"
    r"(was |were |been |is |are )?(reported|published)|"
    r"selon (les|la) (informations?|articles?|d[ée]p[êe]ches?|presse)( publi[ée]e?s?)?|"
    r"(a|ont) [ée]t[ée] (annonc|rapport|publi)[ée]e?s?)\b",
    re.I,
)


_TIMELINE_WORDS = re.compile(
    r"\b(give me |make |draw up |write )?(a |the )?(timeline|chronology|chronologie|sequence of "
    r"events)( of| for| du| de la| de l'| des| de)?\b|\b(and|et) (its|their|the) (aftermath|"
    r"follow-up|consequences)\b|\b(and|et) (what|ce qui) (followed|came next|a suivi)\b|"
    r"\b(day by day|step by step|jour après jour|étape par étape)\b",
    re.I,
)


def without_time(question: str, frame: TimeFrame) -> str:
    """The question's subject: without the period's words, 'latest'/'now', 'reports published'.

    "According to the reports published this week, how many soldiers died?" -> "how many
    soldiers died?": the time words are handled by the frame, and as words they would only
    dilute retrieval and the evidence's coverage of the question.
    """
    out = question
    if frame.core:  # "in the attack this week" -> "in the attack"; "yesterday's strike" -> "strike"
        prep = r"(\b(in|on|during|over|since|from|between|en|depuis|le|du|entre)\s+)?"
        core = r"(?<!\w)" + re.escape(frame.core) + r"(['’]s)?(?!\w)"
        out = re.sub(prep + core, " ", out, flags=re.I)
    if frame.order == "newest":
        out = _NEWEST.sub(" ", out)
    out = _META.sub(" ", out)
    if frame.timeline:  # "give me a timeline of X and its aftermath" asks about X
        out = _TIMELINE_WORDS.sub(" ", out)
    out = re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"\s+", " ", out)).strip(" ,;:")
    out = re.sub(r"^[,;:]\s*", "", out)
    return out[:1].upper() + out[1:] if len(out.split()) >= 3 else question


# "Since the decree was adopted, has ...?" / "... depuis que le Conseil en avait fixé la date ?"
_SINCE_CLAUSE = re.compile(
    r"(?:^|,\s*|\s)(?P<clause>(?<!d')(?<!d’)\b(?:ever since|since|depuis(?: que| qu'| qu’)?)\s+"
    r"(?P<event>[^,;?]+))(?=,|;|\?|$)",
    re.I,
)


def since_reference(question: str) -> tuple[str, str]:
    """(the 'since' clause, the event it names) or ('', ''): "since his release" -> "his release".

    The event is the reference of the question, not its answer: "Since the parliament amended
    the law, what has the FRA urged?" is not answered by the amendment.
    """
    m = _SINCE_CLAUSE.search(question)
    if m is None or len(m["event"].split()) < 2 or _NOT_ORDER.search(m["clause"]):
        return "", ""
    return m["clause"].strip(), m["event"].strip()


@lru_cache(maxsize=512)
def question_time(question: str, as_of: date, language: str = "") -> TimeFrame:
    """The period, order and shape (timeline, revision) ``question`` asks about."""
    from rag.analysis.dates import dates
    from rag.analysis.pipelines import pipeline
    from rag.analysis.questions import detect_language

    language = language or detect_language(question)
    mentions, _ = dates(pipeline(language)(question), language, as_of)
    start, end, words, relative, core = _window(question, mentions, as_of)
    without_period = _NOT_ORDER.sub(" ", _LAST_PERIOD.sub(" ", question))
    order: Order = ""
    if _OLDEST.search(without_period):
        order = "oldest"
    elif _NEWEST.search(without_period) or _SINCE_WORD.search(question):
        order = "newest"  # "since his release, where has he been?": the newest reports
    return TimeFrame(
        as_of=as_of,
        start=start,
        end=end,
        text=words,
        core=core,
        relative=relative,
        order=order,
        timeline=bool(
            _TIMELINE.search(question)
            or (_HAPPENED.search(question) and (start is not None or _SINCE_WORD.search(question)))
        ),
        revision=bool(_REVISION.search(question)),
        reference=since_reference(question)[1],
    )
