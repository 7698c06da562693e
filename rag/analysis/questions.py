"""``analyse_question``: what a question asks for.

Its language, the kind of answer it wants, the noun a number question counts, a named source
("according to the army") and its content lemmas.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc, Token

from rag.analysis.models import QuestionAnalysis, QuestionKind
from rag.analysis.pipelines import pipeline
from rag.analysis.speakers import speaker

# Question words and phrases (lower-cased, as they open the question or a clause) -> kind.
# Longest first: "how many" before "how", "par qui" before "qui".
OPENERS: dict[str, dict[str, QuestionKind]] = {
    "en": {
        "how many": "number",
        "how much": "number",
        "what number": "number",
        "what percentage": "number",
        "what proportion": "number",
        "how old": "number",
        "how long": "number",
        "when": "date",
        "what date": "date",
        "which date": "date",
        "what day": "date",
        "which day": "date",
        "what year": "date",
        "which year": "date",
        "what month": "date",
        "who": "actor",
        "whom": "actor",
        "whose": "actor",
        "where": "place",
        "why": "reason",
        "what reason": "reason",
        "what reasons": "reason",
        "on what grounds": "reason",
        "what explanation": "reason",
        "how did": "reason",
        "list": "list",
        "name the": "list",
        "what kinds": "list",
        "what types": "list",
    },
    "fr": {
        "combien": "number",
        "quel nombre": "number",
        "quel pourcentage": "number",
        "quand": "date",
        "quelle date": "date",
        "quel jour": "date",
        "quelle année": "date",
        "quel mois": "date",
        "qui": "actor",
        "par qui": "actor",
        "quel âge": "number",
        "comment s'appelle": "actor",
        "comment s'appelait": "actor",
        "où": "place",
        "d'où": "place",
        "où en": "other",  # "où en sont les cultures ?": how things stand, not a place
        "pourquoi": "reason",
        "pour quelle raison": "reason",
        "quelles raisons": "reason",
        "comment": "reason",
        "est-ce que": "yesno",
        "est-ce qu'": "yesno",
        "citez": "list",
        "énumérez": "list",
        "quels sont": "list",
        "quelles sont": "list",
    },
}
# Nouns after "which"/"what"/"quel" that ask for a place, a date or an actor.
NOUN_KINDS: dict[str, QuestionKind] = {
    **dict.fromkeys(
        "town city village region country area locality place camp base".split(), "place"
    ),
    **dict.fromkeys(
        "ville village région pays localité lieu camp base commune cercle".split(), "place"
    ),
    **dict.fromkeys("date day year month jour année mois".split(), "date"),
    **dict.fromkeys(
        "reason raison explanation justification motif motive rationale grounds cause".split(),
        "reason",
    ),
    **dict.fromkeys(
        """toll figure count total number bilan chiffre nombre rate percentage turnout price
        cost amount age taux pourcentage participation prix coût montant âge revenue income
        budget sum fee fine tax salary wage value volume quantity proportion distance duration
        capacity revenu recette somme taxe impôt amende salaire valeur quantité durée
        capacité""".split(),
        "number",
    ),
    **dict.fromkeys("name nom".split(), "actor"),  # "what is the name of the officer"
    **dict.fromkeys(
        """group company organisation organization spokesman official minister person man woman
        member leader commander groupe entreprise société organisation porte-parole responsable
        ministre personne homme femme membre chef commandant""".split(),
        "actor",
    ),
}


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "fr"])
    return ident


def detect_language(text: str) -> str:
    """'en' or 'fr' (the two languages of the corpus), by py3langid."""
    lang, _score = _identifier().classify(text)
    return "fr" if lang == "fr" else "en"


def _is_wh(tok: Token) -> bool:
    return tok.tag_ in {"WDT", "WP", "WP$", "WRB"} or "Int" in tok.morph.get("PronType", [])


def _describes(doc: Doc) -> bool:
    """The question asks who a named person is: a description, not a name.

    "Who was Jim Thorpe?", "Qui est Assimi Goïta ?"; not "who is the head of the union" nor
    "who is Mali's president".
    """
    toks = [t for t in doc if not t.is_punct]
    if (
        len(toks) < 3
        or toks[0].lower_ not in {"who", "qui"}
        or toks[1].lemma_ not in {"be", "être"}
    ):
        return False
    end = 2
    if end < len(toks) - 1 and toks[end].pos_ == "DET":  # "who are the Tuareg"
        end += 1
    start = end
    while end < len(toks) and toks[end].pos_ == "PROPN":
        end += 1
    return end > start and (end == len(toks) or toks[end].lower_ in {"and", "et"})


def _kind(doc: Doc, language: str) -> QuestionKind:
    if _describes(doc):
        return "other"
    low = doc.text.lower().replace("’", "'")
    clauses = [low] + [low[i + 2 :] for i in range(len(low) - 1) if low[i : i + 2] == ", "]
    # "through how many stations", "dans quelle ville": the opener after its preposition
    clauses += [c[m.end() :] for c in clauses if (m := _PREPOSITION.match(c))]
    openers = OPENERS[language]
    for clause in clauses:
        for phrase in sorted(openers, key=len, reverse=True):
            if clause.startswith(phrase) and (
                len(clause) == len(phrase) or not clause[len(phrase)].isalpha()
            ):
                how = openers[phrase] == "reason" and not phrase.startswith(("why", "pourquoi"))
                if how and _asks_change_of_count(doc):
                    return "number"  # "How did the toll evolve?": the counts, report by report
                return openers[phrase]
    for tok in doc:  # "which region", "in which country", "quelle ville", "what cargo"
        if _is_wh(tok) or tok.lower_ in {"which", "what", "quel", "quelle", "quels", "quelles"}:
            after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if after is not None and after.like_num and after.i + 1 < len(doc):
                after = doc[after.i + 1]  # "which three regions": the noun after the count
            noun = tok.head if tok.head.pos_ == "NOUN" and tok.head.i > tok.i else None
            noun = noun or (after if after is not None and after.pos_ == "NOUN" else None)
            if noun is None and after is not None and after.pos_ == "AUX":
                # "what is the death toll", "quel est le bilan": the copula's noun
                noun = next(
                    (t for t in doc[tok.i + 2 : tok.i + 9] if t.lemma_.lower() in NOUN_KINDS),
                    None,
                )
            if noun is not None:
                if noun.lemma_.lower() in NOUN_KINDS:
                    kind = NOUN_KINDS[noun.lemma_.lower()]
                    plural = noun.tag_ == "NNS" or noun.morph.get("Number", []) == ["Plur"]
                    return "list" if plural and kind in {"actor", "place"} else kind
                if noun.tag_ == "NNS" or noun.morph.get("Number", []) == ["Plur"]:
                    return "list"
            break
    if _asks_change_of_count(doc):
        return "number"  # "Has the toll been revised?", "Le bilan a-t-il été révisé ?"
    first = next((t for t in doc if not t.is_punct), None)
    if first is not None and first.pos_ == "AUX" and language == "en":
        return "yesno"  # "Did the army ...?", "Was the column ...?"
    if language == "fr" and first is not None and first.pos_ in {"AUX", "VERB"}:
        return "yesno"  # "A-t-il ...?" (inversion)
    wh = any(_is_wh(t) or t.lower_ in {"quel", "quelle", "quels", "quelles"} for t in doc)
    if language == "fr" and not wh and any(t.lower_ in _INVERTED for t in doc):
        return "yesno"  # "Les orpailleurs devront-ils payer ?" (complex inversion)
    return "other"


_COUNT_NOUNS = frozenset(noun for noun, kind in NOUN_KINDS.items() if kind == "number")
_CHANGE_VERBS = frozenset(
    """revise update change rise raise increase climb correct evolve alourdir réviser revoir
    modifier changer corriger augmenter évoluer actualiser""".split()
)


def _asks_change_of_count(doc: Doc) -> bool:
    """The question asks whether or how a count changed: its answer is the counts."""
    lemmas = {t.lemma_.lower() for t in doc}
    return bool(lemmas & _COUNT_NOUNS) and bool(lemmas & _CHANGE_VERBS)


def _counted(doc: Doc, language: str) -> Token | None:
    for tok in doc:
        if tok.lower_ in _COUNT_WORDS:
            if tok.head.pos_ == "NOUN" and tok.head.i > tok.i:
                # "how much does insulin cost" (read as a noun): a price, not a thing counted
                return None if tok.head.lemma_.lower() in _COUNT_NOUNS else tok.head
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is None or nxt.lower_ not in {"de", "d'", "d’", "of"}:
                return None  # "combien coûtait le litre", "how much did it cost": a price
            return next((t for t in doc[tok.i + 2 : tok.i + 5] if t.pos_ == "NOUN"), None)
    return None


_PREPOSITION = re.compile(
    r"(through|in|by|from|at|for|with|to|on|of|during|dans|par|en|à|de|pour|avec|sur|depuis)\s+"
)
_AGE = re.compile(r"\bhow old\b|\bwhat age\b|\bquel [âa]ge\b|\bl'[âa]ge\b", re.I)
# French subject pronouns after an inverted verb ("devront-ils"), as spaCy splits them off.
_INVERTED = frozenset({"-il", "-ils", "-elle", "-elles", "-on", "-t-il", "-t-elle", "-t-on"})
_COUNT_WORDS = frozenset({"many", "much", "combien", "number", "nombre"})
_MODIFIERS = frozenset({"compound", "amod", "flat", "flat:name", "nmod:poss"})


def _phrase(noun: Token) -> str:
    """The counted noun with the modifiers that narrow it ("Wagner fighters", "soldats maliens")."""
    left = [t for t in noun.lefts if t.dep_ in _MODIFIERS and t.lower_ not in _COUNT_WORDS]
    right = [t for t in noun.rights if t.dep_ in _MODIFIERS and t.pos_ in {"ADJ", "PROPN"}]
    start = min((t.i for t in left), default=noun.i)
    end = max((t.i for t in right), default=noun.i) + 1
    return noun.doc[start:end].text


@lru_cache(maxsize=256)
def analyse_question(question: str) -> QuestionAnalysis:
    """What ``question`` asks for (English or French).

    Cached: evidence selection, the lead and composition all ask it of the same question.
    """
    language = detect_language(question)
    doc = pipeline(language)(question)
    kind = _kind(doc, language)
    counted = _counted(doc, language) if kind == "number" else None
    counted_text = _phrase(counted) if counted is not None else ""
    counted_lemma = counted.lemma_.lower() if counted is not None else ""
    if kind == "number" and not counted_text and _AGE.search(question):
        # "how old", "quel âge": counted in years ("âgé de 54 ans", "the 54-year-old")
        counted_text, counted_lemma = ("ans", "an") if language == "fr" else ("years", "year")
    source = speaker(doc, language)
    asked_speaker = source is not None and any(
        _is_wh(t) for t in doc.char_span(source.start, source.end, alignment_mode="expand") or []
    )
    if source is not None and (source.pronoun or asked_speaker):
        source = None  # "Who said ...": the speaker is what is asked
    source_text = source.text if source is not None else _owner(doc)
    terms: dict[str, None] = {}
    for tok in doc:
        if tok.is_stop or tok.is_punct or _is_wh(tok) or not (tok.is_alpha or tok.like_num):
            continue
        terms[tok.lemma_.lower()] = None
    return QuestionAnalysis(
        question=question,
        language="fr" if language == "fr" else "en",
        kind=kind,
        counted=counted_text,
        counted_lemma=counted_lemma,
        source=source_text,
        terms=list(terms),
        plural=_asks_plural(doc),
        person=kind in {"actor", "list"} and _asks_person(doc),
        speaker_asked=kind == "actor" and asked_speaker,
    )


PERSON_ROLES = frozenset(
    """officer commander general colonel captain minister governor mayor president prime
    spokesman spokeswoman spokesperson driver leader chief head emir imam engineer journalist
    negotiator mediator envoy ambassador prefect person man woman victim hostage child soldier
    passenger civilian teacher doctor nurse farmer trader herder student
    officier commandant général colonel capitaine ministre gouverneur maire président
    porte-parole chauffeur dirigeant chef émir imam ingénieur journaliste négociateur médiateur
    envoyé ambassadeur préfet personne homme femme victime otage enfant militaire passager
    civil enseignant médecin infirmier agriculteur commerçant éleveur élève étudiant""".split()
)
"""Nouns naming a person by role: what "which officer" or "the name of the governor" asks."""
_NAMING = frozenset({"be", "être", "appeler", "call", "name", "nom"})
_OF = frozenset({"of", "de", "du", "des", "d'"})
_WHICH = frozenset({"which", "what", "quel", "quelle", "quels", "quelles"})


def _asks_person(doc: Doc) -> bool:
    """The asked actor is a person by role, not an organisation.

    "The name of the officer commanding the camp", "which minister", "who is the governor",
    "comment s'appelle le chauffeur"; not "who did the minister accuse" (the minister acts).
    """
    for tok in doc:
        if tok.lemma_.lower() not in PERSON_ROLES or tok.pos_ not in {"NOUN", "PROPN"}:
            continue
        head = tok.head
        named = head.lemma_.lower() in _NAMING  # "who is the governor", "s'appelle le chef"
        of_name = head.lower_ in _OF and head.head.lemma_.lower() in _NAMING  # "name of the"
        which = (tok.i >= 1 and doc[tok.i - 1].lower_ in _WHICH) or (  # "which (army) officer"
            tok.i >= 2 and doc[tok.i - 2].lower_ in _WHICH and doc[tok.i - 1].pos_ != "VERB"
        )
        if named or of_name or which:
            return True
    return False


_OWNED = _COUNT_NOUNS | {"claim", "estimate", "statement", "account", "version"}


def _owner(doc: Doc) -> str:
    """Whose figure a question asks for: "the army's final toll", "JNIM's claim" (else '')."""
    for tok in doc:
        if tok.dep_ == "poss" and tok.head.lemma_.lower() in _OWNED and not _is_wh(tok):
            return doc[tok.left_edge.i : tok.i + 1].text
    return ""


def _asks_plural(doc: Doc) -> bool:
    """The noun after the question word is plural ("which years", "quelles villes")."""
    for tok in doc:
        if _is_wh(tok) or tok.lower_ in {"which", "what", "quel", "quelle", "quels", "quelles"}:
            nxt = next((t for t in doc[tok.i + 1 : tok.i + 4] if t.pos_ == "NOUN"), None)
            return nxt is not None and (
                nxt.tag_ == "NNS" or nxt.morph.get("Number", []) == ["Plur"]
            )
    return False
