"""Evidence-first answering, step 3: keep a generated sentence only if its evidence supports it.

A sentence is supported by the evidence it cites when every number and name it states occurs
in the cited evidence, each number sits in the same clause as the names the sentence ties to
it (so "the CSP said 50" fails when the CSP said 84 and someone else said 50), an attributed
claim stays attributed, a negation is not invented, and the meaning is close by embedding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.store import TextEncoder
from rag.text import (
    ATTRIBUTION,
    content_terms,
    has_attribution,
    has_negation,
    names,
    numbers,
    stem,
    words,
)

_CLAUSE = re.compile(
    r";|,\s*(?:while|whereas|but|although|though|as|and|however)\b|\s+while\s+|\s+whereas\s+"
    r"|\s+but\s+|,\s+(?=[a-z]+\s+(?:said|says|claimed|reported)\b)"
)


@dataclass
class SupportResult:
    """Whether a sentence is supported, and if not, why."""

    supported: bool
    reason: str = ""
    similarity: float = 0.0


def clauses(text: str) -> list[str]:
    """Split a sentence into clauses at contrastive or coordinating joints."""
    return [c for c in _CLAUSE.split(text) if c and c.strip()]


def check_support(
    sentence: str,
    evidence: list[str],
    *,
    embedder: TextEncoder,
    min_similarity: float,
    question: str = "",
) -> SupportResult:
    """Check one answer sentence against the evidence sentences it cites."""
    if not evidence:
        return SupportResult(False, "cites nothing")
    joined = " ".join(evidence)
    missing_numbers = numbers(sentence) - numbers(joined)
    if missing_numbers:
        shown = ", ".join(f"{n:g}" for n in sorted(missing_numbers))
        return SupportResult(False, f"number(s) not in the cited evidence: {shown}")
    sent_names = names(sentence)
    missing_names = sent_names - _lower_stems(joined)
    if missing_names:
        return SupportResult(False, f"name(s) not in the cited evidence: {sorted(missing_names)}")
    # numbers must stay with the actors they belong to
    for n in numbers(sentence):
        homes = [c for ev in evidence for c in clauses(ev) if n in numbers(c)]
        if homes and not any(
            sent_names <= _lower_stems(c) | _context_names(ev, c)
            for ev in evidence
            for c in homes
            if c in ev
        ):
            return SupportResult(False, f"{n:g} is attributed to someone else in the evidence")
    speaker = _speaker(sentence)
    if speaker:
        # "X said N": X must be who says N in the evidence, not someone else in the sentence
        for n in numbers(sentence) or {None}:
            homes = [
                (ev, c) for ev in evidence for c in clauses(ev) if n is None or n in numbers(c)
            ]
            if homes and not any(
                speaker <= _lower_stems(c) | _context_terms(ev, c) for ev, c in homes
            ):
                who = " ".join(sorted(speaker))
                return SupportResult(False, f"the evidence does not have {who!r} saying this")
    if has_attribution(joined) and not has_attribution(sentence) and (
        numbers(sentence) or sent_names
    ):
        return SupportResult(False, "drops the attribution of a claim (who said it)")
    if has_negation(sentence) and not has_negation(joined):
        return SupportResult(False, "adds a negation the evidence does not have")
    vecs = embedder.encode([sentence, joined])
    sim = float(np.dot(vecs[0], vecs[1]))
    if sim < min_similarity:
        return SupportResult(False, f"meaning too far from the evidence ({sim:.2f})", sim)
    return SupportResult(True, "", sim)


def _lower_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


def _speaker(sentence: str) -> set[str]:
    """Content stems of who a sentence says is speaking: the words before 'said'/'claimed'."""
    m = ATTRIBUTION.search(sentence)
    if not m:
        return set()
    if m.group(0).lower() == "according to":
        return set(content_terms(sentence[m.end() :].split(",")[0])[:4])
    return set(content_terms(sentence[: m.start()])[-4:])


def _context_terms(evidence: str, clause: str) -> set[str]:
    """Terms an opening clause carries into a later one without its own speaker."""
    first = clauses(evidence)[0]
    if clause == first or has_attribution(clause):
        return set()
    return _lower_stems(first)


def _context_names(evidence: str, clause: str) -> set[str]:
    """Names an opening clause carries into the rest (the subject of 'X said ..., and ...')."""
    first = clauses(evidence)[0]
    return names(first) if clause != first and not has_attribution(clause) else set()
