"""Evidence-first answering, step 1: pick the sentences that can answer, or decide none can.

Signals a small stack can compute: the fused retrieval rank, question/sentence cosine
similarity, the IDF-weighted share of the question's content words found in the sentence and
its context, and whether the sentence holds the kind of answer the question asks for (a number
for "how many", a date for "when", a name for "who"/"where").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.analysis.timeframe import TimeFrame
from rag.answering import place_roles, roles
from rag.answering.injection import addresses_assistant
from rag.answering.retrieval import LexicalIndex, Retrieved
from rag.answering.slots import FACT_KINDS, sentence_claims, slot_fit, source_fit
from rag.answering.timing import MONTHS as MONTH_NAMES
from rag.answering.timing import (
    dated_outside,
    event_date,
    recency,
    restates_reference,
    time_fit,
)
from rag.answering.verify import clauses
from rag.embeddings import DualEncoder, TextEncoder
from rag.language import question_language
from rag.models import Chunk, Evidence
from rag.settings import AnswerSettings
from rag.text import MONTHS, WEEKDAYS, content_terms, names, question_terms, stem, words

_FRENCH_WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
_CALENDAR = frozenset(stem(w) for w in [*MONTHS, *WEEKDAYS, *MONTH_NAMES["fr"], *_FRENCH_WEEKDAYS])
PRONOUN_START = re.compile(
    r"^(it|its|they|their|them|he|his|she|her|this|these|that|those)\b", re.I
)


def coverage(terms: list[str], context: str, lexical: LexicalIndex) -> float:
    """IDF-weighted share of ``terms`` present in ``context``."""
    if not terms:
        return 0.0
    have = set(content_terms(context))
    total = sum(lexical.weight(t) for t in terms)
    found = sum(lexical.weight(t) for t in terms if t in have)
    return found / total if total > 0 else 0.0


@dataclass
class _Candidate:
    chunk: Chunk
    rank: int
    start: int
    end: int
    text: str
    context: str
    position: float  # where the sentence starts in its article, 0 (top) to 1 (end)
    lede: str = ""  # the article's first paragraph: what the story is about


MIN_TERMS_LEFT = 2
"""Question terms left once a "since" clause's are dropped, below which they are kept."""
LEDE_CHARS = 600
"""At most this much of an article's first paragraph (its lede) tells which story it is."""

_ASKS = re.compile(r"\?[\s\"'”»’)]*$")
"""A sentence that ends with a question mark (closing quotes and brackets aside)."""


def _candidates(results: list[Retrieved], article_text: dict[str, str]) -> list[_Candidate]:
    seen: set[tuple[str, int]] = set()
    out: list[_Candidate] = []
    for rank, r in enumerate(results):
        c = r.chunk
        text = article_text.get(c.doc_id)
        lede = text.lstrip()[:LEDE_CHARS].split("\n\n")[0] if text else ""  # once a chunk
        spans = c.sentences
        for i, (s, e) in enumerate(spans):
            key = (c.doc_id, s)
            if key in seen:
                continue
            seen.add(key)
            base, origin = (text, 0) if text else (c.text, c.start)

            def get(a: int, b: int, base: str = base, origin: int = origin) -> str:
                return base[a - origin : b - origin]

            sent = get(s, e)
            start = s
            prev = None
            if i > 0:
                prev = spans[i - 1]
            elif text:
                # the sentence before the chunk, from the article itself
                before = text[:s].rstrip()
                j = max(before.rfind(". "), before.rfind("\n"))
                if before:
                    prev = (j + 1 if j >= 0 else 0, len(before))
            if prev and PRONOUN_START.match(sent):
                # "It said it had taken seven..." needs the sentence that says who "it" is
                start = prev[0]
                sent = get(prev[0], e)
            # the sentence's context: its article title, its chunk and the sentence before
            context = "\n".join([c.title, get(prev[0], e) if prev else "", c.text])
            position = s / len(text) if text else 0.5
            out.append(_Candidate(c, rank, start, e, sent.strip(), context, position, lede))
    return out


def select_evidence(
    question: str,
    results: list[Retrieved],
    *,
    embedder: TextEncoder,
    lexical: LexicalIndex,
    settings: AnswerSettings,
    article_text: dict[str, str] | None = None,
    extra_terms: list[str] | None = None,
    multilingual: DualEncoder | None = None,
    languages: tuple[str, ...] = ("en", "fr"),
    frame: TimeFrame | None = None,
) -> tuple[list[Evidence], list[Evidence]]:
    """(selected evidence, all scored candidates). Selected is empty when nothing answers.

    Each candidate sentence is scored by :func:`score`: its :data:`SIGNALS` (similarity,
    coverage of the question's terms by the sentence and by its context, retrieval rank,
    whether it holds the asked type, its place in the article) times their weights. It can answer when its type fits the question and it clears
    ``min_coverage``, ``min_similarity`` and ``min_answerability``; the best of those is
    selected, with up to ``max_evidence`` others within ``evidence_margin`` of it (every
    figure for "how many") that do not overlap it. A sentence in another language than the
    question's is compared with ``multilingual`` instead (:func:`cross_language`). With a
    time ``frame`` (:mod:`rag.answering.timing`), newer reports and sentences dated in the asked
    period rank higher.
    """
    # a sentence that instructs the assistant ("ignore previous instructions…") reports nothing
    cands = [c for c in _candidates(results, article_text or {}) if not addresses_assistant(c.text)]
    if not cands:
        return [], []
    from rag.analysis import analyse_question  # spaCy loads on first use

    qa = analyse_question(question)
    qtype = qa.kind
    terms = [t for t in question_terms(question) if not (frame and frame.asks_change(t))]
    terms += [t for t in extra_terms or [] if t not in terms]
    named = [t for t in terms if t in names(question)]  # "Kassoro": the same in any language
    # "in the Gao region", not "in June", nor what a "since" clause names (the reference event
    # is not the answer's), nor a capitalised opener ("Since the decree…")
    opener = stem(words(question)[0]) if words(question) else ""
    referred = (
        set(content_terms(frame.reference)) if frame is not None and frame.reference else set()
    )
    anchors = [t for t in named if t not in _CALENDAR and t not in referred and t != opener]
    # what a timeline's events must cover: not the "since" clause's event, when enough is
    # left ("what has happened to the Kanikoro truce since farmers went back to their
    # fields"); a question on one fact keeps them ("since the levy was adopted, has the
    # government said how it is calculated": the levy is what the answer is about)
    if referred and frame is not None and frame.timeline:
        rest = [t for t in terms if t not in referred]
        terms = rest if len(rest) >= MIN_TERMS_LEFT else terms
    # similarity of the question to the sentence or its best clause: long multi-clause
    # sentences dilute a single embedding
    pieces: list[str] = []
    owner: list[int] = []
    for i, cand in enumerate(cands):
        long = len(words(cand.text)) > settings.clause_min_words
        for piece in [cand.text, *(clauses(cand.text) if long else [])]:
            pieces.append(piece)
            owner.append(i)
    piece_vecs = np.asarray(embedder.encode(pieces))

    def similarity(text: str) -> np.ndarray:
        """Each candidate's cosine to ``text``: the best over the sentence and its clauses."""
        best = np.full(len(cands), -1.0)
        np.maximum.at(best, owner, piece_vecs @ embedder.encode([text])[0])
        return best

    sims = similarity(question)
    floors = cross_language(question, cands, sims, multilingual, languages, settings)
    scored: list[Evidence] = []
    claims = sentence_claims([(c.chunk, c.start, c.end, c.text) for c in cands])
    days = [
        event_date(claim, c.chunk.published)[0] if floor == 0.0 else ""
        for c, claim, floor in zip(cands, claims, floors, strict=True)
    ]
    reference = restates_reference(question, frame, similarity, days)
    recent = recency([c.chunk.published for c in cands], frame, settings.unasked_recency)
    for cand, sim, claim, floor, new, ref in zip(
        cands, sims, claims, floors, recent, reference, strict=True
    ):
        slot = slot_fit(qa, claim, cand.chunk.language, strict=settings.strict_counted)
        # "since the decree was adopted": the decree is no answer; a sentence that asks
        # ("How much does insulin cost?", a subheading) asserts nothing
        ok = slot > 0 and not ref and not _ASKS.search(cand.text)
        # a sentence whose article context names none of the question's names (same language:
        # "Mauritanie" is not "Mauritania") is about something else: Ménaka's displaced do not
        # answer "how many displaced live in the Gao region"
        # (the article's lede counts: it names the story's place once for every paragraph)
        about = cand.context + "\n" + cand.lede
        if anchors and floor == 0.0 and coverage(anchors, about, lexical) == 0.0:
            ok = False
        signals = {
            "similarity": float(sim),
            "own_coverage": max(
                floor, coverage(terms, cand.chunk.title + "\n" + cand.text, lexical)
            ),
            "context_coverage": max(floor, coverage(terms, cand.context, lexical)),
            "rank": 1.0 / (1 + cand.rank),
            "type_fit": slot,
            "source_fit": source_fit(qa, claim, cand.context),
            "lead": float(cand.position == 0.0),
            "position": cand.position,
            "recency": new,
            "time_fit": time_fit(claim, frame),
        }
        # not scored: which story a sentence in another language is about (see below)
        signals["names"] = coverage(named, cand.context, lexical) if named else 0.0
        scored.append(
            Evidence(
                chunk_id=cand.chunk.id,
                doc_id=cand.chunk.doc_id,
                text=cand.text,
                start=cand.start,
                end=cand.end,
                similarity=round(float(sim), 4),
                coverage=round(signals["context_coverage"], 4),
                type_ok=ok,
                score=round(score(signals, settings), 4),
                signals={k: round(v, 4) for k, v in signals.items()},
                claim=claim,
                language=cand.chunk.language,
                source=cand.chunk.source,
                published=cand.chunk.published,
            )
        )
    scored.sort(key=lambda e: e.score, reverse=True)
    # a period counted back from as-of ("this week") already narrows the candidates to a few
    # days' reports: what is left needs less lexical proof that it is about the question
    bar = settings.min_answerability
    in_period = frame is not None and frame.relative and frame.start is not None
    if in_period:
        bar -= settings.period_answerability_relief
    asked = question_language(question, languages)

    def said(e: Evidence) -> float:
        # the question's named source is the sentence's speaker, and the slot is filled
        fits = bool(qa.source) and e.signals["source_fit"] == 1.0 == e.signals["type_fit"]
        return settings.named_source_relief if fits and qtype in FACT_KINDS else 0.0

    # a slot the question narrows: a counted noun ("how many soldiers"), a role ("who heads
    # the union"), a place's role ("where were they taken")
    narrowed = (
        (qtype == "number" and bool(qa.counted))
        or (qtype == "actor" and bool(roles.asked_role(question)))
        or (qtype == "place" and bool(place_roles.asked_role(question)))
    )

    def relief(e: Evidence) -> float:
        # a sentence in the other language that fills such a slot ("150 soldats" for "how
        # many soldiers", "Oumar Touré, président de l'Union" for "who heads the union")
        # needs less of the multilingual model's cosine
        filled = narrowed and e.signals["type_fit"] == 1.0
        cross = bool(e.language) and e.language != asked
        return (settings.cross_language_counted_relief if filled and cross else 0.0) + said(e)

    passing = [
        e
        for e in scored
        if e.type_ok
        and e.coverage >= settings.min_coverage - said(e)
        and e.similarity >= settings.min_similarity
        and e.coverage + e.similarity >= bar - relief(e)
        and not dated_outside(e, frame, in_period, qtype == "number", settings.time_grace_days)
    ]
    if not passing:
        return [], scored
    # what fits best goes first: a figure counting the asked thing before a toll of the dead
    # for "how many soldiers was the camp home to", the named source's claim before another's
    fit = max(e.signals["type_fit"] for e in passing)
    # (a yes/no question's named party need not be the speaker: "did the army accept JNIM's
    # claim"; a figure's history is told by "the armed forces", then "the general staff")
    revision = frame is not None and frame.revision
    named_source = qtype in FACT_KINDS and not revision
    own = max(e.signals["source_fit"] for e in passing) if named_source else 0.0
    passing.sort(  # stable: score order within each group
        key=lambda e: e.signals["type_fit"] != fit or (own == 1.0 > e.signals["source_fit"])
    )
    best = passing[0].score
    selected = [passing[0]]
    # a figure's history ("has the toll been revised") needs each report's figure
    most = settings.max_evidence
    history = revision and qtype == "number"
    if history:  # once answerable, each same-story figure belongs to it, even below the bar
        most += settings.revision_extra_evidence
        taken = {id(e) for e in passing}
        # below the bar, a report names what the question does ("Kérétio"): another attack's
        # toll in the same week does not join
        names_bar = settings.figure_coverage_share * passing[0].signals["names"]
        passing += [
            e
            for e in scored
            if e.type_ok and id(e) not in taken and (not named or e.signals["names"] >= names_bar)
        ]
        # each report's figure first: one sentence per article, then the rest
        firsts = {id(e) for e in {e.doc_id: e for e in reversed(passing)}.values()}
        passing = [passing[0]] + sorted(passing[1:], key=lambda e: (id(e) not in firsts, -e.score))
    for e in passing[1:]:
        if len(selected) >= most:
            break
        if any(_overlaps(e, s) for s in selected):
            continue
        # every figure matters for "how many": sources that disagree are all shown, as long
        # as they are about the same thing (a figure of another attack is not)
        share, top = settings.figure_coverage_share, passing[0]
        same_story = e.coverage >= share * top.coverage or (
            e.language != top.language
            and bool(named)
            and e.signals["names"] >= share * top.signals["names"]
        )
        if (qtype == "number" and same_story) or e.score >= best - settings.evidence_margin:
            selected.append(e)
    return selected, scored


def cross_language(
    question: str,
    cands: list[_Candidate],
    sims: np.ndarray,
    multilingual: DualEncoder | None,
    languages: tuple[str, ...],
    settings: AnswerSettings,
) -> list[float]:
    """Score sentences in another language than the question's with the multilingual model.

    The main embedder's cosine means nothing across languages, and coverage counts the
    question's own words: both would turn away a French sentence that answers an English
    question. For such a sentence (its chunk's language, '' and unlisted ones counting as
    ``languages[0]``, differs from the question's), ``sims`` is replaced in place by the
    multilingual question/passage cosine put on the main model's scale,
    ``(cosine - cross_language_shift) * cross_language_scale``, and that value is returned as
    the floor of its coverage. Same-language sentences get floor 0 and keep their cosine,
    unless the question is not in ``languages[0]`` (the main model's language): then their
    similarity is the multilingual one too (on the Sahel dev split, French near-misses refused
    2/7 -> 5/7, French answers 3/11 -> 2/11, the loss fixed by reading age questions).
    """
    floors = [0.0] * len(cands)
    if multilingual is None or not cands:
        return floors
    asked = question_language(question, languages)

    def lang(c: Chunk) -> str:
        return c.language if c.language in languages else languages[0]

    other = [i for i, cand in enumerate(cands) if lang(cand.chunk) != asked]
    # the main model reads languages[0] only: a question in another language is compared with
    # the multilingual model in its own language too (similarity only: coverage is lexical)
    same = [] if asked == languages[0] else sorted(set(range(len(cands))) - set(other))
    if not other and not same:
        return floors
    qvec = multilingual.encode_queries([question])[0]
    cos = multilingual.encode_passages([cands[i].text for i in other + same]) @ qvec
    for i, c in zip(other + same, cos, strict=True):
        sims[i] = (float(c) - settings.cross_language_shift) * settings.cross_language_scale
    for i in other:
        floors[i] = float(sims[i])
    return floors


SIGNALS = (
    "similarity",
    "own_coverage",
    "context_coverage",
    "rank",
    "type_fit",
    "source_fit",
    "lead",
    "position",
    "recency",
    "time_fit",
)
"""What an evidence sentence is scored on (``Evidence.signals``); each has a ``weight_*``."""


def score(signals: dict[str, float], settings: AnswerSettings) -> float:
    """The evidence score: the signals weighted by ``settings.weight_<signal>``."""
    return sum(getattr(settings, f"weight_{name}") * signals[name] for name in SIGNALS)


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end
