"""Who asserts a sentence, and whether its main assertion is negated, from the dependency parse.

The speaker is the subject of a reporting verb near the root ("the rebels said ...", "a
déclaré le porte-parole") or the object of "according to", "selon", "d'après".
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Token

from rag.analysis.models import Speaker

# Lemmas of verbs that report what someone asserts (spaCy lemmatises the inflected forms).
REPORTING = {
    "en": frozenset(
        """say tell claim announce report state allege acknowledge admit confirm deny declare
        insist add estimate accuse warn indicate explain assert note reject dismiss maintain
        write tweet post publish reveal disclose concede contend argue blame""".split()
    ),
    "fr": frozenset(
        """dire déclarer affirmer indiquer annoncer préciser assurer confirmer démentir nier
        revendiquer expliquer ajouter estimer rapporter signaler souligner reconnaître accuser
        avancer communiquer rejeter réfuter contester dénoncer assurer écrire publier révéler
        avertir prévenir admettre""".split()
    ),
}
# Verbs that report when what they give is a figure: "the authorities gave a toll of 17",
# "put the number at 40", "le gouvernorat a donné un bilan de 17 morts".
FIGURE_GIVING = frozenset("give put provide cite issue release donner fournir citer".split())
FIGURE_NOUNS = frozenset(
    """toll figure number estimate count tally total bilan chiffre estimation nombre
    décompte""".split()
)
# Reporting verbs whose assertion is a denial: "Wagner denied the losses" is negated.
DENIAL = frozenset("deny reject dismiss refute démentir nier réfuter rejeter contester".split())
_SUBJECTS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj"}
# Who reports is a verb's active subject ("the toll was confirmed", "le coût est estimé à":
# not), or the small French parse's impersonal subject, which it gives "Il dénonce"
_ASSERTERS = {"nsubj", "expl:subj"}
_CLAUSE = {"ROOT", "parataxis", "ccomp", "conj", "xcomp"}
_NEGATORS = frozenset("not n't never no pas jamais plus aucun aucune rien guère".split())


def _depth(tok: Token) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 50:
        tok, depth = tok.head, depth + 1
    return depth


def _phrase(head: Token, exclude: set[int]) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``head``: its subtree, contiguous, up to a comma."""
    inside = {t.i for t in head.subtree} - exclude
    cut = {
        t.i
        for child in head.children
        if child.dep_ in {"relcl", "acl", "acl:relcl", "appos", "parataxis"}
        for t in child.subtree
    }
    inside -= cut
    lo = hi = head.i
    doc = head.doc
    while lo - 1 in inside and not (doc[lo - 1].is_punct and doc[lo - 1].text != "-"):
        lo -= 1  # a hyphen inside a word ("Tuareg-led") is part of the phrase
    while hi + 1 in inside and not doc[hi + 1].is_punct and doc[hi + 1].pos_ != "NUM":
        hi += 1
    # a word the parse cut at its hyphen ("l'état-major" as "état", "-", "major") is whole
    while lo >= 2 and _joined(doc, lo - 1):
        lo -= 2
        while lo and doc[lo - 1].dep_ == "det" and doc[lo - 1].head.i == lo:
            lo -= 1  # "L'" of "L'état-major"
    while hi + 2 < len(doc) and _joined(doc, hi + 1):
        hi += 2
    return lo, hi + 1


def _joined(doc: Doc, i: int) -> bool:
    """Token ``i`` is a hyphen written between two words without spaces ("état-major")."""
    return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _prepositional(doc: Doc) -> list[tuple[int, Token, Token]]:
    """(depth, cue, noun) for "according to X", "selon X", "d'après X"."""
    found: list[tuple[int, Token, Token]] = []
    for tok in doc:
        low = tok.lower_
        if low == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    found.extend(
                        (_depth(tok), tok, obj) for obj in to.children if obj.dep_ == "pobj"
                    )
        elif low == "selon" and tok.head.i != tok.i:
            found.append((_depth(tok), tok, tok.head))
        elif low == "après" and tok.i and doc[tok.i - 1].lower_ in {"d'", "d’"}:
            marker = doc[tok.i - 1]
            noun = marker.head if marker.head.i != marker.i else tok.head
            found.append((_depth(tok), marker, noun))
    return found


def speaker(doc: Doc, language: str, *, offset: int = 0) -> Speaker | None:
    """The one who asserts the parsed sentence, or None when it is the outlet's own voice."""
    reporting = REPORTING["fr" if language == "fr" else "en"]
    candidates: list[tuple[int, int, Token, Token, str, set[int]]] = []
    for tok in doc:
        reports = tok.lemma_.lower() in reporting or _gives_figure(tok)
        if reports and tok.pos_ in {"VERB", "AUX"} and tok.dep_ in _CLAUSE:
            depth = _depth(tok)
            # the subject nearest the verb: a question's parse can give "How many fighters
            # did the rebels say" two, and the rebels are the ones saying
            subjects = sorted(
                (c for c in tok.children if c.dep_ in _ASSERTERS), key=lambda c: abs(tok.i - c.i)
            )
            if subjects and depth <= 1 and not _passive(tok):
                candidates.append((depth, tok.i, tok, subjects[0], tok.lemma_.lower(), set()))
    for depth, cue, noun in _prepositional(doc):
        lemma = "according to" if cue.lower_ == "according" else cue.lower_.replace("’", "'")
        cue_tokens = {cue.i} | {c.i for c in cue.children if c.dep_ == "fixed" or c.lower_ == "to"}
        if lemma in {"d'", "d’"}:
            lemma = "d'après"
            cue_tokens.add(cue.i + 1)
        candidates.append((depth, cue.i, cue, noun, lemma, cue_tokens))
    if not candidates:
        return None
    _, _, _cue, subject, lemma, exclude = min(candidates, key=lambda c: (c[0], c[1]))
    lo, hi = _phrase(subject, exclude | {_cue.i})
    span = doc[lo:hi]
    cut = 1 if span.text.startswith("-") else 0  # "a-t-il déclaré": the parse's "-il"
    return Speaker(
        text=span.text[cut:],
        start=offset + span.start_char + cut,
        end=offset + span.end_char,
        cue=lemma,
        pronoun=len(span) == 1 and span[0].pos_ == "PRON",
    )


def _passive(verb: Token) -> bool:
    """``verb`` is passive: its subject is reported on, not reporting ("le coût est estimé").

    The small French parse labels "est" of "est estimé" a tense auxiliary; a reporting verb
    takes "être" only in the passive or reflexively ("s'est dit").
    """
    aux = [c for c in verb.children if c.dep_.startswith("aux")]
    if any(c.dep_ in {"aux:pass", "auxpass"} for c in aux):
        return True
    reflexive = any(c.lower_ in {"se", "s'", "s’"} for c in verb.children)
    return not reflexive and any(c.lemma_ == "être" and c.pos_ == "AUX" for c in aux)


def _gives_figure(verb: Token) -> bool:
    """``verb`` gives a figure ("gave a toll of 17"): it reports as "said" does."""
    if verb.lemma_.lower() not in FIGURE_GIVING:
        return False
    return any(
        c.dep_ in {"dobj", "obj"} and c.lemma_.lower() in FIGURE_NOUNS for c in verb.children
    )


def _negates(verb: Token) -> bool:
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if any(d.lower_ in _NEGATORS for s in subjects for d in s.children if d.dep_ == "det"):
        return True  # "No soldiers were hurt", "Aucun soldat n'a été blessé"
    return any(
        c.dep_ == "neg" or "Neg" in c.morph.get("Polarity", []) or c.lower_ in _NEGATORS
        for c in verb.children
        if c.dep_ in {"neg", "advmod", "det", "obj", "dobj", "nsubj"} or c.dep_.startswith("advmod")
    )


def negated(doc: Doc, language: str) -> bool:
    """True when the main assertion is negated ("did not", "n'a pas") or denied ("denied")."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return False
    root = roots[0]
    if root.lemma_.lower() in DENIAL:
        return True
    if _negates(root):
        return True
    reporting = REPORTING["fr" if language == "fr" else "en"]
    if root.lemma_.lower() in reporting:  # what was reported: "said it had not lost ..."
        return any(
            c.lemma_.lower() in DENIAL or _negates(c)
            for c in root.children
            if c.dep_ in {"ccomp", "xcomp", "parataxis", "obj", "dobj"}
            and c.pos_ in {"VERB", "AUX"}
        )
    return False


# Reporting verbs a speech tag uses beside those of REPORTING ("« … », témoigne un habitant").
_TAG_ONLY = {
    "en": ("add", "recall", "complain", "recount", "reply"),
    "fr": (
        "réagir témoigner raconter déplorer analyser confier observer poursuivre insister "
        "rappeler noter relever regretter commenter constater résumer conclure répondre "
        "juger s'inquiéter s'indigner"
    ).split(),
}
# French verbs that, after a bare comma, as often take an object as name a speaker ("…,
# dénonce les exactions"): a tag only right after a quote.
_OBJECT_TAKING = frozenset(
    """accuser dénoncer revendiquer publier communiquer avancer rejeter réfuter contester nier
    démentir annoncer révéler avertir prévenir admettre reconnaître signaler""".split()
)
_IRREGULAR = {
    "say": ("said", "says"),
    "tell": ("told", "tells"),
    "write": ("wrote", "writes"),
    "dire": ("dit", "disent"),
    "écrire": ("écrit", "écrivent"),
    "reconnaître": ("reconnaît", "reconnu", "reconnaissent"),
    "admettre": ("admet", "admis", "admettent"),
    "avertir": ("avertit", "averti"),
    "prévenir": ("prévient", "prévenu"),
    "démentir": ("dément", "démenti"),
    "poursuivre": ("poursuit", "poursuivi"),
    "conclure": ("conclut", "conclu"),
    "répondre": ("répond", "répondu"),
    "réagir": ("réagit", "réagi"),
    "rappeler": ("rappelle", "rappelé"),
}


def _forms(lemma: str, language: str) -> tuple[str, ...]:
    """Finite forms of a reporting verb: "indique", "indiqué" (in "a indiqué"); "said", "adds"."""
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if language == "fr":
        lemma = lemma.removeprefix("s'")
        stem = lemma[:-2]
        return (stem + "e", stem + "ent", stem + "é") if lemma.endswith("er") else ()
    if lemma.endswith("e"):
        return (lemma + "d", lemma + "s")
    return ((lemma[:-1] + "ied") if lemma.endswith("y") else (lemma + "ed"), lemma + "s")


@cache
def _lemmas(language: str) -> dict[str, str]:
    """Each form -> its lemma, for the reporting and speech-tag verbs of ``language``."""
    lemmas = set(REPORTING[language]) | set(_TAG_ONLY[language])
    return {f: lemma for lemma in sorted(lemmas) for f in _forms(lemma, language)}


@cache
def _speech_tag(language: str, quoted: bool) -> re.Pattern[str]:
    """A speech tag: "« … », indique le texte" (``quoted``), "…, ajoute l'état-major"."""
    forms = sorted(
        (f for f, lemma in _lemmas(language).items() if quoted or lemma not in _OBJECT_TAKING),
        key=len,
        reverse=True,
    )
    verb = "|".join(map(re.escape, forms))
    if language == "fr":
        inverted = r"(?:-t-(?P<pron>il|elle)|-(?P<pron2>il|elle|ils|elles)\b)?"
        aux = rf"(?:(?:a|ont|avait|avaient|aurait){inverted.replace('pron', 'aux_pron')}\s+)?"
        stop = r"qui|que|qu['’]|dont|lors|en|à|au|aux|sur|depuis|avant|après|pour|selon|dans"
        det = r"l['’]|(?:le|la|les|un|une|des|ce|cet|cette|ces|son|sa|ses|leur|leurs)\b"
    else:
        aux, inverted = "", ""
        stop = r"who|which|that|on|in|at|to|from|after|before|during|by|as|for|while|when"
        det = r"(?:the|a|an|this|its|his|her|their)\b"
    before = r"[»”\"]\s*,?" if quoted else r","
    return re.compile(
        rf"{before}\s*{aux}(?P<verb>{verb}){inverted}"
        rf"(?:\s+(?P<who>(?:{det}|[A-ZÉÈ])[^,.;:!?«»\"”]*?))?"
        rf"(?:,\s+(?P<name>(?:[A-ZÉÈ][\w'’-]+\s?){{1,4}}))?"
        rf"(?=\s*[,.;:!?]|\s*$|\s+(?:{stop})\b)"
    )


def tail_speaker(text: str, language: str, *, offset: int = 0) -> Speaker | None:
    """The speaker a speech tag names after what is said, for a sentence the parse gave none.

    French puts the speaker after the verb ("« … », a déclaré le directeur de la compagnie,
    Hamidou Kansaye"; "…, ajoute l'état-major"), which the small French parse often reads as an
    object, or misses when it does not lemmatise the verb; English does after a quote ("…,"
    added a trader). The verb is one of REPORTING's or a speech-tag verb ("témoigner"). English
    needs the quote; so do French verbs that commonly take an object ("dénoncer").
    """
    lang = "fr" if language == "fr" else "en"
    found = [
        m
        for quoted in ((True, False) if lang == "fr" else (True,))
        for m in _speech_tag(lang, quoted).finditer(text)
    ]
    if not found:
        return None
    tag = max(found, key=lambda m: m.start())  # the last: "« … », a-t-il dit. « … », ajoute X"
    who, name = tag.group("who"), tag.group("name")
    pron = next((k for k, v in tag.groupdict().items() if k.endswith(("pron", "pron2")) and v), "")
    if who:
        lo, hi = tag.start("who"), tag.end("who")
        if name and not text[tag.end("name") :].strip(' .;!?»”"'):
            hi = tag.end("name")  # "le directeur de la compagnie, Hamidou Kansaye."
    elif pron:
        lo, hi = tag.start(pron), tag.end(pron)
    else:
        return None
    span = text[lo:hi].rstrip()
    return Speaker(
        text=span,
        start=offset + lo,
        end=offset + lo + len(span),
        cue=_lemmas(lang).get(tag.group("verb"), tag.group("verb").lower()),
        pronoun=not who,
    )
