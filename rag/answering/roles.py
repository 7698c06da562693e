"""The role a "who" question asks for, and the roles a sentence gives the people it names.

"What is the name of the officer commanding the camp?" asks for a commander: "armed forces
spokesman Lieutenant-Colonel Issa Kanouté" names a spokesman, so he does not answer it, while a
name the sentence gives no role may. Ranks ("colonel", "général") are no role: an officer of any
rank can command, speak or negotiate. A sentence that names the asked role nowhere answers
nothing: it does not say who holds it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.analysis.models import Mention, SentenceClaim
from rag.answering.counts import fold

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    # folded (no accents, lower case); a trailing "*" matches any ending
    "lead": (
        "leader*", "head", "heads", "headed", "chief*", "president*", "chair*", "coordinat*",
        "director*", "lead", "leads", "led", "chef*", "dirigeant*", "directeur*", "directrice*",
        "dirige*", "presid*", "a la tete", "at the head",
    ),
    "command": ("command", "commander*", "commanding", "commanded", "commands", "commandant*"),
    "speak": ("spokes*", "porte-parole*"),
    "mediate": ("mediat*", "negotiat*", "negocia*", "envoy*", "facilitat*", "broker*"),
    "govern": ("governor*", "gouverneur*", "governed"),
    "prefect": ("prefect*", "prefet*"),
    "mayor": ("mayor*", "maire*"),
    "minister": ("minister*", "ministre*"),
    "drive": ("driver*", "chauffeur*", "drove"),
    "member": ("member*", "membre*"),
}  # fmt: skip
"""Role classes and the words that name them, in English and French."""

_STEMS = sorted(
    ((w.rstrip("*"), w.endswith("*"), role) for role, ws in ROLE_WORDS.items() for w in ws),
    key=lambda t: len(t[0]),
    reverse=True,
)
_ROLE = re.compile(
    "|".join(
        rf"(?<![\w-]){re.escape(stem)}" + (r"\w*" if prefix else r"(?![\w-])")
        for stem, prefix, _ in _STEMS
    )
)


def _role_of(word: str) -> str:
    return next(
        role for stem, prefix, role in _STEMS if word == stem or (prefix and word.startswith(stem))
    )


def roles_in(text: str) -> list[str]:
    """The role classes ``text`` names, in order ("armed forces spokesman" -> ["speak"])."""
    return [_role_of(m.group()) for m in _ROLE.finditer(fold(text))]


@lru_cache(maxsize=256)
def asked_role(question: str) -> str:
    """The role a who-question asks for: the first role named in its first eight words.

    "Who heads the union that reported drivers killed" -> "lead" (not "drive"); "the name of
    the officer commanding" -> "command"; '' when it names none ("who claimed the attack").
    """
    first = " ".join(re.findall(r"[\w'-]+", question)[:8])
    found = roles_in(first)
    return found[0] if found else ""


_BREAK = re.compile(r"[.;:!?\"“”«»()]")


def mention_roles(claim: SentenceClaim, mention: Mention) -> set[str]:
    """The roles the sentence gives ``mention``: in the words right before it or in its apposition.

    "armed forces spokesman Lieutenant-Colonel Issa Kanouté", "The coalition's coordinator,
    Awa Guindo", "Oumar Touré, président de l'Union des transporteurs".
    """
    a, b = mention.start - claim.start, mention.end - claim.start
    before = claim.text[max(0, a - 80) : a].rstrip()
    before = before[:-1] if before.endswith(",") else before
    before = _BREAK.split(before.rsplit(",", 1)[-1])[-1]
    after = claim.text[b : b + 80]
    apposition = after.split(",")[1] if after.lstrip().startswith(",") else ""
    window = " ".join(before.split()[-4:]) + " , " + _BREAK.split(apposition)[0]
    return set(roles_in(window))


ROLE_UNSTATED_FIT = 0.9
"""The slot fit of a name given no role for a question asking one: a name given it fits better."""


def role_fillers(
    role: str, claim: SentenceClaim, mentions: list[Mention]
) -> tuple[list[Mention], float]:
    """The ``mentions`` that can fill a question asking for ``role``, and their slot fit.

    1 when one of them has the role (or none is asked), :data:`ROLE_UNSTATED_FIT` when they
    have no stated role; a name given another role is dropped. A sentence that names the role
    nowhere fills nothing: "Colonel X inspected the convoy" does not say who commanded it
    (Sahel dev: near-misses refused 22/29 -> 24/29, no answer lost).
    """
    if not role:
        return mentions, 1.0
    if role not in roles_in(claim.text):
        return [], 0.0
    given = [(m, mention_roles(claim, m)) for m in mentions]
    kept = [m for m, roles in given if not roles or role in roles]
    stated = any(role in roles for _, roles in given)
    return kept, 1.0 if stated else ROLE_UNSTATED_FIT
