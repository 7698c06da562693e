"""Evidence-first answering, step 3: keep a generated sentence only if its evidence supports it.

A sentence is supported by the evidence it cites when every number and name it states occurs
in the cited evidence, with its hedge ("at least 84" is not "84"); when it says who claimed a figure ("the CSP said 84"), the evidence has
that figure in a clause where the same speaker claims it (so "the CSP said 50" fails when the
CSP said 84 and someone else said 50); an attributed claim stays attributed; no negation is
invented; and the meaning is close by embedding similarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.embeddings import TextEncoder
from rag.text import (
    ATTRIBUTION,
    content_terms,
    has_attribution,
    has_negation,
    names,
    numbers,
    parse_number,
    stem,
    words,
)

_CLAUSE = re.compile(
    r";|,\s*(?:while|whereas|but|although|though|as|however)\b|\s+while\s+|\s+whereas\s+"
    r"|\s+but\s+|(?<=[.!?])\s+"
)


@dataclass
class SupportResult:
    """Whether a sentence is supported, and if not, why."""

    supported: bool
    reason: str = ""
    similarity: float = 0.0


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: split at sentence ends and joints ('while', 'but', ';')."""
    spans, pos = [], 0
    for m in [*_CLAUSE.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + len(piece.rstrip())))
        if m:
            pos = m.end()
    return spans


def clauses(text: str) -> list[str]:
    """The clauses of a text (see :func:`clause_spans`)."""
    return [text[a:b] for a, b in clause_spans(text)]


def _stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


def _speaker(clause: str) -> set[str]:
    """Content stems of who a clause says is speaking: the words before 'said'/'claimed'."""
    m = ATTRIBUTION.search(clause)
    if not m:
        return set()
    if m.group(0).lower() == "according to":
        return set(content_terms(clause[m.end() :].split(",")[0])[:4])
    return set(content_terms(clause[: m.start()])[-3:])


def _claims(text: str) -> list[tuple[set[float], set[str], set[str]]]:
    """(numbers, speaker terms, all terms) per clause.

    An unattributed clause inherits the speaker of the clause before it.
    """
    out = []
    speaker: set[str] = set()
    for c in clauses(text):
        own = _speaker(c)
        if own:
            speaker = own
        out.append((numbers(c), speaker, _stems(c) | speaker))
    return out


def _counted_all(text: str, window: int = 6) -> list[tuple[float, set[str]]]:
    """(number, content stems of the words after it) for every number in the text."""
    toks = words(text)
    out = []
    for i, t in enumerate(toks):
        n = parse_number(t)
        if n is not None:
            after = " ".join(toks[i + 1 : i + 1 + window])
            out.append((n, set(content_terms(after))))
    return out


def _counted(sentence: str) -> dict[float, set[str]]:
    """What each number of a sentence counts: the first content words after it."""
    out: dict[float, set[str]] = {}
    for n, after in _counted_all(sentence, window=3):
        out.setdefault(n, set()).update(after)
    return out


def _hedge_before(toks: list[str], i: int) -> str:
    """The hedge of the number at token ``i`` ("at least 84" -> "at_least"), else "exact"."""
    from rag.analysis.numbers import HEDGES

    before = " ".join(toks[max(0, i - 4) : i]).lower().replace(" '", "'").replace("' ", "'")
    for by_hedge in HEDGES.values():
        for hedge, phrases in by_hedge.items():
            if any(before == p or before.endswith(" " + p) for p in phrases):
                return hedge
    return "exact"


def hedges(text: str) -> dict[float, set[str]]:
    """Each number of ``text`` with the hedges it is stated with."""
    toks = words(text)
    out: dict[float, set[str]] = {}
    for i, t in enumerate(toks):
        n = parse_number(t)
        if n is not None:
            out.setdefault(n, set()).add(_hedge_before(toks, i))
    return out


def check_support(
    sentence: str,
    evidence: list[str],
    *,
    embedder: TextEncoder,
    min_similarity: float,
) -> SupportResult:
    """Check one answer sentence against the evidence sentences it cites."""
    if not evidence:
        return SupportResult(False, "cites nothing")
    joined = " ".join(evidence)
    if sentence.startswith("“") and sentence.endswith("”"):
        # our own quote format: supported when every piece is copied from the evidence
        pieces = [p.strip() for p in sentence[1:-1].split("…")]
        if any(pieces) and all(not p or any(p in ev for ev in evidence) for p in pieces):
            return SupportResult(True, "verbatim quote", 1.0)
    missing_numbers = numbers(sentence) - numbers(joined)
    if missing_numbers:
        shown = ", ".join(f"{n:g}" for n in sorted(missing_numbers))
        return SupportResult(False, f"number(s) not in the cited evidence: {shown}")
    missing_names = names(sentence) - _stems(joined)
    if missing_names:
        return SupportResult(False, f"name(s) not in the cited evidence: {sorted(missing_names)}")
    for n, counted in _counted(sentence).items():
        windows = [w for ev in evidence for m, w in _counted_all(ev) if m == n]
        if counted and windows and not any(counted & w for w in windows):
            return SupportResult(False, f"{n:g} counts something else in the evidence")
    evidence_claims = [c for ev in evidence for c in _claims(ev)]
    for nums, speaker, _terms in _claims(sentence):
        for n in nums:
            homes = [terms for ev_nums, _s, terms in evidence_claims if n in ev_nums]
            if speaker and homes and not any(speaker <= terms for terms in homes):
                who = " ".join(sorted(speaker))
                return SupportResult(False, f"the evidence does not have {who!r} claiming {n:g}")
    if len(sent_names := names(sentence)) > 1 and not any(
        sent_names <= _stems(c) for ev in evidence for c in clauses(ev)
    ):
        return SupportResult(False, "joins names the evidence mentions in separate statements")
    if (
        has_attribution(joined)
        and not has_attribution(sentence)
        and (numbers(sentence) or names(sentence))
    ):
        return SupportResult(False, "drops the attribution of a claim (who said it)")
    stated = hedges(joined)
    for n, said in hedges(sentence).items():
        if n in stated and not said & stated[n]:
            were = "/".join(sorted(stated[n])).replace("_", " ")
            return SupportResult(
                False, f"states {n:g} as {'/'.join(sorted(said))}: the evidence says {were}"
            )
    if has_negation(sentence) and not has_negation(joined):
        return SupportResult(False, "adds a negation the evidence does not have")
    vecs = embedder.encode([sentence, joined])
    sim = float(np.dot(vecs[0], vecs[1]))
    if sim < min_similarity:
        return SupportResult(False, f"meaning too far from the evidence ({sim:.2f})", sim)
    return SupportResult(True, "", sim)
