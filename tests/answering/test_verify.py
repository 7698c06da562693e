"""The support check and verbatim quoting, on fixed sentences (fake embedder geometry)."""

import pytest

from rag.answering.compose import quote
from rag.answering.verify import check_support

EV_84 = (
    "Mali's northern Tuareg rebels said on Thursday they had killed at least 84 Russian Wagner "
    "mercenaries and 47 Malian soldiers over days of fierce fighting in late July, as Russia "
    "signalled its ongoing commitment to the Malian junta."
)
EV_50 = (
    "The rebel movement, the Permanent Strategic Framework for Peace, Security and Development "
    "(CSP), previously said it had killed dozens in the clashes around the northern border town "
    "of Tinzaouaten, while an al Qaeda affiliate said it had killed 50 Wagner fighters in an "
    "ambush in the same area."
)
EV_AZAWAD = (
    "Tuareg separatists launched an insurgency against Mali in 2012, demanding an independent "
    "homeland called Azawad. Their struggle later became entangled with an al Qaeda-aligned "
    "Islamist rebellion in the same region."
)


@pytest.mark.parametrize(
    ("sentence", "evidence", "reason"),
    [
        ("The Tuareg rebels said they killed at least 84 Russian Wagner mercenaries.", EV_84, ""),
        (
            "The rebels said they killed 85 Wagner mercenaries.",
            EV_84,
            "number(s) not in the cited evidence: 85",
        ),
        (
            "The rebels said they killed 47 Russian Wagner mercenaries.",
            EV_84,
            "47 counts something else in the evidence",
        ),
        (
            "84 Russian Wagner mercenaries were killed in late July.",
            EV_84,
            "drops the attribution of a claim (who said it)",
        ),
        (
            "The CSP said it had killed 50 Wagner fighters.",
            EV_50,
            "the evidence does not have 'csp' claiming 50",
        ),
        (
            "The Tuareg rebels said they had not killed Russian Wagner mercenaries.",
            EV_84,
            "adds a negation the evidence does not have",
        ),
        (
            "The Tuareg rebels said Egyptian forces killed 84 Russian Wagner mercenaries.",
            EV_84,
            "name(s) not in the cited evidence: ['egyptian']",
        ),
        (
            "The Tuareg rebels said they killed 84 Russian Wagner mercenaries.",
            EV_84,
            "states 84 as exact: the evidence says at least",
        ),
        (
            "The CSP said it had killed 12 fighters in the clashes.",
            EV_50,
            "number(s) not in the cited evidence: 12",
        ),
        (
            "The Islamist rebellion is aligned with Azawad.",
            EV_AZAWAD,
            "joins names the evidence mentions in separate statements",
        ),
    ],
)
def test_support_check(sentence, evidence, reason, fake_embedder):
    result = check_support(sentence, [evidence], embedder=fake_embedder, min_similarity=0.4)
    assert (result.supported, result.reason) == (reason == "", reason)


def test_quote_is_verbatim_and_keeps_the_speaker():
    sentence = (
        "The Malian authorities have accused Tuareg and jihadist groups of collaborating, but in "
        'its statement, the CSP said it had fought alone "exclusively from the beginning to the '
        'end" of the recent clashes. It said it had taken seven Malian soldiers and Wagner '
        "fighters prisoner, as well as seizing a large amount of weapons, ammunition, vehicles, "
        "and other equipment."
    )
    q = quote("How many prisoners did the CSP say it took?", sentence)
    assert q.startswith("… in its statement, the CSP said") and q.endswith("prisoner …")
    for piece in q.split("…"):
        assert piece.strip() in sentence
    assert (
        quote("Short question?", "A short sentence stays whole.") == "A short sentence stays whole."
    )


def test_quote_keeps_the_clause_holding_the_asked_fact():
    sentence = (
        "Dans un communiqué lu à la télévision nationale, le gouvernement indique que M. Lorenzo "
        "Bassi, âgé de 54 ans, et M. Yacouba Sidibé ont été libérés « grâce aux efforts soutenus "
        "des services de renseignement et des forces de défense et de sécurité »."
    )
    question = "Quel âge a l'ingénieur italien libéré ?"
    at = sentence.index("54")
    assert "54" not in quote(question, sentence, 20)  # the question's words are elsewhere
    kept = quote(question, sentence, 20, facts=[(at, at + 2)])
    assert "âgé de 54 ans" in kept and kept.startswith("…")
