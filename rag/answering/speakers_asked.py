"""What "who said …" and "what is X" questions ask of a sentence.

"Who claimed to have killed Malian soldiers?" is answered by who asserts it: the speaker of the
clause that says it, or the agent of a passive ("the new figure was given by spokesman Issa
Kanouté"). "What is the CSP?" is answered first by a sentence that says what the CSP is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.analysis.models import Mention, QuestionAnalysis, SentenceClaim, Speaker
from rag.answering.verify import clause_spans
from rag.text import content_terms


def asked_speaker(qa: QuestionAnalysis, claim: SentenceClaim, language: str = "") -> Speaker | None:
    """Who asserts what the question asks about: the speaker of the clause that says it.

    "The CSP said it had killed dozens, while an al Qaeda affiliate said it had killed 50
    Wagner fighters": for "which group said it killed 50 Wagner fighters", the affiliate.
    """
    spans = clause_spans(claim.text)
    if len(spans) < 2:
        return claim.speaker
    asked = set(content_terms(qa.question))
    shared = [len(asked & set(content_terms(claim.text[a:b]))) for a, b in spans]
    return clause_speaker(claim, spans[shared.index(max(shared))], language or qa.language)


def clause_speaker(claim: SentenceClaim, span: tuple[int, int], language: str) -> Speaker | None:
    """The speaker of the clause ``span`` (offsets in ``claim.text``) of a claim.

    The claim's speaker when it stands in that clause, else the clause's own ("…, while an al
    Qaeda affiliate said …"), else a speaker of an earlier clause, which carries on into this
    one; None when there is none (or only a later clause's).
    """
    said, (a, b) = claim.speaker, span
    if said is not None and a <= said.start - claim.start < b:
        return said
    found = _own_speaker(claim.text[a:b], language)
    if found is None:
        return said if said is not None and said.start - claim.start < a else None
    shift = claim.start + a
    return found.model_copy(update={"start": found.start + shift, "end": found.end + shift})


@lru_cache(maxsize=4096)
def _own_speaker(clause: str, language: str) -> Speaker | None:
    """The speaker the parse finds in a clause on its own.

    Cached: the slot checks, the lead and the ranking ask it of the same clauses.
    """
    from rag.analysis import analyse

    own = analyse(clause, language)
    return own[0].speaker if own else None


_AGENT = re.compile(r"\b(?:by|par)\s+(?:[\w'’.-]+\s+){0,6}$", re.IGNORECASE)
"""Before a passive's agent: "given by armed forces spokesman …", "annoncé par le ministre"."""


SPEAKERLESS_FIT = 0.75
"""The slot fit of a name for "who said / claimed …" in a sentence nobody is said to assert:
the speaker of a claim fits better."""


_DEFINED = re.compile(
    r"^\s*(?i:(?:what|who)\s+(?:is|are|was|were)\s+(?:the\s+)?"
    r"|qu['’]est[- ]ce\s+que\s+(?:le\s+|la\s+|les\s+|l['’])?"
    r"|(?:qui|que)\s+(?:est|sont|était|étaient)\s+(?:le\s+|la\s+|les\s+|l['’])?)"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|du|des|of|al|el|ag)){0,5})\s*\??\s*$"
)
"""A question asking what or who a named thing is: "What is the CSP?", "Qui est Iyad Ag Ghaly ?"."""


def defined_name(question: str) -> str:
    """The name a "what is X" / "qui est X" question asks to describe ('' for other questions)."""
    m = _DEFINED.match(question)
    return m.group("name") if m else ""


def describes(text: str, name: str) -> bool:
    """``text`` says what ``name`` is.

    In apposition ("JNIM, an al Qaeda affiliate"), in brackets after its full name, as the
    subject of "is", or after a descriptive noun ("the rebel coalition CSP").
    """
    from rag.analysis.questions import PERSON_ROLES

    x = re.escape(name)
    det = r"(?:a|an|the|which|who|un|une|le|la|les|l['’]|qui)"
    role = "|".join(sorted(map(re.escape, PERSON_ROLES), key=len, reverse=True))
    return bool(
        re.search(rf"\(\s*{x}\s*\)", text)
        or re.search(rf"\b(?i:{role})\s+{x}\b", text)  # "Foreign Minister Sergei Lavrov"
        or re.search(rf"\b{x}\s*,\s*{det}\b", text)
        or re.search(rf"\b{x}\s+(?:is|are|was|were|est|sont|était)\s+{det}\b", text)
        or re.search(
            rf"\b(?i:the|le|la|les|l['’])\s*(?:(?!(?i:and|or|et|ou|the|le|la|les)\b)[\w'’-]+\s+)"
            rf"{{1,4}}{x}\b",
            text,
        )
    )


def passive_agent(claim: SentenceClaim, mention: Mention) -> bool:
    """``mention`` is the agent of a passive ("given by …", "annoncé par …")."""
    return bool(_AGENT.search(claim.text[: mention.start - claim.start]))


def speaker_names(
    qa: QuestionAnalysis, claim: SentenceClaim, named: list[Mention], language: str = ""
) -> list[Mention]:
    """Who asserts what the question asks about, as the answer gives it.

    The name that ends the speaker's phrase or stands beside it ("the Tuareg-led CSP" -> CSP,
    "the coordinator, Fadimata Walet Ahmed" -> her name); else the phrase itself ("Mali's
    northern Tuareg rebels", "an al Qaeda affiliate"). Empty without a speaker (or a pronoun).
    """
    said = asked_speaker(qa, claim, language)
    if said is None or said.pronoun:
        return []
    tail = claim.text[said.end - claim.start :]
    beside = said.end + (len(tail) - len(tail.lstrip(" ,")))  # "the coordinator, NAME"
    # a name that ends the phrase heads it ("the Tuareg-led CSP"); one inside it qualifies
    # another noun ("an al Qaeda affiliate": the affiliate spoke, not al Qaeda)
    inside = [m for m in named if said.start <= m.start and m.end == said.end]
    inside += [m for m in named if m.start == beside and tail[:1] == ","]
    return inside or [Mention(text=said.text, start=said.start, end=said.end)]
