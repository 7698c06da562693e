"""Whether a sentence states a reason: what "why" and "on what grounds" ask for.

A sentence states a reason when it holds a causal or purpose connective ("because", "due to",
"in response to", "to protest", "parce que", "en raison de", "afin de") or names the reason as
such ("the reason", "le motif", "citing"). Connectives are closed-class words, listed here for
English and French as stopword lists are; "since" and "after", which are usually about time, and
"as", "for" and "pour", which are usually not causal, are left out.
"""

from __future__ import annotations

import re

from rag.answering.counts import fold

_EN = (
    r"because|due to(?! (?:be|start|begin|take|hold|open|end|resume|arrive|meet|sign|vote|"
    r"return|expire|close|finish|leave|visit|travel|announce|publish|appear|face|run)\b)|"
    r"owing to|thanks to|as a result|as a consequence|in response to|"
    r"(?:was|were|is|are|as) (?:a|an) (?:response|reaction|retaliation|reprisal)|"
    r"in retaliation|in reprisal|in protest|to protest|in order to|so as to|so that|"
    r"aim(?:s|ed)? (?:at|to)|intended to|meant to|designed to|"
    r"to (?:prevent|avoid|stop|punish|force|pressure|secure|protect)|"
    r"cit(?:e|es|ed|ing)|reasons?|grounds|justif\w*|blam(?:e|es|ed|ing)|"
    r"(?:made|makes|make) it (?:impossible|difficult|necessary)|forc(?:e|es|ed|ing)|"
    r"prompt(?:s|ed)?|led to|leads to|caus(?:e|es|ed)|"
    r"(?:could|can|cannot|can't|could not|would not) (?:no longer|afford|risk)|"
    r"no longer (?:able|possible|safe)|too (?:dangerous|risky|costly|expensive)"
)
_FR = (
    r"parce qu\w*|car|puisqu\w*|en raison d\w*|a cause d\w*|du fait d\w*|faute d\w*|grace a|suite a|"
    r"a la suite d\w*|en reponse a|en represailles|en signe de protestation|pour protester|"
    r"afin d\w*|de sorte qu\w*|pour (?:eviter|empecher|punir|forcer|proteger|obtenir)|"
    r"vis(?:e|ait|ant) a|invoqu\w*|motifs?|raisons?|justifi\w*|"
    r"(?:rend|rendu|rendent) (?:impossible|difficile|necessaire)|contrain\w*|oblig\w*|"
    r"provoqu\w*|entrain\w*|conduit a|ne (?:peut|peuvent|pouvons|pouvait|pouvaient) plus|"
    r"trop (?:dangereux|risque|couteux|cher)"
)
_MARKERS = {
    "en": re.compile(rf"\b(?:{_EN})\b"),
    "fr": re.compile(rf"\b(?:{_FR})\b"),
}


def states_reason(text: str, language: str = "en") -> bool:
    """The sentence, in ``language`` ('en' or 'fr'; others read as English), states a reason.

    >>> states_reason("Kanouté said the toll had risen because several of the wounded had died.")
    True
    >>> states_reason("La compagnie a suspendu ses liaisons en raison de l'insécurité.", "fr")
    True
    >>> states_reason("The convoy arrived in Gao on Monday.")
    False
    >>> states_reason("The campaign was due to start on June 13.")  # a schedule, not a cause
    False
    """
    return bool(_MARKERS.get(language, _MARKERS["en"]).search(fold(text)))
