"""What a figure counts beyond its noun: the dead, the wounded, an age.

"Six soldiers were killed and four wounded": the six are dead, the four wounded, and the four
are soldiers too (a figure counting nothing named borrows the noun before it). A question about
the dead is answered by the dead only, one about the wounded by the wounded, "how old" by an age.
Read from the sentence around each figure of a claim (:mod:`rag.analysis`).
"""

from __future__ import annotations

import re
import unicodedata

from rag.analysis.models import Figure, QuestionAnalysis, SentenceClaim


def fold(text: str) -> str:
    """Lower case without accents (for comparing names across spellings)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


YEARS = frozenset({"year", "an", "annee"})
_AGED = re.compile(r"(\baged|\b[âa]g[ée]e?s? de|\w,)\s*$", re.I)


def is_age(claim: SentenceClaim, f: Figure) -> bool:
    """An age written without "years": "aged 54", "Lorenzo Bassi, 54, was freed"."""
    if f.counts:
        return False
    text, begin, end = claim.text, f.start - claim.start, f.end - claim.start
    before = _AGED.search(text[max(0, begin - 12) : begin])
    if before is None:
        return False
    return not before.group(1).endswith(",") or text[end : end + 1] == ","


_TOLL_TERMS = frozenset({"toll", "bilan", "death", "dead", "mort", "victime"})
DEATH = re.compile(
    r"\b(kill\w*|dead|deaths?|died|toll|bodies|victims?|tu[ée]e?s?|morts?|d[ée]c[èe]s|"
    r"d[ée]c[ée]d[ée]e?s?|bilan|victimes?|p[ée]ri|p[ée]rirent|p[ée]rissent|lost their lives|"
    r"perdu la vie|neutrali[sz]\w*)\b",  # "17 assailants neutralised": an army's word for killed
    re.I,
)
# a preposition of place or part (hedges skipped) right before a figure: "on two villages"
_PLACE_BEFORE = re.compile(
    r"\b(on|in|at|near|from|of|across|between|among|dans|sur|de|des|en|pr[èe]s de|parmi)\s+"
    r"((at least|at most|about|some|nearly|almost|around|more than|over|au moins|environ|"
    r"pr[èe]s de|plus de|quelque)\s+)?$",
    re.I,
)
_HURT = re.compile(
    # "eight wounded", "11 were injured", not "nine soldiers and wounded 11" (a new clause)
    r"\W*((?!and\b|et\b)\w+\W+){0,2}?(wounded|injured|hurt|missing|bless[ée]e?s?|disparue?s?)\b",
    re.I,
)
_DEATH_BEFORE = re.compile(
    r"\b(kill\w*|tu[ée]\w*|tuant|fait|neutrali[sz]\w*)\s+((at least|some|about|nearly|au moins|environ|"
    r"pr[èe]s de|quelque)\s+)?$",
    re.I,
)
_VERB_CHARS = 25  # before a counted figure: "killed 40 soldiers", "killing nine soldiers"
_DEATH_WINDOW = 120  # characters before an uncounted figure in which a death word makes it a toll


def asks_toll(qa: QuestionAnalysis) -> bool:
    """A death-toll question that names nothing counted ("what is the latest toll")."""
    return bool(_TOLL_TERMS & set(qa.terms))


HURT_WORD = re.compile(r"\b(wounded|injured|injuries|hurt|bless[ée]e?s?|blessures?)\b", re.I)
_HURT_BEFORE = re.compile(
    r"\b(wound\w*|injur\w*|bless\w*)\s+((at least|some|about|au moins|environ)\s+)?$", re.I
)


_OTHERS = frozenset({"other", "others", "more", "autre", "autres"})
_ELLIPSIS_CHARS = 60


def elliptic(claim: SentenceClaim) -> list[Figure]:
    """The claim's figures; one counting nothing named counts what the figure before it does.

    "nine soldiers were killed and 11 others wounded", "onze autres blessés".
    """
    out: list[Figure] = []
    for f in claim.figures:
        prev = out[-1] if out else None
        first = fold(f.counts).split()[:1]
        if (
            prev is not None
            and prev.counts
            # "the 54-year-old engineer … with two others": a compound modifies, it counts none
            and claim.text[prev.end - claim.start : prev.end - claim.start + 1] != "-"
            and (not first or first[0] in _OTHERS or bool(HURT_WORD.fullmatch(f.counts)))
            and f.start - prev.end <= _ELLIPSIS_CHARS
        ):
            f = f.model_copy(update={"counts": prev.counts, "counts_lemma": prev.counts_lemma})
        out.append(f)
    return out


FATE = re.compile(
    r"\b(los[et]|loss\w*|casualt\w*|pertes?|perdu\w*|victim\w*|harm\w*|toll|bilan|"
    r"kill\w*|dead|deaths?|died|tu[ée]\w*|morts?|wound\w*|injur\w*|bless\w*|hurt)\b",
    re.I,
)
_TOLL_OF = re.compile(
    r"\b(?:death toll|toll|bilan)\s+(?:of|de|d'|d’)\s*"
    r"((at least|about|some|nearly|more than|over|au moins|environ|pr[èe]s de|plus de)\s+)?$",
    re.I,
)
_TOLL_BEFORE = re.compile(r"\b(death toll|toll|bilan)\b[^.;]{0,60}$", re.I)
_DEAD_AFTER = re.compile(
    r"\s+(?:(?:were|was|have been|had been|ont été|sont|a été|avaient été|had)\s+)?"
    r"\W?(?:killed|dead|died|tu[ée]e?s?|morts?|p[ée]ri|neutrali[sz]\w*)\b",
    re.I,
)


_AND = re.compile(r"^\W*(and|et|as well as|ainsi que)?\W*$", re.I)


def coordinated(claim: SentenceClaim, flags: list[bool]) -> list[bool]:
    """``flags`` (one per figure) spread along coordinations.

    In "killed at least 84 mercenaries and 47 soldiers", the 47 were killed too.
    """
    out = list(flags)
    figs = claim.figures
    for i in range(1, len(figs)):
        prev, f = figs[i - 1], figs[i]
        gap = claim.text[prev.end - claim.start : f.start - claim.start]
        if prev.counts and gap.lstrip().startswith(prev.counts):
            gap = gap.lstrip()[len(prev.counts) :]  # "84 mercenaries and 47": " and "
        if out[i - 1] and not out[i] and _AND.match(gap.replace("at least", "")):
            out[i] = True
    return out


def is_dead(claim: SentenceClaim, f: Figure) -> bool:
    """The figure counts the dead: "11 bodies", "20 civilians were killed", "killed nine"."""
    if f.counts and DEATH.search(f.counts):
        return True
    text, begin, end = claim.text, f.start - claim.start, f.end - claim.start
    if _DEATH_BEFORE.search(text[max(0, begin - _VERB_CHARS) : begin]):
        return True
    if _TOLL_BEFORE.search(text[max(0, begin - _DEATH_WINDOW) : begin]):
        return True  # "the toll has risen to at least 21 soldiers"
    at = text.find(f.counts, end) if f.counts else end
    after = at + len(f.counts) if 0 <= at <= end + 40 else end
    return bool(_DEAD_AFTER.match(text[after : after + 30]))


def is_hurt(claim: SentenceClaim, f: Figure) -> bool:
    """The figure counts the wounded.

    "eight wounded", "11 soldiers were injured", "onze autres blessés", "wounding 12 people".
    """
    if f.counts and HURT_WORD.search(f.counts):
        return True
    text, begin, end = claim.text, f.start - claim.start, f.end - claim.start
    if _HURT_BEFORE.search(text[max(0, begin - _VERB_CHARS) : begin]):
        return True
    at = text.find(f.counts, end) if f.counts else end
    after = at + len(f.counts) if 0 <= at <= end + 40 else end
    return bool(_HURT.match(text[after : after + 30]))


def near_death(claim: SentenceClaim, f: Figure) -> bool:
    """The figure is a death toll.

    It counts the dead ("11 bodies", "dix morts"); or the dead follow what it counts ("20
    civilians were killed", "six militaires tués"); or it counts nothing and a death word comes
    before it ("the toll rose to at least 31", "killed … rose to 31"). "Attacks on two
    villages" near "killed" is not a toll.
    """
    if f.counts and DEATH.search(f.counts):
        return True
    text, begin, end = claim.text, f.start - claim.start, f.end - claim.start
    at = text.find(f.counts, end) if f.counts else -1
    if 0 <= at <= end + 40 and not re.search(r"[,;:]", text[end:at]):
        # "20 civilians were killed", "killed 40 soldiers": the verb is next to them
        after = at + len(f.counts)
        verb_before = _DEATH_BEFORE.search(text[max(0, begin - _VERB_CHARS) : begin])
        verb_after = DEATH.search(text[after : after + 25])
        return bool(verb_before or verb_after) and not _HURT.match(text[after : after + 30])
    if _HURT.match(text[end : end + 30]):
        return False  # "20 killed and eight wounded": the eight are not dead
    if _DEAD_AFTER.match(text[end : end + 30]) or _TOLL_OF.search(text[max(0, begin - 40) : begin]):
        return True  # "a toll of 17 dead", "un bilan de 12": "of" names no place here
    if _PLACE_BEFORE.search(text[max(0, begin - 40) : begin]):
        return False  # "killed in attacks on two villages": where, not how many
    return bool(DEATH.search(text[max(0, begin - _DEATH_WINDOW) : end]))
